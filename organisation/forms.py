from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from accounts.models import User
from iscg.forms import DateInput, DsfrBaseForm
from organisation.models import Department, Partner, PartnerType, Post, Unit

STAFF_ROLES = [(role.value, role.label) for role in (Role.POLICE, Role.ISCG, Role.COORDINATOR, Role.FUNDER)]


class StaffForm(DsfrBaseForm):
    """A new account with its role and scope, limited to what the coordinator manages."""

    email = forms.EmailField(label=_("Professional e-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLES, widget=forms.RadioSelect)
    units = forms.ModelMultipleChoiceField(
        label=_("Units (police officers and gendarmes)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    post = forms.ModelChoiceField(label=_("Post (ISCG)"), queryset=Post.objects.none(), required=False)
    starts_on = forms.DateField(
        label=_("Start date in the post"),
        required=False,
        widget=DateInput,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments (coordinators and funders)"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        if not scope.is_national:
            # Coordinators confirm each other's ISCG assignments (issue 16, item 6): a coordinator who could
            # create a coordinator account for an address they control would confirm their own request.
            # Coordinator accounts are the national admin's to create.
            self.fields["role"].choices = [choice for choice in STAFF_ROLES if choice[0] != Role.COORDINATOR]
        self.fields["units"].queryset = Unit.objects.visible_to(scope).active().order_by("name")
        self.fields["post"].queryset = Post.objects.visible_to(scope).order_by("name")
        self.fields["departments"].queryset = Department.objects.visible_to(scope).order_by("code")
        self.fields["starts_on"].initial = timezone.localdate()

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("An account already uses this e-mail address."))
        return email

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == Role.POLICE and not cleaned.get("units"):
            self.add_error("units", _("Choose at least one unit for a police officer or gendarme."))
        if role == Role.ISCG and not cleaned.get("post"):
            self.add_error("post", _("Choose the post of the social worker."))
        if role in (Role.COORDINATOR, Role.FUNDER) and not cleaned.get("departments"):
            self.add_error("departments", _("Choose at least one department."))
        return cleaned


class PartnerForm(DsfrBaseForm, forms.ModelForm):
    """A partner of the directory; `version` detects a concurrent edit."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = [
            "name",
            "partner_type",
            "department",
            "address",
            "commune",
            "phone",
            "email",
            "website",
            "opening_hours",
            "accepts",
            "is_active",
        ]
        widgets = {"accepts": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.visible_to(scope).order_by("code")
        self.fields["partner_type"].queryset = PartnerType.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        departments = self.fields["department"].queryset
        if len(departments) == 1:
            self.fields["department"].initial = departments[0]
