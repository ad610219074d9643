"""Group I: cofinancing (docs/domain.md §7.2, docs/cofinancing.md): committed, paid, cost, FTE."""

import datetime
import math
from concurrent.futures import Future
from fractions import Fraction

from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    NullIf,
)
from django.utils.translation import gettext as _

from conventions.cofinancing import days_covered
from conventions.enums import PaymentKind
from conventions.models import Funder, FundingRule, Payment, PostCost
from iscg.formatting import euros
from reporting.bilan import Cell, FigureUnit, Indicator, Period
from reporting.indicators.cells import percent
from reporting.indicators.person_facts import PersonFacts
from reporting.indicators.scope import Bounds, Filters, scoped_conventions


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


def _post_share(filters: Filters, convention_ref: str, year_ref: str):
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


def cofinancing_indicators(filters: Filters, bounds: Bounds, facts: "Future[PersonFacts]"):
    period = bounds.period
    years = list(range(period.start.year, period.end.year + 1))
    conventions = scoped_conventions(filters).values("pk")
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
            percent(committed.get(f.pk, 0), total_cost),
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
            _("Unfunded part of the cost over the period: %(amount)s.") % {"amount": euros(gap)}
            if gap > 0
            else _("Funding above the cost over the period: %(amount)s.") % {"amount": euros(-gap)}
        )
    return indicators, warnings


def _framework_fte(filters: Filters, bounds: Bounds) -> Indicator | None:
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
            percent(float(framework.created or 0), float(framework.planned_fte)) if framework.planned_fte else None,
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
