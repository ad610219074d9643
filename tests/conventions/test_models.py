import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from conventions.enums import ConventionKind, FundingRuleKind
from conventions.models import Convention, ConventionParty, FundingRule
from conventions.templatetags.money import euros, percent
from organisation.access import ANONYMOUS, Scope
from tests.conventions.factories import (
    ConventionFactory,
    ConventionPostFactory,
    FunderFactory,
    FundingRuleFactory,
    PaymentFactory,
    PostCostFactory,
)
from tests.organisation.factories import department

pytestmark = pytest.mark.django_db


def violation(instance) -> list[str]:
    with pytest.raises(ValidationError) as error, translation.override("en"):
        instance.full_clean()
    return error.value.messages


def test_an_amendment_without_parent_violates_a_named_constraint():
    convention = ConventionFactory.build(kind=ConventionKind.AMENDMENT, department=department("80"))
    assert "An amendment must name the convention it amends." in violation(convention)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConventionFactory(kind=ConventionKind.AMENDMENT)


def test_a_convention_cannot_end_before_it_starts():
    convention = ConventionFactory.build(
        department=department("80"), starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2024, 1, 1)
    )
    assert "The end date cannot be before the start date." in violation(convention)


def test_the_amendment_trait_builds_a_valid_amendment():
    amendment = ConventionFactory(amendment=True)
    assert amendment.parent.department == amendment.department


def test_convention_years_are_the_civil_years_it_covers():
    convention = ConventionFactory.build(starts_on=datetime.date(2024, 9, 1), ends_on=datetime.date(2027, 8, 31))
    assert convention.years == [2024, 2025, 2026, 2027]


def test_a_party_is_a_funder_or_has_a_name():
    party = ConventionParty(convention=ConventionFactory())
    assert "A party is either a funder or has a name." in violation(party)


def test_a_fixed_rule_needs_an_amount_and_a_percentage_rule_a_valid_percentage():
    convention = ConventionFactory()
    funder = FunderFactory()
    fixed = FundingRule(convention=convention, year=2025, funder=funder, kind=FundingRuleKind.FIXED)
    assert "A fixed contribution needs an amount and no percentage." in violation(fixed)
    share = FundingRule(
        convention=convention, year=2025, funder=funder, kind=FundingRuleKind.PERCENT_OF_COST, percent=Decimal(120)
    )
    assert "The percentage must be greater than 0 and at most 100." in violation(share)


def test_one_balance_funder_per_convention_year_is_enforced_by_the_database():
    rule = FundingRuleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingRuleFactory(convention=rule.convention, year=rule.year)
    FundingRuleFactory(convention=rule.convention, year=rule.year + 1)


def test_a_funder_has_one_rule_per_convention_year():
    rule = FundingRuleFactory(fixed=True)
    duplicate = FundingRule(convention=rule.convention, year=rule.year, funder=rule.funder, kind="balance")
    assert "A funder can have only one rule per year." in violation(duplicate)


def test_costs_and_payments_cannot_be_negative():
    cost = PostCostFactory.build(convention_post=ConventionPostFactory(), salary_cents=-1)
    assert "Costs cannot be negative." in violation(cost)
    payment = PaymentFactory.build(convention=ConventionFactory(), funder=FunderFactory(), amount_cents=0)
    assert "The amount must be positive." in violation(payment)


def test_convention_visibility_follows_the_department_for_coordinators_and_funders():
    somme, loire = ConventionFactory(), ConventionFactory(department=department("42"))
    coordinator = Scope(user_id=1, role="coordinator", department_ids=frozenset({somme.department_id}))
    funder = Scope(user_id=2, role="funder", department_ids=frozenset({loire.department_id}))
    police = Scope(user_id=3, role="police", department_ids=frozenset({somme.department_id}))
    iscg = Scope(user_id=4, role="iscg", department_ids=frozenset({somme.department_id}))
    admin = Scope(user_id=5, role="admin")
    assert list(Convention.objects.visible_to(coordinator)) == [somme]
    assert list(Convention.objects.visible_to(funder)) == [loire]
    assert not Convention.objects.visible_to(police).exists()
    assert not Convention.objects.visible_to(iscg).exists()
    assert not Convention.objects.visible_to(ANONYMOUS).exists()
    assert Convention.objects.visible_to(admin).count() == 2


def test_amounts_are_shown_in_euros_the_french_way():
    with translation.override("fr"):
        assert euros(1_234_567) == "12\xa0345,67\xa0€"
        assert euros(5) == "0,05\xa0€"
        assert euros(None) == "—"
        assert percent(Decimal("33.333")) == "33,3\xa0%"
