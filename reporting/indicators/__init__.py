"""The indicators of a bilan (docs/domain.md §7.2), each computed by the database.

Every figure here is an aggregate (``COUNT``, ``SUM``, conditional counts, correlated subqueries);
medians are PostgreSQL's ``percentile_cont``, elsewhere the one or two middle rows of a query ordered
by the database. The person figures come from one query grouped by person (``_PersonFacts``).
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
"""

import datetime
import math
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    NullIf,
    TruncDate,
    TruncMonth,
)
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from casework.enums import (
    AGE_CLASS_BOUNDS,
    CHILD_PROTECTION_KINDS,
    AgeClass,
    ClosingReason,
    FollowUpRole,
    InterventionKind,
    InterventionStatus,
    KnownToSocialServices,
    OrientationKind,
    OrientationStatus,
    Place,
    Sex,
)
from casework.models import Assessment, FollowUp, Intervention, Orientation
from conventions.cofinancing import days_covered
from conventions.enums import PaymentKind
from conventions.models import Funder, FundingRule, Payment, PostCost, SteeringCommittee
from iscg.db_routers import replica_reads
from organisation.models import Department, PartnerType, Post, Unit
from referrals.enums import ClosingReason as ReferralClosingReason
from referrals.enums import Source, Status
from referrals.models import DangerAssessment, Problem, Referral
from reporting.alongside import alongside
from reporting.bilan import Bilan, BilanScope, Cell, Indicator, Month, Period, ScopeKind
from reporting.bilan import Unit as FigureUnit

DAYS_PER_MONTH = 30.44  # docs/domain.md §7.2 F2
UNKNOWN = "unknown"


# ---- Scope and period ---------------------------------------------------------------------------


def resolve_scope(argument: str) -> BilanScope:
    """Parse ``post:<public_id>``, ``unit:<public_id>``, ``department:<code>`` or ``national``."""
    argument = (argument or "").strip()
    if argument == ScopeKind.NATIONAL:
        return BilanScope(ScopeKind.NATIONAL, ScopeKind.NATIONAL.value, _("France (national)"))
    kind, _sep, key = argument.partition(":")
    try:
        match kind:
            case ScopeKind.POST:
                post = Post.objects.select_related("department").get(public_id=key)
                return BilanScope(ScopeKind.POST, str(post.public_id), f"{post.name} ({post.department.code})")
            case ScopeKind.UNIT:
                unit = Unit.objects.select_related("department").get(public_id=key)
                return BilanScope(ScopeKind.UNIT, str(unit.public_id), f"{unit.name} ({unit.department.code})")
            case ScopeKind.DEPARTMENT:
                department = Department.objects.get(code=key)
                return BilanScope(ScopeKind.DEPARTMENT, department.code, f"{department.name} ({department.code})")
    except (Post.DoesNotExist, Unit.DoesNotExist, Department.DoesNotExist, ValueError, ValidationError) as error:
        raise ValueError(_("Unknown scope: %(scope)s.") % {"scope": argument}) from error
    raise ValueError(
        _("A scope is post:<id>, unit:<id>, department:<code> or national, not “%(scope)s”.") % {"scope": argument}
    )


def civil_year(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a day, in the service's time zone (Europe/Paris)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class _Bounds:
    """The period as half-open datetime bounds [start, end) and inclusive dates."""

    period: Period

    @property
    def start_at(self) -> datetime.datetime:
        return _start_of(self.period.start)

    @property
    def end_at(self) -> datetime.datetime:
        return _start_of(self.period.end + datetime.timedelta(days=1))

    def at(self, prefix: str) -> Q:
        return Q(**{f"{prefix}__gte": self.start_at, f"{prefix}__lt": self.end_at})

    def on(self, prefix: str) -> Q:
        return Q(**{f"{prefix}__gte": self.period.start, f"{prefix}__lte": self.period.end})


class _Filters:
    """The rows of a bilan scope, as Q objects on each model (resolved to primary keys once)."""

    def __init__(self, scope: BilanScope):
        self.scope = scope
        self.post = self.unit = self.department = None
        match scope.kind:
            case ScopeKind.POST:
                self.post = Post.objects.only("pk", "department_id").get(public_id=scope.key)
            case ScopeKind.UNIT:
                self.unit = Unit.objects.only("pk").get(public_id=scope.key)
            case ScopeKind.DEPARTMENT:
                self.department = Department.objects.only("pk").get(code=scope.key)

    def followup(self, prefix: str = "") -> Q:
        if self.post:
            return Q(**{f"{prefix}post": self.post.pk})
        if self.department:
            return Q(**{f"{prefix}post__department": self.department.pk})
        if self.unit:
            opened_by_unit = FollowUp.objects.filter(referrals__unit=self.unit.pk).values("pk")
            return Q(**{f"{prefix}pk__in" if prefix == "" else f"{prefix}in": opened_by_unit})
        return Q()

    def referral(self) -> Q:
        if self.post:
            # Listed units and those the post's coverage rule reaches (units created later included).
            return Q(unit__in=Unit.objects.covered_by([self.post], datetime.date.max).values("pk"))
        if self.department:
            return Q(unit__department=self.department.pk)
        if self.unit:
            return Q(unit=self.unit.pk)
        return Q()

    def convention(self, prefix: str = "") -> Q:
        if self.post:
            return Q(**{f"{prefix}convention_posts__post": self.post.pk})
        if self.department:
            return Q(**{f"{prefix}department": self.department.pk})
        if self.unit:
            return Q(pk__in=[])
        return Q()

    @property
    def has_cofinancing(self) -> bool:
        return self.unit is None


# ---- Small builders -----------------------------------------------------------------------------


def _percent(value, denominator) -> float | None:
    if not denominator or value is None:
        return None
    return round(100 * value / denominator, 1)


def _cells(counts: dict, choices: Iterable[tuple[str, str]], denominator=None) -> tuple[Cell, ...]:
    """Every category in its order (zeros included), then any value missing from the list."""
    cells = []
    seen = set()
    for key, label in choices:
        key = str(key)
        seen.add(key)
        value = counts.get(key, 0)
        cells.append(Cell(key, str(label), value, _percent(value, denominator)))
    for key, value in counts.items():
        if str(key) not in seen:
            cells.append(Cell(str(key), str(key), value, _percent(value, denominator)))
    return tuple(cells)


def _grouped(queryset: QuerySet, field: str, *, count="pk", distinct=False) -> dict:
    rows = queryset.order_by().values(field).annotate(n=Count(count, distinct=distinct)).values_list(field, "n")
    return {(UNKNOWN if key in (None, "") else str(key)): n for key, n in rows}


def _crossed(queryset: QuerySet, *fields: str) -> dict[tuple, int]:
    """Counts of ``queryset`` grouped by several fields at once: one scan for several breakdowns
    (a handful of rows: the product of the fields' choices)."""
    rows = queryset.order_by().values(*fields).annotate(n=Count("pk")).values_list(*fields, "n")
    return {tuple(UNKNOWN if key in (None, "") else str(key) for key in row[:-1]): row[-1] for row in rows}


def _margin(crossed: dict[tuple, int], position: int) -> dict:
    """One breakdown of a crossed count: the counts summed over the other fields."""
    counts: dict = {}
    for keys, n in crossed.items():
        counts[keys[position]] = counts.get(keys[position], 0) + n
    return counts


class _PostgresMedian(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the mean of the two middle values, as ``_median`` reads them."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _median(queryset: QuerySet, field: str, count: int):
    """Median of ``field`` over ``queryset`` (``count`` rows): the database orders, we read the middle rows."""
    if not count:
        return None
    middle = list(queryset.order_by(field).values_list(field, flat=True)[(count - 1) // 2 : count // 2 + 1])
    if not middle:
        return None
    if isinstance(middle[0], datetime.timedelta):
        return sum(middle, datetime.timedelta()) / len(middle)
    return sum(middle) / len(middle)


def _with_median(queryset: QuerySet, field: str, **aggregates) -> dict:
    """``aggregates`` over ``queryset``, plus ``count`` (rows where ``field`` is set) and ``median`` of
    ``field``. One query on PostgreSQL (``percentile_cont``); elsewhere the count, then the middle rows.
    A grouped queryset is wrapped in a subquery by ``aggregate()``, so it is computed once."""
    if connections[queryset.db].vendor == "postgresql":
        annotation = queryset.query.annotations.get(field)
        is_duration = annotation is not None and isinstance(annotation.output_field, DurationField)
        median = _PostgresMedian(field, output_field=DurationField() if is_duration else FloatField())
        return queryset.aggregate(count=Count(field), median=median, **aggregates)
    figures = queryset.aggregate(count=Count(field), **aggregates)
    figures["median"] = _median(queryset, field, figures["count"])
    return figures


def _days(duration: datetime.timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def _denominator(count: int, what: str) -> str:
    return _("of the %(count)s %(what)s") % {"count": count, "what": what}


# ---- The bilan ----------------------------------------------------------------------------------


def _held(filters: "_Filters", bounds: "_Bounds") -> QuerySet:
    """The held interventions of the scope and period: what every person count starts from."""
    return Intervention.objects.filter(
        filters.followup("followup__"), bounds.at("starts_at"), status=InterventionStatus.DONE
    )


def persons_met_count(*, scope: BilanScope, period: Period) -> int:
    """B1 alone (one query): distinct persons with a held intervention in the period and scope."""
    filters, bounds = _Filters(scope), _Bounds(period)
    held = _held(filters, bounds)
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
    filters, bounds = _Filters(scope), _Bounds(period)
    previous_period = period.previous() if with_previous else None
    with alongside(Intervention) as background:
        facts = background.submit(_PersonFacts.of, filters, bounds)
        if previous_period:
            previous_facts = background.submit(_PersonFacts.of, filters, _Bounds(previous_period))
        monthly = _monthly(filters, bounds)
        indicators, warnings = _compute(filters, bounds, facts, include_cofinancing=include_cofinancing)
        previous = None
        if previous_period:
            previous_indicators, previous_warnings = _compute(
                filters, _Bounds(previous_period), previous_facts, include_cofinancing=include_cofinancing
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
        incomplete_comparison=_incomplete_comparison(filters, period, previous_period) if previous_period else "",
    )


# ---- Coverage of the comparison -----------------------------------------------------------------


def _recording_spans(filters: _Filters) -> list[tuple[datetime.date, datetime.date | None]]:
    """When the scope's activity was being recorded: for each post, from the later of its opening and
    its first recorded activity (an intervention of any status or a referral of its units; imported
    history counts from its own dates) to its closing; for a unit, from its first referral on."""
    if filters.unit:
        first = Referral.objects.filter(unit=filters.unit.pk).aggregate(first=Min("referred_at"))["first"]
        return [(timezone.localdate(first), None)] if first else []
    first_intervention = (
        Intervention.objects.filter(followup__post=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1]
    )
    first_referral = (
        Referral.objects.filter(unit__posts=OuterRef("pk")).order_by("referred_at").values("referred_at")[:1]
    )
    posts = Post.objects.all()
    if filters.post:
        posts = posts.filter(pk=filters.post.pk)
    elif filters.department:
        posts = posts.filter(department=filters.department.pk)
    rows = posts.annotate(
        first_intervention=Subquery(first_intervention), first_referral=Subquery(first_referral)
    ).values_list("starts_on", "ends_on", "first_intervention", "first_referral")
    spans = []
    for starts_on, ends_on, *firsts in rows:
        recorded = [timezone.localdate(moment) for moment in firsts if moment is not None]
        if recorded:
            spans.append((max(starts_on, min(recorded)), ends_on))
    return spans


def _covered_days(spans, period: Period) -> int:
    days = 0
    for start, end in spans:
        first, last = max(start, period.start), min(end or period.end, period.end)
        days += max((last - first).days + 1, 0)
    return days


def _incomplete_comparison(filters: _Filters, period: Period, previous: Period) -> str:
    """A French note when the previous period's activity was recorded over less of it than the period's
    own (posts opened later or closed, history imported from a later date): its figures are then no trend.
    Compared: the days each post was recording activity, as a share of each period's days."""
    spans = _recording_spans(filters)
    covered, previous_covered = _covered_days(spans, period), _covered_days(spans, previous)
    if previous_covered * period.days >= covered * previous.days:
        return ""
    start = min(span[0] for span in spans)
    if start > previous.start:
        detail = _("activity recorded from %(date)s") % {"date": _long_date(start)}
    else:  # posts opened during it, or closed before its end
        detail = _("the posts recorded activity during %(previous)s of it, against %(current)s of this period") % {
            "previous": f"{round(100 * previous_covered / (previous.days * len(spans)))} %",
            "current": f"{round(100 * covered / (period.days * len(spans)))} %",
        }
    return _("incomplete comparison period: %(detail)s") % {"detail": detail}


def _long_date(day: datetime.date) -> str:
    """ "1er octobre 2024" in French (the first of the month is an ordinal), "1 October 2024" in English."""
    text = date_format(day, "DATE_FORMAT")
    if day.day == 1 and (get_language() or "").startswith("fr"):
        text = text.replace("1", "1er", 1)
    return text


def _months(period: Period) -> list[datetime.date]:
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _monthly(filters: _Filters, bounds: _Bounds) -> tuple[Month, ...]:
    """Held interventions and distinct persons met per month (one grouped query); empty months are zeros."""
    months = _months(bounds.period)
    if len(months) > 36:  # a line of more than three years of months says nothing more
        return ()
    held = _held(filters, bounds)
    rows = (
        held.order_by()
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(held=Count("pk"), persons=Count("followup__person", distinct=True))
        .values_list("month", "held", "persons")
    )
    by_month = {}
    for month, count, persons in rows:
        day = month.date() if isinstance(month, datetime.datetime) else month
        by_month[day.replace(day=1)] = (count, persons)
    return tuple(Month(month, *by_month.get(month, (0, 0))) for month in months)


def _compute(filters: _Filters, bounds: _Bounds, facts: "Future[_PersonFacts]", *, include_cofinancing: bool):
    """The indicators of one period, in the order of docs/domain.md §7.2. ``facts`` may still be running:
    the sections that do not need it come first, the others read it after their own queries."""
    held = _held(filters, bounds)
    sections = {
        "A": _referrals(filters, bounds),
        "F": _followups(filters, bounds),
        "G": _steering(filters, bounds),
        "B": _persons(held, facts),
        "C": _interventions(filters, bounds, facts),
        "E": _orientations(filters, bounds, facts),
        "D": _danger(facts.result()),
    }
    warnings: list[str] = []
    if include_cofinancing and filters.has_cofinancing:
        sections["I"], warnings = _cofinancing(filters, bounds, facts)
    indicators = [indicator for group in sorted(sections) for indicator in sections[group]]
    return {indicator.id: indicator for indicator in indicators}, warnings


# ---- A: referrals -------------------------------------------------------------------------------


def _referrals(filters: _Filters, bounds: _Bounds) -> list[Indicator]:
    end_at = bounds.end_at
    received_q = Q(referred_at__gte=bounds.start_at, referred_at__lt=end_at) & ~Q(status=Status.WITHDRAWN)
    closed_q = Q(closed_at__gte=bounds.start_at, closed_at__lt=end_at, status=Status.CLOSED)
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
    unit_cells = tuple(Cell(c.key, c.label, c.value, _percent(c.value, total)) for c in unit_cells)
    referral_word = _("referrals")
    a1 = Indicator(
        "A1",
        _("Referrals received"),
        FigureUnit.REFERRALS,
        total,
        unit_cells,
        denominator_label=_denominator(total, referral_word),
        note=_("By unit. Referrals withdrawn by their author (filed by mistake) are not counted."),
    )
    by_source = {source: sums.get(f"source_{source}", 0) for source in Source.values}
    a2 = Indicator(
        "A2",
        _("Referrals by channel"),
        FigureUnit.REFERRALS,
        total,
        _cells(by_source, Source.choices, total),
        denominator_label=_denominator(total, referral_word),
    )
    closed_counts = {reason: sums.get(f"closed_{reason}", 0) for reason in ReferralClosingReason.values}
    closed_total = sum(closed_counts.values())
    a3 = Indicator(
        "A3",
        _("Referrals closed without follow-up"),
        FigureUnit.REFERRALS,
        closed_total,
        _cells(closed_counts, ReferralClosingReason.choices, closed_total),
        denominator_label=_denominator(closed_total, referral_word),
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
            followups__interventions__status=InterventionStatus.DONE,
        )
        .annotate(first_held_at=Min("followups__interventions__starts_at"))
        .annotate(delay=ExpressionWrapper(F("first_held_at") - F("referred_at"), output_field=DurationField()))
    )
    waiting = sums.get("waiting", 0)
    delay_figures = _with_median(delays, "delay")
    with_delay, median = delay_figures["count"], _days(delay_figures["median"])
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


# ---- B: persons ---------------------------------------------------------------------------------


def _month_day(field: str):
    return ExtractMonth(field) * 100 + ExtractDay(field)


def _age_on(moment: str, birth: str) -> ExpressionWrapper:
    """Age in whole years at ``moment`` (a datetime, read in the service's time zone) of a person born
    on ``birth`` (none without a date of birth)."""
    return ExpressionWrapper(
        ExtractYear(moment)
        - ExtractYear(birth)
        - Case(When(LessThan(_month_day(moment), _month_day(birth)), then=Value(1)), default=Value(0)),
        output_field=IntegerField(),
    )


def _age_class_conditions(age: str, recorded: str) -> dict[str, Q]:
    """For each age class, the condition on an ``age`` in years (from the date of birth), else on the
    ``recorded`` class: the age is computed once per person, then only compared."""
    conditions, lowest = {}, 0
    for upper, age_class in AGE_CLASS_BOUNDS:
        conditions[age_class.value] = Q(**{f"{age}__gte": lowest, f"{age}__lte": upper})
        lowest = upper + 1
    conditions[AgeClass.AGE_75_PLUS.value] = Q(**{f"{age}__gte": lowest})
    conditions[AgeClass.UNKNOWN.value] = Q(**{f"{age}__lt": 0})
    return {
        value: condition | Q(**{f"{age}__isnull": True, recorded: value}) for value, condition in conditions.items()
    }


class _ForGroup:
    """A subquery that only refers to the grouping column of the query (the person): evaluated once
    per group, so it is no grouping key. Django would group by it, and the database would run it
    once per intervention (and sort by it) instead of once per person."""

    def get_group_by_cols(self):
        return []


class _ExistsForGroup(_ForGroup, Exists):
    pass


class _SubqueryForGroup(_ForGroup, Subquery):
    pass


def _first_role(held: QuerySet):
    """In a query of held interventions grouped by person: the role in the follow-up of the person's
    first held intervention (ties broken by primary key). PostgreSQL reads it in the same pass
    (``array_agg`` ordered by date); elsewhere a correlated subquery per person (the embedded
    database only holds a demo's volume)."""
    if connections[held.db].vendor == "postgresql":
        from django.contrib.postgres.aggregates import ArrayAgg  # imported here: PostgreSQL only

        roles = ArrayAgg("followup__person_role", order_by=("starts_at", "pk"))
        return Func(roles, template="(%(expressions)s)[1]", output_field=CharField())
    first = held.filter(followup__person=OuterRef("followup__person")).order_by("starts_at", "pk")
    return _SubqueryForGroup(first.values("followup__person_role")[:1])


@dataclass(frozen=True)
class _PersonFacts:
    """What groups B, C and D say of the persons met, from one query: the held interventions of the
    period grouped by person (one row each: sex, age class and role at the first one, places, whether
    held before, danger), then one aggregate over those rows. One query rather than one per
    indicator, each deriving the persons met again (docs/domain.md §7.1 counting rules)."""

    met: int
    seen_before: int
    held_median: float | None
    sex: dict
    known: dict
    age_class: dict
    role: dict
    place: dict
    with_grid: int
    grid_danger: int
    flagged: int
    grid_danger_and_flagged: int
    children_exposed: int
    with_children_exposed: int

    # One conditional count per listed value: the database refuses any other value of these fields
    # (check constraints on persons, follow-ups and interventions), so no person falls out.
    BREAKDOWNS = {
        "sex": ("sex", Sex.values),
        "known": ("known", KnownToSocialServices.values),
        "role": ("first_role", FollowUpRole.values),
    }

    @classmethod
    def of(cls, filters: "_Filters", bounds: "_Bounds") -> "_PersonFacts":
        held = _held(filters, bounds)
        person = OuterRef("followup__person")
        held_before = Intervention.objects.filter(
            followup__person=person, status=InterventionStatus.DONE, starts_at__lt=bounds.start_at
        )
        # 1 when a grid says danger, 0 when the grids say none, nothing without a grid: one lookup per
        # person (two EXISTS would make PostgreSQL hash every danger grid of the country, even for a
        # department), from the person's referral links straight to the grids (not through the
        # referrals), as one aggregate (a constant is no grouping key: no GROUP BY).
        links = FollowUp.referrals.through.objects.filter(followup__person=OuterRef(person))
        grids = (
            DangerAssessment.objects.filter(referral__in=links.values("referral"), filled_at__lt=bounds.end_at)
            .order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(danger=Max(Cast("is_danger", IntegerField())))
            .values("danger")
        )
        assessments = Assessment.objects.filter(
            filters.followup("followup__"), followup__person=person, assessed_on__lte=bounds.period.end
        )
        very_serious = assessments.filter(is_very_serious_danger=True)
        highest_children_exposed = (
            assessments.filter(children_exposed__isnull=False)
            .order_by()
            .values("followup__person")
            .annotate(highest=Max("children_exposed"))
            .values("highest")
        )
        per_person = (
            held.order_by()
            .values("followup__person")
            .annotate(
                # The person's own fields are the same on every row of the group: read with MAX, they
                # are no grouping keys to sort by.
                sex=Max("followup__person__sex"),
                known=Max("followup__person__known_to_social_services"),
                birth=Max("followup__person__birth_date"),
                recorded_age_class=Max("followup__person__age_class"),
                seen_before=_ExistsForGroup(held_before),
                grid=_SubqueryForGroup(grids),
                flagged=_ExistsForGroup(very_serious),
                children_exposed=_SubqueryForGroup(highest_children_exposed),
                held=Count("pk"),
                first_at=Min("starts_at"),
                first_role=_first_role(held),
                **{f"at_{place}": Count("pk", filter=Q(place=place)) for place in Place.values},
            )
            .annotate(age=_age_on("first_at", "birth"))
        )

        def persons(**condition):
            return Count("held", filter=Q(**condition))

        aggregates = {
            "n_seen_before": persons(seen_before=True),
            "n_with_grid": persons(grid__isnull=False),
            "n_grid_danger": persons(grid=1),
            "n_flagged": persons(flagged=True),
            "n_grid_danger_and_flagged": persons(grid=1, flagged=True),
            "n_children_exposed": Coalesce(Sum("children_exposed"), 0),
            "n_with_children_exposed": persons(children_exposed__gt=0),
        }
        for name, (column, values) in cls.BREAKDOWNS.items():
            aggregates |= {f"n_{name}_{value}": persons(**{column: value}) for value in values}
        age_classes = _age_class_conditions("age", "recorded_age_class")
        aggregates |= {f"n_age_class_{value}": Count("held", filter=q) for value, q in age_classes.items()}
        aggregates |= {f"n_place_{place}": persons(**{f"at_{place}__gt": 0}) for place in Place.values}
        row = _with_median(per_person, "held", **aggregates)
        breakdowns = {
            name: {value: row[f"n_{name}_{value}"] for value in values}
            for name, (_column, values) in cls.BREAKDOWNS.items()
        }
        return cls(
            met=row["count"],
            seen_before=row["n_seen_before"],
            held_median=row["median"],
            age_class={value: row[f"n_age_class_{value}"] for value in age_classes},
            place={place: row[f"n_place_{place}"] for place in Place.values},
            with_grid=row["n_with_grid"],
            grid_danger=row["n_grid_danger"],
            flagged=row["n_flagged"],
            grid_danger_and_flagged=row["n_grid_danger_and_flagged"],
            children_exposed=row["n_children_exposed"],
            with_children_exposed=row["n_with_children_exposed"],
            **breakdowns,
        )


def _persons(held: QuerySet, facts: "Future[_PersonFacts]") -> list[Indicator]:
    problem_figures = _problem_figures(held)  # its query first: the person facts may still be running
    facts = facts.result()
    met = facts.met
    person_word = _("persons met")
    denominator = _denominator(met, person_word)

    b1 = Indicator(
        "B1",
        _("Persons met"),
        FigureUnit.PERSONS,
        met,
        note=_("Distinct persons with at least one held intervention in the period."),
    )
    b2 = Indicator(
        "B2",
        _("New persons"),
        FigureUnit.PERSONS,
        met - facts.seen_before,
        note=_("Persons whose first held intervention ever falls in the period."),
    )
    b3 = Indicator(
        "B3",
        _("Persons met by sex"),
        FigureUnit.PERSONS,
        met,
        _cells(facts.sex, Sex.choices, met),
        denominator,
    )
    b4 = Indicator(
        "B4",
        _("Persons met by age class"),
        FigureUnit.PERSONS,
        met,
        _cells(facts.age_class, AgeClass.choices, met),
        denominator,
        note=_("Age at the first held intervention of the period."),
    )
    b5 = Indicator(
        "B5",
        _("Persons met by role"),
        FigureUnit.PERSONS,
        met,
        _cells(facts.role, FollowUpRole.choices, met),
        denominator,
        note=_("Role in the follow-up of the first held intervention of the period."),
    )
    b6 = _persons_by_problem(problem_figures, met, denominator)
    known = facts.known
    b7 = Indicator(
        "B7",
        _("Persons met known to social services at first contact"),
        FigureUnit.PERSONS,
        met,
        _cells(known, KnownToSocialServices.choices, met),
        denominator,
        details=(
            (
                "share_unknown",
                _("Share of persons unknown to social services (%)"),
                _percent(known.get(KnownToSocialServices.NO, 0), met),
                FigureUnit.RATIO,
            ),
        ),
    )
    b8 = _children_exposed(facts, denominator)
    b9 = Indicator(
        "B9",
        _("Persons met by place"),
        FigureUnit.PERSONS,
        met,
        _cells(facts.place, Place.choices, met),
        denominator,
        is_multi_valued=True,
        note=_("A person counts in each place where they had a held intervention."),
    )
    return [b1, b2, b3, b4, b5, b6, b7, b8, b9]


def _problem_figures(held: QuerySet) -> tuple[list, dict]:
    """The distinct (person, problem) pairs of the follow-ups with a held intervention, counted per
    problem and, for "not stated", per person: one query."""
    links = FollowUp.problems.through.objects.filter(followup__in=held.values("followup"))
    pairs = links.order_by().values("followup__person", "problem").distinct()
    problems = list(Problem.objects.order_by("position", "name"))
    figures = pairs.aggregate(
        with_problem=Count("followup__person", distinct=True),
        **{f"problem_{problem.pk}": Count("problem", filter=Q(problem=problem.pk)) for problem in problems},
    )
    return problems, figures


def _persons_by_problem(problem_figures: tuple[list, dict], met: int, denominator: str) -> Indicator:
    """B6 from ``_problem_figures``. Inactive problems show when counted."""
    problems, figures = problem_figures
    shown = [problem for problem in problems if problem.is_active or figures[f"problem_{problem.pk}"]]
    counts = {problem.code: figures[f"problem_{problem.pk}"] for problem in shown}
    choices = [(problem.code, problem.name) for problem in shown]
    with_problem = figures["with_problem"]
    without = met - with_problem
    cells = (*_cells(counts, choices, met), Cell(UNKNOWN, str(_("Not stated")), without, _percent(without, met)))
    return Indicator(
        "B6",
        _("Persons met by problem"),
        FigureUnit.PERSONS,
        met,
        cells,
        denominator,
        is_multi_valued=True,
        note=_("Problems of the follow-ups with a held intervention; a person counts once per problem."),
    )


def _children_exposed(facts: _PersonFacts, denominator: str) -> Indicator:
    return Indicator(
        "B8",
        _("Children exposed"),
        FigureUnit.PERSONS,
        facts.children_exposed,
        (
            Cell(
                "persons_with_children_exposed",
                str(_("Persons met with children exposed")),
                facts.with_children_exposed,
                _percent(facts.with_children_exposed, facts.met),
            ),
        ),
        denominator,
        note=_("Children exposed to the situation, as the latest social assessment records them (highest figure)."),
    )


# ---- C: interventions ---------------------------------------------------------------------------


def _interventions(filters: _Filters, bounds: _Bounds, facts: "Future[_PersonFacts]") -> list[Indicator]:
    # One scan for C1, C2 and C3: the recorded interventions of the period by status, kind and place.
    in_period = Intervention.objects.filter(filters.followup("followup__"), bounds.at("starts_at"))
    recorded_by = _crossed(in_period.exclude(status=InterventionStatus.PLANNED), "status", "kind", "place")
    by_kind_and_place = {keys[1:]: n for keys, n in recorded_by.items() if keys[0] == InterventionStatus.DONE}
    held_count = sum(by_kind_and_place.values())
    intervention_word = _("held interventions")
    denominator = _denominator(held_count, intervention_word)
    c1 = Indicator(
        "C1",
        _("Held interventions by type"),
        FigureUnit.INTERVENTIONS,
        held_count,
        _cells(_margin(by_kind_and_place, 0), InterventionKind.choices, held_count),
        denominator,
    )
    statuses = _margin(recorded_by, 0)
    recorded = sum(statuses.values())
    c2 = Indicator(
        "C2",
        _("Appointments held and not honoured"),
        FigureUnit.INTERVENTIONS,
        statuses.get(InterventionStatus.DONE, 0),
        _cells(
            statuses,
            [(value, label) for value, label in InterventionStatus.choices if value != InterventionStatus.PLANNED],
            recorded,
        ),
        _denominator(recorded, _("interventions recorded")),
        note=_("Held interventions; not honoured and cancelled ones are shown apart."),
    )
    c3 = Indicator(
        "C3",
        _("Held interventions by place"),
        FigureUnit.INTERVENTIONS,
        held_count,
        _cells(_margin(by_kind_and_place, 1), Place.choices, held_count),
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


# ---- D: danger ----------------------------------------------------------------------------------


def _danger(facts: _PersonFacts) -> list[Indicator]:
    persons_met = facts.met
    figures = {
        "with_grid": facts.with_grid,
        "grid_danger": facts.grid_danger,
        "flagged": facts.flagged,
        "either": facts.grid_danger + facts.flagged - facts.grid_danger_and_flagged,
    }
    denominator = _denominator(persons_met, _("persons met"))
    d1 = Indicator(
        "D1",
        _("Persons met with a danger grid"),
        FigureUnit.PERSONS,
        figures["with_grid"],
        denominator_label=denominator,
        note=_("A danger grid filled with a referral linked to one of their follow-ups."),
    )
    d2 = Indicator(
        "D2",
        _("Persons met in characterised danger or very serious danger"),
        FigureUnit.PERSONS,
        figures["either"],
        (
            Cell(
                "grid_danger",
                str(_("Characterised danger (grid)")),
                figures["grid_danger"],
                _percent(figures["grid_danger"], persons_met),
            ),
            Cell(
                "very_serious_danger",
                str(_("Very serious danger (flagged by the ISCG)")),
                figures["flagged"],
                _percent(figures["flagged"], persons_met),
            ),
        ),
        denominator,
        is_multi_valued=True,
    )
    return [d1, d2]


# ---- E: orientations ----------------------------------------------------------------------------


def _orientations(filters: _Filters, bounds: _Bounds, facts: "Future[_PersonFacts]") -> list[Indicator]:
    in_period = Orientation.objects.filter(filters.followup("followup__"), bounds.on("oriented_on"))
    orientations = in_period.filter(kind=OrientationKind.ORIENTATION).annotate(
        type_code=Coalesce("partner__partner_type__code", "partner_type__code")
    )
    total = orientations.count()
    by_type = _grouped(orientations, "type_code")
    types = PartnerType.objects.filter(Q(is_active=True) | Q(code__in=list(by_type))).order_by("position", "name")
    denominator = _denominator(total, _("orientations"))
    e1 = Indicator(
        "E1",
        _("Orientations by partner type"),
        FigureUnit.ORIENTATIONS,
        total,
        _cells(by_type, [(kind.code, kind.name) for kind in types] + [(UNKNOWN, _("Not stated"))], total),
        denominator,
    )
    e2 = Indicator(
        "E2",
        _("Orientations by status"),
        FigureUnit.ORIENTATIONS,
        total,
        _cells(_grouped(orientations, "status"), OrientationStatus.choices, total),
        denominator,
    )
    oriented = orientations.aggregate(n=Count("followup__person", distinct=True))["n"]
    transmissions = in_period.filter(kind__in=CHILD_PROTECTION_KINDS)
    by_kind = _grouped(transmissions, "kind")
    e3 = Indicator(
        "E3",
        _("Persons oriented"),
        FigureUnit.PERSONS,
        oriented,
        denominator_label=_denominator(facts.result().met, _("persons met")),
    )
    transmitted = sum(by_kind.values())
    e4 = Indicator(
        "E4",
        _("Child-protection transmissions"),
        FigureUnit.TRANSMISSIONS,
        transmitted,
        _cells(by_kind, [(kind, OrientationKind(kind).label) for kind in CHILD_PROTECTION_KINDS], transmitted),
        _denominator(transmitted, _("transmissions")),
        note=_("Information of concern to the CRIP and reports to the prosecutor, counted apart from orientations."),
    )
    return [e1, e2, e3, e4]


# ---- F: follow-ups ------------------------------------------------------------------------------


def _followups(filters: _Filters, bounds: _Bounds) -> list[Indicator]:
    followups = FollowUp.objects.filter(filters.followup())
    closed = followups.filter(bounds.on("closed_on"))
    closed_counts = _grouped(closed, "closing_reason")
    closed_total = sum(closed_counts.values())
    f1 = Indicator(
        "F1",
        _("Follow-ups closed"),
        FigureUnit.FOLLOWUPS,
        closed_total,
        _cells(closed_counts, ClosingReason.choices, closed_total),
        _denominator(closed_total, _("follow-ups closed")),
    )
    # The first held intervention of each closed follow-up: one grouped inner join, the condition in
    # WHERE (an aggregate's FILTER would read every intervention of every closed follow-up).
    durations = (
        closed.filter(interventions__status=InterventionStatus.DONE)
        .annotate(first_held_on=TruncDate(Min("interventions__starts_at")))
        .annotate(duration=ExpressionWrapper(F("closed_on") - F("first_held_on"), output_field=DurationField()))
    )
    totals = _with_median(durations, "duration", total=Sum("duration"))
    measured, total_duration = totals["count"], totals["total"]
    mean_days = _days(total_duration / measured) if measured and total_duration is not None else None
    median_days = _days(totals["median"])

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


# ---- G: steering --------------------------------------------------------------------------------


def _steering(filters: _Filters, bounds: _Bounds) -> list[Indicator]:
    committees = SteeringCommittee.objects.filter(
        convention__in=_conventions(filters).values("pk"),
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


def _conventions(filters: _Filters) -> QuerySet:
    from conventions.models import Convention

    return Convention.objects.filter(filters.convention()).distinct()


# ---- I: cofinancing -----------------------------------------------------------------------------


def _convention_year_factor(period: Period, year: int, starts_on: datetime.date, ends_on: datetime.date) -> Fraction:
    """Share of a convention year's own days (the days of the civil ``year`` within the convention's
    dates) that the period covers. A convention year's cost and commitments are already for those
    days only (docs/cofinancing.md): a period equal to the convention's span gives exactly them."""
    own = days_covered(year, starts_on, ends_on)
    first, last = max(starts_on, period.start), min(ends_on, period.end)
    if not own or last < first:
        return Fraction(0)
    return Fraction(days_covered(year, first, last), own)


def _cents(amount: Fraction) -> int:
    """Cents rounded half up, as the cofinancing engine rounds."""
    return math.floor(amount + Fraction(1, 2))


def _post_share(filters: _Filters, convention_ref: str, year_ref: str):
    """For a post bilan, the post's share of a convention year's cost (1 otherwise)."""
    if not filters.post:
        return Value(1.0, output_field=FloatField())
    costs = PostCost.objects.filter(convention_post__convention=OuterRef(convention_ref), year=OuterRef(year_ref))
    post_cost = (
        costs.filter(convention_post__post=filters.post.pk)
        .order_by()
        .values("year")
        .annotate(s=Sum("prorated_cost_cents"))
        .values("s")
    )
    all_cost = costs.order_by().values("year").annotate(s=Sum("prorated_cost_cents")).values("s")
    return ExpressionWrapper(
        Cast(Coalesce(Subquery(post_cost), 0), FloatField()) / NullIf(Cast(Subquery(all_cost), FloatField()), 0.0),
        output_field=FloatField(),
    )


def _cofinancing(filters: _Filters, bounds: _Bounds, facts: "Future[_PersonFacts]"):
    period = bounds.period
    years = list(range(period.start.year, period.end.year + 1))
    conventions = _conventions(filters).values("pk")
    # Each convention year's cost (for a post: its own part too), with the convention's dates.
    post_cost = Sum("prorated_cost_cents", filter=Q(convention_post__post=filters.post.pk)) if filters.post else None
    costs = (
        PostCost.objects.filter(convention_post__convention__in=conventions, year__in=years)
        .order_by()
        .values("convention_post__convention", "year", "convention_post__convention__starts_on")
        .annotate(
            ends_on=F("convention_post__convention__ends_on"),
            all_cost=Sum("prorated_cost_cents"),
            **({"post_cost": post_cost} if post_cost is not None else {}),
        )
    )
    factors: dict[tuple[int, int], Fraction] = {}
    shares: dict[tuple[int, int], Fraction] = {}
    total = Fraction(0)
    for row in costs:
        key = (row["convention_post__convention"], row["year"])
        factors[key] = _convention_year_factor(
            period, row["year"], row["convention_post__convention__starts_on"], row["ends_on"]
        )
        own = row.get("post_cost", row["all_cost"]) or 0
        shares[key] = Fraction(own, row["all_cost"]) if row["all_cost"] else Fraction(0 if filters.post else 1)
        total += own * factors[key]
    total_cost = _cents(total)
    rules = (
        FundingRule.objects.filter(convention__in=conventions, year__in=years)
        .order_by()
        .values_list("convention", "year", "funder", "committed_cents", "convention__starts_on", "convention__ends_on")
    )
    weighted: dict[int, Fraction] = {}
    for convention, year, funder, amount, starts_on, ends_on in rules:
        key = (convention, year)
        factor = factors.get(key)
        if factor is None:
            factor = _convention_year_factor(period, year, starts_on, ends_on)
        share = shares.get(key, Fraction(0 if filters.post else 1))
        weighted[funder] = weighted.get(funder, Fraction(0)) + amount * factor * share
    committed = {funder: _cents(amount) for funder, amount in weighted.items()}
    share = _post_share(filters, "convention", "year")
    payments = Payment.objects.filter(
        convention__in=conventions,
        kind=PaymentKind.PAYMENT,
        dated_on__gte=bounds.period.start,
        dated_on__lte=bounds.period.end,
    ).annotate(weighted=ExpressionWrapper(F("amount_cents") * Coalesce(share, 0.0), output_field=FloatField()))
    paid = {
        funder: round(amount or 0)
        for funder, amount in payments.order_by()
        .values("funder")
        .annotate(a=Sum("weighted"))
        .values_list("funder", "a")
    }
    funders = Funder.objects.filter(pk__in=set(committed) | set(paid)).order_by("kind", "name", "pk")
    committed_cells = tuple(
        Cell(
            str(f.public_id),
            f"{f.name} — {f.get_kind_display()}",
            committed.get(f.pk, 0),
            _percent(committed.get(f.pk, 0), total_cost),
        )
        for f in funders
    )
    paid_cells = tuple(Cell(str(f.public_id), f.name, paid.get(f.pk, 0)) for f in funders)
    committed_total = sum(committed.values())
    cost_denominator = _("of the total cost")
    i1 = Indicator(
        "I1",
        _("Cofinancing committed by funder"),
        FigureUnit.CENTS,
        committed_total,
        committed_cells,
        cost_denominator,
        note=_("Committed amounts of each convention year, prorated by the share of its days the period covers."),
    )
    i2 = Indicator(
        "I2",
        _("Paid by funder"),
        FigureUnit.CENTS,
        sum(paid.values()),
        paid_cells,
        note=_("Payments dated in the period."),
    )
    i3 = Indicator(
        "I3",
        _("Total cost"),
        FigureUnit.CENTS,
        total_cost,
        note=_(
            "Cost of each convention year of the posts covered, prorated by the share of its days the period covers."
        ),
    )
    persons_met = facts.result().met
    i4 = Indicator(
        "I4",
        _("Cost per person met"),
        FigureUnit.CENTS,
        round(total_cost / persons_met) if persons_met else None,
    )
    indicators = [i1, i2, i3, i4]
    if (i5 := _framework_fte(filters, bounds)) is not None:
        indicators.append(i5)
    warnings = []
    gap = total_cost - committed_total
    if total_cost and abs(gap) > len(years) * max(len(committed), 1):  # beyond rounding cents
        warnings.append(
            _("Unfunded part of the cost over the period: %(amount)s €.") % {"amount": _euros(gap)}
            if gap > 0
            else _("Funding above the cost over the period: %(amount)s €.") % {"amount": _euros(-gap)}
        )
    return indicators, warnings


def _framework_fte(filters: _Filters, bounds: _Bounds) -> Indicator | None:
    """I5: the FTE created by the local conventions of the framework conventions in force during the period,
    against the FTE they plan (department and national bilans; None when there is no framework convention)."""
    from conventions.enums import ConventionKind
    from conventions.models import Convention

    if filters.post:
        return None
    frameworks = list(
        Convention.objects.filter(
            filters.convention(),
            kind=ConventionKind.FRAMEWORK,
            starts_on__lte=bounds.period.end,
            ends_on__gte=bounds.period.start,
        )
        .annotate(created=Sum("local_conventions__convention_posts__fte_share"))
        .order_by("title", "pk")
    )
    if not frameworks:
        return None
    planned_label = _("%(title)s (%(planned)s FTE planned)")
    cells = tuple(
        Cell(
            str(framework.public_id),
            planned_label % {"title": framework.title, "planned": _fte(framework.planned_fte)}
            if framework.planned_fte
            else framework.title,
            float(framework.created or 0),
            _percent(float(framework.created or 0), float(framework.planned_fte)) if framework.planned_fte else None,
        )
        for framework in frameworks
    )
    planned = sum((framework.planned_fte or 0) for framework in frameworks)
    return Indicator(
        "I5",
        _("FTE created by the local conventions of the framework conventions"),
        FigureUnit.RATIO,
        float(sum((framework.created or 0) for framework in frameworks)),
        cells,
        _("of the FTE planned"),
        details=(("planned", _("FTE planned"), float(planned), FigureUnit.RATIO),),
        note=_("FTE shares of the posts the local conventions cover, against what each framework plans."),
    )


def _fte(value) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _euros(cents: int) -> str:
    return f"{cents / 100:,.2f}".replace(",", " ").replace(".", ",")
