"""Import batches (docs/domain.md §4 history brought in from spreadsheets) and what each batch created.

No field is added to the casework or referrals models: ``ImportedRecord`` keeps, per post, the
external id a service gave each record and the object the import created for it. Its unique
constraint makes re-importing the same file create nothing new; cancelling a batch deletes exactly
the objects of its records.
"""

import datetime
import functools
import operator
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imports.enums import TARGET_FIELD, BatchStatus, RecordType
from organisation import access

CANCEL_WITHIN_DAYS = 30


def _batch_file_path(instance, filename):
    # Never the uploaded name on disk: a random name under a private folder (MEDIA_ROOT is not served).
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{instance.public_id}/{uuid.uuid4().hex}.{suffix}"


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, scope):
        return self.filter(access.import_batch_q(scope))

    def with_list_data(self):
        # The errors stay in the database: the list shows none of them.
        return (
            self.select_related("post", "post__department", "created_by")
            .defer("errors")
            .order_by("-created_at", "-pk")
        )


class ImportBatch(models.Model):
    """One uploaded file: checked by the worker (preview), then imported by the worker in one
    transaction, then maybe cancelled. A failed task leaves it FAILED with its message."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    post = models.ForeignKey(
        "organisation.Post", verbose_name=_("post"), on_delete=models.PROTECT, related_name="import_batches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=BatchStatus, default=BatchStatus.PREVIEWED)
    file = models.FileField(_("file"), upload_to=_batch_file_path, max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    # {"<record type>": {"rows": n, "new": n, "existing": n}}, and the errors of the last check.
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)  # the first 500 (reading.MAX_KEPT_ERRORS)
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)
    # Progress of the worker's check (and of the check again before the write): lines read so far;
    # the errors so far are ``error_count``.
    lines_read = models.PositiveIntegerField(_("lines read"), default=0)
    # When the task was queued, then each progress report of the worker: a checking or importing
    # batch silent for too long was left by a worker that died (services.interrupted_batches_fail).
    worker_seen_at = models.DateTimeField(_("last sign of the worker"), null=True, blank=True)
    # Why the worker's task failed (French, for the user); nothing was written.
    failure = models.TextField(_("failure"), blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BatchStatus.values),
                name="importbatch_status_valid",
                violation_error_message=_("Unknown import status."),
            ),
            models.CheckConstraint(
                condition=~Q(status=BatchStatus.IMPORTED) | Q(imported_at__isnull=False),
                name="importbatch_imported_has_timestamp",
                violation_error_message=_("An imported batch records when it was imported."),
            ),
            models.CheckConstraint(
                condition=Q(status=BatchStatus.CANCELLED, cancelled_at__isnull=False, cancelled_by__isnull=False)
                | (~Q(status=BatchStatus.CANCELLED) & Q(cancelled_at__isnull=True, cancelled_by__isnull=True)),
                name="importbatch_cancelled_iff_timestamp",
                violation_error_message=_(
                    "A batch is cancelled if and only if who cancelled it and when are recorded."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else self.file_name

    def get_absolute_url(self):
        return reverse("imports:batch_detail", kwargs={"public_id": self.public_id})

    @property
    def cancel_deadline(self) -> datetime.datetime | None:
        if self.imported_at is None:
            return None
        return self.imported_at + datetime.timedelta(days=CANCEL_WITHIN_DAYS)

    @property
    def can_be_cancelled(self) -> bool:
        return self.status == BatchStatus.IMPORTED and timezone.now() <= self.cancel_deadline

    @property
    def created_total(self) -> int:
        return sum(sheet.get("new", 0) for sheet in self.counts.values())

    @property
    def row_total(self) -> int:
        return sum(sheet.get("rows", 0) for sheet in self.counts.values())


TARGET_FIELDS = ("person", "referral", "followup", "intervention", "orientation", "assessment")
# Exactly the target field of the record type is set, the others are null.
_ONE_TARGET = functools.reduce(
    operator.or_,
    (
        Q(record_type=record_type, **{f"{name}__isnull": name != TARGET_FIELD[record_type] for name in TARGET_FIELDS})
        for record_type in RecordType
    ),
)


class ImportedRecord(models.Model):
    """A record an import created: its type, the external id the service gave it, and the object."""

    batch = models.ForeignKey(ImportBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="records")
    post = models.ForeignKey("organisation.Post", verbose_name=_("post"), on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(_("record type"), max_length=20, choices=RecordType)
    external_id = models.CharField(_("external id"), max_length=100)
    person = models.ForeignKey("casework.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    followup = models.ForeignKey(
        "casework.FollowUp", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    intervention = models.ForeignKey(
        "casework.Intervention", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    orientation = models.ForeignKey(
        "casework.Orientation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    assessment = models.ForeignKey(
        "casework.Assessment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "record_type", "external_id"],
                name="importedrecord_unique_external_id_per_post",
                violation_error_message=_("A record with this external id has already been imported into this post."),
            ),
            models.CheckConstraint(
                condition=Q(record_type__in=RecordType.values),
                name="importedrecord_record_type_valid",
                violation_error_message=_("Unknown record type."),
            ),
            models.CheckConstraint(
                condition=_ONE_TARGET,
                name="importedrecord_one_target",
                violation_error_message=_("An imported record points to one object, of its type."),
            ),
        ]

    def __str__(self):
        return f"{self.record_type} {self.external_id}"
