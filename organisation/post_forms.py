"""Forms of the post arrangement page (coverage rule, split between forces). Choices are scoped by the view."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from iscg.forms import DsfrBaseForm
from organisation.enums import CoverageRule, SplitForce
from organisation.models import Unit


class CoverageForm(DsfrBaseForm):
    coverage_rule = forms.ChoiceField(label=_("Units covered besides those listed"), choices=CoverageRule.choices)
    coverage_group = forms.ModelChoiceField(
        label=_("Company or circonscription covered"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("For the rule « every unit of a company or circonscription »."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coverage_group"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("coverage_rule") == CoverageRule.GROUP and not data.get("coverage_group"):
            self.add_error("coverage_group", _("Choose the company or circonscription covered."))
        return data


class ShareForm(DsfrBaseForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    zone = forms.ChoiceField(label=_("or zone"), choices=[("", "---------"), *SplitForce.choices], required=False)
    fte = forms.DecimalField(
        label=_("FTE"),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(3),
        localize=True,
        help_text=_("For example 0,5."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if bool(data.get("unit")) == bool(data.get("zone")):
            raise ValidationError(_("A share is either for a unit or for a zone."))
        return data


class ShareFormSetBase(forms.BaseFormSet):
    def kept_data(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


ShareFormSet = forms.formset_factory(ShareForm, formset=ShareFormSetBase, extra=2, can_delete=True, max_num=20)
