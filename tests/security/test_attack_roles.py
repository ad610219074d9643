"""Attacks at the role boundaries (issue 16, items 1, 5 and 6), each written as the attacker does it:
through HTTP, signed in as the role. docs/security.md lists them ("Attacks at the role boundaries")."""

import datetime
import secrets

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.enums import JournalAction
from audit.models import AccessEntry
from casework.models import Intervention, Orientation, Person
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in
from tests.organisation.factories import PostAssignmentFactory

# ---- Item 5: a coordinator manages the accounts of another department through an ended assignment ----

STAFF_ACTIONS = ["invite", "deactivate", "reactivate", "unlock", "reset_second_factor"]


@pytest.fixture
def moved_iscg(world):
    """iscg_a left the Somme post on 2025-06-30 and holds the Loire post since 2025-07-01."""
    assignment = world.a.iscg.post_assignments.get()
    assignment.starts_on = datetime.date(2024, 1, 1)
    assignment.ends_on = datetime.date(2025, 6, 30)
    assignment.save()
    PostAssignmentFactory(post=world.b.post, user=world.a.iscg, starts_on=datetime.date(2025, 7, 1))
    return world.a.iscg


def test_attack_coordinator_opens_an_account_through_an_ended_assignment(moved_iscg, client_for):
    url = reverse("organisation:staff_detail", kwargs={"public_id": moved_iscg.public_id})
    assert client_for("coordinator_a").get(url).status_code == 404
    assert client_for("coordinator_b").get(url).status_code == 200  # the current department manages them
    listing = client_for("coordinator_a").get(reverse("organisation:staff_list")).content.decode()
    assert str(moved_iscg.public_id) not in listing


@pytest.mark.parametrize("action", STAFF_ACTIONS)
def test_attack_coordinator_acts_on_an_account_through_an_ended_assignment(moved_iscg, client_for, action):
    moved_iscg.refresh_from_db()
    salt, password = moved_iscg.session_salt, moved_iscg.password
    url = reverse("organisation:staff_action", kwargs={"public_id": moved_iscg.public_id, "action": action})
    assert client_for("coordinator_a").post(url).status_code == 404
    moved_iscg.refresh_from_db()
    assert moved_iscg.is_active
    assert (moved_iscg.session_salt, moved_iscg.password) == (salt, password)


def test_an_upcoming_assignment_still_lets_the_coordinator_manage_the_account(world, client_for):
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    newcomer = PostAssignmentFactory(post=world.a.post, starts_on=next_week).user
    url = reverse("organisation:staff_detail", kwargs={"public_id": newcomer.public_id})
    assert client_for("coordinator_a").get(url).status_code == 200
    assert client_for("coordinator_b").get(url).status_code == 404


# ---- Item 1: a coordinator reads case content through the journal and the right-of-access export ----

ACCESS_REQUEST = {"received_on": "2026-01-15", "channel": "letter"}


@pytest.fixture
def secret_case(world):
    """Side A's person, follow-up and their content carry a unique random token."""
    token = secrets.token_hex(8)
    a = world.a
    Person.objects.filter(pk=a.person.pk).update(last_name=f"Nom{token}", safe_email=f"p{token}@example.org")
    Intervention.objects.filter(pk=a.intervention.pk).update(summary=f"Resume {token}")
    Orientation.objects.filter(pk=a.orientation.pk).update(reason=f"Motif {token}")
    return token


def _person_export_url(person, fmt):
    return reverse("dataprotection:person_export", kwargs={"public_id": person.public_id, "fmt": fmt})


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_attack_coordinator_exports_a_person_of_their_department(world, client_for, secret_case, fmt):
    coordinator = client_for("coordinator_a")
    for method in (coordinator.get, coordinator.post):
        response = method(_person_export_url(world.a.person, fmt), ACCESS_REQUEST)
        assert response.status_code == 404
        assert secret_case not in response.content.decode("latin-1")
    assert not AccessEntry.objects.filter(action=JournalAction.EXPORT).exists()


def test_attack_coordinator_finds_a_person_by_reference(world, client_for, secret_case):
    url = reverse("dataprotection:access_request")
    response = client_for("coordinator_a").get(url, {"reference": world.a.person.reference})
    assert response.status_code == 404
    assert secret_case not in response.content.decode()


def test_attack_coordinator_collects_person_ids_from_the_access_journal(world, client_for, secret_case):
    a = world.a
    iscg = client_for("iscg_a")
    iscg.get(reverse("casework:person_detail", kwargs={"public_id": a.person.public_id}))
    iscg.get(reverse("casework:followup_detail", kwargs={"public_id": a.followup.public_id}))
    assert iscg.post(_person_export_url(a.person, "json"), ACCESS_REQUEST).status_code == 200
    client_for("coordinator_a").get(_person_export_url(a.person, "json"))  # a refused attempt, journaled too
    identifiers = [
        str(a.person.public_id), a.person.reference, str(a.followup.public_id), a.followup.reference,
        str(a.intervention.public_id), str(a.orientation.public_id),
    ]  # fmt: skip
    coordinator = client_for("coordinator_a")
    url = reverse("dataprotection:journal")
    for query in ({}, {"action": "export", "record_type": "person"}, {"record_type": "followup"}):
        page = coordinator.get(url, query).content.decode()
        for identifier in identifiers:
            assert identifier not in page, (query, identifier)
        assert secret_case not in page
    # What the coordinator does see: a request was answered, when, by which post, by whom, how it came in.
    page = coordinator.get(url, {"action": "export", "record_type": "person"}).content.decode()
    assert a.post.name in page and a.iscg.get_full_name() in page
    assert "15/01/2026" in page and "Courrier" in page


# ---- Item 6: a coordinator gives themselves case access by inviting an ISCG account they control ----


def _invite_iscg(client, post, email):
    return client.post(
        reverse("organisation:staff_create"),
        {"email": email, "first_name": "Faux", "last_name": "Compte", "role": "iscg", "post": post.pk,
         "starts_on": "2026-01-05"},
    )  # fmt: skip


def _casework_answers(client, side):
    urls = [
        reverse("casework:followup_detail", kwargs={"public_id": side.followup.public_id}),
        reverse("casework:person_detail", kwargs={"public_id": side.person.public_id}),
        reverse("casework:intervention_update", kwargs={"public_id": side.intervention.public_id}),
    ]
    return [client.get(url).status_code for url in urls]


@pytest.fixture
def second_coordinator_a(world):
    return UserFactory(coordinator=True, email="coordination2.a@test.example", departments=[world.a.department])


def _confirm_url(assignment):
    kwargs = {"public_id": assignment.user.public_id, "assignment_id": assignment.pk}
    return reverse("organisation:staff_assignment_confirm", kwargs=kwargs)


def test_attack_coordinator_invites_an_iscg_account_they_control_and_reads_the_post_followups(
    world, client_for, secret_case, django_capture_on_commit_callbacks
):
    a = world.a
    attacker = client_for("coordinator_a")
    with django_capture_on_commit_callbacks(execute=True):
        assert _invite_iscg(attacker, a.post, "mon.autre.adresse@test.example").status_code == 302
    puppet = User.objects.get(email="mon.autre.adresse@test.example")
    assignment = puppet.post_assignments.get()
    assert assignment.is_pending and assignment.requested_by == a.coordinator

    # The puppet account signs in: nothing of the post's casework is reachable.
    puppet_client = sign_in(Client(), puppet)
    assert _casework_answers(puppet_client, a) == [404, 404, 404]
    listing = puppet_client.get(reverse("casework:followup_list")).content.decode()
    assert str(a.followup.public_id) not in listing and secret_case not in listing
    export = reverse("dataprotection:person_export", kwargs={"public_id": a.person.public_id, "fmt": "json"})
    assert puppet_client.post(export, ACCESS_REQUEST).status_code == 404

    # The requester cannot confirm their own request.
    assert attacker.post(_confirm_url(assignment)).status_code == 403
    assignment.refresh_from_db()
    assert assignment.is_pending
    assert _casework_answers(sign_in(Client(), puppet), a) == [404, 404, 404]

    # The post's social worker was told, without any personal data of the persons followed.
    to_iscg = [message for message in mail.outbox if message.to == [a.iscg.email]]
    assert len(to_iscg) == 1
    assert a.post.name in to_iscg[0].body and puppet.email in to_iscg[0].body
    assert secret_case not in to_iscg[0].body and a.person.reference not in to_iscg[0].body
    # The request is journaled (who, which post), with no person identifier.
    entry = AccessEntry.objects.get(action=JournalAction.REQUEST)
    assert (entry.user, entry.record_type, entry.record_public_id, entry.post) == (
        a.coordinator, "assignment", puppet.public_id, a.post,
    )  # fmt: skip


@pytest.mark.parametrize("persona", ["coordinator_b", "iscg_a", "funder_a", "officer_a"])
def test_attack_others_confirm_an_assignment_they_do_not_own(world, client_for, persona):
    assignment = _pending_assignment(world)
    assert client_for(persona).post(_confirm_url(assignment)).status_code == 404
    assignment.refresh_from_db()
    assert assignment.is_pending


def _pending_assignment(world):
    from organisation import services

    puppet = UserFactory(iscg=True, email="pending@test.example")
    return services.post_assignment_request(post=world.a.post, user=puppet, by=world.a.coordinator)


@pytest.mark.parametrize("confirmer", ["second_coordinator", "admin"])
def test_a_second_person_confirms_and_only_then_the_account_reads_the_post(
    world, client_for, second_coordinator_a, django_capture_on_commit_callbacks, confirmer
):
    a = world.a
    with django_capture_on_commit_callbacks(execute=True):
        _invite_iscg(client_for("coordinator_a"), a.post, "nouvelle.iscg@test.example")
    newcomer = User.objects.get(email="nouvelle.iscg@test.example")
    assignment = newcomer.post_assignments.get()
    # The invitation to the newcomer; the request to the post's social worker and to the coordinator who
    # can confirm (not to the requester, not to another department).
    assert sorted(m.to[0] for m in mail.outbox) == sorted([newcomer.email, a.iscg.email, second_coordinator_a.email])
    mail.outbox.clear()

    user = second_coordinator_a if confirmer == "second_coordinator" else world.users["admin"]
    client = sign_in(Client(), user)
    assert "Confirmer l’affectation" in client.get(reverse("organisation:staff_detail", kwargs={
        "public_id": newcomer.public_id})).content.decode()  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_confirm_url(assignment)).status_code == 302
    assignment.refresh_from_db()
    assert not assignment.is_pending and assignment.confirmed_by == user
    assert _casework_answers(sign_in(Client(), newcomer), a) == [200, 200, 200]
    assert [message.to for message in mail.outbox] == [[a.iscg.email]]
    assert a.person.last_name not in mail.outbox[0].body
    entry = AccessEntry.objects.get(action=JournalAction.CONFIRM)
    assert (entry.user, entry.record_public_id, entry.department) == (user, newcomer.public_id, a.department)
    # Confirmed once: a second confirmation finds nothing to confirm.
    assert client.post(_confirm_url(assignment)).status_code == 404


def test_attack_coordinator_creates_a_coordinator_account_they_control_to_confirm_their_own_request(world, client_for):
    response = client_for("coordinator_a").post(
        reverse("organisation:staff_create"),
        {"email": "complice@test.example", "first_name": "Faux", "last_name": "Complice", "role": "coordinator",
         "departments": [world.a.department.pk]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not User.objects.filter(email="complice@test.example").exists()
    # The national admin creates coordinator accounts.
    client_for("admin").post(
        reverse("organisation:staff_create"),
        {"email": "coordination3.a@test.example", "first_name": "Vraie", "last_name": "Coordinatrice",
         "role": "coordinator", "departments": [world.a.department.pk]},
    )  # fmt: skip
    assert User.objects.get(email="coordination3.a@test.example").departments.get() == world.a.department


def test_an_assignment_added_in_the_admin_site_awaits_a_coordinator_confirmation(
    world, client_for, django_capture_on_commit_callbacks
):
    a = world.a
    newcomer = UserFactory(iscg=True, email="par.admin@test.example")
    post = a.post
    existing = post.assignments.get()
    data = {
        "name": post.name, "department": post.department_id, "fte": post.fte, "employer": post.employer,
        "zone": post.zone, "units": [a.unit.pk], "starts_on": "2024-01-01", "ends_on": "",
        "coverage_rule": post.coverage_rule, "coverage_group": "",
        "assignments-TOTAL_FORMS": 2, "assignments-INITIAL_FORMS": 1,
        "assignments-MIN_NUM_FORMS": 0, "assignments-MAX_NUM_FORMS": 1000,
        "assignments-0-id": existing.pk, "assignments-0-post": post.pk, "assignments-0-user": existing.user_id,
        "assignments-0-starts_on": existing.starts_on.isoformat(), "assignments-0-ends_on": "",
        "assignments-1-post": post.pk, "assignments-1-user": newcomer.pk, "assignments-1-starts_on": "2026-01-05",
        "assignments-1-ends_on": "",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("admin").post(reverse("admin:organisation_post_change", args=[post.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assignment = newcomer.post_assignments.get()
    assert assignment.is_pending and assignment.requested_by == world.users["admin"]
    existing.refresh_from_db()
    assert not existing.is_pending  # the unchanged assignment stays confirmed
    assert _casework_answers(sign_in(Client(), newcomer), a) == [404, 404, 404]
    assert a.iscg.email in [message.to[0] for message in mail.outbox]
    assert AccessEntry.objects.filter(action=JournalAction.REQUEST, record_public_id=newcomer.public_id).exists()
    assert client_for("coordinator_a").post(_confirm_url(assignment)).status_code == 302
    assert _casework_answers(sign_in(Client(), newcomer), a) == [200, 200, 200]
