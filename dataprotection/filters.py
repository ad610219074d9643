import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from audit.enums import JournalAction, RecordType
from audit.models import AccessEntry
from iscg.forms import DateInput, FilterForm
from organisation import access


def _users(request):
    if request is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(access.user_q(request.scope)).distinct().order_by("last_name", "email")


class JournalFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(label=_("User"), queryset=_users)
    record_type = django_filters.ChoiceFilter(label=_("Record type"), choices=RecordType.choices)
    action = django_filters.ChoiceFilter(label=_("Action"), choices=JournalAction.choices)
    since = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte", widget=DateInput)
    until = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte", widget=DateInput)

    class Meta:
        model = AccessEntry
        fields = ["user", "record_type", "action", "since", "until"]
        form = FilterForm
