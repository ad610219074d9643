"""Conventions pages through HTTP, as each role. Over 600 lines and kept whole: one journey (list,
convention, funding year, payments, documents, committees, summaries) sharing its fixtures and helpers."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conventions import services
from conventions.enums import ConventionKind, FundingRuleKind, PaymentKind
from conventions.models import Convention, FundingRule, Payment
from tests.conventions.factories import (
    ConventionFactory,
    ConventionPostFactory,
    FunderFactory,
    PaymentFactory,
    funded_convention,
)
from tests.queries import queries_for


def detail_url(convention):
    return reverse("conventions:convention_detail", kwargs={"public_id": convention.public_id})


def year_url(convention, year):
    return reverse("conventions:funding_year", kwargs={"public_id": convention.public_id, "year": year})


def management_form(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def year_post_data(convention, rules, *, salary="45000", version=None):
    """The funding-year form: one cost row per covered post, then the rules."""
    data = {"version": str(version or convention.version)}
    posts = list(convention.convention_posts.order_by("post__name", "pk"))
    data.update(management_form("costs", len(posts), len(posts)))
    for i, convention_post in enumerate(posts):
        data.update(
            {
                f"costs-{i}-convention_post": str(convention_post.pk),
                f"costs-{i}-salary_cents": salary,
                f"costs-{i}-charges_cents": "",
                f"costs-{i}-running_costs_cents": "",
            }
        )
    data.update(management_form("rules", len(rules)))
    for i, rule in enumerate(rules):
        data.update({f"rules-{i}-{key}": value for key, value in rule.items()})
    return data


def rule(funder, kind, *, rank="0", amount="", percent="", cap=""):
    return {
        "funder": str(funder.pk),
        "kind": kind,
        "rank": rank,
        "amount_cents": amount,
        "percent": percent,
        "cap_cents": cap,
    }


# ---- Scoping ------------------------------------------------------------------------------------


def test_coordinator_lists_only_the_conventions_of_their_department(world, client_for):
    response = client_for("coordinator_a").get(reverse("conventions:convention_list"))
    assert [c.title for c in response.context["page"]] == [world.a.convention.title]


def test_coordinator_of_another_department_gets_404_on_every_page_of_a_convention(world, client_for):
    client = client_for("coordinator_b")
    convention = world.a.convention
    for url in [
        detail_url(convention),
        reverse("conventions:convention_update", kwargs={"public_id": convention.public_id}),
        year_url(convention, 2025),
        reverse("conventions:payment_create", kwargs={"public_id": convention.public_id}),
        world.a.document.get_absolute_url(),
        world.a.committee.get_bilan_url(),
        reverse("conventions:department_summary", kwargs={"code": "80"}),
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("conventions:funding_year_copy", kwargs={"public_id": convention.public_id, "year": 2025}),
        {"to_year": "2026", "version": "1"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["officer_a", "iscg_a"])
def test_police_and_iscg_see_no_financial_data(world, client_for, persona):
    client = client_for(persona)
    assert client.get(reverse("conventions:convention_list")).status_code == 404
    assert client.get(detail_url(world.a.convention)).status_code == 404
    assert client.get(reverse("conventions:department_summary", kwargs={"code": "80"})).status_code == 404


def test_funder_reads_the_convention_but_cannot_change_it(world, client_for):
    client = client_for("funder_a")
    response = client.get(detail_url(world.a.convention))
    assert response.status_code == 200
    assert reverse("conventions:convention_update", kwargs={"public_id": world.a.convention.public_id}) not in (
        response.content.decode()
    )
    data = year_post_data(world.a.convention, [])
    assert client.post(year_url(world.a.convention, 2025), data).status_code == 403
    assert FundingRule.objects.filter(convention=world.a.convention).count() == 2


def test_parent_and_funder_choices_are_scoped_to_the_users_departments(world, client_for):
    response = client_for("coordinator_a").get(reverse("conventions:convention_create"))
    assert list(response.context["form"].fields["parent"].queryset) == [world.a.convention]
    assert list(response.context["form"].fields["department"].queryset) == [world.a.department]
    funders = response.context["parties"].forms[0].fields["funder"].queryset
    assert {funder.department_id for funder in funders} == {world.a.department.pk}


# ---- Detail and summaries -----------------------------------------------------------------------


def test_detail_shows_each_funders_amounts_per_year_and_a_warning_for_unfunded_years(world, client_for):
    response = client_for("coordinator_a").get(detail_url(world.a.convention))
    content = response.content.decode()
    assert "22\xa0500,00\xa0€" in content  # State 50 % of 45 000 €
    summary = response.context["summary"]
    assert [total.gap_cents for total in summary.year_totals] == [0, 0, 0]
    assert "fr-alert--warning" not in content


def test_detail_warns_of_an_unfunded_gap(world, client_for):
    convention = funded_convention(title="Convention sans solde")
    FundingRule.objects.filter(convention=convention, kind=FundingRuleKind.BALANCE).delete()
    services.convention_refresh(convention=convention)
    response = client_for("coordinator_a").get(detail_url(convention))
    content = response.content.decode()
    assert "fr-alert--warning" in content
    assert response.context["summary"].year_totals[0].gap_cents == 22_500_00


def test_detail_shows_paid_and_still_due(world, client_for):
    state = FunderFactory(department=world.a.department, name=world.a.convention.funding_rules.first().funder.name)
    PaymentFactory(convention=world.a.convention, funder=state, amount_cents=10_000_00)
    PaymentFactory(convention=world.a.convention, funder=state, amount_cents=22_500_00, call=True)
    response = client_for("funder_a").get(detail_url(world.a.convention))
    row = next(row for row in response.context["summary"].funders if row.funder_id == state.pk)
    assert (row.cells[0].committed_cents, row.cells[0].called_cents, row.cells[0].paid_cents) == (
        22_500_00,
        22_500_00,
        10_000_00,
    )
    assert row.cells[0].due_cents == 12_500_00


def test_department_summary_shows_cost_shares_and_conventions_ending_soon(world, client_for):
    ending = ConventionFactory(department=world.a.department, ending_soon=True, title="Convention qui se termine")
    response = client_for("funder_a").get(
        reverse("conventions:department_summary", kwargs={"code": "80"}), {"year": 2025}
    )
    summary = response.context["summary"]
    assert summary.total_cost_cents == 45_000_00
    assert summary.post_count == 1 and summary.total_fte == Decimal("1.00")
    assert {share.kind: share.committed_cents for share in summary.kind_shares} == {
        "state": 22_500_00,
        "department": 22_500_00,
    }
    assert [share.share for share in summary.kind_shares] == [50, 50]
    assert summary.ending_soon == [ending]
    assert "Convention qui se termine" in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "99999", "-1", ""])
def test_department_summary_survives_a_bad_year(world, client_for, year):
    response = client_for("coordinator_a").get(
        reverse("conventions:department_summary", kwargs={"code": "80"}), {"year": year}
    )
    assert response.status_code == 200


# ---- Create and edit ----------------------------------------------------------------------------


def convention_data(world, **overrides):
    data = {
        "title": "Convention ISCG Somme 2026-2028",
        "kind": ConventionKind.FUNDING,
        "department": str(world.a.department.pk),
        "parent": "",
        "employer": "Conseil départemental de la Somme",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "signed_on": "2025-12-15",
        "notes": "",
        **management_form("parties", 1),
        "parties-0-funder": "",
        "parties-0-name": "Groupement de gendarmerie de la Somme",
        "parties-0-signatory_name": "Colonel Martin",
        "parties-0-signatory_role": "Commandant de groupement",
        "parties-0-signed_on": "2025-12-15",
        **management_form("posts", 1),
        "posts-0-post": str(world.a.post.pk),
        "posts-0-fte_share": "0,5",
        **management_form("planned", 0),
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_convention_with_parties_and_posts(world, client_for):
    response = client_for("coordinator_a").post(reverse("conventions:convention_create"), convention_data(world))
    convention = Convention.objects.get(title="Convention ISCG Somme 2026-2028")
    assert response.status_code == 302 and response.url == convention.get_absolute_url()
    assert [party.signatory_name for party in convention.parties.all()] == ["Colonel Martin"]
    assert [(cp.post, cp.fte_share) for cp in convention.convention_posts.all()] == [(world.a.post, Decimal("0.50"))]


def test_an_amendment_without_parent_is_refused_and_nothing_is_lost(world, client_for):
    data = convention_data(world, kind=ConventionKind.AMENDMENT)
    response = client_for("coordinator_a").post(reverse("conventions:convention_create"), data)
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert response.context["form"]["title"].value() == "Convention ISCG Somme 2026-2028"
    assert response.context["parties"].forms[0]["signatory_name"].value() == "Colonel Martin"
    assert not Convention.objects.filter(title="Convention ISCG Somme 2026-2028").exists()


def test_a_convention_cannot_end_before_it_starts(world, client_for):
    data = convention_data(world, ends_on="2025-01-01")
    response = client_for("coordinator_a").post(reverse("conventions:convention_create"), data)
    assert "ends_on" in response.context["form"].errors


def test_a_convention_cannot_cover_a_post_of_another_department(world, client_for):
    data = convention_data(world, **{"posts-0-post": str(world.b.post.pk)})
    response = client_for("coordinator_a").post(reverse("conventions:convention_create"), data)
    assert response.status_code == 200
    assert response.context["post_shares"].forms[0].errors["post"]


def test_a_convention_cannot_be_created_in_another_department(world, client_for):
    data = convention_data(world, department=str(world.b.department.pk), **{"posts-0-post": ""})
    response = client_for("coordinator_a").post(reverse("conventions:convention_create"), data)
    assert "department" in response.context["form"].errors


@pytest.mark.parametrize(
    "overrides",
    [
        {"starts_on": "not a date"},
        {"posts-TOTAL_FORMS": "abc"},
        {"posts-0-fte_share": "beaucoup"},
        {"kind": "gift"},
        {"parent": "999999"},
    ],
)
def test_bad_input_on_the_convention_form_never_breaks_the_page(world, client_for, overrides):
    response = client_for("coordinator_a").post(
        reverse("conventions:convention_create"), convention_data(world, **overrides)
    )
    assert response.status_code == 200


def edit_data(world, convention, **overrides):
    data = convention_data(
        world,
        title="Titre modifié",
        starts_on=convention.starts_on.isoformat(),
        ends_on=convention.ends_on.isoformat(),
        version=str(convention.version),
        **{"posts-0-fte_share": "1", "posts-INITIAL_FORMS": str(convention.convention_posts.count())},
    )
    data.update(overrides)
    return data


def test_editing_a_convention_keeps_the_costs_of_posts_still_covered(world, client_for):
    convention = world.a.convention
    response = client_for("coordinator_a").post(
        reverse("conventions:convention_update", kwargs={"public_id": convention.public_id}),
        edit_data(world, convention),
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.title == "Titre modifié" and convention.version == 3
    assert sum(rule.committed_cents for rule in convention.funding_rules.all()) == 45_000_00


def test_a_second_coordinator_saving_an_old_version_gets_an_error_and_loses_nothing(world, client_for):
    convention = world.a.convention
    url = reverse("conventions:convention_update", kwargs={"public_id": convention.public_id})
    stale_version = convention.version
    first = client_for("coordinator_a").post(url, edit_data(world, convention, title="Premier"))
    assert first.status_code == 302
    second = client_for("admin").post(url, edit_data(world, convention, title="Second", version=str(stale_version)))
    assert second.status_code == 409
    assert "Quelqu’un d’autre a enregistré" in second.content.decode()
    assert "intitulé" in second.content.decode()  # what the other person changed is named
    convention.refresh_from_db()
    assert convention.title == "Premier"
    assert second.context["form"]["title"].value() == "Second"  # the entries are still there
    assert second.context["form"]["version"].value() == str(convention.version)  # saving again replaces
    third = client_for("admin").post(
        url, edit_data(world, convention, title="Second", version=str(convention.version))
    )
    assert third.status_code == 302
    convention.refresh_from_db()
    assert convention.title == "Second"


# ---- Funding year -------------------------------------------------------------------------------


def test_funding_year_shows_the_amount_per_funder(world, client_for):
    response = client_for("coordinator_a").get(year_url(world.a.convention, 2025))
    assert response.status_code == 200
    amounts = dict(response.context["allocation"]["rows"])
    assert sorted(amounts.values()) == [22_500_00, 22_500_00]


def test_a_year_outside_the_convention_is_404(world, client_for):
    assert client_for("coordinator_a").get(year_url(world.a.convention, 2031)).status_code == 404


def test_coordinator_sets_a_shared_remainder_for_a_year(world, client_for):
    convention = world.a.convention
    state = FunderFactory(department=world.a.department, state=True)
    departement = FunderFactory(department=world.a.department, departement=True)
    commune = FunderFactory(department=world.a.department, commune=True)
    rules = [
        rule(state, FundingRuleKind.PERCENT_OF_COST, percent="40"),
        rule(departement, FundingRuleKind.PERCENT_OF_REMAINDER, percent="50", rank="1"),
        rule(commune, FundingRuleKind.PERCENT_OF_REMAINDER, percent="50", rank="1"),
    ]
    response = client_for("coordinator_a").post(year_url(convention, 2026), year_post_data(convention, rules))
    assert response.status_code == 302
    committed = dict(
        FundingRule.objects.filter(convention=convention, year=2026).values_list("funder", "committed_cents")
    )
    assert committed == {state.pk: 18_000_00, departement.pk: 13_500_00, commune.pk: 13_500_00}


def test_rules_above_100_percent_are_refused_and_nothing_is_saved(world, client_for):
    convention = world.a.convention
    state = FunderFactory(department=world.a.department, state=True)
    caf = FunderFactory(department=world.a.department, caf=True)
    rules = [
        rule(state, FundingRuleKind.PERCENT_OF_COST, percent="80"),
        rule(caf, FundingRuleKind.PERCENT_OF_COST, percent="30"),
    ]
    response = client_for("coordinator_a").post(
        year_url(convention, 2025), year_post_data(convention, rules, salary="1")
    )
    assert response.status_code == 200
    assert "more than 100" in str(response.context["rule_forms"].non_form_errors()) or (
        "plus de 100" in str(response.context["rule_forms"].non_form_errors())
    )
    assert response.context["rule_forms"].forms[1]["percent"].value() == "30"  # nothing lost
    assert FundingRule.objects.filter(convention=convention, year=2025).count() == 2  # the old rules stay
    assert convention.convention_posts.get().costs.get(year=2025).salary_cents == 45_000_00


def test_two_balance_funders_are_refused(world, client_for):
    convention = world.a.convention
    rules = [rule(FunderFactory(department=world.a.department), FundingRuleKind.BALANCE) for _ in range(2)]
    response = client_for("coordinator_a").post(year_url(convention, 2025), year_post_data(convention, rules))
    assert response.status_code == 200
    assert response.context["rule_forms"].non_form_errors()


def test_a_fixed_rule_without_amount_is_refused(world, client_for):
    convention = world.a.convention
    rules = [rule(FunderFactory(department=world.a.department), FundingRuleKind.FIXED)]
    response = client_for("coordinator_a").post(year_url(convention, 2025), year_post_data(convention, rules))
    assert response.context["rule_forms"].forms[0].errors["amount_cents"]


def test_a_funder_of_another_department_cannot_be_chosen(world, client_for):
    convention = world.a.convention
    rules = [rule(FunderFactory(department=world.b.department), FundingRuleKind.BALANCE)]
    response = client_for("coordinator_a").post(year_url(convention, 2025), year_post_data(convention, rules))
    assert response.context["rule_forms"].forms[0].errors["funder"]


def test_preview_shows_the_result_without_saving(world, client_for):
    convention = world.a.convention
    state = FunderFactory(department=world.a.department, state=True)
    data = year_post_data(convention, [rule(state, FundingRuleKind.PERCENT_OF_COST, percent="80")])
    data["preview"] = "1"
    response = client_for("coordinator_a").post(year_url(convention, 2025), data)
    assert response.status_code == 200 and response.context["preview"]
    assert response.context["allocation"]["allocation"].amounts == {state.pk: 36_000_00}
    assert response.context["allocation"]["allocation"].gap_cents == 9_000_00
    assert "fr-alert--warning" in response.content.decode()
    assert not FundingRule.objects.filter(funder=state).exists()


def test_saving_rules_with_a_stale_version_is_refused_and_keeps_the_entries(world, client_for):
    convention = world.a.convention
    caf = FunderFactory(department=world.a.department, caf=True)
    data = year_post_data(convention, [rule(caf, FundingRuleKind.BALANCE)], version=convention.version)
    Convention.objects.filter(pk=convention.pk).update(version=convention.version + 1)  # someone saved meanwhile
    response = client_for("coordinator_a").post(year_url(convention, 2025), data)
    assert response.status_code == 409
    assert not FundingRule.objects.filter(funder=caf).exists()
    assert response.context["rule_forms"].forms[0]["funder"].value() == str(caf.pk)
    assert response.context["version_form"]["version"].value() == str(convention.version + 1)


def test_copying_a_year_to_the_next_lets_the_coordinator_adjust_it(world, client_for):
    convention = world.a.convention
    url = reverse("conventions:funding_year_copy", kwargs={"public_id": convention.public_id, "year": 2025})
    response = client_for("coordinator_a").post(url, {"to_year": "2026", "version": str(convention.version)})
    assert response.status_code == 302 and response.url == year_url(convention, 2026)
    assert FundingRule.objects.filter(convention=convention, year=2026).count() == 2
    again = client_for("coordinator_a").post(
        url, {"to_year": "2026", "version": str(convention.version + 1)}, follow=True
    )
    assert FundingRule.objects.filter(convention=convention, year=2026).count() == 2
    assert any("already has funding rules" in str(m) or "déjà" in str(m) for m in again.context["messages"])


@pytest.mark.parametrize("data", [{}, {"to_year": "abc", "version": "x"}, {"to_year": "2040", "version": "1"}])
def test_copying_with_bad_input_never_breaks(world, client_for, data):
    convention = world.a.convention
    url = reverse("conventions:funding_year_copy", kwargs={"public_id": convention.public_id, "year": 2025})
    assert client_for("coordinator_a").post(url, data).status_code == 302


# ---- Payments -----------------------------------------------------------------------------------


def test_coordinator_records_a_payment(world, client_for):
    convention = world.a.convention
    funder = convention.funding_rules.first().funder
    url = reverse("conventions:payment_create", kwargs={"public_id": convention.public_id})
    data = {
        "funder": funder.pk,
        "year": "2025",
        "kind": PaymentKind.PAYMENT,
        "amount_cents": "1 250,50",
        "dated_on": "2025-09-30",
        "reference": "VIR-2025-118",
    }
    response = client_for("coordinator_a").post(url, data)
    assert response.status_code == 302
    payment = Payment.objects.get(reference="VIR-2025-118")
    assert payment.amount_cents == 125_050


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount_cents": "0"},
        {"amount_cents": "-3"},
        {"year": "2040"},
        {"dated_on": "31/02/2025"},
        {"amount_cents": "dix"},
    ],
)
def test_a_bad_payment_is_refused(world, client_for, overrides):
    convention = world.a.convention
    funder = convention.funding_rules.first().funder
    data = {
        "funder": funder.pk,
        "year": "2025",
        "kind": PaymentKind.PAYMENT,
        "amount_cents": "100",
        "dated_on": "2025-09-30",
        **overrides,
    }
    url = reverse("conventions:payment_create", kwargs={"public_id": convention.public_id})
    before = Payment.objects.count()
    response = client_for("coordinator_a").post(url, data)
    assert response.status_code == 200
    assert Payment.objects.count() == before


# ---- Funders ------------------------------------------------------------------------------------


def test_coordinator_adds_a_funder_to_their_department_only(world, client_for):
    client = client_for("coordinator_a")
    url = reverse("conventions:funder_create")
    response = client.post(url, {"department": world.a.department.pk, "name": "CAF de la Somme", "kind": "caf"})
    assert response.status_code == 302
    response = client.post(url, {"department": world.b.department.pk, "name": "CAF de la Loire", "kind": "caf"})
    assert "department" in response.context["form"].errors
    response = client.post(url, {"department": world.a.department.pk, "name": "CAF de la Somme", "kind": "caf"})
    assert response.status_code == 200  # the name is taken


# ---- Query counts -------------------------------------------------------------------------------


def test_convention_list_runs_a_constant_number_of_queries(world, client_for, django_assert_max_num_queries):
    client = client_for("coordinator_a")
    url = reverse("conventions:convention_list")
    queries_for(client, url)  # the first request of a session does one-off work
    with django_assert_max_num_queries(12):
        one, _ = queries_for(client, url)
    for _ in range(9):
        amendment = ConventionFactory(department=world.a.department, amendment=True, parent=world.a.convention)
        ConventionPostFactory(convention=amendment)
    ten, response = queries_for(client, url)
    assert len(response.context["page"]) == 10
    assert ten == one


def test_department_summary_runs_a_constant_number_of_queries(world, client_for, django_assert_max_num_queries):
    client = client_for("coordinator_a")
    url = reverse("conventions:department_summary", kwargs={"code": "80"}) + "?year=2025"
    queries_for(client, url)  # the first request of a session does one-off work
    with django_assert_max_num_queries(14):
        one, _ = queries_for(client, url)
    for _ in range(9):
        funded_convention(ends_on=timezone.localdate() + datetime.timedelta(days=30))
    ten, response = queries_for(client, url)
    assert response.context["summary"].post_count == 10
    assert len(response.context["summary"].ending_soon) == 9
    assert ten == one


def test_convention_detail_runs_a_constant_number_of_queries(world, client_for, django_assert_max_num_queries):
    client = client_for("funder_a")
    convention = world.a.convention
    queries_for(client, detail_url(convention))  # the first request of a session does one-off work
    with django_assert_max_num_queries(20):
        one, _ = queries_for(client, detail_url(convention))
    for _ in range(9):
        PaymentFactory(convention=convention, funder=FunderFactory(department=world.a.department))
        ConventionPostFactory(convention=convention)
    ten, _ = queries_for(client, detail_url(convention))
    assert ten == one


# ---- Robustness and lists -----------------------------------------------------------------------


def test_a_tampered_cost_formset_never_breaks_the_funding_year_page(world, client_for):
    convention = world.a.convention
    data = year_post_data(convention, [])
    data.update(
        {"costs-TOTAL_FORMS": "3", "costs-1-convention_post": str(world.b.convention.convention_posts.get().pk)}
    )
    data["costs-1-salary_cents"] = "100"
    response = client_for("coordinator_a").post(year_url(convention, 2025), data)
    assert response.status_code == 200
    assert response.context["version_form"].non_field_errors()


def test_a_party_funder_of_another_department_is_refused(world, client_for):
    other = FunderFactory(department=world.b.department)
    data = convention_data(world, **{"parties-0-funder": str(other.pk), "parties-0-name": ""})
    response = client_for("admin").post(reverse("conventions:convention_create"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Convention.objects.filter(title="Convention ISCG Somme 2026-2028").exists()


def test_convention_list_filters_by_status_and_search(world, client_for):
    ConventionFactory(department=world.a.department, ended=True, title="Ancienne convention")
    client = client_for("coordinator_a")
    url = reverse("conventions:convention_list")
    assert [c.title for c in client.get(url, {"status": "ended"}).context["page"]] == ["Ancienne convention"]
    assert [c.title for c in client.get(url, {"q": "ancienne"}).context["page"]] == ["Ancienne convention"]
    response = client.get(url, {"department": world.b.department.pk})
    assert "department" in response.context["filter"].errors


def test_funder_list_shows_only_funders_of_the_users_departments(world, client_for):
    response = client_for("funder_b").get(reverse("conventions:funder_list"))
    assert {funder.department for funder in response.context["page"]} == {world.b.department}
    assert reverse("conventions:funder_create") not in response.content.decode()


def test_coordinator_deletes_a_payment_recorded_by_mistake(world, client_for):
    payment = world.a.payment
    url = reverse(
        "conventions:payment_delete",
        kwargs={"public_id": world.a.convention.public_id, "payment_id": payment.public_id},
    )
    assert client_for("funder_a").post(url).status_code == 403
    mismatched = reverse(
        "conventions:payment_delete",
        kwargs={"public_id": world.b.convention.public_id, "payment_id": payment.public_id},
    )
    assert client_for("coordinator_b").post(mismatched).status_code == 404
    assert client_for("admin").post(mismatched).status_code == 404
    response = client_for("coordinator_a").post(url)
    assert response.status_code == 302
    assert not Payment.objects.filter(pk=payment.pk).exists()


def test_deleted_rows_and_untouched_extra_rows_are_ignored(world, client_for):
    """As the browser sends the page: the two existing rules ticked for deletion, a new one, two blank rows."""
    convention = world.a.convention
    caf = FunderFactory(department=world.a.department, caf=True)
    existing = [
        {**rule(r.funder, r.kind, rank=str(r.rank), percent=str(r.percent or "")), "DELETE": "on"}
        for r in convention.funding_rules.filter(year=2025).order_by("rank", "pk")
    ]
    rules = [*existing, rule(caf, FundingRuleKind.BALANCE), rule_blank(), rule_blank()]
    data = year_post_data(convention, rules)
    data["rules-INITIAL_FORMS"] = str(len(existing))
    response = client_for("coordinator_a").post(year_url(convention, 2025), data)
    assert response.status_code == 302
    assert list(FundingRule.objects.filter(convention=convention, year=2025).values_list("funder", flat=True)) == [
        caf.pk
    ]


def rule_blank():
    """An extra row as the browser sends it when left untouched."""
    return {"funder": "", "kind": "", "rank": "0", "amount_cents": "", "percent": "", "cap_cents": ""}


def test_convention_list_flags_conventions_whose_funding_does_not_match_the_cost(world, client_for):
    gap = funded_convention(title="Convention sans solde")
    FundingRule.objects.filter(convention=gap, kind=FundingRuleKind.BALANCE).delete()
    services.convention_refresh(convention=gap)
    response = client_for("coordinator_a").get(reverse("conventions:convention_list"))
    rows = {c.title: (c.total_cost_cents, c.committed_cents) for c in response.context["page"]}
    assert rows[world.a.convention.title] == (45_000_00, 45_000_00)
    assert rows["Convention sans solde"] == (45_000_00, 22_500_00)
    assert "funding incomplete or in excess" in response.content.decode() or "financement incomplet" in (
        response.content.decode()
    )
