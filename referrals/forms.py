import datetime
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.widgets import InlineRadioSelect

from accounts.enums import Role
from iscg.forms import DateInput, DsfrBaseForm
from organisation.models import Unit
from referrals.enums import POLICE_SOURCES, Answer, GridPart, PersonRole, ReferralClosingReason, Source
from referrals.models import GridItem, GridVersion, Problem, Referral, ReferralPerson

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


class _CheckboxWithoutRequiredAttribute(forms.CheckboxInput):
    def use_required_attribute(self, initial):
        return False


class AgreementField(forms.BooleanField):
    """The person's agreement: required unless a person concerned is a minor (or the ISCG screened the
    situation). The rule needs the persons, so services.check_agreement applies it; the field is marked
    required (no "optional" marker) but accepts an unticked box itself."""

    widget = _CheckboxWithoutRequiredAttribute

    def __init__(self, **kwargs):
        super().__init__(required=True, **kwargs)

    def validate(self, value):
        return


class ReferralForm(forms.ModelForm, DsfrBaseForm):
    """The referral itself. Persons come from ReferralPersonFormSet, the grid from DangerGridForm."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = Referral
        fields = [
            "unit",
            "referred_at",
            "facts_at",
            "source",
            "problems",
            "urgency",
            "description",
            "children_count",
            "has_agreement",
            "callback_contact",
        ]
        widgets = {
            "referred_at": DateTimeLocalInput,
            "facts_at": DateTimeLocalInput,
            "problems": forms.CheckboxSelectMultiple,
            "urgency": InlineRadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "children_count": forms.NumberInput(attrs={"min": 0, "max": 30, "inputmode": "numeric"}),
        }

    def __init__(self, *args, scope, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(scope).active().order_by("name")
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = None
        self.fields["problems"].queryset = Problem.objects.filter(is_active=True).order_by("position", "name")
        self.fields["problems"].required = True
        self.fields["source"].choices = [("", "—"), *(POLICE_SOURCES if user.role == Role.POLICE else Source.choices)]
        self.fields["referred_at"].input_formats = [DATETIME_FORMAT]
        self.fields["referred_at"].show_hidden_initial = False
        self.fields["facts_at"].input_formats = [DATETIME_FORMAT]
        # The label and its hint say the same thing: what the box means, then when it may stay empty
        # (not "optional" next to "required unless…").
        if user.role == Role.POLICE:
            agreement_hint = _("Required, unless one of the persons concerned is a minor.")
        else:
            agreement_hint = _(
                "Required, unless one of the persons concerned is a minor or the referral comes from screening."
            )
        self.fields["has_agreement"] = AgreementField(
            label=_("The person agrees to be contacted by the ISCG"), help_text=agreement_hint
        )
        self._bound_fields_cache.pop("has_agreement", None)  # the base form has already bound its fields
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())
            self.initial.setdefault("referred_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("callback_contact", user.phone)

    def clean_referred_at(self):
        referred_at = self.cleaned_data["referred_at"]
        if referred_at and referred_at > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("The referral cannot be dated in the future."))
        return referred_at

    def clean(self):
        cleaned_data = super().clean()
        facts_at, referred_at = cleaned_data.get("facts_at"), cleaned_data.get("referred_at")
        if facts_at and referred_at and facts_at > referred_at:
            self.add_error("facts_at", _("The facts cannot be later than the referral."))
        return cleaned_data


class ReferralPersonForm(forms.ModelForm, DsfrBaseForm):
    class Meta:
        model = ReferralPerson
        fields = [
            "role",
            "last_name",
            "first_name",
            "sex",
            "birth_date",
            "age",
            "safe_phone",
            "safe_email",
            "best_time",
        ]
        widgets = {
            "birth_date": DateInput,
            "age": forms.NumberInput(attrs={"min": 0, "max": 120, "inputmode": "numeric"}),
            "safe_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "safe_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def person_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def role_title(self) -> str:
        """The card's title: the person's role, as chosen (or proposed) in the form."""
        value = self["role"].value()
        return str(PersonRole(value).label) if value in PersonRole.values else str(_("Person concerned"))


class BaseReferralPersonFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this person")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.persons():
            raise forms.ValidationError(_("Describe at least one person concerned, even without a name."))

    def persons(self) -> list[dict]:
        return [
            form.person_data()
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]


ReferralPersonFormSet = forms.formset_factory(
    ReferralPersonForm,
    formset=BaseReferralPersonFormSet,
    extra=0,
    min_num=1,
    max_num=12,
    validate_max=True,
    can_delete=True,  # a person added by mistake is removed before sending
)


def person_formset(*, data=None) -> BaseReferralPersonFormSet:
    initial = None if data is not None else [{"role": PersonRole.VICTIM}]
    return ReferralPersonFormSet(data=data, prefix="persons", initial=initial)


class DangerGridForm(DsfrBaseForm):
    """The danger grid of the current version: all questions answered, or none (the grid is optional)."""

    def __init__(self, *args, version: GridVersion, items: list[GridItem], optional: bool = True, **kwargs):
        kwargs.setdefault("use_required_attribute", False)  # radio groups: the messages say what is missing
        super().__init__(*args, **kwargs)
        self.version = version
        self.items = items
        self.optional = optional
        for item in items:
            self.fields[self.field_name(item)] = forms.ChoiceField(
                label=f"{item.text} ★" if item.is_red else item.text,
                help_text=_("Red item") if item.is_red else "",
                choices=Answer.choices,
                widget=InlineRadioSelect(attrs={"data-red": "true" if item.is_red else "false"}),
                error_messages={"required": _("Answer this question (or choose “Not asked”).")},
            )
        if optional and self.is_bound and not any(self.data.get(self.add_prefix(name)) for name in self.fields):
            for field in self.fields.values():
                field.required = False  # the grid was left aside

    @staticmethod
    def field_name(item: GridItem) -> str:
        return f"item_{item.pk}"

    def clean(self):
        cleaned_data = super().clean()
        if self._errors:
            raise forms.ValidationError(
                _("The danger grid is half filled: answer every question, or leave the whole grid empty.")
                if self.optional
                else _("Answer every question of the danger grid (“Not asked” is an answer).")
            )
        return cleaned_data

    def answers(self) -> dict[int, str]:
        """{item pk: answer}, empty when the grid was left aside."""
        answers = {item.pk: self.cleaned_data.get(self.field_name(item)) for item in self.items}
        return answers if all(answers.values()) else {}

    def parts(self):
        """[(part label, [bound fields])] in the grid's order, for the template."""
        return [
            (label, [self[self.field_name(item)] for item in self.items if item.part == part])
            for part, label in GridPart.choices
        ]


class AddendumForm(DsfrBaseForm):
    text = forms.CharField(
        label=_("Information to add"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Facts only: a new event, a new safe number, a change of address…"),
    )


class CloseForm(DsfrBaseForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *ReferralClosingReason.choices])
