import django_filters
from django.utils.translation import gettext_lazy as _

from iscg.forms import FilterForm
from organisation.models import Unit
from referrals.enums import OPEN_STATUSES, ReferralStatus, Source, Urgency
from referrals.forms import DateInput
from referrals.models import Referral


def _units(request):
    return Unit.objects.visible_to(request.scope).order_by("name")


class ReferralFilter(django_filters.FilterSet):
    """The ISCG triage queue. Without a status, it shows the referrals still to act upon."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReferralStatus.choices, empty_label=_("To process"), method="filter_status"
    )
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=_units, empty_label=_("All my units"))
    source = django_filters.ChoiceFilter(label=_("Channel"), choices=Source.choices, empty_label=_("All channels"))
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=Urgency.choices, empty_label=_("All"))
    referred_after = django_filters.DateFilter(
        label=_("Referred from"), field_name="referred_at", lookup_expr="date__gte", widget=DateInput
    )
    referred_before = django_filters.DateFilter(
        label=_("Referred until"), field_name="referred_at", lookup_expr="date__lte", widget=DateInput
    )

    class Meta:
        model = Referral
        fields = ["status", "unit", "source", "urgency", "referred_after", "referred_before"]
        form = FilterForm

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)


class UnitReferralFilter(django_filters.FilterSet):
    """The police list: by number, status and filing dates (their unit's referrals only)."""

    number = django_filters.CharFilter(
        label=_("Number"), field_name="number", lookup_expr="icontains", help_text=_("All or part of it.")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReferralStatus.choices, empty_label=_("All"))
    referred_after = django_filters.DateFilter(
        label=_("Referred from"), field_name="referred_at", lookup_expr="date__gte", widget=DateInput
    )
    referred_before = django_filters.DateFilter(
        label=_("Referred until"), field_name="referred_at", lookup_expr="date__lte", widget=DateInput
    )

    class Meta:
        model = Referral
        fields = ["number", "status", "referred_after", "referred_before"]
        form = FilterForm
