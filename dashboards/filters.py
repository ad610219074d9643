import django_filters
from django.utils.translation import gettext_lazy as _

from conventions.models import Payment
from iscg.forms import FilterForm
from organisation.models import Department


def _departments(request):
    return Department.objects.visible_to(request.scope).order_by("code")


class PaymentDueFilter(django_filters.FilterSet):
    """The payments due list (rows of dashboards.payments.payments_due): by department."""

    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=_departments,
        empty_label=_("All my departments"),
        field_name="convention__department",
    )

    class Meta:
        model = Payment
        fields = ["department"]
        form = FilterForm
