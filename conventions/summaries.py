"""Cofinancing summaries (docs/domain.md §8), read-only, computed by database aggregates.

The engine's results are stored by the services (``FundingRule.committed_cents``,
``PostCost.prorated_cost_cents``), so every figure here is a ``Sum`` grouped by the database; Python
only arranges the grouped rows (a handful per funder and year) into tables.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from conventions.enums import ConventionKind, FunderKind, PaymentKind
from conventions.models import Convention, FundingRule, Payment, PlannedYear, PostCost
from organisation.models import Department, Post

ENDING_SOON_MONTHS = 6


@dataclass
class Cell:
    year: int = 0
    committed_cents: int = 0
    called_cents: int = 0
    paid_cents: int = 0

    @property
    def due_cents(self) -> int:
        return self.committed_cents - self.paid_cents

    @property
    def is_empty(self) -> bool:
        return not (self.committed_cents or self.called_cents or self.paid_cents)


@dataclass
class FunderRow:
    funder_id: int
    name: str
    kind: str
    cells: list[Cell] = field(default_factory=list)
    total: Cell = field(default_factory=Cell)

    @property
    def kind_label(self) -> str:
        return FunderKind(self.kind).label


@dataclass
class YearTotal:
    year: int
    cost_cents: int = 0
    committed_cents: int = 0
    called_cents: int = 0
    paid_cents: int = 0
    has_rules: bool = False

    @property
    def gap_cents(self) -> int:
        """> 0: unfunded; < 0: excess."""
        return self.cost_cents - self.committed_cents

    @property
    def due_cents(self) -> int:
        return self.committed_cents - self.paid_cents

    @property
    def is_empty(self) -> bool:
        """Neither a cost nor a rule recorded for the year yet."""
        return not self.cost_cents and not self.has_rules


@dataclass
class ConventionSummary:
    years: list[int]
    funders: list[FunderRow]
    year_totals: list[YearTotal]
    total: YearTotal

    @property
    def years_with_gap(self) -> list[YearTotal]:
        return [total for total in self.year_totals if total.gap_cents]


def convention_summary(convention: Convention) -> ConventionSummary:
    """Years × funders: committed (engine), called, paid, due; and per year: cost and gap. Four queries."""
    years = convention.years
    index = {year: i for i, year in enumerate(years)}
    year_totals = [YearTotal(year=year) for year in years]
    for row in (
        PostCost.objects.filter(convention_post__convention=convention, year__in=years)
        .values("year")
        .annotate(total=Sum("prorated_cost_cents"))
        .order_by()
    ):
        year_totals[index[row["year"]]].cost_cents = row["total"] or 0
    funders: dict[int, FunderRow] = {}

    def row_for(values) -> FunderRow:
        funder_id = values["funder_id"]
        if funder_id not in funders:
            funders[funder_id] = FunderRow(
                funder_id=funder_id,
                name=values["funder__name"],
                kind=values["funder__kind"],
                cells=[Cell(year=year) for year in years],
            )
        return funders[funder_id]

    for values in (
        FundingRule.objects.filter(convention=convention, year__in=years)
        .values("funder_id", "funder__name", "funder__kind", "year")
        .annotate(committed=Sum("committed_cents"))
        .order_by()
    ):
        i = index[values["year"]]
        row_for(values).cells[i].committed_cents = values["committed"] or 0
        year_totals[i].committed_cents += values["committed"] or 0
        year_totals[i].has_rules = True
    for values in (
        Payment.objects.filter(convention=convention)
        .values("funder_id", "funder__name", "funder__kind", "year")
        .annotate(
            called=Sum("amount_cents", filter=Q(kind=PaymentKind.CALL_FOR_FUNDS)),
            paid=Sum("amount_cents", filter=Q(kind=PaymentKind.PAYMENT)),
        )
        .order_by()
    ):
        if values["year"] not in index:
            continue
        i = index[values["year"]]
        cell = row_for(values).cells[i]
        cell.called_cents, cell.paid_cents = values["called"] or 0, values["paid"] or 0
        year_totals[i].called_cents += cell.called_cents
        year_totals[i].paid_cents += cell.paid_cents
    rows = sorted(funders.values(), key=lambda row: (row.name.lower(), row.funder_id))
    for row in rows:
        row.total = Cell(
            committed_cents=sum(cell.committed_cents for cell in row.cells),
            called_cents=sum(cell.called_cents for cell in row.cells),
            paid_cents=sum(cell.paid_cents for cell in row.cells),
        )
    total = YearTotal(
        year=0,
        cost_cents=sum(t.cost_cents for t in year_totals),
        committed_cents=sum(t.committed_cents for t in year_totals),
        called_cents=sum(t.called_cents for t in year_totals),
        paid_cents=sum(t.paid_cents for t in year_totals),
    )
    return ConventionSummary(years=years, funders=rows, year_totals=year_totals, total=total)


# ---- Department ---------------------------------------------------------------------------------


@dataclass
class KindShare:
    kind: str
    committed_cents: int
    paid_cents: int
    share: float | None  # percentage of the total cost

    @property
    def label(self) -> str:
        return FunderKind(self.kind).label


@dataclass
class DepartmentSummary:
    department: Department
    year: int
    posts: list
    post_count: int
    total_fte: object
    total_cost_cents: int
    committed_cents: int
    paid_cents: int
    kind_shares: list[KindShare]
    ending_soon: list
    ending_before: datetime.date
    frameworks: list = field(default_factory=list)  # FrameworkProgress of the framework conventions in force

    @property
    def gap_cents(self) -> int:
        return self.total_cost_cents - self.committed_cents


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def department_summary(*, department: Department, scope, year: int, today: datetime.date) -> DepartmentSummary:
    """Posts, FTE, cost, shares by funder kind and conventions ending within six months. Constant queries."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    in_year = Q(convention_posts__costs__year=year) & Q(convention_posts__convention__department=department)
    active_posts = (
        Post.objects.visible_to(scope)
        .filter(department=department, starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
    )
    post_totals = active_posts.aggregate(count=Count("pk"), fte=Sum("fte"))
    posts = active_posts.annotate(
        year_cost=Sum("convention_posts__costs__prorated_cost_cents", filter=in_year),
        convention_count=Count("convention_posts__convention", distinct=True),
    ).order_by("name", "pk")
    posts = list(posts)
    conventions = Convention.objects.visible_to(scope).filter(department=department)
    total_cost = (
        PostCost.objects.filter(convention_post__convention__in=conventions, year=year).aggregate(
            total=Sum("prorated_cost_cents")
        )["total"]
        or 0
    )
    committed = {
        row["funder__kind"]: row["total"] or 0
        for row in FundingRule.objects.filter(convention__in=conventions, year=year)
        .values("funder__kind")
        .annotate(total=Sum("committed_cents"))
        .order_by()
    }
    paid = {
        row["funder__kind"]: row["total"] or 0
        for row in Payment.objects.filter(convention__in=conventions, year=year, kind=PaymentKind.PAYMENT)
        .values("funder__kind")
        .annotate(total=Sum("amount_cents"))
        .order_by()
    }
    kind_shares = [
        KindShare(
            kind=kind,
            committed_cents=committed.get(kind, 0),
            paid_cents=paid.get(kind, 0),
            share=(100 * committed.get(kind, 0) / total_cost) if total_cost else None,
        )
        for kind in FunderKind.values
        if kind in committed or kind in paid
    ]
    ending_before = add_months(today, ENDING_SOON_MONTHS)
    ending_soon = list(
        conventions.ending_between(today, ending_before).select_related("department").order_by("ends_on", "title")
    )
    return DepartmentSummary(
        department=department,
        year=year,
        posts=posts,
        post_count=post_totals["count"],
        total_fte=post_totals["fte"] or 0,
        total_cost_cents=total_cost,
        committed_cents=sum(committed.values()),
        paid_cents=sum(paid.values()),
        kind_shares=kind_shares,
        ending_soon=ending_soon,
        ending_before=ending_before,
        frameworks=frameworks_progress(conventions.filter(starts_on__lte=last, ends_on__gte=first)),
    )


# ---- Framework conventions ----------------------------------------------------------------------


@dataclass
class LocalConventionRow:
    convention: Convention
    created_fte: Decimal


@dataclass
class PlannedYearRow:
    year: int
    planned_fte: Decimal | None
    created_fte: Decimal


@dataclass
class FrameworkProgress:
    """What a framework convention plans against what its local conventions created, post by post."""

    framework: Convention
    planned_fte: Decimal | None  # None: the framework states no total
    created_fte: Decimal
    local_conventions: list[LocalConventionRow]
    years: list[PlannedYearRow]

    @property
    def is_exceeded(self) -> bool:
        return self.planned_fte is not None and self.created_fte > self.planned_fte


def _framework_progress(framework: Convention, locals_: list, planned: dict[int, Decimal]) -> FrameworkProgress:
    rows = [LocalConventionRow(convention=local, created_fte=local.created_fte or Decimal(0)) for local in locals_]
    years = [
        PlannedYearRow(
            year=year,
            planned_fte=planned.get(year),
            created_fte=sum(
                (
                    row.created_fte
                    for row in rows
                    if row.convention.starts_on.year <= year <= row.convention.ends_on.year
                ),
                Decimal(0),
            ),
        )
        for year in framework.years
    ]
    return FrameworkProgress(
        framework=framework,
        planned_fte=framework.planned_fte,
        created_fte=sum((row.created_fte for row in rows), Decimal(0)),
        local_conventions=rows,
        years=years,
    )


def frameworks_progress(frameworks) -> list[FrameworkProgress]:
    """Planned against created FTE for framework conventions (a queryset already scoped). Three queries."""
    frameworks = list(frameworks.filter(kind=ConventionKind.FRAMEWORK).order_by("-starts_on", "title", "pk"))
    if not frameworks:
        return []
    ids = [framework.pk for framework in frameworks]
    locals_by_framework: dict[int, list] = {pk: [] for pk in ids}
    for local in (
        Convention.objects.filter(framework_id__in=ids)
        .annotate(created_fte=Sum("convention_posts__fte_share"))
        .order_by("starts_on", "title", "pk")
    ):
        locals_by_framework[local.framework_id].append(local)
    planned: dict[int, dict[int, Decimal]] = {pk: {} for pk in ids}
    for row in PlannedYear.objects.filter(convention_id__in=ids).values("convention_id", "year", "planned_fte"):
        planned[row["convention_id"]][row["year"]] = row["planned_fte"]
    return [_framework_progress(f, locals_by_framework[f.pk], planned[f.pk]) for f in frameworks]


def framework_progress(framework: Convention) -> FrameworkProgress | None:
    if not framework.is_framework:
        return None
    return frameworks_progress(Convention.objects.filter(pk=framework.pk))[0]
