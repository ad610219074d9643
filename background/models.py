import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from background.enums import EmailStatus


class OutgoingEmail(models.Model):
    """One message to one recipient, written in the transaction of the change that causes it and sent
    by the worker (background/outbox.py). The body is erased once the message is sent: it may hold a
    single-use link. Messages carry no personal data by design (number, urgency, link)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The kind of error only (exception class, SMTP code, errno): never the server's text, which may
    # quote the recipient.
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outgoing_email_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=EmailStatus.SENT, sent_at__isnull=False)
                | (~models.Q(status=EmailStatus.SENT) & models.Q(sent_at__isnull=True)),
                name="outgoing_email_sent_has_sent_at",
                violation_error_message=_("A sent e-mail has a sending date, and only a sent one."),
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class TaskRun(models.Model):
    """One run of a periodic task: when, how it ended, and what it did in counts (no personal data)."""

    name = models.CharField(_("task"), max_length=100)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), null=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("task run")
        verbose_name_plural = _("task runs")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["name", "-started_at"], name="task_run_name_started_idx")]

    def __str__(self):
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M}"
