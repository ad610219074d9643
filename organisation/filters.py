import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iscg.forms import FilterForm
from organisation.models import Department, Partner, PartnerType


def _departments(request):
    return Department.objects.visible_to(request.scope)


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    partner_type = django_filters.ModelChoiceFilter(
        label=_("Partner type"), queryset=PartnerType.objects.filter(is_active=True), empty_label=_("All types")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=_departments, empty_label=_("All my departments")
    )

    class Meta:
        model = Partner
        fields = ["q", "partner_type", "department"]
        form = FilterForm

    def search(self, queryset, name, value):
        terms = value.split()
        for term in terms:
            queryset = queryset.filter(
                Q(name__icontains=term) | Q(commune__icontains=term) | Q(accepts__icontains=term)
            )
        return queryset
