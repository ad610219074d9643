"""Run the worker in a test: what `manage.py run_huey` does, one task at a time, in the test's thread."""

import datetime
import socket

from aiosmtpd.controller import Controller


def run_worker(huey, *, at: datetime.datetime | None = None) -> int:
    """Execute the queued tasks, then the scheduled ones due at ``at`` (UTC, default now); returns how many ran."""
    ran = 0
    while True:
        timestamp = at or datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        for task in huey.read_schedule(timestamp):
            huey.enqueue(task)
        task = huey.dequeue()
        if task is None:
            return ran
        huey.execute(task, timestamp)
        ran += 1


def pass_time(huey, seconds: int) -> None:
    """Let ``seconds`` pass for the outbox's planned attempts and the queue's schedule, then run the worker."""
    from django.utils import timezone

    from background.models import OutgoingEmail

    OutgoingEmail.objects.filter(next_attempt_at__isnull=False).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    run_worker(huey, at=datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(seconds=seconds))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """A local SMTP server (aiosmtpd) keeping what it receives."""

    def __init__(self, port: int):
        self.messages: list[tuple[list[str], bytes]] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
