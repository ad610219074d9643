import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conventions.enums import ConventionKind
from conventions.models import Convention
from conventions.summaries import ENDING_SOON_MONTHS, add_months
from iscg.forms import FilterForm
from organisation.models import Department


def _departments(request):
    return Department.objects.visible_to(request.scope)


class ConventionFilter(django_filters.FilterSet):
    CURRENT, ENDING_SOON, UPCOMING, ENDED = "current", "ending_soon", "upcoming", "ended"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ConventionKind.choices, empty_label=_("All kinds"))
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=_departments, empty_label=_("All my departments")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        method="by_status",
        empty_label=_("All"),
        choices=[
            (CURRENT, _("In progress")),
            (ENDING_SOON, _("Ending within six months")),
            (UPCOMING, _("Not started yet")),
            (ENDED, _("Ended")),
        ],
    )

    class Meta:
        model = Convention
        fields = ["q", "kind", "department", "status"]
        form = FilterForm

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(title__icontains=term) | Q(employer__icontains=term))
        return queryset

    def by_status(self, queryset, name, value):
        today = timezone.localdate()
        match value:
            case self.CURRENT:
                return queryset.filter(starts_on__lte=today, ends_on__gte=today)
            case self.ENDING_SOON:
                return queryset.ending_between(today, add_months(today, ENDING_SOON_MONTHS))
            case self.UPCOMING:
                return queryset.filter(starts_on__gt=today)
            case self.ENDED:
                return queryset.filter(ends_on__lt=today)
        return queryset
