from django import forms
from django.contrib.auth import forms as auth_forms
from django.template import loader
from django.utils.translation import gettext_lazy as _

from background.outbox import queue_email
from iscg.forms import DsfrBaseForm


class SignInForm(DsfrBaseForm, auth_forms.AuthenticationForm):
    # Django's message names the field through its label (« Saisissez un adresse électronique… »).
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("Incorrect e-mail address or password."),
    }
    username = forms.EmailField(
        label=_("Professional e-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class OneTimeCodeForm(DsfrBaseForm):
    token = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split()).lower()


class VerifyForm(OneTimeCodeForm):
    token = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        help_text=_("Six digits from the app, or one of your ten backup codes."),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class EnrolForm(OneTimeCodeForm):
    token = forms.CharField(
        label=_("Six-digit code shown by the app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
    )


class SetPasswordForm(DsfrBaseForm, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(DsfrBaseForm, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(DsfrBaseForm, auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Queue the reset link in the outbox (the worker sends it) instead of sending it in the request."""
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        queue_email(to=to_email, subject=subject, body=loader.render_to_string(email_template_name, context))
