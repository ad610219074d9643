"""The access journal (append-only) and the retention ledger.

An access entry says who (user id and role), when, on which record (type + public id), what
(read / export / change / refused) and in which request. Nothing else: no name, no free text.
A right-of-access export also records the post that answered and the date and channel of the
person's request: what a coordinator sees of it (docs/privacy.md).
``department`` is the department the record belongs to (or, for an attempt on an unknown record,
the single department of the user), kept so that a coordinator's search needs no join across the
casework tables: it is reference data, not personal data (docs/privacy.md). Who may read which entries
is decided above this leaf: dataprotection.journal.entries_visible_to.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.enums import AccessRequestChannel, JournalAction, RecordType, RetainedKind


class AppendOnlyError(Exception):
    """The access journal is append-only: entries are never changed nor deleted (but purged)."""


class AccessEntryQuerySet(models.QuerySet):
    def for_record(self, record_type: str, public_id):
        return self.filter(record_type=record_type, record_public_id=public_id)

    def with_list_data(self):
        return self.select_related("user", "post").order_by("-at", "-pk")

    def access_requests(self):
        """Right-of-access exports: a person's request answered by a post."""
        return self.filter(action=JournalAction.EXPORT, record_type=RecordType.PERSON)

    def update(self, **kwargs):
        raise AppendOnlyError("access entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("access entries cannot be deleted; purge_access_journal removes expired ones")

    def _purge(self) -> int:
        """Delete these rows: for audit.services.journal_purge only (inside its purge transaction)."""
        return models.QuerySet.delete(self)[0]


class AccessEntry(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20)
    at = models.DateTimeField(_("when"), default=timezone.now)
    record_type = models.CharField(_("record type"), max_length=20, choices=RecordType)
    record_public_id = models.UUIDField(_("record"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=JournalAction)
    request_id = models.CharField(_("request id"), max_length=32)
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    post = models.ForeignKey(
        "organisation.Post",
        verbose_name=_("post"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    request_received_on = models.DateField(_("request received on"), null=True, blank=True)
    request_channel = models.CharField(_("request channel"), max_length=20, choices=AccessRequestChannel, blank=True)

    objects = AccessEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("access journal entry")
        verbose_name_plural = _("access journal entries")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["record_type", "record_public_id", "at"], name="accessentry_record_idx"),
            models.Index(fields=["department", "at"], name="accessentry_department_idx"),
            models.Index(fields=["at"], name="accessentry_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=JournalAction.values),
                name="accessentry_action_valid",
                violation_error_message=_("Unknown journal action."),
            ),
            models.CheckConstraint(
                condition=models.Q(record_type__in=RecordType.values),
                name="accessentry_record_type_valid",
                violation_error_message=_("Unknown record type."),
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.record_type} {self.record_public_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("access entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("access entries cannot be deleted; purge_access_journal removes expired ones")


class RetainedRecord(models.Model):
    """A record anonymised by apply_retention (kind + primary key), so that runs are idempotent."""

    kind = models.CharField(_("kind"), max_length=20, choices=RetainedKind)
    object_id = models.BigIntegerField(_("record"))
    anonymised_at = models.DateTimeField(_("anonymised at"), default=timezone.now)

    class Meta:
        verbose_name = _("anonymised record")
        verbose_name_plural = _("anonymised records")
        ordering = ["kind", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                name="retainedrecord_once_per_record",
                violation_error_message=_("This record is already anonymised."),
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class SubmissionToken(models.Model):
    """A one-time token of a rendered form, claimed by the first POST carrying it (audit.submission).
    ``key`` hashes the user, the path and the token; ``location`` is where the first POST redirected
    (empty while it runs). Rows older than a day are deleted as new ones are claimed."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("claimed at"), default=timezone.now, db_index=True)
    location = models.CharField(_("redirected to"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return self.key
