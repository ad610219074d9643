"""The shape of a bilan: what the indicators compute and every output (screen, PDF, CSV, XLSX, JSON) reads.

A bilan is plain data, built by ``reporting.indicators.compute_bilan`` from database aggregates and
possibly masked by ``reporting.masking.mask_bilan`` (docs/domain.md §7.3). Outputs never query the
database: they only read these objects.
"""

import datetime
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

# What a masked cell shows (docs/domain.md §7.4: masked cells are the string "< 11" in JSON).
# ``primary_mask_label(threshold)`` gives it for another threshold.
SECONDARY_MASK = "secret"  # a cell hidden only so that a masked neighbour cannot be recomputed


def primary_mask_label(threshold: int) -> str:
    return f"< {threshold}"


Value = int | float | str | None  # str only once masked; None when a figure cannot be computed


class FigureUnit(StrEnum):
    """What a figure counts: decides its formatting and whether masking applies."""

    PERSONS = "persons"  # masked (docs/domain.md §7.3: counts of persons)
    FOLLOWUPS = "followups"  # one follow-up is one person's situation: masked like persons
    REFERRALS = "referrals"
    INTERVENTIONS = "interventions"
    ORIENTATIONS = "orientations"
    TRANSMISSIONS = "transmissions"  # child-protection transmissions: about children, masked
    MEETINGS = "meetings"
    DAYS = "days"
    RATIO = "ratio"  # e.g. interventions per person
    CENTS = "cents"  # money, integer cents

    @property
    def is_masked(self) -> bool:
        return self in {FigureUnit.PERSONS, FigureUnit.FOLLOWUPS, FigureUnit.TRANSMISSIONS}


@dataclass(frozen=True)
class Cell:
    """One line of a breakdown."""

    key: str  # stable code: an enum value, a problem code, a unit's public id, "unknown"…
    label: str  # French label, already translated
    value: Value
    percent: float | None = None  # of the indicator's denominator; None when not meaningful or masked


@dataclass(frozen=True)
class Indicator:
    id: str  # stable id of docs/domain.md §7.2: "A1" … "I4"
    label: str
    unit: FigureUnit
    total: Value
    breakdown: tuple[Cell, ...] = ()
    # What percentages of the breakdown are taken of, in words ("des 98 personnes rencontrées").
    denominator_label: str = ""
    # True when a person counts once per value (problems, places…): the breakdown may sum above the total.
    is_multi_valued: bool = False
    # Secondary figures of the indicator (median, mean, waiting…): key → (label, value, unit).
    details: tuple[tuple[str, str, Value, FigureUnit], ...] = ()
    note: str = ""  # a short French explanation of the counting rule

    @property
    def group(self) -> str:
        return self.id[0]

    def with_changes(self, **changes) -> "Indicator":
        return replace(self, **changes)


GROUPS = {
    "A": _("Referrals"),
    "B": _("Persons met"),
    "C": _("Interventions"),
    "D": _("Danger"),
    "E": _("Orientations"),
    "F": _("Follow-ups"),
    "G": _("Steering"),
    "I": _("Cofinancing"),
}


class ScopeKind(StrEnum):
    POST = "post"
    UNIT = "unit"
    DEPARTMENT = "department"
    NATIONAL = "national"


@dataclass(frozen=True)
class BilanScope:
    kind: ScopeKind
    key: str  # post or unit public id, department code, "national"
    label: str  # e.g. "Somme (80)", "France entière"

    def as_argument(self) -> str:
        """The form the `bilan` command and URLs take: post:<uuid>, unit:<uuid>, department:80, national."""
        return "national" if self.kind == ScopeKind.NATIONAL else f"{self.kind}:{self.key}"


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before (a civil year gives the previous civil year)."""
        if self.start.month == 1 and self.start.day == 1 and self.end.month == 12 and self.end.day == 31:
            years = self.end.year - self.start.year + 1
            return Period(
                self.start.replace(year=self.start.year - years), self.end.replace(year=self.end.year - years)
            )
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)


@dataclass(frozen=True)
class Month:
    """Activity of one month of the period: held interventions and distinct persons met."""

    month: datetime.date  # first day of the month
    held: int
    persons: Value  # a string once masked


@dataclass(frozen=True)
class Bilan:
    scope: BilanScope
    period: Period
    indicators: dict[str, Indicator]  # keyed by id, in the order of docs/domain.md §7.2
    masking_threshold: int | None = None  # None: exact figures (ISCG, coordinators)
    generated_at: datetime.datetime | None = None
    previous: "Bilan | None" = None  # the previous period of the same length, for comparison
    warnings: tuple[str, ...] = field(default_factory=tuple)  # e.g. unfunded cofinancing gap
    monthly: tuple[Month, ...] = ()  # month by month, for the line chart
    # Set when the previous period's activity was recorded over less of it than this period's (posts
    # opened later or closed, history imported from a later date): the comparison is then no trend.
    incomplete_comparison: str = ""

    @property
    def is_masked(self) -> bool:
        return self.masking_threshold is not None

    def groups(self) -> list[tuple[str, str, list[Indicator]]]:
        """(letter, French title, indicators) in order, for outputs that go group by group."""
        result = []
        for letter, title in GROUPS.items():
            items = [indicator for indicator in self.indicators.values() if indicator.group == letter]
            if items:
                result.append((letter, title, items))
        return result
