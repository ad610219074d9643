"""Group G: steering committees (docs/domain.md §7.2)."""

from django.utils.translation import gettext as _

from conventions.models import SteeringCommittee
from reporting.bilan import FigureUnit, Indicator
from reporting.indicators.scope import Bounds, Filters, scoped_conventions


def steering_indicators(filters: Filters, bounds: Bounds) -> list[Indicator]:
    committees = SteeringCommittee.objects.filter(
        convention__in=scoped_conventions(filters).values("pk"),
        held_on__gte=bounds.period.start,
        held_on__lte=bounds.period.end,
    )
    return [
        Indicator(
            "G1",
            _("Steering committees and partnership meetings held"),
            FigureUnit.MEETINGS,
            committees.count(),
        )
    ]
