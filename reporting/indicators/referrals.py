"""Group A: referrals (docs/domain.md §7.2)."""

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
)
from django.utils.translation import gettext as _

from casework.enums import (
    InterventionStatus,
)
from referrals.enums import ReferralClosingReason, ReferralStatus, Source
from referrals.models import Referral
from reporting.bilan import Cell, FigureUnit, Indicator
from reporting.indicators.cells import breakdown_cells, denominator_of, in_days, percent
from reporting.indicators.queries import with_median
from reporting.indicators.scope import Bounds, Filters


def referral_indicators(filters: Filters, bounds: Bounds) -> list[Indicator]:
    end_at = bounds.end_at
    received_q = Q(referred_at__gte=bounds.start_at, referred_at__lt=end_at) & ~Q(status=ReferralStatus.WITHDRAWN)
    closed_q = Q(closed_at__gte=bounds.start_at, closed_at__lt=end_at, status=ReferralStatus.CLOSED)
    waiting_q = (
        (Q(taken_up_at__isnull=True) | Q(taken_up_at__gte=end_at))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=end_at))
        & (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=end_at))
    )
    # One scan of the referrals before the end for A1, A2, A3 and A4's waiting count: one row per
    # unit, whose counts are then added up (the database enforces the sources and closing reasons:
    # a conditional count for each loses none).
    by_unit = (
        Referral.objects.filter(filters.referral(), referred_at__lt=end_at)
        .order_by()
        .values("unit__public_id", "unit__name")
        .annotate(
            received=Count("pk", filter=received_q),
            waiting=Count("pk", filter=waiting_q),
            **{f"source_{source}": Count("pk", filter=received_q & Q(source=source)) for source in Source.values},
            **{
                f"closed_{reason}": Count("pk", filter=closed_q & Q(closing_reason=reason))
                for reason in ReferralClosingReason.values
            },
        )
        .order_by("unit__name", "unit__public_id")
    )
    unit_cells = []
    sums: dict[str, int] = {}
    for row in by_unit:
        for key, value in row.items():
            if key not in ("unit__public_id", "unit__name"):
                sums[key] = sums.get(key, 0) + value
        if row["received"]:
            unit_cells.append(Cell(str(row["unit__public_id"]), row["unit__name"], row["received"]))
    total = sums.get("received", 0)
    unit_cells = tuple(Cell(c.key, c.label, c.value, percent(c.value, total)) for c in unit_cells)
    referral_word = _("referrals")
    a1 = Indicator(
        "A1",
        _("Referrals received"),
        FigureUnit.REFERRALS,
        total,
        unit_cells,
        denominator_label=denominator_of(total, referral_word),
        note=_("By unit. Referrals withdrawn by their author (filed by mistake) are not counted."),
    )
    by_source = {source: sums.get(f"source_{source}", 0) for source in Source.values}
    a2 = Indicator(
        "A2",
        _("Referrals by channel"),
        FigureUnit.REFERRALS,
        total,
        breakdown_cells(by_source, Source.choices, total),
        denominator_label=denominator_of(total, referral_word),
    )
    closed_counts = {reason: sums.get(f"closed_{reason}", 0) for reason in ReferralClosingReason.values}
    closed_total = sum(closed_counts.values())
    a3 = Indicator(
        "A3",
        _("Referrals closed without follow-up"),
        FigureUnit.REFERRALS,
        closed_total,
        breakdown_cells(closed_counts, ReferralClosingReason.choices, closed_total),
        denominator_label=denominator_of(closed_total, referral_word),
        note=_("Closed during the period, by reason."),
    )
    received = Referral.objects.filter(filters.referral(), received_q)
    # The first held intervention after each referral, as one grouped join (the database hashes the
    # three tables at a national scale) rather than one correlated subquery per referral. The
    # redundant lower bound on starts_at lets the join read the interventions' index by range.
    delays = (
        received.filter(  # one filter() call: the three conditions are on the same intervention
            Q(followups__interventions__starts_at__gte=F("referred_at")),
            Q(followups__interventions__starts_at__gte=bounds.start_at),
            followups__interventions__status=InterventionStatus.HELD,
        )
        .annotate(first_held_at=Min("followups__interventions__starts_at"))
        .annotate(delay=ExpressionWrapper(F("first_held_at") - F("referred_at"), output_field=DurationField()))
    )
    waiting = sums.get("waiting", 0)
    delay_figures = with_median(delays, "delay")
    with_delay, median = delay_figures["count"], in_days(delay_figures["median"])
    a4 = Indicator(
        "A4",
        _("Median days from referral to first intervention"),
        FigureUnit.DAYS,
        median,
        details=(
            (
                "referrals_with_intervention",
                _("Referrals followed by a held intervention"),
                with_delay,
                FigureUnit.REFERRALS,
            ),
            ("waiting_at_end", _("Referrals still waiting at the end of the period"), waiting, FigureUnit.REFERRALS),
        ),
        note=_("Referrals received in the period, to the first held intervention of the follow-up they joined."),
    )
    return [a1, a2, a3, a4]
