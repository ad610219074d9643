"""Periodic tasks: retention, journal purge, key-rotation reminder, nightly department bilans. Each
run leaves a TaskRun row (what it did, in counts) that the administrator reads."""

import datetime

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from accounts.tasks import key_rotation_reminder
from audit.tasks import run_journal_purge
from background.models import TaskRun
from background.runs import recorded
from background.tasks import clear_expired_sessions, purge_sent_emails, sweep_outbox
from dataprotection.tasks import run_retention
from privacy.tasks import key_rotation_advice
from reporting.tasks import prepare_department_bilans


def test_every_periodic_task_is_scheduled():
    names = {task.__name__ for task in HUEY._registry._periodic_tasks}
    assert {
        "run_retention",
        "run_journal_purge",
        "key_rotation_reminder",
        "prepare_department_bilans",
        "sweep_outbox",
        "purge_sent_emails",
        "clear_expired_sessions",
    } <= names


def test_the_schedules_are_at_night_utc():
    at = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC).replace(tzinfo=None)  # a Monday; Huey: naive UTC
    assert run_retention.task_class().validate_datetime(at)
    assert run_journal_purge.task_class().validate_datetime(at.replace(minute=30))
    assert prepare_department_bilans.task_class().validate_datetime(at.replace(hour=2))
    assert key_rotation_reminder.task_class().validate_datetime(at.replace(hour=6))
    assert not key_rotation_reminder.task_class().validate_datetime(at.replace(day=3, hour=6))
    assert sweep_outbox.task_class().validate_datetime(at.replace(minute=5))


@pytest.mark.parametrize(
    ("task", "name", "words"),
    [
        (run_retention, "apply_retention", "anonymised"),
        (run_journal_purge, "purge_access_journal", "access entries"),
        (prepare_department_bilans, "prepare_department_bilans", "bilans of"),
        (purge_sent_emails, "sent_emails_purge", "sent e-mails"),
        (clear_expired_sessions, "clearsessions", "expired sessions"),
    ],
)
def test_each_run_is_recorded_with_what_it_did(world, task, name, words):
    summary = task.call_local()
    run = TaskRun.objects.get(name=name)
    assert run.succeeded is True and run.finished_at >= run.started_at
    assert words in run.summary and run.summary == summary


def test_the_nightly_preparation_covers_each_department_with_a_post(world):
    summary = prepare_department_bilans.call_local()
    assert "4 bilans" in summary and "2 departments" in summary  # 80 and 42, with and without cofinancing


def test_a_failing_run_is_recorded_as_failed(db):
    @recorded("exploding")
    def explode() -> str:
        raise ValueError("a detail that is not kept")

    with pytest.raises(ValueError):
        explode()
    run = TaskRun.objects.get(name="exploding")
    assert run.succeeded is False and run.summary == "ValueError" and run.finished_at


def test_the_key_reminder_tells_the_administrators_about_an_unfinished_rotation(
    world, settings, django_capture_on_commit_callbacks
):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    with django_capture_on_commit_callbacks(execute=True):
        summary = key_rotation_reminder.call_local()
    assert "rotate_encryption_keys" in summary
    assert [message.to for message in mail.outbox] == [["admin@test.example"]]
    assert "rotate_encryption_keys" in mail.outbox[0].body


def test_the_key_reminder_is_quiet_when_nothing_is_due(world, settings):
    settings.ENCRYPTION_KEY_ROTATED_ON = datetime.date(2026, 1, 1)
    assert key_rotation_advice(today=datetime.date(2026, 6, 1)) == ""
    assert "more than 365 days" in key_rotation_advice(today=datetime.date(2027, 6, 1))
    assert key_rotation_reminder.call_local() == "nothing to do"


def test_the_administrator_reads_the_last_runs(world, client_for):
    run_retention.call_local()
    page = client_for("admin").get(reverse("admin:background_taskrun_changelist"))
    assert page.status_code == 200 and "apply_retention" in page.content.decode()
    assert client_for("coordinator_a").get(reverse("admin:background_taskrun_changelist")).status_code != 200
