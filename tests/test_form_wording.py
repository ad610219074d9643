"""What people read in forms and labels (issue 17): no « --------- », no « (rang 0) », no « (Optionnel) » on
filters, no nested parentheses, one clear sign-in error."""

from decimal import Decimal

from django.urls import reverse

from conventions import services
from conventions.enums import FundingRuleKind
from conventions.models import Funder
from tests.accounts.factories import UserFactory
from tests.conventions.factories import FunderFactory


def test_filter_forms_name_their_empty_choice_and_mark_no_field_optional(world, client_for):
    pages = [
        client_for("iscg_a").get(reverse("casework:followup_list")),
        client_for("coordinator_a").get(reverse("conventions:convention_list")),
    ]
    for response in pages:
        assert response.status_code == 200
        content = response.content.decode()
        assert "---------" not in content
        assert "(Optionnel)" not in content
    journal = client_for("coordinator_a").get(reverse("dataprotection:journal"))
    assert journal.status_code == 200
    content = journal.content.decode()
    assert "---------" not in content
    assert '<option value="" selected>Indifférent</option>' in content


def test_forms_name_the_empty_choice_in_french(world, client_for):
    orientation = client_for("iscg_a").get(reverse("casework:orientation_create", args=[world.a.followup.public_id]))
    payment_url = reverse("conventions:payment_create", args=[world.a.convention.public_id])
    payment = client_for("coordinator_a").get(payment_url)
    for response in (orientation, payment):
        assert response.status_code == 200
        content = response.content.decode()
        assert "---------" not in content
        assert '<option value="" selected>Sélectionner une option</option>' in content


def test_funding_rules_show_a_rank_only_where_it_matters(world, client_for):
    content = client_for("coordinator_a").get(world.a.convention.get_absolute_url()).content.decode()
    assert "(rang" not in content  # a share of the cost and the balance have no rank to show

    convention = world.a.convention
    rule = convention.funding_rules.order_by("pk").first()
    caf = FunderFactory(department=convention.department)
    services.funding_rules_set_for_year(
        convention=convention,
        year=rule.year,
        expected_version=convention.version,
        rules=[
            services.RuleData(
                funder=r.funder, kind=r.kind, rank=r.rank, amount_cents=r.amount_cents, percent=r.percent
            )
            for r in convention.funding_rules.filter(year=rule.year)
        ]
        + [services.RuleData(funder=caf, kind=FundingRuleKind.PERCENT_OF_REMAINDER, rank=2, percent=Decimal(10))],
    )
    content = client_for("coordinator_a").get(convention.get_absolute_url()).content.decode()
    assert "(rang 2)" in content  # the order of the shares of what remains
    assert content.count("(rang") == 1


def test_funders_of_the_bilan_are_labelled_without_nested_parentheses(world, client_for):
    url = f"{reverse('reporting:bilan')}?scope=department:80&start=2025-01-01&end=2025-12-31"
    response = client_for("coordinator_a").get(url)
    assert response.status_code == 200
    labels = [cell.label for cell in response.context["bilan"].indicators["I1"].breakdown]
    funders = Funder.objects.filter(rules__convention=world.a.convention)
    assert labels and sorted(labels) == sorted(f"{f.name} — {f.get_kind_display()}" for f in funders)
    content = response.content.decode()
    for funder in funders:
        assert f"{funder.name} — {funder.get_kind_display()}" in content
        assert f"{funder.name} (" not in content


def test_a_wrong_password_is_reported_once_in_good_french(db, client):
    UserFactory(email="agent@test.example")
    response = client.post(reverse("accounts:login"), {"username": "agent@test.example", "password": "nope"})
    content = response.content.decode()
    assert content.count("Adresse électronique ou mot de passe incorrect.") == 1
    assert "un adresse" not in content
