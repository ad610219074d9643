"""The worker's tasks for e-mails (`manage.py run_huey` loads every app's tasks.py). Schedules are in UTC."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from background import outbox
from background.runs import recorded


@db_task()
def send_email(email_id: int) -> None:
    """Send one outbox row; on failure, plan the next attempt in the queue (the sweep is the safety net)."""
    delay = outbox.email_send(email_id=email_id)
    if delay is not None:
        send_email.schedule((email_id,), delay=delay)


@db_periodic_task(crontab(minute="*/5"))
def sweep_outbox() -> None:
    counts = outbox.outbox_sweep()
    if counts["requeued"] or counts["unstuck"]:
        recorded("outbox_sweep")(lambda: f"requeued {counts['requeued']}, unstuck {counts['unstuck']}")()


@db_periodic_task(crontab(minute="15", hour="3"))
@recorded("sent_emails_purge")
def purge_sent_emails() -> str:
    return f"deleted {outbox.sent_emails_purge()} sent e-mails older than 30 days"


@db_periodic_task(crontab(minute="0", hour="3", day_of_week="0"))
@recorded("clearsessions")
def clear_expired_sessions() -> str:
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return f"deleted {deleted} expired sessions"
