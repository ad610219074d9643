"""Every write of the imports app: recording a checked upload (preview), importing it in one
transaction, cancelling a batch. Keyword-only, typed, atomic. Logs carry counts and ids only.

The rows themselves are written by imports.writing (``bulk_create`` in batches, with the fields the
casework and referrals services compute) so that a 50,000-line file imports in seconds.
"""

import datetime
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from casework.models import Assessment, FollowUp, FollowUpReferral, Intervention, Orientation, Person
from imports import checking
from imports.enums import PENDING_STATUSES, BatchStatus, RecordType
from imports.format import CREATION_ORDER
from imports.models import ImportBatch, ImportedRecord
from imports.reading import ErrorList, read_upload
from imports.writing import write_plan
from organisation.models import Post
from referrals.models import DangerAssessment, Referral, ReferralAddendum, ReferralPerson

logger = logging.getLogger(__name__)


class ImportRefused(Exception):
    """A batch that cannot be imported or cancelled; the message is for the user."""


@dataclass
class CheckResult:
    plan: checking.Plan
    sha256: str

    @property
    def errors(self) -> ErrorList:
        return self.plan.errors

    @property
    def counts(self) -> dict:
        return self.plan.counts


def check_content(*, post: Post, content: bytes, file_name: str, progress=None) -> CheckResult:
    """Read and check a file for a post: the plan of what it would create, and every error. No write.
    ``progress(lines, errors)`` is called as the lines are checked (checking.check)."""
    plan = checking.check(read_upload(content, file_name), post=post, progress=progress)
    return CheckResult(plan=plan, sha256=hashlib.sha256(content).hexdigest())


def _errors_json(errors: ErrorList) -> list[dict]:
    """The kept errors (the first 500); their total goes to ``ImportBatch.error_count``."""
    return [error.as_dict() for error in errors]


@transaction.atomic
def batch_preview(*, post: Post, by: User, content: bytes, file_name: str) -> ImportBatch:
    """Check an upload and keep it (a private file under MEDIA_ROOT) until it is confirmed. Only the
    ImportBatch row is written: nothing of the casework or referrals tables."""
    result = check_content(post=post, content=content, file_name=file_name)
    batch = ImportBatch(
        post=post,
        created_by=by,
        file_name=file_name[-255:],
        sha256=result.sha256,
        counts=result.counts,
        errors=_errors_json(result.errors),
        error_count=len(result.errors),
    )
    batch.file.save(file_name, ContentFile(content), save=False)
    batch.save()
    logger.info(
        "Import batch %s checked for post %s: %s rows, %s errors",
        batch.public_id,
        post.public_id,
        sum(sheet["rows"] for sheet in result.counts.values()),
        len(result.errors),
    )
    return batch


def _read_batch_file(batch: ImportBatch) -> bytes:
    if not batch.file:
        raise ImportRefused(_("The uploaded file is no longer available: upload it again."))
    with batch.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != batch.sha256:
        raise ImportRefused(_("The uploaded file has changed since it was checked: upload it again."))
    return content


@transaction.atomic
def batch_confirm(*, batch: ImportBatch, by: User, progress: Callable[[str, int], None] | None = None) -> ImportBatch:
    """Import a checked batch, all or nothing. The file is checked again first (an earlier batch may
    have imported some of its records since): with errors, nothing is written and the batch keeps
    them for the preview page."""
    batch = ImportBatch.objects.select_for_update().select_related("post", "post__department").get(pk=batch.pk)
    if batch.status != BatchStatus.PREVIEWED:
        raise ImportRefused(_("This batch has already been imported or cancelled."))
    content = _read_batch_file(batch)
    result = check_content(post=batch.post, content=content, file_name=batch.file_name)
    if result.errors:
        ImportBatch.objects.filter(pk=batch.pk).update(
            counts=result.counts, errors=_errors_json(result.errors), error_count=len(result.errors)
        )
        batch.refresh_from_db()
        return batch
    try:
        with transaction.atomic():
            created = write_plan(result.plan, batch=batch, by=by, progress=progress)
    except IntegrityError as error:
        logger.warning("Import batch %s refused by the database: %s", batch.public_id, type(error).__name__)
        raise ImportRefused(str(DATABASE_REFUSAL)) from error
    return _mark_imported(batch, result, created)


def _mark_imported(batch: ImportBatch, result: CheckResult, created: dict) -> ImportBatch:
    """Within the write's transaction: the batch is imported, its file deleted once committed."""
    counts = result.counts
    for record_type, number in created.items():
        if record_type in counts:
            counts[record_type]["created"] = number
    file_name = batch.file.name
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.IMPORTED,
        imported_at=timezone.now(),
        counts=counts,
        errors=[],
        error_count=0,
        lines_read=sum(sheet["rows"] for sheet in counts.values()),
        file="",
    )
    storage = batch.file.storage
    transaction.on_commit(lambda: storage.delete(file_name))  # the content is in the tables now
    batch.refresh_from_db()
    logger.info("Import batch %s imported: %s records created", batch.public_id, sum(created.values()))
    return batch


# ---- The worker's part (issue 19) ---------------------------------------------------------------
# The pages queue the check of an upload and the import of a checked batch; the worker runs them
# (imports/tasks.py). Progress (lines read, errors so far) is written in short transactions of its
# own as the lines are checked; the write itself is one transaction, all or nothing. A task that
# fails leaves the batch FAILED with a French message, and nothing written.

DATABASE_REFUSAL = gettext_lazy(
    "The import was refused by the database (another import of the same records at the same time?): "
    "nothing was written. Check the file again."
)
INTERRUPTED = gettext_lazy(
    "The processing of this file was interrupted (the worker stopped): nothing was imported. Upload the file again."
)
TASK_FAILURE = gettext_lazy(
    "The file could not be processed: nothing was imported. Upload it again; if this happens again, "
    "tell your administrator."
)


def _enqueue(task_name: str, *args) -> None:
    def enqueue():
        from imports import tasks

        getattr(tasks, task_name)(*args)

    transaction.on_commit(enqueue, robust=True)


def _progress_writer(batch_id: int) -> Callable[[int, int], None]:
    def progress(lines: int, errors: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(
            lines_read=lines, error_count=errors, worker_seen_at=timezone.now()
        )

    return progress


def _fail(batch: ImportBatch, message: str) -> None:
    """The task could not finish: the batch says why, its file is deleted (upload it again)."""
    failed = ImportBatch.objects.filter(pk=batch.pk, status__in=PENDING_STATUSES).update(
        status=BatchStatus.FAILED, failure=message, file=""
    )
    if failed and batch.file:
        file_name, storage = batch.file.name, batch.file.storage
        transaction.on_commit(lambda: storage.delete(file_name))


@transaction.atomic
def batch_upload(*, post: Post, by: User, content: bytes, file_name: str) -> ImportBatch:
    """Keep an upload (a private file under MEDIA_ROOT) and have the worker check it."""
    batch = ImportBatch(
        post=post,
        created_by=by,
        file_name=file_name[-255:],
        sha256=hashlib.sha256(content).hexdigest(),
        status=BatchStatus.CHECKING,
        worker_seen_at=timezone.now(),
    )
    batch.file.save(file_name, ContentFile(content), save=False)
    batch.save()
    _enqueue("check_import_batch", batch.pk)
    logger.info("Import batch %s queued for its check (post %s)", batch.public_id, post.public_id)
    return batch


def batch_check_run(*, batch_id: int) -> None:
    """The worker's check of an upload: the batch becomes PREVIEWED with its counts and errors."""
    batch = ImportBatch.objects.select_related("post").filter(pk=batch_id, status=BatchStatus.CHECKING).first()
    if batch is None:
        return  # checked already (a task run twice)
    try:
        content = _read_batch_file(batch)
        result = check_content(
            post=batch.post, content=content, file_name=batch.file_name, progress=_progress_writer(batch.pk)
        )
        ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.CHECKING).update(
            status=BatchStatus.PREVIEWED,
            counts=result.counts,
            errors=_errors_json(result.errors),
            error_count=len(result.errors),
            lines_read=sum(sheet["rows"] for sheet in result.counts.values()),
        )
    except ImportRefused as refusal:
        _fail(batch, str(refusal))
    except Exception as error:
        logger.exception("Import batch %s: check failed (%s)", batch.public_id, type(error).__name__)
        _fail(batch, str(TASK_FAILURE))
    else:
        logger.info("Import batch %s checked: %s errors", batch.public_id, len(result.errors))


@transaction.atomic
def batch_import_request(*, batch: ImportBatch, by: User) -> ImportBatch:
    """The confirmation of a checked batch: the worker imports it (batch_import_run)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status in PENDING_STATUSES:
        raise ImportRefused(_("This batch is still being checked or imported: wait for the end."))
    if batch.status == BatchStatus.FAILED:
        raise ImportRefused(_("This batch failed: upload the file again."))
    if batch.status != BatchStatus.PREVIEWED:
        raise ImportRefused(_("This batch has already been imported or cancelled."))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.IMPORTING, lines_read=0, worker_seen_at=timezone.now()
    )
    _enqueue("import_batch", batch.pk, by.pk)
    batch.refresh_from_db()
    return batch


def batch_import_run(*, batch_id: int, by_id: int) -> None:
    """The worker's import: the file is checked again (progress shown; an earlier batch may have
    imported some of its records since), then written in one transaction. With errors, nothing is
    written and the batch is PREVIEWED again with them; on a failure, it is FAILED."""
    batch = (
        ImportBatch.objects.select_related("post", "post__department")
        .filter(pk=batch_id, status=BatchStatus.IMPORTING)
        .first()
    )
    if batch is None:
        return  # imported already (a task run twice)
    try:
        by = User.objects.get(pk=by_id)
        content = _read_batch_file(batch)
        result = check_content(
            post=batch.post, content=content, file_name=batch.file_name, progress=_progress_writer(batch.pk)
        )
        if result.errors:
            ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.IMPORTING).update(
                status=BatchStatus.PREVIEWED,
                counts=result.counts,
                errors=_errors_json(result.errors),
                error_count=len(result.errors),
            )
            logger.info("Import batch %s no longer passes the checks: nothing written", batch.public_id)
            return
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().filter(pk=batch.pk, status=BatchStatus.IMPORTING).first()
            if locked is None:
                return
            created = write_plan(result.plan, batch=locked, by=by)
            _mark_imported(locked, result, created)
    except ImportRefused as refusal:
        _fail(batch, str(refusal))
    except IntegrityError as error:
        logger.warning("Import batch %s refused by the database: %s", batch.public_id, type(error).__name__)
        _fail(batch, str(DATABASE_REFUSAL))
    except Exception as error:
        logger.exception("Import batch %s: import failed (%s)", batch.public_id, type(error).__name__)
        _fail(batch, str(TASK_FAILURE))


def interrupted_batches_fail(*, silent_for: datetime.timedelta) -> int:
    """Batches checking or importing with no sign of the worker for ``silent_for``: their task was
    lost with a worker that died (a killed write left nothing, being one transaction). They become
    FAILED with a message saying so, instead of showing their progress for ever."""
    limit = timezone.now() - silent_for
    silent = ImportBatch.objects.filter(status__in=PENDING_STATUSES).filter(
        Q(worker_seen_at__lt=limit) | Q(worker_seen_at__isnull=True, created_at__lt=limit)
    )
    count = 0
    for batch in silent.only("pk", "public_id", "file"):
        with transaction.atomic():
            _fail(batch, str(INTERRUPTED))
        logger.warning("Import batch %s: no sign of the worker since %s, marked failed", batch.public_id, limit)
        count += 1
    return count


# ---- Cancelling ---------------------------------------------------------------------------------


def _records(batch: ImportBatch, record_types) -> QuerySet:
    return ImportedRecord.objects.filter(batch=batch, record_type__in=list(record_types))


def _dependants(batch: ImportBatch) -> list[str]:
    """What was added since the import on top of the batch's records: cancelling would delete it."""
    # Each subquery selects one non-null target column (NOT IN with a NULL would match nothing).
    persons = _records(batch, [RecordType.PERSON]).values("person")
    followups = _records(batch, [RecordType.FOLLOWUP]).values("followup")
    referrals = _records(batch, [RecordType.REFERRAL]).values("referral")
    own = _records(batch, CREATION_ORDER)
    found = []
    checks = [
        (
            FollowUp.objects.filter(person__in=persons).exclude(pk__in=followups),
            _("follow-ups opened since for imported persons"),
        ),
        (
            FollowUp.household_members.through.objects.filter(person__in=persons),
            _("imported persons added to a household"),
        ),
        (Person.objects.filter(merged_into__in=persons), _("records merged into imported persons")),
        (Person.objects.filter(pk__in=persons, merged_into__isnull=False), _("imported persons merged since")),
        (
            Intervention.objects.filter(followup__in=followups).exclude(
                pk__in=own.filter(intervention__isnull=False).values("intervention")
            ),
            _("interventions recorded since on imported follow-ups"),
        ),
        (
            Orientation.objects.filter(followup__in=followups).exclude(
                pk__in=own.filter(orientation__isnull=False).values("orientation")
            ),
            _("orientations recorded since on imported follow-ups"),
        ),
        (
            Assessment.objects.filter(followup__in=followups).exclude(
                pk__in=own.filter(assessment__isnull=False).values("assessment")
            ),
            _("assessments recorded since on imported follow-ups"),
        ),
        (
            FollowUpReferral.objects.filter(Q(followup__in=followups) ^ Q(referral__in=referrals)),
            _("referrals linked since to imported follow-ups, or imported referrals linked to other follow-ups"),
        ),
        (DangerAssessment.objects.filter(referral__in=referrals), _("danger grids filled on imported referrals")),
        (ReferralAddendum.objects.filter(referral__in=referrals), _("information added to imported referrals")),
    ]
    for queryset, label in checks:
        if queryset.exists():
            found.append(str(label))
    return found


@transaction.atomic
def batch_cancel(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Delete exactly what the batch created, in dependency order, within 30 days of the import."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.IMPORTED:
        raise ImportRefused(_("Only an imported batch can be cancelled."))
    if not batch.can_be_cancelled:
        raise ImportRefused(_("A batch can be cancelled within 30 days of its import only."))
    dependants = _dependants(batch)
    if dependants:
        raise ImportRefused(
            _("This batch can no longer be cancelled: work was recorded since on top of it (%(what)s).")
            % {"what": "; ".join(dependants)}
        )
    deleted = {}
    # Children first: assessments, interventions and orientations, links, follow-ups, referrals, persons.
    assessments = _records(batch, [RecordType.ASSESSMENT]).values("assessment")
    Assessment.violence_forms.through.objects.filter(assessment__in=assessments).delete()
    for model, record_types, field in (
        (Assessment, [RecordType.ASSESSMENT], "assessment"),
        (Intervention, [RecordType.INTERVENTION], "intervention"),
        (Orientation, [RecordType.ORIENTATION, RecordType.TRANSMISSION], "orientation"),
    ):
        deleted[model.__name__] = model.objects.filter(pk__in=_records(batch, record_types).values(field)).delete()[0]
    followups = _records(batch, [RecordType.FOLLOWUP]).values("followup")
    referrals = _records(batch, [RecordType.REFERRAL]).values("referral")
    FollowUpReferral.objects.filter(Q(followup__in=followups) | Q(referral__in=referrals)).delete()
    FollowUp.problems.through.objects.filter(followup__in=followups).delete()
    deleted["FollowUp"] = FollowUp.objects.filter(pk__in=followups).delete()[0]
    ReferralPerson.objects.filter(referral__in=referrals).delete()
    Referral.problems.through.objects.filter(referral__in=referrals).delete()
    deleted["Referral"] = Referral.objects.filter(pk__in=referrals).delete()[0]
    deleted["Person"] = Person.objects.filter(pk__in=_records(batch, [RecordType.PERSON]).values("person")).delete()[0]
    ImportedRecord.objects.filter(batch=batch).delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.CANCELLED, cancelled_at=timezone.now(), cancelled_by=by
    )
    batch.refresh_from_db()
    logger.info("Import batch %s cancelled: %s", batch.public_id, deleted)
    return batch


# ---- Command line -------------------------------------------------------------------------------


def import_now(*, post: Post, by: User, content: bytes, file_name: str, dry_run: bool = False, progress=None):
    """Check, then import at once (the management command). Returns (batch or None, check result)."""
    started = time.monotonic()
    if dry_run:
        return None, check_content(post=post, content=content, file_name=file_name)
    with transaction.atomic():
        batch = batch_preview(post=post, by=by, content=content, file_name=file_name)
        if batch.errors:
            return batch, None
        batch = batch_confirm(batch=batch, by=by, progress=progress)
    logger.info("Import batch %s done in %.1f s", batch.public_id, time.monotonic() - started)
    return batch, None
