"""Group C: interventions (docs/domain.md §7.2)."""

from concurrent.futures import Future

from django.utils.translation import gettext as _

from casework.enums import (
    InterventionKind,
    InterventionStatus,
    Place,
)
from casework.models import Intervention
from reporting.bilan import FigureUnit, Indicator
from reporting.indicators.cells import breakdown_cells, denominator_of
from reporting.indicators.person_facts import PersonFacts
from reporting.indicators.queries import crossed_counts, margin_counts
from reporting.indicators.scope import Bounds, Filters


def intervention_indicators(filters: Filters, bounds: Bounds, facts: "Future[PersonFacts]") -> list[Indicator]:
    # One scan for C1, C2 and C3: the recorded interventions of the period by status, kind and place.
    in_period = Intervention.objects.filter(filters.followup("followup__"), bounds.at("starts_at"))
    recorded_by = crossed_counts(in_period.exclude(status=InterventionStatus.PLANNED), "status", "kind", "place")
    by_kind_and_place = {keys[1:]: n for keys, n in recorded_by.items() if keys[0] == InterventionStatus.HELD}
    held_count = sum(by_kind_and_place.values())
    intervention_word = _("held interventions")
    denominator = denominator_of(held_count, intervention_word)
    c1 = Indicator(
        "C1",
        _("Held interventions by type"),
        FigureUnit.INTERVENTIONS,
        held_count,
        breakdown_cells(margin_counts(by_kind_and_place, 0), InterventionKind.choices, held_count),
        denominator,
    )
    statuses = margin_counts(recorded_by, 0)
    recorded = sum(statuses.values())
    c2 = Indicator(
        "C2",
        _("Appointments held and not honoured"),
        FigureUnit.INTERVENTIONS,
        statuses.get(InterventionStatus.HELD, 0),
        breakdown_cells(
            statuses,
            [(value, label) for value, label in InterventionStatus.choices if value != InterventionStatus.PLANNED],
            recorded,
        ),
        denominator_of(recorded, _("interventions recorded")),
        note=_("Held interventions; not honoured and cancelled ones are shown apart."),
    )
    c3 = Indicator(
        "C3",
        _("Held interventions by place"),
        FigureUnit.INTERVENTIONS,
        held_count,
        breakdown_cells(margin_counts(by_kind_and_place, 1), Place.choices, held_count),
        denominator,
    )
    facts = facts.result()
    mean = round(held_count / facts.met, 2) if facts.met else None
    c4 = Indicator(
        "C4",
        _("Held interventions per person"),
        FigureUnit.RATIO,
        mean,
        details=(
            ("mean", _("Mean"), mean, FigureUnit.RATIO),
            ("median", _("Median"), facts.held_median, FigureUnit.RATIO),
        ),
    )
    return [c1, c2, c3, c4]
