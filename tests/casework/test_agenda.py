import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.enums import Place
from tests.casework.factories import FollowUpFactory, InterventionFactory
from tests.organisation.factories import PostAssignmentFactory
from tests.queries import queries_for

pytestmark = pytest.mark.django_db


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_my_agenda_lists_my_planned_interventions_day_by_day(world, client_for):
    colleague = PostAssignmentFactory(post=world.a.post).user
    later = InterventionFactory(followup=world.a.followup, planned=True, starts_at=_at(3, 14))
    sooner = InterventionFactory(followup=world.a.followup, planned=True, starts_at=_at(1, 9))
    same_day = InterventionFactory(followup=world.a.followup, planned=True, starts_at=_at(1, 16))
    overdue = InterventionFactory(followup=world.a.followup, planned=True, starts_at=_at(-2, 10))
    InterventionFactory(followup=world.a.followup, planned=True, author=colleague, starts_at=_at(1, 11))
    InterventionFactory(followup=world.a.followup, starts_at=_at(-1, 10))  # held: not in the agenda
    InterventionFactory(followup=FollowUpFactory(post=world.b.post), planned=True)  # another post

    response = client_for("iscg_a").get(reverse("casework:agenda"))

    assert list(response.context["upcoming"]) == [sooner, same_day, later]
    assert list(response.context["overdue"]) == [overdue]
    page = response.content.decode()
    assert page.count('<h2 class="fr-h5 fr-mt-3w">') == 2  # two days
    assert world.a.person.display_name in page


def test_the_agenda_costs_the_same_queries_for_1_and_10_appointments(world, client_for, django_assert_max_num_queries):
    client = client_for("iscg_a")
    url = reverse("casework:agenda")
    InterventionFactory(followup=world.a.followup, planned=True)
    client.get(url)  # warm caches (session)
    one, _ = queries_for(client, url)
    for index in range(9):
        InterventionFactory(
            followup=FollowUpFactory(post=world.a.post),
            planned=True,
            author=world.a.iscg,
            starts_at=_at(index + 1, 10),
        )
    ten, response = queries_for(client, url)
    assert len(response.context["upcoming"]) == 10
    assert one == ten
    with django_assert_max_num_queries(one):
        client.get(reverse("casework:agenda_ics"))


def test_the_ics_export_carries_no_personal_data(world, client_for):
    planned = InterventionFactory(
        followup=world.a.followup,
        planned=True,
        place=Place.HOME,
        starts_at=_at(2, 10),
        summary="Résumé confidentiel",
        private_note="Note confidentielle",
    )
    response = client_for("iscg_a").get(reverse("casework:agenda_ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 1
    assert f"UID:{planned.public_id}@iscg" in body
    assert f"— {world.a.followup.reference}" in body
    assert "DURATION:PT45M" in body
    start = planned.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in body
    person = world.a.person
    for secret in (
        person.last_name,
        person.first_name,
        person.safe_phone,
        "Résumé confidentiel",
        "Note confidentielle",
    ):
        assert secret not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
