"""Attacks at the role boundaries (issue 16, items 1, 5 and 6), each written as the attacker does it:
through HTTP, signed in as the role. docs/security.md lists them ("Attacks at the role boundaries")."""

import datetime
import secrets

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.enums import JournalAction
from audit.models import AccessEntry
from casework.models import Intervention, Orientation, Person
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
    return reverse("audit:person_export", kwargs={"public_id": person.public_id, "fmt": fmt})


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_attack_coordinator_exports_a_person_of_their_department(world, client_for, secret_case, fmt):
    coordinator = client_for("coordinator_a")
    for method in (coordinator.get, coordinator.post):
        response = method(_person_export_url(world.a.person, fmt), ACCESS_REQUEST)
        assert response.status_code == 404
        assert secret_case not in response.content.decode("latin-1")
    assert not AccessEntry.objects.filter(action=JournalAction.EXPORT).exists()


def test_attack_coordinator_finds_a_person_by_reference(world, client_for, secret_case):
    url = reverse("audit:access_request")
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
    url = reverse("audit:journal")
    for query in ({}, {"action": "export", "record_type": "person"}, {"record_type": "followup"}):
        page = coordinator.get(url, query).content.decode()
        for identifier in identifiers:
            assert identifier not in page, (query, identifier)
        assert secret_case not in page
    # What the coordinator does see: a request was answered, when, by which post, by whom, how it came in.
    page = coordinator.get(url, {"action": "export", "record_type": "person"}).content.decode()
    assert a.post.name in page and a.iscg.get_full_name() in page
    assert "15/01/2026" in page and "Courrier" in page
