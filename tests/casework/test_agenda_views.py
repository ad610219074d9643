"""The agenda's day and week views and the private calendar subscription (docs/guide-iscg.md, « Agenda »)."""

import datetime
import logging
import re
import runpy
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.enums import JournalAction, RecordType
from audit.models import AccessEntry
from audit.request_id import MaskSecretsFilter, mask_secrets
from casework.agenda import calendar_token_create, calendar_token_revoke
from casework.enums import InterventionStatus
from casework.models import CalendarToken, Person
from organisation.models import PostAssignment
from tests.canaries import token as random_token
from tests.casework.factories import FollowUpFactory, InterventionFactory
from tests.organisation.factories import PostAssignmentFactory
from tests.queries import queries_for

pytestmark = pytest.mark.django_db


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _day_url(days: int = 0) -> str:
    return f"{reverse('casework:agenda_day')}?date={timezone.localdate() + datetime.timedelta(days=days):%Y-%m-%d}"


def _feed_path(token: str) -> str:
    return reverse("casework:agenda_feed", kwargs={"token": token})


# ---- Day and week views ---------------------------------------------------------------------------


def test_the_day_view_lists_my_appointments_of_that_day_and_flags_the_past_ones_still_planned(world, client_for):
    colleague = PostAssignmentFactory(post=world.a.post).user
    overdue = InterventionFactory(followup=world.a.followup, planned=True, starts_at=_at(-1, 9))
    held = InterventionFactory(followup=world.a.followup, starts_at=_at(-1, 11))
    InterventionFactory(followup=world.a.followup, planned=True, starts_at=_at(0, 10))  # another day
    InterventionFactory(followup=world.a.followup, planned=True, author=colleague, starts_at=_at(-1, 14))
    InterventionFactory(followup=FollowUpFactory(post=world.b.post), planned=True, starts_at=_at(-1, 15))

    response = client_for("iscg_a").get(_day_url(-1))

    assert response.status_code == 200
    shown = [item for item in response.context["appointments"] if item != world.a.intervention]  # the world's own
    assert shown == [overdue, held]
    assert response.context["overdue_count"] == 1
    page = response.content.decode()
    assert "Passé, toujours planifié" in page
    assert f'href="{overdue.get_absolute_url()}"' in page  # the link that marks it held, not honoured or cancelled
    assert world.a.person.display_name in page


def test_the_day_view_navigates_to_the_previous_and_next_days_today_and_the_week(world, client_for):
    today = timezone.localdate()
    page = client_for("iscg_a").get(reverse("casework:agenda_day")).content.decode()
    for day in (today - datetime.timedelta(days=1), today + datetime.timedelta(days=1), today):
        assert f"?date={day:%Y-%m-%d}" in page
    assert f"{reverse('casework:agenda_week')}?date={today:%Y-%m-%d}" in page


def test_the_week_view_shows_monday_to_sunday_with_every_status(world, client_for):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    sunday_evening = timezone.make_aware(
        datetime.datetime.combine(monday + datetime.timedelta(days=6), datetime.time(21))
    )
    late = InterventionFactory(followup=world.a.followup, planned=True, starts_at=sunday_evening)
    cancelled = InterventionFactory(
        followup=world.a.followup,
        status=InterventionStatus.CANCELLED,
        starts_at=timezone.make_aware(datetime.datetime.combine(monday, datetime.time(8))),
    )
    next_week = InterventionFactory(
        followup=world.a.followup, planned=True, starts_at=sunday_evening + datetime.timedelta(hours=4)
    )

    response = client_for("iscg_a").get(f"{reverse('casework:agenda_week')}?date={today:%Y-%m-%d}")

    days = response.context["days"]
    assert [entry["day"] for entry in days] == [monday + datetime.timedelta(days=n) for n in range(7)]
    assert cancelled in days[0]["appointments"]
    assert days[6]["appointments"][-1] == late
    assert all(next_week not in entry["appointments"] for entry in days)  # Monday 1 a.m. is next week
    page = response.content.decode()
    assert "Annulé" in page
    assert f"?date={monday - datetime.timedelta(days=7):%Y-%m-%d}" in page
    assert f"?date={monday + datetime.timedelta(days=7):%Y-%m-%d}" in page


@pytest.mark.parametrize("value", ["2026-13-01", "hier", "1850-01-01", "9999-12-31", "2026-01-01T00:00", "x" * 500])
def test_a_malformed_or_far_date_answers_404(world, client_for, value):
    client = client_for("iscg_a")
    for name in ("casework:agenda_day", "casework:agenda_week"):
        assert client.get(reverse(name), {"date": value}).status_code == 404


@pytest.mark.parametrize("name", ["casework:agenda_day", "casework:agenda_week"])
def test_the_day_and_week_views_cost_the_same_queries_for_1_and_10_appointments(
    world, client_for, django_assert_max_num_queries, name
):
    client = client_for("iscg_a")
    url = reverse(name)
    InterventionFactory(followup=world.a.followup, planned=True, starts_at=_at(0, 8))
    client.get(url)  # warm caches (session)
    one, _ = queries_for(client, url)
    for index in range(9):
        InterventionFactory(
            followup=FollowUpFactory(post=world.a.post),
            author=world.a.iscg,
            status=InterventionStatus.PLANNED if index % 2 else InterventionStatus.HELD,
            starts_at=_at(0, 9) + datetime.timedelta(minutes=index),
        )
    with django_assert_max_num_queries(one):
        ten, response = queries_for(client, url)
    assert ten == one
    assert str(world.a.person.display_name) in response.content.decode()


def test_the_agenda_page_links_to_the_day_and_week_views_and_the_subscription(world, client_for):
    page = client_for("iscg_a").get(reverse("casework:agenda")).content.decode()
    for name in ("casework:agenda_day", "casework:agenda_week", "casework:agenda_subscription"):
        assert f'href="{reverse(name)}"' in page


# ---- Subscription management ---------------------------------------------------------------------


def test_creating_a_subscription_shows_its_address_once_and_journals_it(world, client_for):
    client = client_for("iscg_a")
    url = reverse("casework:agenda_subscription")

    response = client.post(url, {"action": "create"})

    assert response.status_code == 200
    feed_url = response.context["feed_url"]
    assert feed_url.startswith("http://testserver/suivis/agenda/abonnement/")
    assert feed_url in response.content.decode()
    token = CalendarToken.objects.get(user=world.a.iscg)
    secret = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert secret.startswith(token.key)
    assert secret[len(token.key) :] not in token.secret_hash  # only a hash is stored
    again = client.get(url).content.decode()
    assert feed_url not in again  # shown once
    assert "Un abonnement est actif depuis" in again
    assert AccessEntry.objects.filter(
        user=world.a.iscg, record_type=RecordType.AGENDA, action=JournalAction.CHANGE
    ).exists()


def test_regenerating_revokes_the_previous_address(world, client_for):
    client = client_for("iscg_a")
    url = reverse("casework:agenda_subscription")
    first = client.post(url, {"action": "create"}).context["feed_url"]
    second = client.post(url, {"action": "create"}).context["feed_url"]

    assert CalendarToken.objects.active().filter(user=world.a.iscg).count() == 1
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_revoking_from_the_page_closes_the_feed(world, client_for):
    client = client_for("iscg_a")
    url = reverse("casework:agenda_subscription")
    feed_url = client.post(url, {"action": "create"}).context["feed_url"]

    response = client.post(url, {"action": "revoke"}, follow=True)

    assert "Votre abonnement au calendrier est révoqué" in response.content.decode()
    assert Client().get(feed_url).status_code == 404
    assert AccessEntry.objects.filter(user=world.a.iscg, record_type=RecordType.AGENDA).count() == 2


def test_an_unknown_subscription_action_is_refused(world, client_for):
    response = client_for("iscg_a").post(reverse("casework:agenda_subscription"), {"action": "delete-all"})
    assert response.status_code == 400
    assert not CalendarToken.objects.exists()


# ---- The feed --------------------------------------------------------------------------------------


def test_a_valid_token_reads_my_planned_appointments_without_a_session(world):
    mine = InterventionFactory(followup=world.a.followup, planned=True, starts_at=_at(2, 10))
    InterventionFactory(followup=world.a.followup, starts_at=_at(-2, 10))  # held
    InterventionFactory(followup=world.a.followup, planned=True, starts_at=_at(-40, 10))  # before the window
    InterventionFactory(followup=world.a.followup, planned=True, starts_at=_at(200, 10))  # after the window
    InterventionFactory(followup=FollowUpFactory(post=world.b.post), planned=True, author=world.a.iscg)  # out of scope
    token = calendar_token_create(user=world.a.iscg)

    response = Client().get(_feed_path(token))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert f"UID:{mine.public_id}@iscg" in body


def test_the_feed_carries_no_personal_data(world):
    phone = f"06 {random_token(2)}"
    marker = random_token(12)
    Person.objects.filter(pk=world.a.person.pk).update(safe_phone=phone, best_time=marker)
    InterventionFactory(
        followup=world.a.followup, planned=True, starts_at=_at(1, 10), summary=marker, private_note=marker
    )
    token = calendar_token_create(user=world.a.iscg)

    body = Client().get(_feed_path(token)).content.decode()
    unfolded = body.replace("\r\n ", "")

    assert "Rendez-vous ISCG" in unfolded
    assert world.a.post.name in unfolded
    person = world.a.person
    for secret in (person.last_name, person.first_name, person.display_name, phone, marker):
        assert secret not in unfolded


def test_the_feed_links_use_the_host_of_the_request(world, settings):
    settings.ALLOWED_HOSTS = ["agenda.example.test"]
    planned = InterventionFactory(followup=world.a.followup, planned=True, starts_at=_at(1, 10))
    token = calendar_token_create(user=world.a.iscg)

    body = Client().get(_feed_path(token), HTTP_HOST="agenda.example.test").content.decode().replace("\r\n ", "")

    assert f"URL:http://agenda.example.test{planned.get_absolute_url()}" in body
    assert settings.SITE_URL not in body


def test_a_revoked_token_answers_404(world):
    token = calendar_token_create(user=world.a.iscg)
    calendar_token_revoke(user=world.a.iscg)
    assert Client().get(_feed_path(token)).status_code == 404


def test_a_forged_secret_with_a_real_key_answers_404(world):
    token = calendar_token_create(user=world.a.iscg)
    forged = token[:16] + ("A" if token[16] != "A" else "B") + token[17:]
    assert Client().get(_feed_path(forged)).status_code == 404
    assert Client().get(_feed_path(token[:16])).status_code == 404


def test_the_token_of_a_user_whose_assignment_ended_answers_404(world):
    token = calendar_token_create(user=world.a.iscg)
    PostAssignment.objects.filter(user=world.a.iscg).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert Client().get(_feed_path(token)).status_code == 404


def test_the_token_of_a_deactivated_user_answers_404(world):
    token = calendar_token_create(user=world.a.iscg)
    world.a.iscg.is_active = False
    world.a.iscg.save(update_fields=["is_active"])
    assert Client().get(_feed_path(token)).status_code == 404


def test_the_feed_answers_get_only(world):
    token = calendar_token_create(user=world.a.iscg)
    assert Client().post(_feed_path(token)).status_code == 405


# ---- The token stays out of the logs ---------------------------------------------------------------


def test_the_token_never_appears_in_the_request_logs(world, caplog):
    token = calendar_token_create(user=world.a.iscg)
    calendar_token_revoke(user=world.a.iscg)  # a 404: Django logs "Not Found: <path>"

    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert Client().get(_feed_path(token)).status_code == 404

    assert caplog.records, "the 404 is logged"
    assert token not in caplog.text
    assert "/agenda/abonnement/***" in caplog.text


def test_the_masking_filter_covers_runserver_and_gunicorn_request_lines():
    secret = "0123456789abcdef" + random_token(30)
    line = f'"GET /suivis/agenda/abonnement/{secret}.ics HTTP/1.1" 200 512'
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, "%s", (line,), None)

    MaskSecretsFilter().filter(record)

    assert secret not in record.getMessage()
    assert re.search(r"/agenda/abonnement/\*\*\* HTTP/1.1", record.getMessage())
    assert secret not in mask_secrets(f"/suivis/agenda/abonnement/{secret}.ics")
    for name in ("django.request", "django.server"):  # the settings attach it to both request loggers
        assert any(isinstance(item, MaskSecretsFilter) for item in logging.getLogger(name).filters), name
    assert logging.getLogger("django.server").propagate  # runserver's lines still reach the console


def test_gunicorns_access_log_masks_the_token():
    config = runpy.run_path("deploy/gunicorn.conf.py")
    assert config["logger_class"] is config["MaskingLogger"]
    logger = config["MaskingLogger"].__new__(config["MaskingLogger"])  # atoms() reads no configuration
    secret = "0123456789abcdef" + random_token(30)
    path = f"/suivis/agenda/abonnement/{secret}.ics"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])

    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(milliseconds=4))

    assert atoms["U"] == "/suivis/agenda/abonnement/***"
    assert secret not in repr(atoms)
