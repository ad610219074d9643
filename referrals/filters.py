import django_filters
from django.utils.translation import gettext_lazy as _

from iscg.forms import DateInput, FilterForm
from organisation.models import Post, Unit
from referrals.enums import OPEN_STATUSES, ReferralStatus, Source, Urgency
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


def _posts(request):
    return Post.objects.visible_to(request.scope).order_by("name", "pk")


class DepartmentReferralFilter(django_filters.FilterSet):
    """The coordinators' list of the department's referrals: by post (the units it covers today) and status.
    « To process » is what the coordinator's home counts as waiting (submitted or received)."""

    WAITING = "a-traiter"

    post = django_filters.ModelChoiceFilter(
        label=_("Post"), queryset=_posts, empty_label=_("All posts"), method="filter_post"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(WAITING, _("To process")), *ReferralStatus.choices],
        empty_label=_("All"),
        method="filter_status",
    )

    class Meta:
        model = Referral
        fields = ["post", "status"]
        form = FilterForm

    def filter_post(self, queryset, name, value):
        return queryset.filter(unit__in=Unit.objects.visible_to(self.request.scope).covered_by([value]))

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=OPEN_STATUSES) if value == self.WAITING else queryset.filter(status=value)
