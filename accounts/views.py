import base64
import logging

import segno
from axes.models import AccessLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.util import random_hex

from accounts import lockout, services
from accounts.forms import EnrolForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm, SignInForm, VerifyForm
from privacy import crypto

RECENT_SIGN_INS = 10
logger = logging.getLogger(__name__)

ENROL_KEY = "accounts.enrol_key"


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return reverse(default)


def verify(request):
    """Second step of sign-in: a code from the authenticator app, or a backup code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:enrol")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, locked_until = _match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        if locked_until is not None:
            seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
            form.add_error(
                "token",
                _("Too many wrong codes. Wait %(seconds)s seconds before trying again.") % {"seconds": seconds},
            )
        else:
            form.add_error("token", _("This code is not valid, or it has already been used."))
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


def _match_token(user, token):
    """(device, None) when a device accepts the token; (None, locked_until) when throttled."""
    locked_until = None
    # The authenticator app first: a backup code tried in vain would throttle the next sign-in.
    devices = sorted(devices_for_user(user, confirmed=True), key=lambda device: isinstance(device, StaticDevice))
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            locked_until = max(filter(None, [locked_until, (info or {}).get("locked_until")]), default=None)
            continue
        # Backup codes are stored as digests (services.backup_code_digest): compare digests.
        candidate = services.backup_code_digest(token) if isinstance(device, StaticDevice) else token
        if device.verify_token(candidate):
            return device, None
    return None, locked_until


def _enrolment_key(request) -> str:
    """The pending authenticator key of this enrolment, kept in the session sealed with the field
    encryption keys (the session store never holds it in clear); a new one if none or unreadable."""
    sealed = request.session.get(ENROL_KEY)
    try:
        if sealed:
            return crypto.decrypt(sealed)
    except crypto.DecryptionError:
        logger.info("enrolment restarted: its pending key was sealed with a retired key")
    key = random_hex(20)
    request.session[ENROL_KEY] = crypto.encrypt(key)
    return key


def enrol(request):
    """Enrol an authenticator app: QR code rendered here, confirmation code, then ten backup codes."""
    if user_has_device(request.user, confirmed=True) and request.user.is_verified():
        return redirect("accounts:security")
    if user_has_device(request.user, confirmed=True):
        return redirect("accounts:verify")
    # The key waits in the session, sealed, until a code confirms it: a GET writes no device row.
    key = _enrolment_key(request)
    device = services.totp_device_pending(user=request.user, key=key)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_device_for_enrolment(user=request.user, key=key)
        if device.verify_token(form.cleaned_data["token"]):
            request.session.pop(ENROL_KEY, None)
            codes = services.totp_confirm(device=device, request=request)
            otp_login(request, device)
            return render(request, "accounts/backup_codes.html", {"codes": codes, "first_time": True})
        form.add_error("token", _("This code is not valid. Check the time of your phone and try again."))
    qr_code = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=_("QR code to scan with your authenticator app"), dark="#161616"
    )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    secret_groups = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(request, "accounts/enrol.html", {"form": form, "qr_code": qr_code, "secret": secret_groups})


def security(request):
    """The user's own account security: recent sign-ins, backup codes, password, second factor."""
    sign_ins = AccessLog.objects.filter(username=request.user.email).order_by("-attempt_time")[:RECENT_SIGN_INS]
    backup_codes_left = sum(device.token_set.count() for device in request.user.staticdevice_set.all())
    return render(
        request,
        "accounts/security.html",
        {"sign_ins": sign_ins, "backup_codes_left": backup_codes_left, "require_2fa": settings.REQUIRE_2FA},
    )


@require_POST
def backup_codes_regenerate(request):
    codes = services.backup_codes_regenerate(user=request.user)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "first_time": False})


@require_POST
def second_factor_reset(request):
    services.second_factor_reset(user=request.user, request=request)
    messages.success(request, _("Your second factor has been removed. Enrol your authenticator app again."))
    return redirect("accounts:enrol")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this session and ends every other one."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed. Your other sessions have ended."))
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_url": settings.SITE_URL}

    def form_valid(self, form):
        if not lockout.password_reset_allowed(self.request, form.cleaned_data["email"]):
            form.add_error(None, _("Too many reset requests lately. Wait an hour before asking again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_not_required
def invitation(request, token):
    """An invited user sets a password, then enrols a second factor."""
    try:
        user = services.invitation_user(token=token)
    except services.InvalidInvitation:
        return render(request, "accounts/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your password is set. Now protect your account with a second factor."))
        return redirect("accounts:enrol")
    return render(request, "accounts/invitation.html", {"form": form, "invited": user})
