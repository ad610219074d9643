"""Writes of the access journal (one entry per read, export, change or refused attempt) and its purge."""

import datetime
import logging
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from audit.enums import JournalAction, RecordType
from audit.models import AccessEntry

logger = logging.getLogger(__name__)

# record type -> (model, path to its department)
RECORD_MODELS = {
    RecordType.PERSON: ("casework.Person", "post__department"),
    RecordType.FOLLOWUP: ("casework.FollowUp", "post__department"),
    RecordType.INTERVENTION: ("casework.Intervention", "followup__post__department"),
    RecordType.ORIENTATION: ("casework.Orientation", "followup__post__department"),
    RecordType.REFERRAL: ("referrals.Referral", "unit__department"),
    RecordType.IMPORT_BATCH: ("imports.ImportBatch", "post__department"),
    RecordType.ADOPTED_BILAN: ("reporting.AdoptedBilan", "department"),
}
PURGE_SETTING = "iscg.journal_purge"  # the PostgreSQL trigger lets DELETE through only when it is "on"


def _record_type_of(obj) -> RecordType:
    label = obj._meta.label
    for record_type, (model_label, _path) in RECORD_MODELS.items():
        if model_label == label:
            return record_type
    raise ValueError(f"{label} is not a journaled record")


def _department_id_of(obj, path: str) -> int | None:
    *relations, last = path.split("__")
    for name in relations:
        obj = getattr(obj, name)
    return getattr(obj, f"{last}_id")


def _scope_department_id(request) -> int | None:
    departments = request.scope.department_ids
    return next(iter(departments)) if len(departments) == 1 else None


def _post_id_of(obj, path: str) -> int | None:
    """The post a record belongs to (persons, follow-ups and their content, import batches), else None."""
    if not path.endswith("post__department"):
        return None
    return _department_id_of(obj, path.removesuffix("__department"))


def _write(request, *, record_type, public_id, action, department_id, **extra) -> AccessEntry:
    return AccessEntry.objects.create(
        user_id=request.user.pk,
        role=request.scope.role or "",
        record_type=record_type,
        record_public_id=public_id,
        action=action,
        request_id=getattr(request, "request_id", "") or "",
        department_id=department_id,
        **extra,
    )


def journal_read(request, obj, *, action: str = JournalAction.READ, **extra) -> AccessEntry:
    """One entry for a person-level page (or export, ``action=EXPORT``) shown to the user."""
    record_type = _record_type_of(obj)
    path = RECORD_MODELS[record_type][1]
    return _write(
        request,
        record_type=record_type,
        public_id=obj.public_id,
        action=action,
        department_id=_department_id_of(obj, path),
        post_id=_post_id_of(obj, path),
        **extra,
    )


def journal_access_request(request, person, *, received_on: datetime.date, channel: str) -> AccessEntry:
    """The right-of-access export of a person: the post that answered, when and how the person asked."""
    return journal_read(
        request, person, action=JournalAction.EXPORT, request_received_on=received_on, request_channel=channel
    )


def journal_export(request, obj=None, *, record_type: str | None = None) -> AccessEntry:
    """An export: of a record (``obj``), or of something without a public id (``record_type``: the agenda)."""
    if obj is not None:
        return journal_read(request, obj, action=JournalAction.EXPORT)
    department_id = _scope_department_id(request)
    return _write(
        request, record_type=record_type, public_id=None, action=JournalAction.EXPORT, department_id=department_id
    )


def journal_attempt(request, *, record_type: str, public_id, action: str) -> AccessEntry:
    """A refused attempt or a change, known by the URL only: the record's department is looked up."""
    department_id = None
    if public_id is not None and record_type in RECORD_MODELS:
        model_label, path = RECORD_MODELS[record_type]
        model = apps.get_model(model_label)
        department_id = model._base_manager.filter(public_id=public_id).values_list(path, flat=True).first()
    if department_id is None:
        department_id = _scope_department_id(request)
    return _write(request, record_type=record_type, public_id=public_id, action=action, department_id=department_id)


@dataclass(frozen=True)
class Consultations:
    """The follow-up page's panel: the others' latest consultations, then the reader's own, counted."""

    others: list
    own_count: int
    own_last: datetime.datetime | None


def followup_consultations(followup, viewer, *, limit: int = 10) -> Consultations:
    """Who consulted a follow-up lately: the others first (newest first), the reader's own visits grouped."""
    entries = AccessEntry.objects.for_record(RecordType.FOLLOWUP, followup.public_id)
    own = entries.filter(user=viewer).aggregate(count=Count("pk"), last=Max("at"))
    others = list(entries.exclude(user=viewer).with_list_data()[:limit])
    return Consultations(others=others, own_count=own["count"], own_last=own["last"])


def journal_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=settings.ACCESS_JOURNAL_RETENTION_DAYS)


def _set_purge_flag(value: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [PURGE_SETTING, value])  # SET LOCAL


def journal_purge(*, now: datetime.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete access entries and change-history entries older than the retention (counts only in the logs)."""
    from auditlog.models import LogEntry

    cutoff = journal_cutoff(now)
    expired = AccessEntry.objects.filter(at__lt=cutoff)
    history = LogEntry.objects.filter(timestamp__lt=cutoff)
    counts = {"access_entries": expired.count(), "history_entries": history.count()}
    if not dry_run:
        with transaction.atomic():
            _set_purge_flag("on")
            try:
                counts["access_entries"] = expired._purge()
                counts["history_entries"] = history.delete()[0]
            finally:
                _set_purge_flag("off")  # SET LOCAL outlives a savepoint: switch it off at once
    logger.info(
        "purge_access_journal%s: %d access entries, %d history entries older than %d days",
        " (dry run)" if dry_run else "",
        counts["access_entries"],
        counts["history_entries"],
        settings.ACCESS_JOURNAL_RETENTION_DAYS,
    )
    return counts


def journal_assignment(request, assignment, *, action: str) -> AccessEntry:
    """A post assignment requested (``REQUEST``) or confirmed (``CONFIRM``): the record is the staff
    account (its public id, never a person followed), filed under the post and its department."""
    return _write(
        request,
        record_type=RecordType.ASSIGNMENT,
        public_id=assignment.user.public_id,
        action=action,
        department_id=assignment.post.department_id,
        post_id=assignment.post_id,
    )
