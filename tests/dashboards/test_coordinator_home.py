"""The coordinator's home page (issue 17): per post, what waits and what moves; conventions ending, payments
due, the next steering committee. Every number is the count of the list its link opens."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.enums import InterventionKind, InterventionStatus
from conventions.filters import ConventionFilter
from referrals import services as referral_services
from tests.casework.factories import FollowUpFactory, InterventionFactory
from tests.conventions.factories import ConventionFactory, PaymentFactory, SteeringCommitteeFactory
from tests.organisation.factories import PostFactory, UnitFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _row(response, post):
    (board,) = response.context["boards"]
    return next(row for row in board.posts if row.post == post)


def test_coordinators_and_funders_land_on_their_home_pages(world, client_for):
    assert client_for("coordinator_a").get(reverse("home")).url == reverse("dashboards:coordinator_home")
    assert client_for("funder_a").get(reverse("home")).url == reverse("dashboards:funder_home")


def test_the_home_links_to_the_department_page(world, client_for):
    content = client_for("coordinator_a").get(reverse("dashboards:coordinator_home")).content.decode()
    assert reverse("organisation:department_detail", args=["80"]) in content


def test_each_post_shows_its_waiting_referrals_the_oldest_age_and_its_open_followups(world, client_for):
    ReferralFactory(unit=world.a.unit, referred_at=timezone.now() - datetime.timedelta(days=9, hours=1))
    ReferralFactory(unit=world.a.unit, received=True)
    ReferralFactory(unit=world.a.unit, taken_up=True)  # not waiting any more
    second_unit = UnitFactory(department=world.a.department, name="Brigade c")
    second_post = PostFactory(department=world.a.department, name="Poste c", units=[second_unit])
    ReferralFactory(unit=second_unit)
    FollowUpFactory(post=second_post, closed=True)
    InterventionFactory(
        followup=world.a.followup,
        kind=InterventionKind.INTERVIEW,
        status=InterventionStatus.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )
    response = client_for("coordinator_a").get(reverse("dashboards:coordinator_home"))
    row = _row(response, world.a.post)
    assert row.waiting == 3  # the world's submitted referral, the old one, the received one
    assert row.oldest_waiting_days == 9
    assert row.open_followups == 1
    assert row.last_activity_on == timezone.localdate()  # the referrals filed today
    other = _row(response, second_post)
    assert (other.waiting, other.open_followups, other.oldest_waiting_days) == (1, 0, 0)
    content = response.content.decode()
    assert "Poste b" not in content and "Somme (80)" in content


def test_the_numbers_are_those_of_the_filtered_lists_behind_them(world, client_for):
    ReferralFactory(unit=world.a.unit, received=True)
    ReferralFactory(unit=world.a.unit, closed=True)
    FollowUpFactory(post=world.a.post)
    FollowUpFactory(post=world.a.post, closed=True)
    client = client_for("coordinator_a")
    response = client.get(reverse("dashboards:coordinator_home"))
    row = _row(response, world.a.post)
    content = response.content.decode()
    referrals_url = f"{reverse('referrals:overview')}?post={world.a.post.pk}&amp;status=a-traiter"
    followups_url = f"{reverse('casework:department_followups')}?post={world.a.post.pk}&amp;state=open"
    assert referrals_url in content and followups_url in content
    listed = client.get(reverse("referrals:overview"), {"post": world.a.post.pk, "status": "a-traiter"})
    assert listed.context["page"].paginator.count == row.waiting == 2
    listed = client.get(reverse("casework:department_followups"), {"post": world.a.post.pk, "state": "open"})
    assert listed.context["page"].paginator.count == row.open_followups == 2


def test_conventions_ending_payments_due_and_the_next_committee_link_to_their_lists(world, client_for):
    today = timezone.localdate()
    ending = ConventionFactory(
        department=world.a.department,
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today + datetime.timedelta(days=60),
    )
    ConventionFactory(department=world.b.department, ends_on=today + datetime.timedelta(days=60))  # other side
    # Called 6 000 € on the world's convention (10 000 € already called): 3 000 € paid, 13 000 € due.
    funder = world.a.payment.funder
    PaymentFactory(convention=world.a.convention, funder=funder, call=True, amount_cents=6_000_00, dated_on=today)
    PaymentFactory(convention=world.a.convention, funder=funder, amount_cents=3_000_00)
    # A call dated later than 30 days from now is not due yet.
    PaymentFactory(convention=ending, call=True, year=today.year, dated_on=today + datetime.timedelta(days=45))
    committee = SteeringCommitteeFactory(convention=world.a.convention, held_on=today + datetime.timedelta(days=20))
    SteeringCommitteeFactory(convention=world.a.convention, held_on=today + datetime.timedelta(days=90))
    SteeringCommitteeFactory(convention=world.b.convention, held_on=today + datetime.timedelta(days=5))
    client = client_for("coordinator_a")
    response = client.get(reverse("dashboards:coordinator_home"))
    (board,) = response.context["boards"]
    assert board.ending_soon == 1
    assert board.next_committee == committee
    content = response.content.decode()
    department = world.a.department.pk
    conventions_url = f"{reverse('conventions:convention_list')}?status={ConventionFilter.ENDING_SOON}"
    assert f"{conventions_url}&amp;department={department}" in content
    listed = client.get(reverse("conventions:convention_list"), {"status": "ending_soon", "department": department})
    assert [convention.pk for convention in listed.context["page"]] == [ending.pk]
    listed = client.get(reverse("dashboards:payments_due"), {"department": department})
    rows = list(listed.context["page"])
    assert len(rows) == board.payments_due == 1
    assert board.payments_due_cents == 13_000_00
    assert sum(row["due_cents"] for row in rows) == board.payments_due_cents
    assert f"{reverse('dashboards:payments_due')}?department={department}" in content
    assert committee.convention.get_absolute_url() in content
    for row in rows:
        assert row["called_cents"] - row["paid_cents"] == row["due_cents"] > 0


def test_a_coordinator_of_two_departments_gets_one_block_per_department(world, client_for):
    world.a.coordinator.departments.add(world.b.department)
    response = client_for("coordinator_a").get(reverse("dashboards:coordinator_home"))
    assert [board.department.code for board in response.context["boards"]] == ["42", "80"]
    content = response.content.decode()
    assert "Poste a" in content and "Poste b" in content


def test_the_home_is_for_coordinators_only(world, client_for):
    for persona in ("iscg_a", "officer_a", "funder_a", "admin"):
        assert client_for(persona).get(reverse("dashboards:coordinator_home")).status_code == 404


def test_the_home_costs_the_same_queries_with_one_post_and_with_many(world, client_for, django_assert_max_num_queries):
    client = client_for("coordinator_a")
    client.get(reverse("dashboards:coordinator_home"))  # the session's first request
    from tests.queries import queries_for

    before, _response = queries_for(client, reverse("dashboards:coordinator_home"))
    for index in range(8):
        unit = UnitFactory(department=world.a.department, name=f"Brigade {index}")
        post = PostFactory(department=world.a.department, name=f"Poste {index}", units=[unit])
        ReferralFactory(unit=unit)
        FollowUpFactory(post=post)
        SteeringCommitteeFactory(convention=world.a.convention, held_on=timezone.localdate())
    with django_assert_max_num_queries(before):
        response = client.get(reverse("dashboards:coordinator_home"))
    assert len(response.context["boards"][0].posts) == 9


def test_the_payments_due_list_costs_the_same_queries_whatever_the_rows(
    world, client_for, django_assert_max_num_queries
):
    from tests.queries import queries_for

    client = client_for("coordinator_a")
    client.get(reverse("dashboards:payments_due"))
    before, _response = queries_for(client, reverse("dashboards:payments_due"))
    for year in range(2020, 2030):
        PaymentFactory(convention=world.a.convention, call=True, year=year, dated_on=datetime.date(2025, 1, 1))
    with django_assert_max_num_queries(before):
        response = client.get(reverse("dashboards:payments_due"))
    assert response.context["page"].paginator.count == 11


def test_a_referral_filed_for_the_post_moves_the_figure(world, client_for):
    client = client_for("coordinator_a")
    before = _row(client.get(reverse("dashboards:coordinator_home")), world.a.post).waiting
    referral = ReferralFactory(unit=world.a.unit)
    referral_services.referral_mark_received(referral=referral, by=world.a.iscg)
    assert _row(client.get(reverse("dashboards:coordinator_home")), world.a.post).waiting == before + 1


def test_the_filtered_referral_list_costs_the_same_queries_for_1_referral_and_for_10(
    world, client_for, django_assert_max_num_queries
):
    from tests.queries import queries_for

    client = client_for("coordinator_a")
    url = f"{reverse('referrals:overview')}?post={world.a.post.pk}&status=a-traiter"
    client.get(url)
    before, response = queries_for(client, url)
    assert response.context["page"].paginator.count == 1
    for _index in range(9):
        ReferralFactory(unit=world.a.unit)
    with django_assert_max_num_queries(before):
        response = client.get(url)
    assert response.context["page"].paginator.count == 10


def test_a_payment_due_is_recorded_from_its_row_and_leaves_the_list(world, client_for):
    """The row proposes the payment (funder, year, amount due prefilled); once recorded, nothing is due."""
    today = timezone.localdate()
    funder = world.a.payment.funder
    PaymentFactory(convention=world.a.convention, funder=funder, call=True, amount_cents=6_000_00, dated_on=today)
    client = client_for("coordinator_a")
    listed = client.get(reverse("dashboards:payments_due"))
    (row,) = listed.context["page"]
    link = (
        re.search(r'href="([^"]*/paiements/nouveau/\?[^"]*)"', listed.content.decode()).group(1).replace("&amp;", "&")
    )
    form = client.get(link).context["form"]
    assert (form.initial["funder"], form.initial["year"], form.initial["kind"]) == (funder, row["year"], "payment")
    assert form["amount_cents"].value() == Decimal(row["due_cents"]) / 100
    data = {
        "funder": funder.pk,
        "year": row["year"],
        "kind": "payment",
        "amount_cents": form["amount_cents"].value(),
        "dated_on": today.isoformat(),
        "reference": "VIR-2026-12",
    }
    assert client.post(link, data).status_code == 302
    assert not list(client.get(reverse("dashboards:payments_due")).context["page"])
    # A row's link never carries anything else: a funder of another department, a foreign year, a bad amount.
    other = world.b.payment.funder
    bad_queries = (
        f"financeur={other.pk}&annee={row['year']}&montant=100",
        "financeur=1&annee=1900&montant=1",
        f"financeur={funder.pk}&annee={row['year']}&montant=-5",
        "financeur=99999999999999999999&annee=x",
    )
    for query in bad_queries:
        response = client.get(f"{link.split('?')[0]}?{query}")
        assert response.status_code == 200 and "funder" not in response.context["form"].initial
    assert (
        "Enregistrer le versement"
        not in client_for("funder_a").get(reverse("dashboards:payments_due")).content.decode()
    )
