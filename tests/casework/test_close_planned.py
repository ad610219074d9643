"""Closing a follow-up asks what becomes of its planned appointments; past planned ones are flagged (issue 17)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.enums import FollowUpClosingReason, InterventionStatus
from tests.casework.factories import InterventionFactory

pytestmark = pytest.mark.django_db


def close_url(followup) -> str:
    return reverse("casework:followup_close", kwargs={"public_id": followup.public_id})


def closing(**extra) -> dict:
    return {"reason": FollowUpClosingReason.RESOLVED, "closed_on": timezone.localdate().isoformat(), **extra}


def test_closing_without_planned_appointments_asks_nothing_more(world, client_for):
    client = client_for("iscg_a")
    assert "planned" not in client.get(close_url(world.a.followup)).context["form"].fields
    assert client.post(close_url(world.a.followup), closing()).status_code == 302
    world.a.followup.refresh_from_db()
    assert not world.a.followup.is_open


def test_closing_with_planned_appointments_asks_and_can_cancel_them(world, client_for):
    client = client_for("iscg_a")
    appointment = InterventionFactory(followup=world.a.followup, author=world.a.iscg, planned=True)
    page = client.get(close_url(world.a.followup))
    assert "planned" in page.context["form"].fields
    assert "Ce suivi a encore 1 rendez-vous planifié" in page.content.decode()

    response = client.post(close_url(world.a.followup), closing())  # no answer: not closed, asked again
    assert response.status_code == 200 and response.context["form"].errors["planned"]
    world.a.followup.refresh_from_db()
    assert world.a.followup.is_open

    assert client.post(close_url(world.a.followup), closing(planned="cancel")).status_code == 302
    world.a.followup.refresh_from_db()
    appointment.refresh_from_db()
    assert not world.a.followup.is_open and appointment.status == InterventionStatus.CANCELLED
    assert appointment not in client.get(reverse("casework:agenda")).context["upcoming"]
    assert str(appointment.public_id) not in client.get(reverse("casework:agenda_ics")).content.decode()


def test_closing_can_keep_the_planned_appointments_on_purpose(world, client_for):
    client = client_for("iscg_a")
    appointment = InterventionFactory(followup=world.a.followup, author=world.a.iscg, planned=True)
    assert client.post(close_url(world.a.followup), closing(planned="keep")).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == InterventionStatus.PLANNED
    assert str(appointment.public_id) in client.get(reverse("casework:agenda_ics")).content.decode()


def test_the_service_refuses_to_close_silently_over_planned_appointments(world):
    InterventionFactory(followup=world.a.followup, author=world.a.iscg, planned=True)
    with pytest.raises(services.TransitionError):
        services.followup_close(followup=world.a.followup, by=world.a.iscg, reason=FollowUpClosingReason.RESOLVED)
    world.a.followup.refresh_from_db()
    assert world.a.followup.is_open


def test_a_past_appointment_still_planned_is_flagged_in_the_agenda_until_updated(world, client_for):
    client = client_for("iscg_a")
    past = InterventionFactory(
        followup=world.a.followup,
        author=world.a.iscg,
        status=InterventionStatus.PLANNED,
        starts_at=timezone.now() - datetime.timedelta(minutes=90),
    )
    response = client.get(reverse("casework:agenda"))
    assert list(response.context["overdue"]) == [past]
    assert past not in response.context["upcoming"]
    past.status = InterventionStatus.HELD
    past.save()
    assert list(client.get(reverse("casework:agenda")).context["overdue"]) == []
