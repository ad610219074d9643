"""Casework forms. Choice fields are scoped (posts, persons, partners of the user's scope)."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from dsfr.widgets import InlineRadioSelect

from accounts.enums import Role
from accounts.models import User
from casework.enums import (
    CHILD_PROTECTION_KINDS,
    OUTCOME_STATUSES,
    FollowUpClosingReason,
    InterventionStatus,
    OrientationKind,
)
from casework.models import Assessment, FollowUp, Intervention, Orientation, Person, ViolenceForm
from casework.normalise import normalise_phone, normalise_text
from iscg.forms import SELECT_AN_OPTION, DateInput, DsfrBaseForm
from organisation.models import Partner, PartnerType, Post, PostAssignment
from referrals.forms import DATETIME_FORMAT, DateTimeLocalInput
from referrals.models import Problem


def _active_problems():
    return Problem.objects.filter(is_active=True).order_by("position", "name")


class VersionedForm(DsfrBaseForm):
    """A form on a shared record: the hidden ``version`` detects a concurrent edit."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def set_version(self, instance) -> None:
        if instance is not None and instance.pk:
            self.fields["version"].initial = instance.version


# ---- Persons ------------------------------------------------------------------------------------


class PersonSearchForm(DsfrBaseForm):
    name = forms.CharField(label=_("Name"), required=False, help_text=_("Accents and case do not matter."))
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    phone = forms.CharField(label=_("Phone"), required=False, help_text=_("The whole number."))

    def criteria(self) -> dict:
        """The criteria given, normalised for ``PersonQuerySet.search`` (accents and case ignored);
        empty when nothing was searched."""
        data = self.cleaned_data
        criteria = {
            "terms": normalise_text(data["name"]).split(),
            "birth_date": data["birth_date"],
            "phone": normalise_phone(data["phone"]),
        }
        return {name: value for name, value in criteria.items() if value}


class PersonForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "is_anonymous",
            "last_name",
            "first_name",
            "birth_name",
            "sex",
            "birth_date",
            "age_class",
            "safe_phone",
            "safe_email",
            "best_time",
            "commune",
            "family_situation",
            "children_count",
            "children_ages",
            "known_to_social_services",
        ]
        widgets = {
            "sex": InlineRadioSelect,
            "birth_date": DateInput,
            "known_to_social_services": InlineRadioSelect,
            "children_count": forms.NumberInput(attrs={"min": 0, "max": 30, "inputmode": "numeric"}),
        }

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_version(self.instance)
        self.fields["post"] = forms.ModelChoiceField(
            label=_("Post"), queryset=Post.objects.none(), required=False, empty_label=None
        )
        if self.instance.pk or scope is None:
            del self.fields["post"]
        else:
            posts = Post.objects.visible_to(scope).order_by("name")
            self.fields["post"].queryset = posts
            self.fields["post"].required = True
            self.order_fields(["post"])

    FIELDSETS = [
        (_("Identity"), ["post", "is_anonymous", "last_name", "first_name", "birth_name", "sex"]),
        (_("Age"), ["birth_date", "age_class"]),
        (_("Safe contact"), ["safe_phone", "safe_email", "best_time", "commune"]),
        (
            _("Situation at first contact"),
            ["family_situation", "children_count", "children_ages", "known_to_social_services"],
        ),
    ]

    def fieldsets(self):
        """(legend, bound fields) for the template, skipping fields this form does not have."""
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in self.FIELDSETS]

    def clean_birth_date(self):
        birth_date = self.cleaned_data.get("birth_date")
        if birth_date and birth_date > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return birth_date

    def clean(self):
        cleaned = super().clean()
        names = [cleaned.get(name) for name in ("last_name", "first_name", "birth_name")]
        if cleaned.get("is_anonymous") and any(names):
            self.add_error("is_anonymous", _("An anonymous person has no name: clear the names or untick this box."))
        return cleaned


class PersonCreateConfirmForm(forms.Form):
    """Ticked when the ISCG has seen the possible duplicates and still creates a new record."""

    create_anyway = forms.BooleanField(required=False)


class PersonChoiceForm(DsfrBaseForm):
    """A person of the post (household member, merge)."""

    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())

    def __init__(self, *args, queryset, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = queryset
        if label:
            self.fields["person"].label = label


# ---- Follow-ups ---------------------------------------------------------------------------------


def _post_social_workers(posts):
    today = timezone.localdate()
    user_ids = PostAssignment.objects.current(today).filter(post__in=posts).values("user")
    return User.objects.filter(pk__in=user_ids, role=Role.ISCG, is_active=True).order_by("last_name", "first_name")


class FollowUpOpenForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["person_role", "problems", "opened_on"]
        widgets = {
            "person_role": InlineRadioSelect,
            "problems": forms.CheckboxSelectMultiple,
            "opened_on": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problems"].queryset = _active_problems()

    def clean_opened_on(self):
        opened_on = self.cleaned_data["opened_on"]
        if opened_on > timezone.localdate():
            raise forms.ValidationError(_("A follow-up cannot be opened in the future."))
        return opened_on


class FollowUpForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["person_role", "problems", "assigned_to"]
        widgets = {"person_role": InlineRadioSelect, "problems": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_version(self.instance)
        self.fields["problems"].queryset = _active_problems()
        self.fields["assigned_to"].queryset = _post_social_workers([self.instance.post_id])


class FollowUpCloseForm(DsfrBaseForm):
    reason = forms.ChoiceField(
        label=_("Closing reason"), choices=FollowUpClosingReason.choices, widget=forms.RadioSelect
    )
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput, initial=timezone.localdate)
    planned = forms.ChoiceField(
        label=_("Planned appointments of this follow-up"),
        choices=[
            ("cancel", _("Cancel them")),
            ("keep", _("Keep them in my agenda")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, planned_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if not planned_count:
            del self.fields["planned"]

    def clean_closed_on(self):
        closed_on = self.cleaned_data["closed_on"]
        if closed_on > timezone.localdate():
            raise forms.ValidationError(_("A follow-up cannot be closed in the future."))
        return closed_on


def _candidate_label(person: Person) -> str:
    """A possible match of a referral's person: enough to recognise them, nothing of the casework."""
    parts = [person.display_name]
    if person.birth_date:
        parts.append(_("born on %(date)s") % {"date": date_format(person.birth_date, "SHORT_DATE_FORMAT")})
    if person.safe_phone:
        parts.append(person.safe_phone)
    return " — ".join(parts)


class OpenFromReferralForm(DsfrBaseForm):
    """Taking a referral up: who is the person (created from the referral, or an existing record)."""

    referral_person = forms.ModelChoiceField(
        label=_("Person concerned in the referral"), queryset=None, widget=forms.RadioSelect, empty_label=None
    )
    existing_person = forms.ModelChoiceField(
        label=_("Existing record of this person"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("None: create a record from the referral"),
        help_text=_("Possible matches found in your post's records."),
    )
    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.none(), empty_label=None)

    def __init__(self, *args, referral, scope, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral_person"].queryset = referral.persons.order_by("pk")
        self.fields["referral_person"].label_from_instance = lambda person: (
            f"{person.display_name} — {person.get_role_display()}"
        )
        victims = [person for person in self.fields["referral_person"].queryset if person.role == "victim"]
        if victims:
            self.fields["referral_person"].initial = victims[0].pk
        self.fields["existing_person"].queryset = candidates
        if candidates.exists():
            self.fields["existing_person"].widget = forms.RadioSelect()
            self.fields["existing_person"].label_from_instance = _candidate_label
        else:
            self.fields["existing_person"].widget = forms.HiddenInput()
        posts = Post.objects.visible_to(scope).covering(referral.unit).order_by("name")
        self.fields["post"].queryset = posts
        if len(posts) <= 1:
            self.fields["post"].widget = forms.HiddenInput()
            self.fields["post"].initial = posts[0].pk if posts else None


# ---- Interventions ------------------------------------------------------------------------------


class InterventionForm(VersionedForm, forms.ModelForm):
    """Under a minute: now, interview, police station, held, 30 minutes are the defaults."""

    class Meta:
        model = Intervention
        fields = ["starts_at", "duration_minutes", "kind", "place", "status", "summary", "private_note"]
        widgets = {
            "starts_at": DateTimeLocalInput,
            "duration_minutes": forms.NumberInput(attrs={"min": 1, "max": 720, "step": 5, "inputmode": "numeric"}),
            "status": InlineRadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "private_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_version(self.instance)
        self.fields["starts_at"].input_formats = [DATETIME_FORMAT]
        self.fields["starts_at"].show_hidden_initial = False
        if not self.instance.pk:
            self.initial.setdefault("starts_at", timezone.localtime().replace(second=0, microsecond=0))
        elif self.instance.author_id != user.pk:
            del self.fields["private_note"]  # someone else's private note is never shown, nor editable
        else:
            self.initial["private_note"] = self.instance.private_note

    def clean(self):
        cleaned = super().clean()
        starts_at, status = cleaned.get("starts_at"), cleaned.get("status")
        if starts_at and status == InterventionStatus.HELD and starts_at > timezone.now():
            self.add_error("status", _("An intervention in the future can only be planned."))
        return cleaned


# ---- Assessments --------------------------------------------------------------------------------


class AssessmentForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = [
            "assessed_on",
            "problems",
            "violence_forms",
            "needs",
            "risk_level",
            "risk_comment",
            "is_very_serious_danger",
            "children_exposed",
            "known_to_social_services",
        ]
        widgets = {
            "assessed_on": DateInput,
            "problems": forms.CheckboxSelectMultiple,
            "violence_forms": forms.CheckboxSelectMultiple,
            "needs": forms.Textarea(attrs={"rows": 4}),
            "risk_level": InlineRadioSelect,
            "risk_comment": forms.Textarea(attrs={"rows": 3}),
            "children_exposed": forms.NumberInput(attrs={"min": 0, "max": 30, "inputmode": "numeric"}),
            "known_to_social_services": InlineRadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problems"].queryset = _active_problems()
        self.fields["violence_forms"].queryset = ViolenceForm.objects.filter(is_active=True)
        self.fields["violence_forms"].help_text = _("For violence problems.")

    def clean_assessed_on(self):
        assessed_on = self.cleaned_data["assessed_on"]
        if assessed_on > timezone.localdate():
            raise forms.ValidationError(_("An assessment cannot be dated in the future."))
        return assessed_on


# ---- Orientations -------------------------------------------------------------------------------


class OrientationForm(DsfrBaseForm, forms.ModelForm):
    """An orientation to a partner of the department's directory (or a partner type), or a
    child-protection transmission with its recipient."""

    class Meta:
        model = Orientation
        fields = ["kind", "oriented_on", "partner", "partner_type", "recipient", "reason", "status", "outcome_on"]
        widgets = {
            "kind": forms.RadioSelect,
            "oriented_on": DateInput,
            "outcome_on": DateInput,
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, followup, scope, **kwargs):
        super().__init__(*args, **kwargs)
        partners = (
            Partner.objects.visible_to(scope)
            .filter(department=followup.post.department_id, is_active=True)
            .select_related("partner_type")
            .order_by("partner_type__position", "partner_type__name", "name")
        )
        self.fields["partner"].queryset = partners
        self.fields["partner"].choices = _partner_choices_by_type(partners)
        self.fields["partner"].help_text = _("The department's directory, sorted by type.")
        self.fields["partner_type"].queryset = PartnerType.objects.filter(is_active=True)
        self.fields["partner_type"].help_text = _("When no partner of the directory fits.")
        self.fields["outcome_on"].help_text = _("Today by default once the orientation has an outcome.")

    def clean_oriented_on(self):
        oriented_on = self.cleaned_data["oriented_on"]
        if oriented_on > timezone.localdate():
            raise forms.ValidationError(_("An orientation cannot be dated in the future."))
        return oriented_on

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == OrientationKind.ORIENTATION and not (cleaned.get("partner") or cleaned.get("partner_type")):
            self.add_error("partner", _("Choose a partner of the directory or a partner type."))
        if kind in CHILD_PROTECTION_KINDS and not cleaned.get("recipient"):
            self.add_error("recipient", _("Name the recipient of the transmission (CRIP, prosecutor's office)."))
        return _default_outcome_on(cleaned)


def _partner_choices_by_type(partners) -> list:
    """The directory grouped by partner type (one <optgroup> per type)."""
    groups: dict[str, list] = {}
    for partner in partners:
        label = f"{partner.name} — {partner.commune}" if partner.commune else partner.name
        groups.setdefault(partner.partner_type.name, []).append((partner.pk, label))
    return [("", SELECT_AN_OPTION), *groups.items()]


class OrientationStatusForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Orientation
        fields = ["status", "outcome_on"]
        widgets = {"status": forms.RadioSelect, "outcome_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_version(self.instance)
        self.fields["outcome_on"].help_text = _("Today by default once the orientation has an outcome.")

    def clean(self):
        return _default_outcome_on(super().clean())


def _default_outcome_on(cleaned: dict) -> dict:
    """An outcome is dated (today unless said otherwise); an orientation still running has no outcome date."""
    if "status" in cleaned:
        if cleaned["status"] in OUTCOME_STATUSES:
            cleaned["outcome_on"] = cleaned.get("outcome_on") or timezone.localdate()
        else:
            cleaned["outcome_on"] = None
    return cleaned
