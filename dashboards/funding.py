"""What the funder's home page shows, per department of their scope (issue 17): the key figures of the last
complete civil year and of the current year to date, and the department's cofinancing of the year.

The figures are those of the bilan, through reporting's public functions (``bilan_for``, ``mask_bilan``,
``masked_request_error``): a viewer without exact figures gets them masked exactly as on their bilan page,
and nothing at all where their bilan page refuses a masked bilan (a year not complete yet: a year to date
beside the same year a day later would give small counts away by subtraction). The home therefore never
shows a value the funder's own bilan hides."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conventions.summaries import DepartmentSummary, department_summary
from organisation import access
from organisation.access import Action
from organisation.models import Department
from reporting.bilan import BilanScope, Period, ScopeKind
from reporting.caching import bilan_for
from reporting.masking import DEFAULT_THRESHOLD, mask_bilan, masked_request_error
from reporting.summary import format_value, masking_notice, period_label

# Referrals received, persons met, interventions held, persons oriented, cost per person met (docs/domain.md §7.2):
# the bilan's indicators, with the short label of a tile.
KEY_FIGURES = {
    "A1": gettext_lazy("Referrals received"),
    "B1": gettext_lazy("Persons met"),
    "C1": gettext_lazy("Interventions held"),
    "E3": gettext_lazy("Persons oriented"),
    "I4": gettext_lazy("Cost per person met"),
}


@dataclass
class Figure:
    id: str
    label: str
    value: str  # as people read it; "< 11" when masked
    is_masked: bool


@dataclass
class KeyFigures:
    period: Period
    label: str
    bilan_url: str
    figures: list[Figure] = field(default_factory=list)
    refusal: list[str] = field(default_factory=list)  # why the figures are not published (masked viewers)
    masking_notice: str = ""  # the bilan's own mention of what is masked


@dataclass
class FunderBoard:
    department: Department
    periods: list[KeyFigures]
    cofinancing: DepartmentSummary

    @property
    def due_cents(self) -> int:
        return self.cofinancing.committed_cents - self.cofinancing.paid_cents


def bilan_url(bilan_scope: BilanScope, period: Period) -> str:
    query = {"scope": bilan_scope.as_argument(), "start": period.start.isoformat(), "end": period.end.isoformat()}
    return f"{reverse('reporting:bilan')}?{urlencode(query)}"


def period_heading(period: Period, *, today: datetime.date) -> str:
    if period.end >= today:
        return _("%(year)s to date (%(period)s)") % {"year": period.start.year, "period": period_label(period)}
    return _("Year %(year)s") % {"year": period.start.year}


def key_figures(*, scope, department: Department, period: Period, today: datetime.date) -> KeyFigures:
    """The key figures of a department's bilan for the period, as the viewer's bilan page shows them."""
    bilan_scope = BilanScope(ScopeKind.DEPARTMENT, department.code, f"{department.name} ({department.code})")
    result = KeyFigures(
        period=period, label=period_heading(period, today=today), bilan_url=bilan_url(bilan_scope, period)
    )
    is_masked = not access.can(scope, Action.VIEW_EXACT_FIGURES)
    if is_masked:
        refusal = masked_request_error(bilan_scope, period, today=today)
        if refusal:
            result.refusal = [not_published_until(period), *refusal.values()]
            return result
    bilan = bilan_for(
        scope=bilan_scope,
        period=period,
        include_cofinancing=access.can(scope, Action.VIEW_COFINANCING_FIGURES),
    )
    if is_masked:
        bilan = mask_bilan(bilan, threshold=DEFAULT_THRESHOLD)
        result.masking_notice = masking_notice(DEFAULT_THRESHOLD)
    for key, label in KEY_FIGURES.items():
        indicator = bilan.indicators.get(key)
        if indicator is None:
            continue  # the cost per person met: only for a role that may see cofinancing figures
        result.figures.append(
            Figure(
                id=key,
                label=str(label),
                value=format_value(indicator.total, indicator.unit),
                is_masked=isinstance(indicator.total, str),
            )
        )
    return result


def funder_boards(*, scope, today: datetime.date) -> list[FunderBoard]:
    """One board per department of the scope: last complete year, current year to date, cofinancing."""
    last_year = Period(datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31))
    year_to_date = Period(datetime.date(today.year, 1, 1), today)
    boards = []
    for department in Department.objects.visible_to(scope).order_by("code"):
        periods = [
            key_figures(scope=scope, department=department, period=period, today=today)
            for period in (last_year, year_to_date)
        ]
        cofinancing = department_summary(department=department, scope=scope, year=today.year, today=today)
        boards.append(FunderBoard(department=department, periods=periods, cofinancing=cofinancing))
    return boards


def not_published_until(period: Period) -> str:
    return _("Published from 1 January %(year)s, once the year is complete.") % {"year": period.end.year + 1}
