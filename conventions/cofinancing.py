"""The cofinancing engine (docs/domain.md §8): who pays what of one convention year's cost.

Pure functions, no database: the services feed them a year's total cost and the year's rules and
store what they return. Amounts are integer cents. Rules are applied in rank order:

- ``fixed``: an amount;
- ``percent_of_cost``: p % of the year's total cost;
- ``percent_of_remainder``: p % of what remains after the lower ranks; several funders at the same
  rank share the same remainder ("the Département pays 50 % of what remains for the communes");
- ``balance``: takes what is left once every other rule is applied (at most one per year), and so
  absorbs the rounding and whatever a cap leaves.

Any rule may carry a cap. Without a balance funder the unfunded gap (positive) or the excess
(negative) is returned, never hidden. Within a rank, percentage shares are rounded together (largest
remainder), so two funders at 50 % of an odd remainder still add up to that remainder exactly.
"""

import datetime
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from itertools import groupby

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from conventions.enums import PERCENT_KINDS, FundingRuleKind

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rule:
    """One funder's rule for one convention year. ``funder`` is any hashable key (a pk, a name)."""

    funder: Hashable
    kind: str
    rank: int = 0
    amount_cents: int | None = None
    percent: Decimal | None = None
    cap_cents: int | None = None


@dataclass(frozen=True)
class Allocation:
    """Each funder's amount (in the order of the rules) and the gap: > 0 unfunded, < 0 excess."""

    total_cost_cents: int
    amounts: dict[Hashable, int]
    gap_cents: int

    @property
    def committed_cents(self) -> int:
        return sum(self.amounts.values())

    @property
    def is_balanced(self) -> bool:
        return self.gap_cents == 0


def validate_rules(rules: Sequence[Rule]) -> None:
    """Raise a ValidationError (French messages, one per problem) when the rules make no sense."""
    errors = []
    funders = [rule.funder for rule in rules]
    if len(set(funders)) != len(funders):
        errors.append(ValidationError(_("A funder can have only one rule per year."), code="duplicate_funder"))
    if sum(rule.kind == FundingRuleKind.BALANCE for rule in rules) > 1:
        errors.append(ValidationError(_("Only one funder can take the balance in a year."), code="two_balances"))
    for rule in rules:
        if rule.kind not in FundingRuleKind.values:
            errors.append(ValidationError(_("Unknown kind of funding rule."), code="unknown_kind"))
            continue
        if rule.rank < 0:
            errors.append(ValidationError(_("The rank cannot be negative."), code="negative_rank"))
        if rule.cap_cents is not None and rule.cap_cents < 0:
            errors.append(ValidationError(_("A cap cannot be negative."), code="negative_cap"))
        if rule.kind == FundingRuleKind.FIXED:
            if rule.amount_cents is None or rule.amount_cents < 0:
                errors.append(ValidationError(_("A fixed contribution needs a positive amount."), code="fixed_amount"))
        elif rule.kind in PERCENT_KINDS and (rule.percent is None or not 0 < rule.percent <= HUNDRED):
            errors.append(
                ValidationError(_("A percentage must be greater than 0 and at most 100 %."), code="percent_range")
            )
    # Totals only count the percentages that are valid on their own (the others are reported above).
    of_cost = sum((r.percent for r in rules if r.kind == FundingRuleKind.PERCENT_OF_COST and _valid(r)), Decimal(0))
    if of_cost > HUNDRED:
        errors.append(
            ValidationError(
                _("The shares of the total cost add up to %(total)s %%, more than 100 %%."),
                code="percent_of_cost_over_100",
                params={"total": _format_percent(of_cost)},
            )
        )
    remainder_rules = sorted(
        (r for r in rules if r.kind == FundingRuleKind.PERCENT_OF_REMAINDER and _valid(r)),
        key=lambda r: r.rank,
    )
    for rank, same_rank in groupby(remainder_rules, key=lambda r: r.rank):
        total = sum((r.percent for r in same_rank), Decimal(0))
        if total > HUNDRED:
            errors.append(
                ValidationError(
                    _("The shares of the remainder at rank %(rank)s add up to %(total)s %%, more than 100 %%."),
                    code="percent_of_remainder_over_100",
                    params={"rank": rank, "total": _format_percent(total)},
                )
            )
    if errors:
        raise ValidationError(errors)


def allocate(total_cost_cents: int, rules: Sequence[Rule]) -> Allocation:
    """Split one year's total cost between the funders of ``rules`` (validated first)."""
    if total_cost_cents < 0:
        raise ValidationError(_("The total cost cannot be negative."), code="negative_cost")
    validate_rules(rules)
    amounts: dict[Hashable, int] = {rule.funder: 0 for rule in rules}
    remaining = total_cost_cents
    balance = next((rule for rule in rules if rule.kind == FundingRuleKind.BALANCE), None)
    others = sorted((rule for rule in rules if rule is not balance), key=lambda rule: rule.rank)
    for _rank, group in groupby(others, key=lambda rule: rule.rank):
        group = list(group)
        base_remainder = max(remaining, 0)  # every rule of a rank sees the same remainder
        shares = _rank_shares(group, total_cost_cents, base_remainder)
        for rule, share in zip(group, shares, strict=True):
            if rule.cap_cents is not None:
                share = min(share, rule.cap_cents)
            amounts[rule.funder] = share
            remaining -= share
    if balance is not None:
        share = max(remaining, 0)
        if balance.cap_cents is not None:
            share = min(share, balance.cap_cents)
        amounts[balance.funder] = share
        remaining -= share
    return Allocation(total_cost_cents=total_cost_cents, amounts=amounts, gap_cents=remaining)


def _rank_shares(group: list[Rule], total_cost_cents: int, remainder_cents: int) -> list[int]:
    """Amounts of the rules of one rank: exact shares rounded together by the largest remainder."""
    exact = []
    for rule in group:
        match rule.kind:
            case FundingRuleKind.FIXED:
                exact.append(Decimal(rule.amount_cents))
            case FundingRuleKind.PERCENT_OF_COST:
                exact.append(Decimal(total_cost_cents) * rule.percent / HUNDRED)
            case FundingRuleKind.PERCENT_OF_REMAINDER:
                exact.append(Decimal(remainder_cents) * rule.percent / HUNDRED)
    floors = [int(value.to_integral_value(rounding=ROUND_FLOOR)) for value in exact]
    target = int(sum(exact, Decimal(0)).to_integral_value(rounding=ROUND_HALF_UP))
    leftover = target - sum(floors)
    # Give the leftover cents to the largest fractional parts (first rule first on a tie).
    order = sorted(range(len(group)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return floors


def _valid(rule: Rule) -> bool:
    return rule.percent is not None and 0 < rule.percent <= HUNDRED


def _format_percent(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


# ---- Costs --------------------------------------------------------------------------------------


def days_in_year(year: int) -> int:
    return (datetime.date(year + 1, 1, 1) - datetime.date(year, 1, 1)).days


def days_covered(year: int, starts_on: datetime.date, ends_on: datetime.date | None) -> int:
    """Days of the civil ``year`` within [starts_on, ends_on] (both included; no end = open)."""
    first = max(starts_on, datetime.date(year, 1, 1))
    last = min(ends_on or datetime.date.max, datetime.date(year, 12, 31))
    return max((last - first).days + 1, 0)


def prorated_cost_cents(
    *,
    yearly_cost_cents: int,
    fte_share: Decimal,
    year: int,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
) -> int:
    """A post's cost in one civil year: the yearly cost of one FTE × the FTE share × days covered."""
    days = days_covered(year, starts_on, ends_on)
    exact = Decimal(yearly_cost_cents) * Decimal(fte_share) * days / days_in_year(year)
    return int(exact.to_integral_value(rounding=ROUND_HALF_UP))
