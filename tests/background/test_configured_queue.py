"""The queue as configured (SQLite file by default, Redis with HUEY_URL): an e-mail queued by a
referral goes through the real storage, survives a new connection to it (a worker restart), and is
sent once. The CI runs this file on SQLite and on PostgreSQL with HUEY_URL=redis://…"""

import secrets

import pytest
from django.conf import settings
from django.core import mail
from huey.contrib.djhuey import HUEY

from background.enums import EmailStatus
from background.models import OutgoingEmail
from background.outbox import queue_email
from tests.background.worker import run_worker


@pytest.fixture
def configured_queue(tmp_path, monkeypatch):
    """The storage class and settings of the configuration, under a queue name of this test's own."""
    name = f"iscg-test-{secrets.token_hex(4)}"
    storage_class = HUEY.storage_class
    kwargs = dict(HUEY.storage_kwargs)
    if not settings.HUEY_URL:
        kwargs["filename"] = str(tmp_path / "huey.sqlite3")

    def connect():
        return storage_class(name, **kwargs)

    monkeypatch.setattr("huey.contrib.djhuey.close_old_connections", lambda: None)  # as huey_queue does
    HUEY.immediate = False
    saved = HUEY.storage
    HUEY.storage = connect()
    yield connect
    HUEY.storage.flush_all()
    HUEY.storage = saved
    HUEY.immediate = True


def test_a_queued_email_survives_a_worker_restart_and_is_sent_once(
    world, configured_queue, django_capture_on_commit_callbacks
):
    subject = f"Saisine {secrets.token_hex(4)}"
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to=["iscg.a@test.example", "iscg.b@test.example"], subject=subject, body="Lien")
    assert HUEY.storage.queue_size() == 2
    HUEY.storage = configured_queue()  # the worker starts again: a new connection to the same queue
    assert HUEY.storage.queue_size() == 2
    assert run_worker(HUEY) == 2
    assert sorted(m.to for m in mail.outbox if m.subject == subject) == [
        ["iscg.a@test.example"],
        ["iscg.b@test.example"],
    ]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
    assert HUEY.storage.queue_size() == 0
