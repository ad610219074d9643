"""Statistical masking of a bilan (DOMAIN.md §7.3).

For the ``funder`` role and every export marked "diffusion":
1. **primary suppression**: a count of persons from 1 to ``threshold - 1`` becomes ``"< threshold"``
   (counts of follow-ups and of child-protection transmissions are counts of persons too);
2. the percentages derived from a masked cell are suppressed;
3. **secondary suppression**: when a breakdown partitions its total (each person in exactly one
   cell) and a single cell is masked, the smallest other non-zero cell is hidden too
   (``SECONDARY_MASK``), so that the masked cell cannot be recomputed as total − the others;
4. figures derived from a masked number of persons met (interventions per person, cost per person,
   share unknown to social services) are hidden as well.
Persons met month by month are masked the same way. Zeros stay visible: an empty cell discloses
nobody. Counts of referrals, interventions and orientations, durations and money are not counts of
persons and stay exact.
"""

from dataclasses import replace

from reporting.bilan import SECONDARY_MASK, Bilan, Cell, Indicator, Unit, primary_mask_label

DEFAULT_THRESHOLD = 11
# Figures computed by dividing by the number of persons met (B1): hidden when B1 is masked.
DERIVED_FROM_PERSONS_MET = frozenset({"C4", "I4"})


def is_masked(value) -> bool:
    return isinstance(value, str)


def mask_bilan(bilan: Bilan, *, threshold: int = DEFAULT_THRESHOLD) -> Bilan:
    if threshold < 1:
        raise ValueError("The masking threshold is at least 1.")
    label = primary_mask_label(threshold)

    def mask(value):
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold:
            return label
        return value

    indicators = {key: _mask_indicator(indicator, mask) for key, indicator in bilan.indicators.items()}
    persons_met = indicators.get("B1")
    if persons_met is not None and is_masked(persons_met.total):
        for key in DERIVED_FROM_PERSONS_MET & set(indicators):
            indicators[key] = _hide_everything(indicators[key])
    previous = mask_bilan(bilan.previous, threshold=threshold) if bilan.previous is not None else None
    monthly = tuple(replace(month, persons=mask(month.persons)) for month in bilan.monthly)
    return replace(bilan, indicators=indicators, masking_threshold=threshold, previous=previous, monthly=monthly)


def _mask_indicator(indicator: Indicator, mask) -> Indicator:
    if not indicator.unit.is_masked:
        return indicator
    total = mask(indicator.total)
    cells = [replace(cell, value=mask(cell.value)) for cell in indicator.breakdown]
    if not indicator.is_multi_valued and not is_masked(total):
        cells = _secondary_suppression(cells)
    cells = [replace(cell, percent=None) if is_masked(cell.value) or is_masked(total) else cell for cell in cells]
    masked_keys = {cell.key for cell in cells if is_masked(cell.value)}
    details = tuple(
        (key, label, _mask_detail(key, value, unit, mask, masked_keys), unit)
        for key, label, value, unit in indicator.details
    )
    return indicator.with_changes(total=total, breakdown=tuple(cells), details=details)


def _mask_detail(key, value, unit, mask, masked_keys):
    if unit.is_masked:
        return mask(value)
    if unit == Unit.RATIO and key.startswith("share_") and masked_keys:
        return SECONDARY_MASK  # a share computed from a hidden cell
    return value


def _secondary_suppression(cells: list[Cell]) -> list[Cell]:
    """One hidden cell of a partition is recomputable from the total: hide the next smallest one."""
    masked = [cell for cell in cells if is_masked(cell.value)]
    if len(masked) != 1:
        return cells
    candidates = [cell for cell in cells if not is_masked(cell.value) and cell.value]
    if not candidates:
        return cells
    smallest = min(candidates, key=lambda cell: cell.value)
    return [replace(cell, value=SECONDARY_MASK) if cell is smallest else cell for cell in cells]


def _hide_everything(indicator: Indicator) -> Indicator:
    return indicator.with_changes(
        total=SECONDARY_MASK,
        breakdown=tuple(replace(cell, value=SECONDARY_MASK, percent=None) for cell in indicator.breakdown),
        details=tuple((key, label, SECONDARY_MASK, unit) for key, label, _value, unit in indicator.details),
    )
