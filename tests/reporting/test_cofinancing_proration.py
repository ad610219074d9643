"""Group I over periods that do not match civil years: each convention year is prorated by the share of
its own days (the days of the civil year within the convention's dates) that the period covers."""

import datetime
from decimal import Decimal

import pytest

from conventions import services
from conventions.enums import FundingRuleKind
from reporting.bilan import BilanScope, Period, ScopeKind
from reporting.indicators import compute_bilan
from tests.conventions.factories import ConventionFactory, ConventionPostFactory, FunderFactory
from tests.organisation.factories import PostFactory, department

YEARLY = 47_000_00
# The convention's years: 92 days of 2021 and 273 days of 2022 (engine rounding, half up).
COST_2021 = 11_846_58  # 4 700 000 × 92 / 365 = 1 184 657.53
COST_2022 = 35_153_42  # 4 700 000 × 273 / 365 = 3 515 342.47


def bilan(scope: BilanScope, start: datetime.date, end: datetime.date):
    return compute_bilan(scope=scope, period=Period(start, end), with_previous=False).indicators


def committed(indicators) -> dict[str, int]:
    return {cell.label.split(" — ")[0]: cell.value for cell in indicators["I1"].breakdown}


def set_year(convention, year, costs, funders):
    """State 40 % of the cost, CAF 20 %, the commune the balance."""
    state, caf, commune = funders
    convention.refresh_from_db()
    services.funding_rules_set_for_year(
        convention=convention,
        year=year,
        expected_version=convention.version,
        costs={cp.pk: services.CostData(salary_cents=amount) for cp, amount in costs.items()},
        rules=[
            services.RuleData(funder=state, kind=FundingRuleKind.PERCENT_OF_COST, percent=Decimal(40)),
            services.RuleData(funder=caf, kind=FundingRuleKind.PERCENT_OF_COST, percent=Decimal(20)),
            services.RuleData(funder=commune, kind=FundingRuleKind.BALANCE, rank=1),
        ],
    )


@pytest.fixture
def funded(db):
    """A convention from 1 October 2021 to 30 September 2022 at 47 000 € a year for one post."""
    d80 = department("80")
    post = PostFactory(department=d80, starts_on=datetime.date(2020, 1, 1))
    funders = (
        FunderFactory(department=d80, state=True, name="Préfecture"),
        FunderFactory(department=d80, caf=True, name="CAF"),
        FunderFactory(department=d80, commune=True, name="Commune"),
    )
    convention = ConventionFactory(
        department=d80, starts_on=datetime.date(2021, 10, 1), ends_on=datetime.date(2022, 9, 30)
    )
    cp = ConventionPostFactory(convention=convention, post=post)
    for year in (2021, 2022):
        set_year(convention, year, {cp: YEARLY}, funders)
    return {
        "post": post,
        "funders": funders,
        "convention": convention,
        "department": BilanScope(ScopeKind.DEPARTMENT, "80", "Somme (80)"),
        "post_scope": BilanScope(ScopeKind.POST, str(post.public_id), "Poste"),
    }


def test_a_period_equal_to_the_convention_gives_its_committed_amounts_and_cost_in_cents(funded):
    for scope in (funded["department"], funded["post_scope"]):
        i = bilan(scope, datetime.date(2021, 10, 1), datetime.date(2022, 9, 30))
        assert i["I3"].total == COST_2021 + COST_2022 == YEARLY
        assert committed(i) == {"Préfecture": 18_800_00, "CAF": 9_400_00, "Commune": 18_800_00}
        assert i["I1"].total == YEARLY


def test_a_civil_year_covering_a_whole_convention_year_gives_that_year(funded):
    i = bilan(funded["department"], datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert i["I3"].total == COST_2022  # the convention ends on 30 September: all of its 2022 days
    i = bilan(funded["department"], datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    assert i["I3"].total == COST_2021  # it starts on 1 October: all of its 2021 days


def test_a_period_straddling_two_convention_years_takes_each_years_covered_days(funded):
    # 1 December 2021 – 31 January 2022: 31 of the 92 days of 2021, 31 of the 273 days of 2022.
    i = bilan(funded["department"], datetime.date(2021, 12, 1), datetime.date(2022, 1, 31))
    exact = Decimal(COST_2021) * 31 / 92 + Decimal(COST_2022) * 31 / 273
    assert i["I3"].total == int(exact.to_integral_value())
    assert abs(i["I1"].total - i["I3"].total) <= 2  # committed = cost, but for rounding cents


def test_a_period_outside_the_convention_has_no_cofinancing(funded):
    i = bilan(funded["department"], datetime.date(2022, 10, 1), datetime.date(2022, 12, 31))
    assert i["I3"].total == 0 and i["I1"].total == 0


def test_an_amendment_is_prorated_on_its_own_dates(funded):
    """An amendment extending the convention by a year (1 October 2022 – 30 September 2023, 50 000 €)."""
    amendment = ConventionFactory(
        amendment=True,
        parent=funded["convention"],
        department=department("80"),
        starts_on=datetime.date(2022, 10, 1),
        ends_on=datetime.date(2023, 9, 30),
    )
    cp = ConventionPostFactory(convention=amendment, post=funded["post"])
    for year in (2022, 2023):
        set_year(amendment, year, {cp: 50_000_00}, funded["funders"])
    i = bilan(funded["department"], datetime.date(2021, 10, 1), datetime.date(2023, 9, 30))
    assert i["I3"].total == YEARLY + 50_000_00
    assert committed(i) == {"Préfecture": 38_800_00, "CAF": 19_400_00, "Commune": 38_800_00}
    # The civil year 2022: all of the convention's 2022 days and all of the amendment's.
    i = bilan(funded["department"], datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert i["I3"].total == COST_2022 + 12_602_74  # 5 000 000 × 92 / 365, half up


def test_a_posts_share_of_a_multi_post_convention(funded):
    """A second post at half the cost: the first post keeps two thirds of every figure, exactly."""
    second = ConventionPostFactory(
        convention=funded["convention"],
        post=PostFactory(department=department("80"), starts_on=datetime.date(2020, 1, 1)),
    )
    cp = funded["convention"].convention_posts.get(post=funded["post"])
    for year in (2021, 2022):
        set_year(funded["convention"], year, {cp: 60_000_00, second: 30_000_00}, funded["funders"])
    span = (datetime.date(2021, 10, 1), datetime.date(2022, 9, 30))
    whole = bilan(funded["department"], *span)
    assert whole["I3"].total == 90_000_00
    post = bilan(funded["post_scope"], *span)
    assert post["I3"].total == 60_000_00
    assert committed(post) == {"Préfecture": 24_000_00, "CAF": 12_000_00, "Commune": 24_000_00}
