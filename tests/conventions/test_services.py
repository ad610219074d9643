import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conventions import services, summaries
from conventions.enums import ConventionKind, FundingRuleKind, PaymentKind
from conventions.models import Convention, FundingRule, PostCost
from iscg.concurrency import EditConflict
from organisation.access import Scope
from tests.conventions.factories import (
    ConventionFactory,
    ConventionPostFactory,
    FunderFactory,
    PaymentFactory,
    funded_convention,
)
from tests.organisation.factories import PostFactory, department

pytestmark = pytest.mark.django_db

Kind = FundingRuleKind


def convention_data(**overrides):
    values = {
        "title": "Convention cadre ISCG",
        "kind": ConventionKind.FRAMEWORK,
        "department": department("80"),
        "employer": "Conseil départemental de la Somme",
        "starts_on": datetime.date(2025, 1, 1),
        "ends_on": datetime.date(2027, 12, 31),
    }
    values.update(overrides)
    return services.ConventionData(**values)


def set_rules(convention, year, rules, costs=None):
    return services.funding_rules_set_for_year(
        convention=convention, year=year, expected_version=convention.version, rules=rules, costs=costs
    )


# ---- Conventions --------------------------------------------------------------------------------


def test_convention_create_saves_parties_and_posts():
    post = PostFactory(fte="1.00")
    funder = FunderFactory(state=True)
    convention = services.convention_create(
        data=convention_data(),
        parties=[
            services.PartyData(funder=funder, signatory_name="Le préfet", signed_on=datetime.date(2024, 12, 1)),
            services.PartyData(name="Groupement de gendarmerie"),
        ],
        posts=[services.PostShareData(post=post, fte_share=Decimal("0.5"))],
    )
    assert [party.display_name for party in convention.parties.order_by("position")] == [
        funder.name,
        "Groupement de gendarmerie",
    ]
    assert convention.convention_posts.get().fte_share == Decimal("0.50")
    assert convention.version == 1


def test_an_amendment_needs_a_parent_of_the_same_department():
    with pytest.raises(ValidationError) as error:
        services.convention_create(data=convention_data(kind=ConventionKind.AMENDMENT))
    assert "parent" in error.value.error_dict
    other = ConventionFactory(department=department("42"))
    with pytest.raises(ValidationError):
        services.convention_create(data=convention_data(kind=ConventionKind.AMENDMENT, parent=other))
    parent = ConventionFactory()
    amendment = services.convention_create(data=convention_data(kind=ConventionKind.AMENDMENT, parent=parent))
    assert amendment.parent == parent


def test_a_post_cannot_be_covered_beyond_its_fte():
    post = PostFactory(fte="0.50")
    with pytest.raises(ValidationError):
        services.convention_create(
            data=convention_data(), posts=[services.PostShareData(post=post, fte_share=Decimal("0.8"))]
        )
    assert not Convention.objects.filter(title="Convention cadre ISCG").exists()


def test_updating_with_an_old_version_is_refused_and_changes_nothing():
    convention = funded_convention()
    stale = convention.version
    services.convention_update(
        convention=convention,
        expected_version=stale,
        data=convention_data(title="Première modification"),
        parties=[],
        posts=[
            services.PostShareData(post=cp.post, fte_share=cp.fte_share) for cp in convention.convention_posts.all()
        ],
    )
    other = Convention.objects.get(pk=convention.pk)
    with pytest.raises(EditConflict):
        services.convention_update(
            convention=other, expected_version=stale, data=convention_data(title="Seconde"), parties=[], posts=[]
        )
    convention.refresh_from_db()
    assert convention.title == "Première modification"
    assert convention.convention_posts.count() == 1


def test_shortening_a_convention_drops_the_costs_and_rules_of_years_no_longer_covered():
    convention = funded_convention(year=2027)
    assert FundingRule.objects.filter(convention=convention, year=2027).exists()
    services.convention_update(
        convention=convention,
        expected_version=convention.version,
        data=convention_data(ends_on=datetime.date(2026, 12, 31)),
        parties=[],
        posts=[
            services.PostShareData(post=cp.post, fte_share=cp.fte_share) for cp in convention.convention_posts.all()
        ],
    )
    assert not FundingRule.objects.filter(convention=convention).exists()
    assert not PostCost.objects.filter(convention_post__convention=convention).exists()


def test_changing_the_fte_share_recomputes_costs_and_commitments():
    convention = funded_convention()
    cp = convention.convention_posts.get()
    services.convention_update(
        convention=convention,
        expected_version=convention.version,
        data=convention_data(kind=convention.kind),
        parties=[],
        posts=[services.PostShareData(post=cp.post, fte_share=Decimal("0.5"))],
    )
    assert PostCost.objects.get(convention_post=cp).prorated_cost_cents == 22_500_00
    assert sorted(FundingRule.objects.filter(convention=convention).values_list("committed_cents", flat=True)) == [
        11_250_00,
        11_250_00,
    ]


# ---- Funding rules ------------------------------------------------------------------------------


def test_rules_for_a_year_store_what_each_funder_commits():
    convention = ConventionFactory()
    cp = ConventionPostFactory(convention=convention, half_time=True)
    state, departement, commune_a, commune_b = (
        FunderFactory(state=True),
        FunderFactory(departement=True),
        FunderFactory(commune=True),
        FunderFactory(commune=True),
    )
    allocation = set_rules(
        convention,
        2025,
        [
            services.RuleData(funder=state, kind=Kind.PERCENT_OF_COST, percent=Decimal(40)),
            services.RuleData(funder=departement, kind=Kind.PERCENT_OF_REMAINDER, percent=Decimal(50), rank=1),
            services.RuleData(funder=commune_a, kind=Kind.PERCENT_OF_REMAINDER, percent=Decimal(25), rank=1),
            services.RuleData(funder=commune_b, kind=Kind.BALANCE, rank=2),
        ],
        costs={
            cp.pk: services.CostData(salary_cents=60_000_00, charges_cents=30_000_00, running_costs_cents=10_000_00)
        },
    )
    assert allocation.total_cost_cents == 50_000_00  # 100 000 € × 0,5 FTE
    committed = dict(FundingRule.objects.filter(convention=convention).values_list("funder", "committed_cents"))
    assert committed == {
        state.pk: 20_000_00,
        departement.pk: 15_000_00,
        commune_a.pk: 7_500_00,
        commune_b.pk: 7_500_00,
    }
    assert allocation.gap_cents == 0


def test_costs_of_a_post_starting_mid_year_are_prorated_by_days():
    convention = ConventionFactory(starts_on=datetime.date(2025, 1, 1))
    post = PostFactory(starts_on=datetime.date(2025, 7, 1))
    cp = ConventionPostFactory(convention=convention, post=post)
    allocation = set_rules(convention, 2025, [], costs={cp.pk: services.CostData(salary_cents=36_500_00)})
    assert allocation.total_cost_cents == 184 * 100_00
    assert allocation.gap_cents == 184 * 100_00


def test_invalid_rules_change_nothing():
    convention = funded_convention()
    before = list(FundingRule.objects.filter(convention=convention).values_list("funder", "kind", "committed_cents"))
    with pytest.raises(ValidationError):
        set_rules(
            convention,
            2025,
            [
                services.RuleData(funder=FunderFactory(), kind=Kind.BALANCE),
                services.RuleData(funder=FunderFactory(), kind=Kind.BALANCE),
            ],
        )
    after = list(FundingRule.objects.filter(convention=convention).values_list("funder", "kind", "committed_cents"))
    assert after == before
    assert Convention.objects.get(pk=convention.pk).version == convention.version


def test_a_funder_of_another_department_is_refused():
    convention = funded_convention()
    with pytest.raises(ValidationError):
        set_rules(
            convention, 2025, [services.RuleData(funder=FunderFactory(department=department("42")), kind=Kind.BALANCE)]
        )


def test_a_year_outside_the_convention_is_refused():
    convention = funded_convention()
    with pytest.raises(ValidationError):
        set_rules(convention, 2030, [])


def test_a_degressive_state_share_is_three_years_of_rules():
    convention = funded_convention()
    state = FundingRule.objects.get(convention=convention, year=2025, kind=Kind.PERCENT_OF_COST).funder
    for year, percent in ((2026, 50), (2027, 30)):
        services.funding_rules_copy_year(
            convention=convention, from_year=year - 1, to_year=year, expected_version=convention.version
        )
        convention.refresh_from_db()
        rules = [
            services.RuleData(
                funder=rule.funder,
                kind=rule.kind,
                rank=rule.rank,
                percent=Decimal(percent) if rule.funder == state else None,
            )
            for rule in FundingRule.objects.filter(convention=convention, year=year).select_related("funder")
        ]
        set_rules(convention, year, rules)
        convention.refresh_from_db()
    state_by_year = dict(
        FundingRule.objects.filter(convention=convention, funder=state).values_list("year", "committed_cents")
    )
    assert state_by_year == {2025: 22_500_00, 2026: 22_500_00, 2027: 13_500_00}
    summary = summaries.convention_summary(convention)
    assert [total.gap_cents for total in summary.year_totals] == [0, 0, 0]
    assert [total.cost_cents for total in summary.year_totals] == [45_000_00] * 3


def test_copying_a_year_copies_the_cost_basis_and_refuses_to_overwrite():
    convention = funded_convention()
    count = services.funding_rules_copy_year(
        convention=convention, from_year=2025, to_year=2026, expected_version=convention.version
    )
    assert count == 2
    assert PostCost.objects.filter(convention_post__convention=convention, year=2026).get().salary_cents == 45_000_00
    convention.refresh_from_db()
    with pytest.raises(ValidationError):
        services.funding_rules_copy_year(
            convention=convention, from_year=2025, to_year=2026, expected_version=convention.version
        )
    with pytest.raises(ValidationError):
        services.funding_rules_copy_year(
            convention=convention, from_year=2027, to_year=2025, expected_version=convention.version
        )


# ---- Payments and summaries ---------------------------------------------------------------------


def test_payment_record_checks_the_year_and_the_funder():
    convention = funded_convention()
    funder = FundingRule.objects.filter(convention=convention).first().funder
    payment = services.payment_record(
        convention=convention,
        funder=funder,
        year=2025,
        kind=PaymentKind.PAYMENT,
        amount_cents=5_000_00,
        dated_on=datetime.date(2025, 4, 1),
    )
    assert payment.pk
    with pytest.raises(ValidationError):
        services.payment_record(
            convention=convention,
            funder=funder,
            year=2031,
            kind=PaymentKind.PAYMENT,
            amount_cents=1,
            dated_on=datetime.date(2025, 4, 1),
        )
    with pytest.raises(ValidationError):
        services.payment_record(
            convention=convention,
            funder=FunderFactory(department=department("42")),
            year=2025,
            kind=PaymentKind.PAYMENT,
            amount_cents=1,
            dated_on=datetime.date(2025, 4, 1),
        )


def test_convention_summary_gives_committed_called_paid_and_due_per_funder_and_year():
    convention = funded_convention()
    state = FundingRule.objects.get(convention=convention, kind=Kind.PERCENT_OF_COST).funder
    PaymentFactory(convention=convention, funder=state, call=True, amount_cents=22_500_00)
    PaymentFactory(convention=convention, funder=state, amount_cents=20_000_00)
    summary = summaries.convention_summary(convention)
    row = next(row for row in summary.funders if row.funder_id == state.pk)
    first = row.cells[0]
    assert (first.year, first.committed_cents, first.called_cents, first.paid_cents, first.due_cents) == (
        2025,
        22_500_00,
        22_500_00,
        20_000_00,
        2_500_00,
    )
    assert summary.total.committed_cents == 45_000_00
    assert summary.total.paid_cents == 20_000_00
    assert [total.gap_cents for total in summary.year_totals] == [0, 0, 0]  # no cost recorded for 2026-2027 yet


def test_department_summary_adds_up_the_departments_conventions_only():
    funded_convention()
    funded_convention(yearly_cost_cents=30_000_00)
    funded_convention(department_code="42")
    scope = Scope(user_id=1, role="coordinator", department_ids=frozenset({department("80").pk}))
    summary = summaries.department_summary(
        department=department("80"), scope=scope, year=2025, today=datetime.date(2025, 6, 1)
    )
    assert summary.total_cost_cents == 75_000_00
    assert summary.committed_cents == 75_000_00
    assert summary.gap_cents == 0
    assert summary.post_count == 2
    assert {share.kind: share.share for share in summary.kind_shares} == {"state": 50, "department": 50}


def test_conventions_ending_within_six_months_are_listed():
    soon = ConventionFactory(ends_on=datetime.date(2025, 11, 30))
    ConventionFactory(ends_on=datetime.date(2026, 1, 1))
    ConventionFactory(starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2025, 5, 31))
    scope = Scope(user_id=1, role="admin")
    summary = summaries.department_summary(
        department=department("80"), scope=scope, year=2025, today=datetime.date(2025, 6, 1)
    )
    assert summary.ending_soon == [soon]
    assert summary.ending_before == datetime.date(2025, 12, 1)


def test_add_months_stays_within_short_months():
    assert summaries.add_months(datetime.date(2025, 8, 31), 6) == datetime.date(2026, 2, 28)
