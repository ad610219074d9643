"""Every write of the imports app: recording a checked upload (preview), importing it in one
transaction, cancelling a batch. Keyword-only, typed, atomic. Logs carry counts and ids only.

The import writes with ``bulk_create`` in batches, computing the fields the casework and referrals
services compute (search fields of persons, referral numbers from the per-department sequence,
workflow timestamps) so that a 50,000-line file imports in seconds.
"""

import datetime
import hashlib
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.enums import Role
from accounts.models import User
from casework.models import Assessment, FollowUp, FollowUpReferral, Intervention, Orientation, Person
from casework.normalise import name_key, normalise_phone, normalise_text
from imports import checking
from imports.enums import PENDING_STATUSES, TARGET_FIELD, BatchStatus, RecordType
from imports.format import CREATION_ORDER
from imports.models import ImportBatch, ImportedRecord
from imports.reading import ErrorList, read_upload
from organisation.models import Post
from referrals.enums import ReferralStatus
from referrals.models import DangerAssessment, Referral, ReferralAddendum, ReferralNumberSequence, ReferralPerson

logger = logging.getLogger(__name__)

BULK_SIZE = 2000
IMPORTED_DESCRIPTION = "Historique importé."  # a referral's description is required: no free text is imported


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


# ---- Writing a plan -----------------------------------------------------------------------------


def _bulk(model, objects: list, *, progress=None, label: str = "") -> list:
    created = []
    for start in range(0, len(objects), BULK_SIZE):
        created += model.objects.bulk_create(objects[start : start + BULK_SIZE])
        if progress:
            progress(label, len(created))
    return created


def _referral_numbers(plan: checking.Plan) -> dict[int, str]:
    """Numbers 2026-80-000123 for the new referrals, reserved from the per-department, per-year
    sequence exactly as referrals.services._next_number does (one UPDATE per department and year,
    which locks the row until the transaction ends)."""
    by_key: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for index, values in enumerate(plan.records[RecordType.REFERRAL]):
        unit = values["unit"]
        year = timezone.localdate(values["referred_at"]).year
        by_key[(unit.department_id, year, unit.department.code)].append(index)
    numbers = {}
    for (department_id, year, code), indexes in sorted(by_key.items()):
        sequence, _created = ReferralNumberSequence.objects.get_or_create(department_id=department_id, year=year)
        ReferralNumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + len(indexes))
        sequence.refresh_from_db(fields=["last_value"])
        first = sequence.last_value - len(indexes) + 1
        for offset, index in enumerate(indexes):
            numbers[index] = f"{year}-{code}-{first + offset:06d}"
    return numbers


def _referral(values: dict, *, number: str, by: User) -> Referral:
    status, at = values["status"], values["status_at"]
    received = status in (ReferralStatus.RECEIVED, ReferralStatus.TAKEN_UP, ReferralStatus.CLOSED)
    return Referral(
        number=number,
        idempotency_key=uuid.uuid4(),
        unit=values["unit"],
        author=by,
        referred_at=values["referred_at"],
        source=values["source"],
        urgency=values["urgency"],
        description=IMPORTED_DESCRIPTION,
        has_agreement=False,
        status=status,
        status_changed_at=at,
        received_at=at if received else None,
        received_by=by if received else None,
        taken_up_at=at if status == ReferralStatus.TAKEN_UP else None,
        taken_up_by=by if status == ReferralStatus.TAKEN_UP else None,
        closed_at=at if status == ReferralStatus.CLOSED else None,
        closed_by=by if status == ReferralStatus.CLOSED else None,
        closing_reason=values["closing_reason"],
        withdrawn_at=at if status == ReferralStatus.WITHDRAWN else None,
        withdrawn_by=by if status == ReferralStatus.WITHDRAWN else None,
    )


def write_plan(plan: checking.Plan, *, batch: ImportBatch, by: User, progress=None) -> dict[str, int]:
    """Create every record of the plan and its ImportedRecord. Returns counts per record type."""
    post = plan.post
    records = plan.records
    ids: dict[str, dict[str, int]] = defaultdict(dict)  # record type → external id → pk

    def pk_of(record_type: str, ref: checking.Ref) -> int:
        return ref.pk if ref.pk is not None else ids[record_type][ref.external_id]

    # Persons: no name is ever imported, so the search fields are those person_create computes for none.
    persons = [
        Person(
            post=post,
            created_by=by,
            is_anonymous=values["is_anonymous"],
            sex=values["sex"],
            age_class=values["age_class"],
            known_to_social_services=values["known_to_social_services"],
            search_name=normalise_text(" ".join(["", "", ""])),
            name_key=name_key("", ""),
            search_phone=normalise_phone(""),
        )
        for values in records[RecordType.PERSON]
    ]
    for values, person in zip(
        records[RecordType.PERSON], _bulk(Person, persons, progress=progress, label="person"), strict=True
    ):
        ids[RecordType.PERSON][values["external_id"]] = person.pk

    assigned_to = by if by.role == Role.ISCG else None
    followups = [
        FollowUp(
            post=post,
            person_id=pk_of(RecordType.PERSON, values["person"]),
            assigned_to=assigned_to,
            person_role=values["person_role"],
            opened_on=values["opened_on"],
            closed_on=values["closed_on"],
            closing_reason=values["closing_reason"],
            created_by=by,
        )
        for values in records[RecordType.FOLLOWUP]
    ]
    created_followups = _bulk(FollowUp, followups, progress=progress, label="followup")
    problem_links = []
    for values, followup in zip(records[RecordType.FOLLOWUP], created_followups, strict=True):
        ids[RecordType.FOLLOWUP][values["external_id"]] = followup.pk
        problem_links += [
            FollowUp.problems.through(followup_id=followup.pk, problem_id=problem) for problem in values["problems"]
        ]
    _bulk(FollowUp.problems.through, problem_links)

    numbers = _referral_numbers(plan)
    referrals = [
        _referral(values, number=numbers[index], by=by) for index, values in enumerate(records[RecordType.REFERRAL])
    ]
    created_referrals = _bulk(Referral, referrals, progress=progress, label="referral")
    sexes = dict(Person.objects.filter(post=post, pk__in=_person_pks(records, ids)).values_list("pk", "sex"))
    referral_persons, links = [], []
    for values, referral in zip(records[RecordType.REFERRAL], created_referrals, strict=True):
        ids[RecordType.REFERRAL][values["external_id"]] = referral.pk
        for ref, role in values["persons"]:
            referral_persons.append(
                ReferralPerson(
                    referral_id=referral.pk, role=role, sex=sexes.get(pk_of(RecordType.PERSON, ref), "unknown")
                )
            )
        if values["followup"] is not None:
            links.append(
                FollowUpReferral(
                    followup_id=pk_of(RecordType.FOLLOWUP, values["followup"]),
                    referral_id=referral.pk,
                    linked_at=values["status_at"],
                    linked_by=by,
                )
            )
    _bulk(ReferralPerson, referral_persons)
    _bulk(FollowUpReferral, links)

    interventions = [
        Intervention(
            followup_id=pk_of(RecordType.FOLLOWUP, values["followup"]),
            starts_at=values["starts_at"],
            duration_minutes=values["duration_minutes"],
            kind=values["kind"],
            place=values["place"],
            status=values["status"],
            author=by,
        )
        for values in records[RecordType.INTERVENTION]
    ]
    for values, intervention in zip(
        records[RecordType.INTERVENTION],
        _bulk(Intervention, interventions, progress=progress, label="intervention"),
        strict=True,
    ):
        ids[RecordType.INTERVENTION][values["external_id"]] = intervention.pk

    for record_type in (RecordType.ORIENTATION, RecordType.TRANSMISSION):
        orientations = [
            Orientation(
                followup_id=pk_of(RecordType.FOLLOWUP, values["followup"]),
                kind=values["kind"],
                oriented_on=values["oriented_on"],
                partner_id=values["partner_id"],
                partner_type_id=values["partner_type_id"],
                recipient=values["recipient"],
                status=values["status"],
                outcome_on=values["outcome_on"],
                author=by,
            )
            for values in records[record_type]
        ]
        for values, orientation in zip(
            records[record_type], _bulk(Orientation, orientations, progress=progress, label=record_type), strict=True
        ):
            ids[record_type][values["external_id"]] = orientation.pk

    assessments = [
        Assessment(
            followup_id=pk_of(RecordType.FOLLOWUP, values["followup"]),
            assessed_on=values["assessed_on"],
            is_very_serious_danger=values["is_very_serious_danger"],
            children_exposed=values["children_exposed"],
            author=by,
        )
        for values in records[RecordType.ASSESSMENT]
    ]
    form_links = []
    for values, assessment in zip(
        records[RecordType.ASSESSMENT],
        _bulk(Assessment, assessments, progress=progress, label="assessment"),
        strict=True,
    ):
        ids[RecordType.ASSESSMENT][values["external_id"]] = assessment.pk
        form_links += [
            Assessment.violence_forms.through(assessment_id=assessment.pk, violenceform_id=form)
            for form in values["violence_forms"]
        ]
    _bulk(Assessment.violence_forms.through, form_links)

    imported = [
        ImportedRecord(
            batch=batch,
            post=post,
            record_type=record_type,
            external_id=external_id,
            **{f"{TARGET_FIELD[record_type]}_id": pk},
        )
        for record_type in CREATION_ORDER
        for external_id, pk in ids[record_type].items()
    ]
    _bulk(ImportedRecord, imported)
    return {record_type: len(ids[record_type]) for record_type in CREATION_ORDER}


def _person_pks(records, ids) -> list[int]:
    pks = set(ids[RecordType.PERSON].values())
    for values in records[RecordType.REFERRAL]:
        pks |= {ref.pk for ref, _role in values["persons"] if ref.pk is not None}
    return list(pks)


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
