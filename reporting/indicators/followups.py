"""Group F: follow-ups (docs/domain.md §7.2)."""

from django.db.models import (
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    Sum,
)
from django.db.models.functions import (
    TruncDate,
)
from django.utils.translation import gettext as _

from casework.enums import (
    FollowUpClosingReason,
    InterventionStatus,
)
from casework.models import FollowUp
from reporting.bilan import FigureUnit, Indicator
from reporting.indicators.cells import breakdown_cells, denominator_of, in_days
from reporting.indicators.queries import grouped_counts, with_median
from reporting.indicators.scope import Bounds, Filters

DAYS_PER_MONTH = 30.44  # docs/domain.md §7.2 F2


def followup_indicators(filters: Filters, bounds: Bounds) -> list[Indicator]:
    followups = FollowUp.objects.filter(filters.followup())
    closed = followups.filter(bounds.on("closed_on"))
    closed_counts = grouped_counts(closed, "closing_reason")
    closed_total = sum(closed_counts.values())
    f1 = Indicator(
        "F1",
        _("Follow-ups closed"),
        FigureUnit.FOLLOWUPS,
        closed_total,
        breakdown_cells(closed_counts, FollowUpClosingReason.choices, closed_total),
        denominator_of(closed_total, _("follow-ups closed")),
    )
    # The first held intervention of each closed follow-up: one grouped inner join, the condition in
    # WHERE (an aggregate's FILTER would read every intervention of every closed follow-up).
    durations = (
        closed.filter(interventions__status=InterventionStatus.HELD)
        .annotate(first_held_on=TruncDate(Min("interventions__starts_at")))
        .annotate(duration=ExpressionWrapper(F("closed_on") - F("first_held_on"), output_field=DurationField()))
    )
    totals = with_median(durations, "duration", total=Sum("duration"))
    measured, total_duration = totals["count"], totals["total"]
    mean_days = in_days(total_duration / measured) if measured and total_duration is not None else None
    median_days = in_days(totals["median"])

    def months(days):
        return None if days is None else round(days / DAYS_PER_MONTH, 1)

    f2 = Indicator(
        "F2",
        _("Duration of the follow-ups closed (days)"),
        FigureUnit.DAYS,
        mean_days,
        details=(
            ("measured", _("Follow-ups measured"), measured, FigureUnit.FOLLOWUPS),
            ("mean_days", _("Mean (days)"), mean_days, FigureUnit.DAYS),
            ("median_days", _("Median (days)"), median_days, FigureUnit.DAYS),
            ("mean_months", _("Mean (months)"), months(mean_days), FigureUnit.RATIO),
            ("median_months", _("Median (months)"), months(median_days), FigureUnit.RATIO),
        ),
        note=_("From the first held intervention to the closing date; 1 month = 30.44 days."),
    )
    open_at_end = followups.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=bounds.period.end), opened_on__lte=bounds.period.end
    ).count()
    f3 = Indicator("F3", _("Follow-ups open at the end of the period"), FigureUnit.FOLLOWUPS, open_at_end)
    return [f1, f2, f3]
