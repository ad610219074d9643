"""The indicators of a bilan (docs/domain.md §7.2), each computed by the database.

Every figure here is an aggregate (``COUNT``, ``SUM``, conditional counts, correlated subqueries);
medians are PostgreSQL's ``percentile_cont``, elsewhere the one or two middle rows of a query ordered
by the database. The person figures come from one query grouped by person (``PersonFacts``).
Nothing loads the rows of persons or interventions into Python, so the number of queries of a bilan
is fixed, whatever the volume of data (``tests/reporting/test_indicators.py`` asserts it).

Counting rules (docs/domain.md §7.1), as built here:
- only interventions with status *held* count as held; no-shows are reported apart (C2);
- person attributes are taken at the person's first held intervention of the period in the scope:
  age (from the date of birth at that date, else the recorded age class), role (of the follow-up of
  that intervention); sex and "known to social services at first contact" are recorded once;
- a person counts once in a total, even when seen by several posts of the scope; multi-valued
  breakdowns (problems, places, partner types) count a person once per value;
- "not stated" is always its own category and every percentage says its denominator.

Scope: a post (its follow-ups, the referrals of the units it covers, the conventions covering it),
a unit (the referrals of the unit and the follow-ups those referrals opened; no cofinancing: units
are not funded), a department, or the whole country.

The package, one module per question (each group's module holds its indicators, in the order of §7.2):
- ``scope``: ``resolve_scope``, ``civil_year``, the scope's rows (``Filters``) and the period's bounds (``Bounds``);
- ``queries``: the query helpers where the databases differ (medians, grouped and crossed counts);
- ``cells``: percentages, breakdown cells and denominators;
- ``person_facts``: the one query grouped by person that groups B, C and D read;
- ``referrals`` (A), ``persons`` (B), ``interventions`` (C), ``danger`` (D), ``orientations`` (E),
  ``followups`` (F), ``steering`` (G), ``cofinancing`` (I);
- ``monthly`` (the monthly line) and ``comparison`` (whether the previous period compares).
This module runs them: ``compute_bilan`` and ``persons_met_count``.
"""

from concurrent.futures import Future

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Intervention
from iscg.db_routers import replica_reads
from reporting.alongside import alongside
from reporting.bilan import Bilan, BilanScope, Period
from reporting.indicators.cofinancing import cofinancing_indicators
from reporting.indicators.comparison import incomplete_comparison
from reporting.indicators.danger import danger_indicators
from reporting.indicators.followups import DAYS_PER_MONTH, followup_indicators
from reporting.indicators.interventions import intervention_indicators
from reporting.indicators.monthly import monthly_figures
from reporting.indicators.orientations import orientation_indicators
from reporting.indicators.person_facts import PersonFacts
from reporting.indicators.persons import person_indicators
from reporting.indicators.queries import UNKNOWN
from reporting.indicators.referrals import referral_indicators
from reporting.indicators.scope import Bounds, Filters, civil_year, held_interventions, resolve_scope
from reporting.indicators.steering import steering_indicators

__all__ = [
    "DAYS_PER_MONTH",
    "UNKNOWN",
    "Bounds",
    "Filters",
    "PersonFacts",
    "civil_year",
    "compute_bilan",
    "persons_met_count",
    "resolve_scope",
]


def persons_met_count(*, scope: BilanScope, period: Period) -> int:
    """B1 alone (one query): distinct persons with a held intervention in the period and scope."""
    filters, bounds = Filters(scope), Bounds(period)
    held = held_interventions(filters, bounds)
    return held.aggregate(n=Count("followup__person", distinct=True))["n"]


@replica_reads()  # on the streaming replica when DATABASE_REPLICA_URL is set (iscg.db_routers)
def compute_bilan(
    *, scope: BilanScope, period: Period, with_previous: bool = True, include_cofinancing: bool = True
) -> Bilan:
    """Every indicator of docs/domain.md §7.2 for a scope and a period (and the previous period of the same
    length when ``with_previous``). ``include_cofinancing=False`` leaves out group I (financial data
    is for coordinators, funders and the admin).

    The person query of each period (the longest) starts first, on a connection of its own where
    the database allows it (reporting.alongside); the other sections run meanwhile."""
    if period.end < period.start:
        raise ValueError(_("The end of the period is before its start."))
    filters, bounds = Filters(scope), Bounds(period)
    previous_period = period.previous() if with_previous else None
    with alongside(Intervention) as background:
        facts = background.submit(PersonFacts.of, filters, bounds)
        if previous_period:
            previous_facts = background.submit(PersonFacts.of, filters, Bounds(previous_period))
        monthly = monthly_figures(filters, bounds)
        indicators, warnings = _compute(filters, bounds, facts, include_cofinancing=include_cofinancing)
        previous = None
        if previous_period:
            previous_indicators, previous_warnings = _compute(
                filters, Bounds(previous_period), previous_facts, include_cofinancing=include_cofinancing
            )
            previous = Bilan(scope, previous_period, previous_indicators, warnings=tuple(previous_warnings))
    return Bilan(
        scope=scope,
        period=period,
        indicators=indicators,
        generated_at=timezone.now(),
        previous=previous,
        warnings=tuple(warnings),
        monthly=monthly,
        incomplete_comparison=incomplete_comparison(filters, period, previous_period) if previous_period else "",
    )


def _compute(filters: Filters, bounds: Bounds, facts: "Future[PersonFacts]", *, include_cofinancing: bool):
    """The indicators of one period, in the order of docs/domain.md §7.2. ``facts`` may still be running:
    the sections that do not need it come first, the others read it after their own queries."""
    held = held_interventions(filters, bounds)
    sections = {
        "A": referral_indicators(filters, bounds),
        "F": followup_indicators(filters, bounds),
        "G": steering_indicators(filters, bounds),
        "B": person_indicators(held, facts),
        "C": intervention_indicators(filters, bounds, facts),
        "E": orientation_indicators(filters, bounds, facts),
        "D": danger_indicators(facts.result()),
    }
    warnings: list[str] = []
    if include_cofinancing and filters.has_cofinancing:
        sections["I"], warnings = cofinancing_indicators(filters, bounds, facts)
    indicators = [indicator for group in sorted(sections) for indicator in sections[group]]
    return {indicator.id: indicator for indicator in indicators}, warnings
