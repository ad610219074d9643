import datetime

import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.enums import OUTCOME_STATUSES, FollowUpRole, InterventionStatus
from casework.models import FollowUp
from casework.normalise import normalise_text
from iscg.forms import DateInput, FilterForm
from organisation.models import Post
from referrals.models import Problem

OPEN, CLOSED, ALL = "open", "closed", "all"

# Follow-ups that need attention (the ISCG home page counts them and links to the list filtered so).
ATTENTION_DAYS = 30
NO_CONTACT, ORIENTATION_PENDING = "sans-contact", "orientation-sans-suite"
ATTENTION_CHOICES = [
    (NO_CONTACT, _("No contact for 30 days")),
    (ORIENTATION_PENDING, _("Orientation without outcome after 30 days")),
]


def without_contact(queryset):
    """Follow-ups opened 30 days ago or more with no intervention held in the last 30 days."""
    since = timezone.now() - datetime.timedelta(days=ATTENTION_DAYS)
    recent_held = Q(interventions__status=InterventionStatus.HELD, interventions__starts_at__gte=since)
    return (
        queryset.filter(opened_on__lte=timezone.localdate() - datetime.timedelta(days=ATTENTION_DAYS))
        .alias(recent_held=Count("interventions", filter=recent_held))
        .filter(recent_held=0)
    )


def with_pending_orientation(queryset):
    """Follow-ups with an orientation made 30 days ago or more and still without an outcome."""
    before = timezone.localdate() - datetime.timedelta(days=ATTENTION_DAYS)
    pending = Q(orientations__oriented_on__lte=before) & ~Q(orientations__status__in=OUTCOME_STATUSES)
    pending_count = Count("orientations", filter=pending)
    return queryset.alias(pending_orientations=pending_count).filter(pending_orientations__gt=0)


ATTENTION_FILTERS = {NO_CONTACT: without_contact, ORIENTATION_PENDING: with_pending_orientation}
STATE_CHOICES = [(OPEN, _("Open")), (CLOSED, _("Closed"))]
ISCG_STATE_CHOICES = [(CLOSED, _("Closed")), (ALL, _("All"))]


def _posts(request):
    return Post.objects.visible_to(request.scope).order_by("name")


def _problems(request):
    return Problem.objects.filter(is_active=True).order_by("position", "name")


class FollowUpFilter(django_filters.FilterSet):
    """The ISCG's follow-ups. Without a state, open ones only."""

    q = django_filters.CharFilter(label=_("Person"), method="search", help_text=_("Name or reference."))
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ISCG_STATE_CHOICES, empty_label=_("Open"), method="filter_state"
    )
    post = django_filters.ModelChoiceFilter(label=_("Post"), queryset=_posts, empty_label=_("All my posts"))
    problems = django_filters.ModelChoiceFilter(
        label=_("Problem"), queryset=_problems, empty_label=_("All problems"), distinct=True
    )
    person_role = django_filters.ChoiceFilter(label=_("Role"), choices=FollowUpRole.choices, empty_label=_("All"))
    mine = django_filters.BooleanFilter(
        label=_("Only the follow-ups I am in charge of"), method="filter_mine", widget=forms.CheckboxInput
    )
    attention = django_filters.ChoiceFilter(
        label=_("Needing attention"), choices=ATTENTION_CHOICES, empty_label=_("All"), method="filter_attention"
    )

    class Meta:
        model = FollowUp
        fields = ["q", "state", "post", "problems", "person_role", "mine", "attention"]
        form = FilterForm

    def search(self, queryset, name, value):
        for term in normalise_text(value).split():
            queryset = queryset.filter(Q(person__search_name__contains=term) | Q(public_id__istartswith=term))
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.open()
        return queryset

    def filter_state(self, queryset, name, value):
        return queryset.closed() if value == CLOSED else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assigned_to=self.request.user) if value else queryset

    def filter_attention(self, queryset, name, value):
        return ATTENTION_FILTERS[value](queryset)


class DepartmentFollowUpFilter(django_filters.FilterSet):
    """The coordinators' list: by post, state and opening dates (metadata only)."""

    post = django_filters.ModelChoiceFilter(label=_("Post"), queryset=_posts, empty_label=_("All posts"))
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=STATE_CHOICES, empty_label=_("All"), method="filter_state"
    )
    opened_after = django_filters.DateFilter(
        label=_("Opened from"), field_name="opened_on", lookup_expr="gte", widget=DateInput
    )
    opened_before = django_filters.DateFilter(
        label=_("Opened until"), field_name="opened_on", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = FollowUp
        fields = ["post", "state", "opened_after", "opened_before"]
        form = FilterForm

    def filter_state(self, queryset, name, value):
        return queryset.open() if value == OPEN else queryset.closed()
