from django.core.management import call_command

from conventions import summaries
from conventions.enums import ConventionKind, FundingRuleKind
from conventions.models import Convention, FundingRule, Payment
from demo.conventions import CONVENTIONS


def test_seed_demo_adds_conventions_to_every_department_and_is_idempotent(db):
    call_command("seed_demo")
    counts = (Convention.objects.count(), FundingRule.objects.count(), Payment.objects.count())
    call_command("seed_demo")
    assert (Convention.objects.count(), FundingRule.objects.count(), Payment.objects.count()) == counts
    assert set(Convention.objects.values_list("department__code", flat=True)) == set(CONVENTIONS)
    assert Convention.objects.filter(kind=ConventionKind.SECONDMENT).exists()
    assert Convention.objects.filter(kind=ConventionKind.AMENDMENT, parent__isnull=False).exists()


def test_demo_has_a_shared_remainder_and_a_degressive_state_share(db):
    call_command("seed_demo")
    framework = Convention.objects.get(title="Convention cadre ISCG Somme 2025-2027")
    rules = FundingRule.objects.filter(convention=framework, year=2025)
    assert rules.filter(kind=FundingRuleKind.PERCENT_OF_REMAINDER, rank=1).count() == 2
    summary = summaries.convention_summary(framework)
    assert all(total.gap_cents == 0 for total in summary.year_totals)
    triennial = Convention.objects.get(title="Convention triennale ISCG Saint-Étienne 2025-2027")
    state_percents = list(
        FundingRule.objects.filter(convention=triennial, funder__kind="state")
        .order_by("year")
        .values_list("percent", flat=True)
    )
    assert [int(p) for p in state_percents] == [80, 50, 30]
    nice = Convention.objects.get(title="Convention de financement ISCG Nice Côte d'Azur 2025-2026")
    assert summaries.convention_summary(nice).years_with_gap  # no balance funder: the gap is shown
