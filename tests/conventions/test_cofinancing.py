import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from conventions.cofinancing import Rule, allocate, days_covered, prorated_cost_cents, validate_rules
from conventions.enums import FundingRuleKind as Kind

COST = 60_000_00  # 60 000 € in cents


def fixed(funder, euros_cents, rank=0, cap=None):
    return Rule(funder=funder, kind=Kind.FIXED, amount_cents=euros_cents, rank=rank, cap_cents=cap)


def of_cost(funder, percent, rank=0, cap=None):
    return Rule(funder=funder, kind=Kind.PERCENT_OF_COST, percent=Decimal(percent), rank=rank, cap_cents=cap)


def of_remainder(funder, percent, rank=1, cap=None):
    return Rule(funder=funder, kind=Kind.PERCENT_OF_REMAINDER, percent=Decimal(percent), rank=rank, cap_cents=cap)


def balance(funder, rank=9, cap=None):
    return Rule(funder=funder, kind=Kind.BALANCE, rank=rank, cap_cents=cap)


def messages_of(error: ValidationError) -> list[str]:
    """Messages in English (the msgids): the French catalogue translates them (TRANSLATIONS_fr.txt)."""
    with translation.override("en"):
        return [str(message) for message in error.messages]


# ---- Each kind of rule --------------------------------------------------------------------------


def test_a_fixed_amount_is_paid_as_is_and_the_rest_is_reported_as_a_gap():
    allocation = allocate(COST, [fixed("commune", 10_000_00)])
    assert allocation.amounts == {"commune": 10_000_00}
    assert allocation.gap_cents == 50_000_00


def test_a_percentage_of_cost_is_taken_from_the_total_cost_whatever_its_rank():
    allocation = allocate(COST, [fixed("commune", 30_000_00, rank=0), of_cost("etat", 50, rank=1)])
    assert allocation.amounts == {"commune": 30_000_00, "etat": 30_000_00}
    assert allocation.gap_cents == 0


def test_a_percentage_of_remainder_applies_to_what_lower_ranks_left():
    allocation = allocate(COST, [of_cost("etat", 40, rank=0), of_remainder("departement", 50, rank=1)])
    assert allocation.amounts == {"etat": 24_000_00, "departement": 18_000_00}
    assert allocation.gap_cents == 18_000_00


def test_the_balance_funder_takes_what_is_left():
    allocation = allocate(COST, [of_cost("etat", 40), fixed("caf", 5_000_00), balance("commune")])
    assert allocation.amounts == {"etat": 24_000_00, "caf": 5_000_00, "commune": 31_000_00}
    assert allocation.gap_cents == 0
    assert allocation.committed_cents == COST


def test_the_balance_is_computed_last_whatever_its_rank():
    allocation = allocate(COST, [balance("commune", rank=0), of_cost("etat", 80, rank=5)])
    assert allocation.amounts == {"commune": 12_000_00, "etat": 48_000_00}


def test_amounts_keep_the_order_of_the_rules():
    allocation = allocate(COST, [balance("commune"), of_cost("etat", 50, rank=0)])
    assert list(allocation.amounts) == ["commune", "etat"]


def test_no_rule_leaves_the_whole_cost_unfunded():
    allocation = allocate(COST, [])
    assert allocation.amounts == {}
    assert allocation.gap_cents == COST


def test_a_zero_cost_gives_zero_to_everybody():
    allocation = allocate(0, [of_cost("etat", 50), of_remainder("departement", 50), balance("commune")])
    assert allocation.amounts == {"etat": 0, "departement": 0, "commune": 0}
    assert allocation.gap_cents == 0


# ---- Shared ranks -------------------------------------------------------------------------------


def test_the_departement_pays_half_of_what_remains_after_the_state_for_the_communes():
    rules = [
        of_cost("etat", 30, rank=0),
        of_remainder("departement", 50, rank=1),
        of_remainder("commune_a", 25, rank=1),
        of_remainder("commune_b", 25, rank=1),
    ]
    allocation = allocate(COST, rules)
    assert allocation.amounts == {
        "etat": 18_000_00,
        "departement": 21_000_00,
        "commune_a": 10_500_00,
        "commune_b": 10_500_00,
    }
    assert allocation.gap_cents == 0


def test_two_funders_at_half_of_an_odd_remainder_share_it_exactly():
    allocation = allocate(101, [of_remainder("a", 50, rank=0), of_remainder("b", 50, rank=0)])
    assert sorted(allocation.amounts.values()) == [50, 51]
    assert allocation.committed_cents == 101
    assert allocation.gap_cents == 0


def test_thirds_of_a_remainder_lose_no_cent():
    rules = [of_remainder(name, "33.33", rank=0) for name in "abc"] + [balance("d")]
    allocation = allocate(100_00, rules)
    assert allocation.amounts["a"] + allocation.amounts["b"] + allocation.amounts["c"] == 99_99
    assert allocation.amounts["d"] == 1
    assert allocation.gap_cents == 0


def test_the_balance_absorbs_rounding():
    allocation = allocate(1_001, [of_cost("etat", "33.33"), of_cost("caf", "33.33"), balance("commune")])
    assert allocation.committed_cents == 1_001
    assert allocation.gap_cents == 0


def test_rounding_without_a_balance_funder_is_reported_in_the_gap():
    allocation = allocate(1_001, [of_cost("etat", "33.33"), of_cost("caf", "33.33")])
    assert allocation.committed_cents + allocation.gap_cents == 1_001
    assert allocation.committed_cents == 667  # 333.63 + 333.63 = 667.27, rounded together


def test_remainder_of_a_later_rank_follows_the_earlier_ranks():
    rules = [fixed("region", 6_000_00, rank=0), of_remainder("etat", 50, rank=1), of_remainder("dep", 50, rank=2)]
    allocation = allocate(COST, rules)
    assert allocation.amounts == {"region": 6_000_00, "etat": 27_000_00, "dep": 13_500_00}
    assert allocation.gap_cents == 13_500_00


# ---- Caps ---------------------------------------------------------------------------------------


def test_a_cap_limits_a_percentage_and_what_it_leaves_goes_to_the_balance():
    allocation = allocate(COST, [of_cost("etat", 80, cap=40_000_00), balance("commune")])
    assert allocation.amounts == {"etat": 40_000_00, "commune": 20_000_00}
    assert allocation.gap_cents == 0


def test_a_cap_on_a_fixed_amount_is_honoured():
    allocation = allocate(COST, [fixed("caf", 20_000_00, cap=15_000_00), balance("commune")])
    assert allocation.amounts == {"caf": 15_000_00, "commune": 45_000_00}


def test_what_a_cap_leaves_increases_the_remainder_of_the_next_rank():
    rules = [of_cost("etat", 50, rank=0, cap=20_000_00), of_remainder("dep", 50, rank=1)]
    allocation = allocate(COST, rules)
    assert allocation.amounts == {"etat": 20_000_00, "dep": 20_000_00}
    assert allocation.gap_cents == 20_000_00


def test_a_capped_balance_leaves_an_unfunded_gap():
    allocation = allocate(COST, [of_cost("etat", 50), balance("commune", cap=10_000_00)])
    assert allocation.amounts == {"etat": 30_000_00, "commune": 10_000_00}
    assert allocation.gap_cents == 20_000_00


def test_a_cap_above_the_share_changes_nothing():
    allocation = allocate(COST, [of_cost("etat", 50, cap=50_000_00), balance("commune")])
    assert allocation.amounts == {"etat": 30_000_00, "commune": 30_000_00}


# ---- Gap and excess -----------------------------------------------------------------------------


def test_fixed_amounts_above_the_cost_show_an_excess_as_a_negative_gap():
    allocation = allocate(COST, [fixed("etat", 40_000_00), fixed("commune", 30_000_00)])
    assert allocation.gap_cents == -10_000_00
    assert not allocation.is_balanced


def test_an_excess_is_not_hidden_by_the_balance_funder_who_then_pays_nothing():
    allocation = allocate(COST, [fixed("etat", 70_000_00), balance("commune")])
    assert allocation.amounts == {"etat": 70_000_00, "commune": 0}
    assert allocation.gap_cents == -10_000_00


def test_a_remainder_is_never_negative():
    allocation = allocate(COST, [fixed("etat", 70_000_00, rank=0), of_remainder("dep", 50, rank=1)])
    assert allocation.amounts["dep"] == 0


# ---- Degressive shares --------------------------------------------------------------------------


def test_a_degressive_state_share_over_three_years_is_three_sets_of_rules():
    years = {2024: 80, 2025: 50, 2026: 30}
    committed = {
        year: allocate(COST, [of_cost("etat", percent), balance("departement")]).amounts
        for year, percent in years.items()
    }
    assert committed == {
        2024: {"etat": 48_000_00, "departement": 12_000_00},
        2025: {"etat": 30_000_00, "departement": 30_000_00},
        2026: {"etat": 18_000_00, "departement": 42_000_00},
    }


# ---- Refused rules ------------------------------------------------------------------------------


def test_shares_of_the_cost_above_100_percent_are_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        allocate(COST, [of_cost("etat", 60), of_cost("caf", "40.5")])
    assert messages_of(error.value) == ["The shares of the total cost add up to 100,5 %, more than 100 %."]


def test_shares_of_a_same_remainder_above_100_percent_are_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        validate_rules([of_remainder("dep", 60, rank=2), of_remainder("commune", 50, rank=2)])
    assert messages_of(error.value) == ["The shares of the remainder at rank 2 add up to 110 %, more than 100 %."]


def test_shares_of_remainders_at_different_ranks_may_each_reach_100_percent():
    validate_rules([of_remainder("dep", 60, rank=1), of_remainder("commune", 100, rank=2)])


def test_a_second_balance_funder_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        allocate(COST, [balance("commune"), balance("departement")])
    assert messages_of(error.value) == ["Only one funder can take the balance in a year."]


def test_a_funder_with_two_rules_in_a_year_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_rules([fixed("etat", 100), of_cost("etat", 10)])
    assert error.value.error_list[0].code == "duplicate_funder"


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        (Rule(funder="x", kind=Kind.FIXED), "fixed_amount"),
        (Rule(funder="x", kind=Kind.FIXED, amount_cents=-1), "fixed_amount"),
        (Rule(funder="x", kind=Kind.PERCENT_OF_COST), "percent_range"),
        (Rule(funder="x", kind=Kind.PERCENT_OF_COST, percent=Decimal(0)), "percent_range"),
        (Rule(funder="x", kind=Kind.PERCENT_OF_REMAINDER, percent=Decimal(101)), "percent_range"),
        (Rule(funder="x", kind=Kind.BALANCE, cap_cents=-5), "negative_cap"),
        (Rule(funder="x", kind=Kind.BALANCE, rank=-1), "negative_rank"),
        (Rule(funder="x", kind="gift"), "unknown_kind"),
    ],
)
def test_incomplete_or_out_of_range_rules_are_refused(rule, code):
    with pytest.raises(ValidationError) as error:
        validate_rules([rule])
    assert [e.code for e in error.value.error_list] == [code]


def test_a_negative_cost_is_refused():
    with pytest.raises(ValidationError):
        allocate(-1, [])


# ---- Sum invariant (property-based) -------------------------------------------------------------

percents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2)
caps = st.none() | st.integers(min_value=0, max_value=10_000_000)
ranks = st.integers(min_value=0, max_value=3)


@st.composite
def rule_sets(draw):
    count = draw(st.integers(min_value=0, max_value=6))
    rules = []
    cost_share_left = Decimal(100)
    remainder_share_left = {}
    for index in range(count):
        kind = draw(st.sampled_from([Kind.FIXED, Kind.PERCENT_OF_COST, Kind.PERCENT_OF_REMAINDER]))
        rank = draw(ranks)
        cap = draw(caps)
        if kind == Kind.FIXED:
            rules.append(fixed(index, draw(st.integers(min_value=0, max_value=5_000_000)), rank=rank, cap=cap))
        elif kind == Kind.PERCENT_OF_COST:
            percent = min(draw(percents), cost_share_left)
            if percent <= 0:
                continue
            cost_share_left -= percent
            rules.append(of_cost(index, percent, rank=rank, cap=cap))
        else:
            left = remainder_share_left.get(rank, Decimal(100))
            percent = min(draw(percents), left)
            if percent <= 0:
                continue
            remainder_share_left[rank] = left - percent
            rules.append(of_remainder(index, percent, rank=rank, cap=cap))
    with_balance = draw(st.booleans())
    if with_balance:
        rules.insert(draw(st.integers(min_value=0, max_value=len(rules))), balance("balance", rank=draw(ranks)))
    return rules


# No example database (no .hypothesis folder in the project), no deadline (slow CI machines).
PROPERTY = settings(max_examples=300, deadline=None, database=None)


@PROPERTY
@given(cost=st.integers(min_value=0, max_value=50_000_000), rules=rule_sets())
def test_amounts_and_gap_always_add_up_to_the_cost(cost, rules):
    allocation = allocate(cost, rules)
    assert allocation.committed_cents + allocation.gap_cents == cost
    assert all(amount >= 0 for amount in allocation.amounts.values())
    for rule in rules:
        if rule.cap_cents is not None:
            assert allocation.amounts[rule.funder] <= rule.cap_cents


@PROPERTY
@given(cost=st.integers(min_value=0, max_value=50_000_000), rules=rule_sets())
def test_an_uncapped_balance_funder_leaves_no_gap_unless_others_exceed_the_cost(cost, rules):
    balance_rule = next((rule for rule in rules if rule.kind == Kind.BALANCE), None)
    if balance_rule is None or balance_rule.cap_cents is not None:
        return
    allocation = allocate(cost, rules)
    others = allocation.committed_cents - allocation.amounts["balance"]
    if others <= cost:
        assert allocation.gap_cents == 0
        assert allocation.committed_cents == cost
    else:
        assert allocation.amounts["balance"] == 0
        assert allocation.gap_cents == cost - others


# ---- Prorating ----------------------------------------------------------------------------------


def test_a_post_covering_the_whole_year_costs_its_yearly_cost_times_its_fte_share():
    cost = prorated_cost_cents(
        yearly_cost_cents=50_000_00,
        fte_share=Decimal("0.5"),
        year=2025,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=None,
    )
    assert cost == 25_000_00


def test_a_post_covering_part_of_a_year_is_prorated_by_days():
    cost = prorated_cost_cents(
        yearly_cost_cents=36_500_00,
        fte_share=Decimal(1),
        year=2025,
        starts_on=datetime.date(2025, 12, 2),
        ends_on=datetime.date(2027, 1, 1),
    )
    assert cost == 30 * 100_00


def test_prorating_counts_leap_years_and_both_end_days():
    assert days_covered(2024, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)) == 366
    assert days_covered(2024, datetime.date(2024, 3, 1), datetime.date(2024, 3, 1)) == 1
    assert days_covered(2024, datetime.date(2025, 1, 1), None) == 0
    cost = prorated_cost_cents(
        yearly_cost_cents=36_600_00,
        fte_share=Decimal("0.80"),
        year=2024,
        starts_on=datetime.date(2024, 7, 1),
        ends_on=None,
    )
    assert cost == 184 * 80_00
