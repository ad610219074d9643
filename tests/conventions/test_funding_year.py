"""The funding year's calculations the page shows, as services (conventions.services): the days a
convention pays for a post, the stored allocation and the preview of what is being entered."""

import datetime
from decimal import Decimal

import pytest

from conventions import services
from conventions.enums import FundingRuleKind
from conventions.models import FundingRule, PostCost
from tests.conventions.factories import (
    ConventionFactory,
    ConventionPostFactory,
    FunderFactory,
    funded_convention,
)
from tests.organisation.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_a_convention_pays_a_post_from_the_later_start_to_the_earlier_end():
    convention = ConventionFactory(starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2027, 12, 31))
    later = PostFactory(starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2026, 6, 30))
    earlier_and_open = PostFactory(starts_on=datetime.date(2020, 1, 1))
    assert services.covered_period(convention, later) == (datetime.date(2025, 3, 1), datetime.date(2026, 6, 30))
    assert services.covered_period(convention, earlier_and_open) == (
        datetime.date(2025, 1, 1),
        datetime.date(2027, 12, 31),
    )


def test_the_stored_allocation_reads_the_committed_amounts_and_the_gap():
    convention = funded_convention(yearly_cost_cents=45_000_00)
    rules = list(FundingRule.objects.filter(convention=convention, year=2025).order_by("rank"))
    costs = list(PostCost.objects.filter(convention_post__convention=convention, year=2025))
    allocation = services.funding_year_stored_allocation(rules=rules, costs=costs)
    assert allocation.total_cost_cents == 45_000_00
    assert list(allocation.amounts.values()) == [22_500_00, 22_500_00]
    assert allocation.gap_cents == 0


def test_the_preview_prorates_the_entered_costs_and_applies_the_entered_rules_without_saving():
    convention = ConventionFactory(starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2027, 12, 31))
    half_year = ConventionPostFactory(
        convention=convention, post=PostFactory(starts_on=datetime.date(2025, 7, 1)), half_time=True
    )
    state = FunderFactory(department=convention.department, state=True)
    allocation = services.funding_year_preview(
        convention=convention,
        year=2025,
        convention_posts=[half_year],
        costs={half_year.pk: services.CostData(salary_cents=36_500_00)},
        rules=[services.RuleData(funder=state, kind=FundingRuleKind.PERCENT_OF_COST, percent=Decimal(80))],
    )
    # 36,500 € × 0.5 FTE × 184 of 365 days.
    assert allocation.total_cost_cents == 9_200_00
    assert allocation.amounts == {state.pk: 7_360_00}
    assert allocation.gap_cents == 1_840_00
    assert not PostCost.objects.exists() and not FundingRule.objects.exists()


def test_a_post_without_entered_costs_adds_nothing_to_the_preview():
    convention = ConventionFactory()
    convention_post = ConventionPostFactory(convention=convention)
    allocation = services.funding_year_preview(
        convention=convention, year=2025, convention_posts=[convention_post], costs={}, rules=[]
    )
    assert allocation.total_cost_cents == 0 and allocation.amounts == {} and allocation.gap_cents == 0


def test_a_rule_from_a_cleaned_form_and_a_stored_rule_give_the_same_engine_rule():
    convention = funded_convention()
    stored = FundingRule.objects.filter(convention=convention, year=2025).select_related("funder").order_by("rank")[0]
    cleaned = {"funder": stored.funder, "kind": stored.kind, "rank": stored.rank, "percent": stored.percent}
    assert services.engine_rule(services.RuleData.from_cleaned(cleaned)) == services.engine_rule(stored)
