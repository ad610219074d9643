"""Statistical masking of a bilan (docs/domain.md §7.3) and the requests a masked viewer may make.

For the ``funder`` role and every export marked "diffusion":
1. **primary suppression**: a count of persons from 1 to ``threshold - 1`` becomes ``"< threshold"``
   (counts of follow-ups and of child-protection transmissions are counts of persons too);
2. the percentages derived from a masked cell are suppressed, and so is the count written in a
   header ("des 7 transmissions") when that count is masked;
3. **secondary suppression**: when a breakdown partitions its total (each person in exactly one
   cell), other cells are hidden too (``SECONDARY_MASK``) until no hidden cell can be recomputed
   from the total, the visible cells and what the labels tell ("< 11": from 1 to 10; "secret": any
   value, zero included). The pattern grows with the threshold: every cell hidden at a threshold is
   hidden at every higher one, so two versions of the same bilan at two thresholds reveal nothing
   the lower one does not;
4. figures derived from a masked number of persons met (interventions per person, cost per person,
   share unknown to social services) are hidden as well.
Persons met month by month are masked the same way. Zeros stay visible: an empty cell discloses
nobody. Counts of referrals, interventions and orientations, durations and money are not counts of
persons and stay exact.

Across bilans (docs/reporting.md, "Disclosure control"): masked figures are published only for a
department and a complete civil year (``masked_request_error``). Civil years do not overlap and no
sum of them is offered, departments do not contain one another: no two masked bilans can be
subtracted. Everything here is a function of (scope, period, figures), whatever computed or stored
the figures.
"""

import datetime
import re
from dataclasses import replace

from django.utils.translation import gettext as _

from reporting.bilan import (
    SECONDARY_MASK,
    Bilan,
    BilanScope,
    FigureUnit,
    Indicator,
    Period,
    ScopeKind,
    primary_mask_label,
)

DEFAULT_THRESHOLD = 11
# "< 2" could only mean 1 (zeros stay visible): the lowest threshold that hides anything is 3.
LOWEST_THRESHOLD = 3
# The only scopes whose masked figures are published: a department contains its posts and units,
# so a post beside its department could be subtracted from it.
MASKED_SCOPE_KINDS = frozenset({ScopeKind.DEPARTMENT})
# Figures computed by dividing by the number of persons met (B1): hidden when B1 is masked.
DERIVED_FROM_PERSONS_MET = frozenset({"C4", "I4"})


def is_masked(value) -> bool:
    return isinstance(value, str)


def is_complete_civil_year(period: Period, *, today: datetime.date) -> bool:
    return (
        period.start.year == period.end.year
        and (period.start.month, period.start.day) == (1, 1)
        and (period.end.month, period.end.day) == (12, 31)
        and period.end < today
    )


def masked_request_error(scope: BilanScope, period: Period, *, today: datetime.date) -> dict[str, str]:
    """Why a masked bilan of this scope and period cannot be published (field → French message);
    empty when it can. A bilan of a post beside its department, or of a year beside the same year
    minus a day, would give away by subtraction what masking hides."""
    errors = {}
    if scope.kind not in MASKED_SCOPE_KINDS:
        errors["scope"] = _(
            "Masked figures are published for a whole department only: a post or a unit beside its "
            "department would let small counts be recomputed by subtraction."
        )
    if not is_complete_civil_year(period, today=today):
        errors["start"] = _(
            "Masked figures are published for a complete civil year only (1 January to 31 December of a "
            "past year): two overlapping periods would let small counts be recomputed by subtraction."
        )
    return errors


def mask_bilan(bilan: Bilan, *, threshold: int = DEFAULT_THRESHOLD) -> Bilan:
    if threshold < 1:
        raise ValueError("The masking threshold is at least 1.")
    label = primary_mask_label(threshold)

    def mask(value):
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold:
            return label
        return value

    indicators = {
        key: _mask_indicator(indicator, mask, threshold, label) for key, indicator in bilan.indicators.items()
    }
    persons_met = indicators.get("B1")
    if persons_met is not None and is_masked(persons_met.total):
        for key in DERIVED_FROM_PERSONS_MET & set(indicators):
            indicators[key] = _hide_everything(indicators[key])
    previous = mask_bilan(bilan.previous, threshold=threshold) if bilan.previous is not None else None
    monthly = tuple(replace(month, persons=mask(month.persons)) for month in bilan.monthly)
    return replace(bilan, indicators=indicators, masking_threshold=threshold, previous=previous, monthly=monthly)


def _mask_indicator(indicator: Indicator, mask, threshold: int, label: str) -> Indicator:
    if not indicator.unit.is_masked:
        # A duration or a mean may carry a count of follow-ups among its details (F2's "follow-ups measured").
        details = tuple(
            (key, detail_label, mask(value) if unit.is_masked else value, unit)
            for key, detail_label, value, unit in indicator.details
        )
        return indicator.with_changes(details=details) if details != indicator.details else indicator
    total = mask(indicator.total)
    if not indicator.is_multi_valued and not is_masked(total):
        hidden = suppression_pattern([cell.value for cell in indicator.breakdown], total, threshold)
        cells = [
            replace(cell, value=(label if hidden[index] == PRIMARY else SECONDARY_MASK)) if index in hidden else cell
            for index, cell in enumerate(indicator.breakdown)
        ]
    else:
        cells = [replace(cell, value=mask(cell.value)) for cell in indicator.breakdown]
    cells = [replace(cell, percent=None) if is_masked(cell.value) or is_masked(total) else cell for cell in cells]
    masked_keys = {cell.key for cell in cells if is_masked(cell.value)}
    details = tuple(
        (key, detail_label, _mask_detail(key, value, unit, mask, masked_keys), unit)
        for key, detail_label, value, unit in indicator.details
    )
    return indicator.with_changes(
        total=total,
        breakdown=tuple(cells),
        details=details,
        denominator_label=_mask_count_in_text(indicator.denominator_label, threshold, label),
    )


_NUMBER = re.compile(r"(?<![\d,.])\d[\d\u202f\u00a0 ]*\d(?![\d,.])|(?<![\d,.])\d(?![\d,.])")


def _mask_count_in_text(text: str, threshold: int, label: str) -> str:
    """A header of a masked count ("des 7 transmissions", "des 9 personnes rencontrées") says "< 11"."""

    def masked(match):
        number = int(re.sub(r"\D", "", match.group()))
        return label if 0 < number < threshold else match.group()

    return _NUMBER.sub(masked, text) if text else text


PRIMARY, SECONDARY = "primary", "secondary"


def suppression_pattern(values: list, total, threshold: int) -> dict[int, str]:
    """Which cells of a partition of ``total`` to hide: index → PRIMARY (a count from 1 to threshold − 1)
    or SECONDARY (hidden so that no hidden cell can be recomputed).

    Built threshold by threshold from the lowest: the cells hidden at a threshold stay hidden at every
    higher one (and a cell first hidden as SECONDARY stays "secret"), so the versions of one table at
    several thresholds are nested and reveal together no more than the lowest one."""
    counts = [value if isinstance(value, int) and not isinstance(value, bool) else None for value in values]
    hidden: dict[int, str] = {}
    for stage in range(min(LOWEST_THRESHOLD, threshold), threshold + 1):
        for index, value in enumerate(counts):
            if index not in hidden and value is not None and 0 < value < stage:
                hidden[index] = PRIMARY
        _close(counts, total, hidden, stage)
    return hidden


def _close(counts: list, total, hidden: dict[int, str], stage: int) -> None:
    """Hide more cells (smallest non-zero first, then zeros) until no hidden cell is determined; when
    nothing is left to hide, the whole breakdown is hidden."""
    if not isinstance(total, int) or not hidden:
        return
    while _some_cell_is_determined(counts, total, hidden, stage):
        visible = [index for index in range(len(counts)) if index not in hidden and counts[index] is not None]
        if not visible:
            for index in range(len(counts)):
                hidden[index] = SECONDARY
            return
        index = min(visible, key=lambda i: (counts[i] == 0, counts[i], i))
        hidden[index] = SECONDARY


def _bounds(kind: str, stage: int) -> tuple[int, float]:
    return (1, stage - 1) if kind == PRIMARY else (0, float("inf"))


def _some_cell_is_determined(counts: list, total: int, hidden: dict[int, str], stage: int) -> bool:
    """Can an attacker who knows the total, the visible cells and the labels' bounds pin a hidden cell?"""
    rest = total - sum(counts[index] or 0 for index in range(len(counts)) if index not in hidden)
    bounds = {index: _bounds(kind, stage) for index, kind in hidden.items()}
    low_sum = sum(low for low, _high in bounds.values())
    high_sum = sum(high for _low, high in bounds.values())
    for low, high in bounds.values():
        feasible_low = max(low, rest - (high_sum - high))
        feasible_high = min(high, rest - (low_sum - low))
        if feasible_low >= feasible_high:
            return True
    return False


def _mask_detail(key, value, unit, mask, masked_keys):
    if unit.is_masked:
        return mask(value)
    if unit == FigureUnit.RATIO and key.startswith("share_") and masked_keys:
        return SECONDARY_MASK  # a share computed from a hidden cell
    return value


def _hide_everything(indicator: Indicator) -> Indicator:
    return indicator.with_changes(
        total=SECONDARY_MASK,
        breakdown=tuple(replace(cell, value=SECONDARY_MASK, percent=None) for cell in indicator.breakdown),
        details=tuple((key, label, SECONDARY_MASK, unit) for key, label, _value, unit in indicator.details),
    )
