import datetime

from django.utils import timezone

from conventions import summaries
from conventions.enums import ConventionKind, FundingRuleKind, PaymentKind
from conventions.models import Convention, FundingRule, Payment, SteeringCommittee
from demo.conventions import CONVENTIONS, seed_conventions
from demo.seeding import seed_organisation


def test_seed_conventions_covers_every_department_and_is_idempotent(db):
    territory = seed_organisation()
    assert seed_conventions(territory) == sum(len(specs) for specs in CONVENTIONS.values())
    counts = [model.objects.count() for model in (Convention, FundingRule, Payment, SteeringCommittee)]
    assert seed_conventions(territory) == 0
    assert [model.objects.count() for model in (Convention, FundingRule, Payment, SteeringCommittee)] == counts
    assert set(Convention.objects.values_list("department__code", flat=True)) == set(CONVENTIONS)
    assert Convention.objects.filter(kind=ConventionKind.SECONDMENT).exists()
    assert Convention.objects.filter(kind=ConventionKind.AMENDMENT, parent__isnull=False).exists()


def test_demo_has_a_shared_remainder_and_a_degressive_state_share(db):
    seed_conventions(seed_organisation())
    last_year = timezone.localdate().year - 1
    framework = Convention.objects.get(department__code="80", kind=ConventionKind.FRAMEWORK)
    assert framework.title == f"Convention cadre ISCG Somme {last_year}-{last_year + 2}"
    rules = FundingRule.objects.filter(convention=framework, year=last_year)
    assert rules.filter(kind=FundingRuleKind.PERCENT_OF_REMAINDER, rank=1).count() == 2
    summary = summaries.convention_summary(framework)
    assert all(total.gap_cents == 0 for total in summary.year_totals)
    triennial = Convention.objects.get(title__startswith="Convention triennale ISCG Saint-Étienne")
    state_percents = list(
        FundingRule.objects.filter(convention=triennial, funder__kind="state")
        .order_by("year")
        .values_list("percent", flat=True)
    )
    assert [int(p) for p in state_percents] == [80, 50, 30]
    nice = Convention.objects.get(title__startswith="Convention de financement ISCG Nice Côte d'Azur")
    assert summaries.convention_summary(nice).years_with_gap  # no balance funder: the gap is shown


def test_every_department_has_committees_commitments_and_payments_last_year_and_this_year(db):
    seed_conventions(seed_organisation())
    today = timezone.localdate()
    for code in CONVENTIONS:
        conventions = Convention.objects.filter(department__code=code)
        for year in (today.year - 1, today.year):
            assert FundingRule.objects.filter(convention__in=conventions, year=year, committed_cents__gt=0).exists()
            paid = Payment.objects.filter(convention__in=conventions, year=year, kind=PaymentKind.PAYMENT)
            if datetime.date(year, 6, 30) <= today:
                assert paid.exists(), (code, year)
        held_last_year = SteeringCommittee.objects.filter(convention__in=conventions, held_on__year=today.year - 1)
        assert held_last_year.exists(), code
        if today > datetime.date(today.year, 3, 12):  # the yearly committee presents the past year's bilan
            assert SteeringCommittee.objects.filter(convention__in=conventions, held_on__year=today.year).exists()
    assert not Payment.objects.filter(dated_on__gt=today).exists()
    assert not SteeringCommittee.objects.filter(held_on__gte=today).exists()
