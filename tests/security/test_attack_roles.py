"""Attacks at the role boundaries (issue 16, items 1, 5 and 6), each written as the attacker does it:
through HTTP, signed in as the role. docs/security.md lists them ("Attacks at the role boundaries")."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

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
