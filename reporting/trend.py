"""The five-year trend of a bilan's page 1: persons met (B1) and interventions held (C1) for the
period's civil year and the four before, in one query (docs/reporting.md, « Page 1 »).

The years the bilan itself covers (its period and its previous period) take the bilan's own totals,
masked as its tables are, so page 1 never disagrees with the annex; the other years are counted now
with the same rules (``persons_met_count``'s definition) and, for a masked bilan, each year's
persons met from 1 to threshold − 1 shows as « < threshold » (interventions stay exact, as in C1).
"""

import datetime
from dataclasses import dataclass, replace

from django.db.models import Count

from casework.enums import InterventionStatus
from casework.models import Intervention
from reporting.bilan import Bilan, Period, Value, primary_mask_label
from reporting.indicators.comparison import covered_days, recording_spans
from reporting.indicators.scope import Bounds, Filters, civil_year

YEARS = 5


@dataclass(frozen=True)
class TrendYear:
    year: int
    persons: Value  # distinct persons met; a string once masked
    held: Value  # held interventions
    # Set on the first year shown when the scope's recording started during it (posts opened, history
    # imported from that date): its figures cover part of the year only.
    recorded_from: datetime.date | None = None


def is_civil_year(bilan: Bilan) -> bool:
    start, end = bilan.period.start, bilan.period.end
    return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year


def _from_bilan(bilan: Bilan | None) -> TrendYear | None:
    if bilan is None or not is_civil_year(bilan):
        return None
    persons, held = bilan.indicators.get("B1"), bilan.indicators.get("C1")
    return TrendYear(
        bilan.period.start.year,
        persons.total if persons is not None else None,
        held.total if held is not None else None,
    )


def five_year_trend(bilan: Bilan) -> tuple[TrendYear, ...]:
    """The trend of a civil-year bilan, oldest year first; empty for any other period (a trend of
    arbitrary periods would not compare like with like).

    Years before the scope recorded any activity (no post open, no history imported) are not shown:
    a zero there would read as « nobody was met » when nothing was recorded. A year in between
    without any recording shows « — »; the first year shown says when recording started in it."""
    if not is_civil_year(bilan):
        return ()
    last = bilan.period.start.year
    filters = Filters(bilan.scope)
    spans = recording_spans(filters)
    started = min((span[0] for span in spans), default=bilan.period.start)
    years = range(max(last - YEARS + 1, min(started.year, last)), last + 1)
    known = {row.year: row for row in (_from_bilan(bilan), _from_bilan(bilan.previous)) if row is not None}
    recorded = {year: covered_days(spans, civil_year(year)) > 0 for year in years}
    missing = [year for year in years if year not in known and recorded[year]]
    counted = _counts(filters, missing) if missing else {}
    rows = []
    for year in years:
        if year in known:
            row = known[year]
        elif not recorded[year]:
            row = TrendYear(year, None, None)
        else:
            persons, held = counted[year]
            if bilan.is_masked and 0 < persons < bilan.masking_threshold:
                persons = primary_mask_label(bilan.masking_threshold)
            row = TrendYear(year, persons, held)
        rows.append(row)
    if rows and started.year == rows[0].year and started > civil_year(started.year).start:
        rows[0] = replace(rows[0], recorded_from=started)
    return tuple(rows)


def _counts(filters: Filters, years: list[int]) -> dict[int, tuple[int, int]]:
    """(persons met, held interventions) of each civil year, one aggregate query for all of them."""
    span = Bounds(Period(datetime.date(min(years), 1, 1), datetime.date(max(years), 12, 31)))
    aggregates = {}
    for year in years:
        within = Bounds(civil_year(year)).at("starts_at")
        aggregates[f"persons_{year}"] = Count("followup__person", distinct=True, filter=within)
        aggregates[f"held_{year}"] = Count("pk", filter=within)
    row = Intervention.objects.filter(
        filters.followup("followup__"), span.at("starts_at"), status=InterventionStatus.HELD
    ).aggregate(**aggregates)
    return {year: (row[f"persons_{year}"], row[f"held_{year}"]) for year in years}
