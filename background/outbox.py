"""The outbox: every e-mail of the service goes through ``queue_email``.

``queue_email`` writes one row per recipient in the current transaction and, once it commits, hands
each row to the worker. The worker's ``email_send`` claims the row (pending → sending, one atomic
UPDATE: two runs of the task cannot both claim it), sends it, then marks it sent and erases its body.
A failure puts the row back to pending with a next attempt after a doubling delay; after
EMAIL_MAX_ATTEMPTS it is failed, listed in the admin, and can be retried from there.

Guarantee: at least once. A sent row is never sent again (a task run twice, or the sweep, finds it
sent and does nothing). The only duplicate possible is a worker dying between the mail server's
acceptance and the row's update: the sweep puts rows left "sending" for EMAIL_STUCK_MINUTES back to
pending. Each message carries a Message-ID derived from its row, so such a duplicate has the same
Message-ID as the first copy.
"""

import errno
import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from background.enums import EmailStatus
from background.models import OutgoingEmail

logger = logging.getLogger(__name__)

EMAIL_STUCK_MINUTES = 15
MAX_RETRY_DELAY_SECONDS = 3600


def queue_email(*, to: str | Iterable[str], subject: str, body: str) -> list[OutgoingEmail]:
    """Queue a message for each recipient, in the current transaction; the worker sends them once it commits.
    Never raises because of the mail server: the caller's action succeeds whatever it does."""
    recipients = [to] if isinstance(to, str) else list(dict.fromkeys(to))
    emails = [OutgoingEmail.objects.create(to=address, subject=subject, body=body) for address in recipients]
    ids = [email.pk for email in emails]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return emails


def _enqueue(ids: Iterable[int]) -> None:
    from background.tasks import send_email

    for pk in ids:
        try:
            send_email(pk)
        except Exception:  # the queue is down: the row stays pending, the sweep enqueues it again
            logger.exception("outbox: e-mail %s could not be handed to the worker; the sweep will", pk)


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: base, doubling, at most an hour."""
    return min(settings.EMAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY_SECONDS)


def describe_error(exc: BaseException) -> str:
    """The kind of a sending error, without the server's text (which may quote an address)."""
    parts = [type(exc).__name__]
    if isinstance(exc, smtplib.SMTPResponseException):
        parts.append(f"SMTP {exc.smtp_code}")
    elif isinstance(exc, OSError) and exc.errno:
        parts.append(errno.errorcode.get(exc.errno, str(exc.errno)))
    return " ".join(parts)[:200]


def _message_id(email: OutgoingEmail) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">").strip() or "iscg.localhost"
    return f"<{email.public_id}@{domain}>"


def email_send(*, email_id: int) -> int | None:
    """Send one queued message if it is due. Returns the seconds before the next attempt when sending
    failed and another attempt is planned, else None (sent, failed for good, or nothing to do)."""
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        logger.info("outbox: e-mail %s already sent, being sent or not due: nothing to do", email_id)
        return None
    email = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(  # plain text only; the class send_mail uses
        subject=email.subject, body=email.body, to=[email.to], headers={"Message-ID": _message_id(email)}
    )
    try:
        message.send()
    except Exception as exc:
        email.last_error = describe_error(exc)
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            email.status, email.next_attempt_at, delay = EmailStatus.FAILED, None, None
            logger.error(
                "outbox: e-mail %s failed for good after %d attempts (%s)", email_id, email.attempts, email.last_error
            )
        else:
            delay = retry_delay(email.attempts)
            email.status, email.next_attempt_at = (
                EmailStatus.PENDING,
                timezone.now() + timezone.timedelta(seconds=delay),
            )
            logger.warning(
                "outbox: e-mail %s attempt %d failed (%s), next in %d s",
                email_id,
                email.attempts,
                email.last_error,
                delay,
            )
        email.save(update_fields=["status", "next_attempt_at", "last_error"])
        return delay
    OutgoingEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), body="", last_error="", next_attempt_at=None
    )
    logger.info("outbox: e-mail %s sent (attempt %d)", email_id, email.attempts)
    return None


def outbox_sweep() -> dict[str, int]:
    """Hand again to the worker what it may have lost: pending rows overdue by a minute (queue down when
    they were queued, worker stopped past their retry) and rows left "sending" by a worker that died."""
    now = timezone.now()
    stuck = list(
        OutgoingEmail.objects.filter(
            status=EmailStatus.SENDING, claimed_at__lt=now - timezone.timedelta(minutes=EMAIL_STUCK_MINUTES)
        ).values_list("pk", flat=True)
    )
    OutgoingEmail.objects.filter(pk__in=stuck, status=EmailStatus.SENDING).update(
        status=EmailStatus.PENDING, next_attempt_at=None
    )
    overdue_since = now - timezone.timedelta(minutes=1)
    due = set(
        OutgoingEmail.objects.filter(status=EmailStatus.PENDING)
        .filter(Q(next_attempt_at__lte=overdue_since) | Q(next_attempt_at__isnull=True, created_at__lte=overdue_since))
        .values_list("pk", flat=True)[:1000]
    ) | set(stuck)
    _enqueue(sorted(due))
    return {"requeued": len(due), "unstuck": len(stuck)}


@transaction.atomic
def email_retry(*, emails: Iterable[OutgoingEmail]) -> int:
    """Give failed messages a fresh set of attempts (the administrator's "retry" action)."""
    ids = [email.pk for email in emails if email.status == EmailStatus.FAILED]
    count = OutgoingEmail.objects.filter(pk__in=ids, status=EmailStatus.FAILED).update(
        status=EmailStatus.PENDING, attempts=0, next_attempt_at=None
    )
    if ids:
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    logger.info("outbox: %d failed e-mails retried", count)
    return count


def sent_emails_purge(*, days: int = 30) -> int:
    """Delete the rows of messages sent more than ``days`` ago (their bodies are already erased)."""
    deleted, _ = OutgoingEmail.objects.filter(
        status=EmailStatus.SENT, sent_at__lt=timezone.now() - timezone.timedelta(days=days)
    ).delete()
    return deleted
