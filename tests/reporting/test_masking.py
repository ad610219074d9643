"""Masking of small counts (docs/domain.md §7.3), on bilans built by hand."""

import datetime
import random

import pytest

from reporting.bilan import SECONDARY_MASK, Bilan, BilanScope, Cell, FigureUnit, Indicator, Period, ScopeKind
from reporting.masking import mask_bilan

PERIOD = Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
SCOPE = BilanScope(ScopeKind.DEPARTMENT, "80", "Somme (80)")


def cells(**counts):
    total = sum(counts.values())
    return tuple(
        Cell(key, key, value, round(100 * value / total, 1) if total else None) for key, value in counts.items()
    )


def bilan(*indicators, previous=None):
    return Bilan(SCOPE, PERIOD, {indicator.id: indicator for indicator in indicators}, previous=previous)


def by_key(indicator):
    return {cell.key: (cell.value, cell.percent) for cell in indicator.breakdown}


def test_counts_of_persons_from_1_to_10_are_masked_and_zeros_stay():
    sex = Indicator("B3", "Sexe", FigureUnit.PERSONS, 40, cells(f=25, m=3, other=0, unknown=12))
    masked = mask_bilan(bilan(sex), threshold=11).indicators["B3"]
    assert masked.total == 40
    assert by_key(masked)["m"] == ("< 11", None)
    assert by_key(masked)["other"] == (0, 0.0)


def test_a_single_masked_cell_of_a_partition_hides_the_next_smallest():
    sex = Indicator("B3", "Sexe", FigureUnit.PERSONS, 40, cells(f=25, m=3, other=0, unknown=12))
    masked = by_key(mask_bilan(bilan(sex), threshold=11).indicators["B3"])
    # m could be recomputed as 40 − 25 − 12: the smallest other non-zero cell (12) is hidden too.
    assert masked["unknown"] == (SECONDARY_MASK, None)
    assert masked["f"] == (25, 62.5)
    visible = [value for value, _ in masked.values() if isinstance(value, int)]
    assert 40 - sum(visible) == 3 + 12  # what is left is the sum of two hidden cells, not one of them


def test_a_cell_hidden_at_a_lower_threshold_stays_secret_at_a_higher_one():
    ages = Indicator("B4", "Âge", FigureUnit.PERSONS, 30, cells(a=4, b=6, c=20))
    masked = by_key(mask_bilan(bilan(ages), threshold=11).indicators["B4"])
    # At threshold 5, b (6) hides a (4): the diffusion version at 5 says "secret" for b, so does this one.
    assert masked == {"a": ("< 11", None), "b": (SECONDARY_MASK, None), "c": (20, 66.7)}


def test_two_masked_cells_whose_sum_pins_them_hide_a_zero_too():
    sex = Indicator("B3", "Sexe", FigureUnit.PERSONS, 20, cells(f=10, m=10, other=0))
    masked = by_key(mask_bilan(bilan(sex), threshold=11).indicators["B3"])
    # 20 = two cells of at most 10: both would be 10. "secret" may be zero, so 9 + 10 + 1 is possible.
    assert masked == {"f": ("< 11", None), "m": ("< 11", None), "other": (SECONDARY_MASK, None)}


def test_a_partition_with_nothing_left_to_hide_is_hidden_whole():
    transmissions = Indicator("E4", "Transmissions", FigureUnit.TRANSMISSIONS, 20, cells(ip=10, report=10))
    masked = by_key(mask_bilan(bilan(transmissions), threshold=11).indicators["E4"])
    assert masked == {"ip": (SECONDARY_MASK, None), "report": (SECONDARY_MASK, None)}


def _hidden_cells_are_pinned(values, shown, total, threshold) -> bool:
    """Brute force, as an attacker: every filling of the hidden cells that the labels allow and that adds
    up to the total; a hidden cell taking a single value over all of them is disclosed."""
    hidden = [index for index, value in enumerate(shown) if isinstance(value, str)]
    rest = total - sum(value for value in shown if not isinstance(value, str))
    options = {}

    def fill(position, left, chosen):
        if position == len(hidden):
            if left == 0:
                for index, value in zip(hidden, chosen, strict=True):
                    options.setdefault(index, set()).add(value)
            return
        low, high = (1, threshold - 1) if shown[hidden[position]].startswith("<") else (0, left)
        for value in range(low, min(high, left) + 1):
            fill(position + 1, left - value, (*chosen, value))

    fill(0, rest, ())
    assert all(values[index] in options.get(index, ()) for index in hidden)  # the truth is one filling
    return any(len(options[index]) == 1 for index in hidden)


def test_no_hidden_cell_of_a_partition_can_be_recomputed_and_patterns_are_nested():
    rng = random.Random(20261205)  # noqa: S311 (reproducible cases, not secrets)
    for _case in range(300):
        values = [rng.choice([0, 0, 1, 2, 3, 5, 8, 10, 11, 14, 25]) for _cell in range(rng.randint(2, 5))]
        total = sum(values)
        if total < 20:
            continue  # a total below the threshold is masked itself
        previous_hidden = set()
        for threshold in (5, 11, 15):
            breakdown = cells(**{f"c{i}": value for i, value in enumerate(values)})
            masked = mask_bilan(
                bilan(Indicator("B4", "Âge", FigureUnit.PERSONS, total, breakdown)), threshold=threshold
            )
            shown = [cell.value for cell in masked.indicators["B4"].breakdown]
            assert not _hidden_cells_are_pinned(values, shown, total, threshold), (values, threshold, shown)
            hidden = {index for index, value in enumerate(shown) if isinstance(value, str)}
            assert previous_hidden <= hidden, (values, threshold)
            previous_hidden = hidden


def test_a_masked_count_in_a_header_is_masked_too():
    transmissions = Indicator(
        "E4",
        "Transmissions",
        FigureUnit.TRANSMISSIONS,
        7,
        cells(ip=5, report=2),
        denominator_label="des 7 transmissions",
    )
    persons = Indicator("D1", "Grille", FigureUnit.PERSONS, 3, denominator_label="des 1 234 personnes rencontrées")
    masked = mask_bilan(bilan(transmissions, persons), threshold=11).indicators
    assert masked["E4"].denominator_label == "des < 11 transmissions"
    assert masked["D1"].denominator_label == "des 1 234 personnes rencontrées"


def test_a_masked_total_suppresses_every_percentage():
    roles = Indicator("B5", "Rôle", FigureUnit.PERSONS, 8, cells(victim=8, accused=0))
    masked = mask_bilan(bilan(roles), threshold=11).indicators["B5"]
    assert masked.total == "< 11"
    assert by_key(masked) == {"victim": ("< 11", None), "accused": (0, None)}


def test_multi_valued_breakdowns_are_masked_without_secondary_suppression():
    places = Indicator(
        "B9", "Lieux", FigureUnit.PERSONS, 40, cells(police=30, home=5, remote=22), is_multi_valued=True
    )
    masked = by_key(mask_bilan(bilan(places), threshold=11).indicators["B9"])
    assert masked["home"] == ("< 11", None) and masked["police"][0] == 30 and masked["remote"][0] == 22


def test_counts_of_interventions_referrals_and_money_stay_exact():
    held = Indicator("C1", "Interventions", FigureUnit.INTERVENTIONS, 5, cells(interview=4, phone=1))
    referrals = Indicator("A1", "Saisines", FigureUnit.REFERRALS, 3, cells(unit=3))
    cost = Indicator("I3", "Coût", FigureUnit.CENTS, 5)
    masked = mask_bilan(bilan(held, referrals, cost), threshold=11).indicators
    assert masked["C1"] == held and masked["A1"] == referrals and masked["I3"] == cost


def test_figures_derived_from_a_masked_number_of_persons_are_hidden():
    result = mask_bilan(
        bilan(
            Indicator("B1", "Personnes", FigureUnit.PERSONS, 7),
            Indicator(
                "C4", "Par personne", FigureUnit.RATIO, 2.5, details=(("mean", "Moyenne", 2.5, FigureUnit.RATIO),)
            ),
            Indicator("I4", "Coût par personne", FigureUnit.CENTS, 10_000_00),
            Indicator(
                "B7",
                "Connues",
                FigureUnit.PERSONS,
                7,
                cells(yes=2, no=5),
                details=(("share_unknown", "Part", 71.4, FigureUnit.RATIO),),
            ),
        ),
        threshold=11,
    ).indicators
    assert result["C4"].total == SECONDARY_MASK and result["C4"].details[0][2] == SECONDARY_MASK
    assert result["I4"].total == SECONDARY_MASK
    assert result["B7"].details[0][2] == SECONDARY_MASK


def test_threshold_is_configurable_and_the_previous_period_is_masked_too():
    previous = bilan(Indicator("B1", "Personnes", FigureUnit.PERSONS, 12))
    result = mask_bilan(bilan(Indicator("B1", "Personnes", FigureUnit.PERSONS, 12), previous=previous), threshold=20)
    assert result.masking_threshold == 20 and result.is_masked
    assert result.indicators["B1"].total == "< 20"
    assert result.previous.indicators["B1"].total == "< 20"


def test_threshold_below_one_is_refused():
    with pytest.raises(ValueError):
        mask_bilan(bilan(), threshold=0)


def test_a_count_of_follow_ups_among_the_details_of_a_duration_is_masked():
    durations = Indicator(
        "F2",
        "Durée",
        FigureUnit.DAYS,
        41.5,
        details=(
            ("measured", "Suivis mesurés", 6, FigureUnit.FOLLOWUPS),
            ("mean_days", "Moyenne", 41.5, FigureUnit.DAYS),
        ),
    )
    masked = mask_bilan(bilan(durations), threshold=11).indicators["F2"]
    assert masked.details[0][2] == "< 11" and masked.details[1][2] == 41.5 and masked.total == 41.5
