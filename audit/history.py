"""Change history (django-auditlog): what is tracked, what is masked, and the follow-up page's view of it.

Masking is by default: on person-level models only the fields listed in ``CLEAR_FIELDS`` keep their
values in the history; every other field (names, birth date, contacts, free texts, and any field
added later, e.g. an encrypted column) is recorded as "changed" with its content replaced by
``MASK``. The object representation stored with each entry is neutral (model + primary key), never
``str(instance)`` (a person's name).

The tables below name other apps' models by label only: audit is a leaf and imports no domain app. Which
records a page's history gathers is the page's app's business (casework.history for the follow-up page).
"""

import datetime
import functools
import operator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

MASK = "***"

# Timestamps and derived search columns are left out of the history altogether.
EXCLUDED_FIELDS = {"created_at", "updated_at", "version", "search_name", "name_key", "search_phone", "idempotency_key"}

CLEAR_FIELDS = {
    "casework.Person": {
        "id", "public_id", "post", "is_anonymous", "sex", "age_class", "family_situation", "children_count",
        "known_to_social_services", "merged_into", "merged_at", "created_by",
    },
    "casework.FollowUp": {
        "id", "public_id", "post", "person", "assigned_to", "person_role", "opened_on", "closed_on",
        "closing_reason", "created_by",
    },
    "casework.Intervention": {
        "id", "public_id", "followup", "starts_at", "duration_minutes", "kind", "place", "status", "author",
    },
    "casework.Assessment": {
        "id", "public_id", "followup", "assessed_on", "risk_level", "is_very_serious_danger", "children_exposed",
        "known_to_social_services", "author",
    },
    "casework.Orientation": {
        "id", "public_id", "followup", "kind", "oriented_on", "partner", "partner_type", "status", "outcome_on",
        "author",
    },
    "referrals.Referral": {
        "id", "public_id", "number", "unit", "author", "facts_at", "referred_at", "source", "urgency",
        "has_agreement", "children_count", "status", "status_changed_at", "received_at", "received_by",
        "taken_up_at", "taken_up_by", "closed_at", "closed_by", "closing_reason", "withdrawn_at", "withdrawn_by",
    },
}  # fmt: skip
# Financial records hold no personal data: every field keeps its values.
UNMASKED_MODELS = ("conventions.Convention", "conventions.FundingRule")
M2M_FIELDS = {
    "casework.FollowUp": {"problems"},
    "casework.Assessment": {"problems", "violence_forms"},
    "referrals.Referral": {"problems"},
}


def mask_value(value: str) -> str:
    """AUDITLOG_MASK_CALLABLE: says whether there was a value, never what it was."""
    return "" if value in ("", "None") else MASK


def tracked_models() -> list[str]:
    return [*CLEAR_FIELDS, *UNMASKED_MODELS]


def masked_fields(model) -> list[str]:
    if model._meta.label not in CLEAR_FIELDS:
        return []
    clear = CLEAR_FIELDS[model._meta.label]
    return [f.name for f in model._meta.concrete_fields if f.name not in clear and f.name not in EXCLUDED_FIELDS]


def register_history() -> None:
    """Called from AuditConfig.ready(): no other app needs to know about the history."""
    from auditlog.registry import auditlog

    for label in tracked_models():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        names = {f.name for f in model._meta.concrete_fields}
        auditlog.register(
            model,
            exclude_fields=sorted(names & EXCLUDED_FIELDS),
            mask_fields=masked_fields(model),
            m2m_fields=M2M_FIELDS.get(label, set()),
        )


def neutral_object_repr(sender, instance, **kwargs) -> None:
    """pre_save of LogEntry: the stored representation is the model and primary key, never a name."""
    if instance.content_type_id:
        instance.object_repr = f"{instance.content_type.model} #{instance.object_pk}"


# ---- A page's history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str
    is_masked: bool


@dataclass(frozen=True)
class HistoryRow:
    at: object
    actor: str
    record: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)


# Internal columns the people reading the history have no use for (identifiers, counters, reverse links).
INTERNAL_FIELDS = {"id", "public_id", "version", "merged_records", *EXCLUDED_FIELDS}


def _is_shown(model_field) -> bool:
    """A field the page may name: a concrete field or a many-to-many of the model, not an internal one."""
    if model_field is None or model_field.name in INTERNAL_FIELDS:
        return False
    if not isinstance(model_field, models.Field):
        return False  # a reverse relation (e.g. the records merged into a person)
    return not model_field.primary_key and (model_field.concrete or model_field.many_to_many)


def _display(model_field, value) -> str:
    """The value as the forms show it: choice labels, yes/no, dates and times in French and Paris time."""
    if value in (None, "", "None"):
        return "—"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value in (True, "True") else _("No")
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is not None:
            if timezone.is_naive(moment):  # django-auditlog stores naive UTC times
                moment = timezone.make_aware(moment, datetime.UTC)
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    elif isinstance(model_field, models.DateField):
        day = parse_date(str(value))
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    return str(value)


# Links the history names (the users, posts and partners a form offers); other links (the person, the
# follow-up the record belongs to) say only that they changed.
NAMED_RELATIONS = ("accounts.User", "organisation.Post", "organisation.Partner", "organisation.PartnerType")


def _relation_name(obj) -> str:
    return (obj.get_full_name() or obj.email) if hasattr(obj, "get_full_name") else str(obj)


def _related_names(pairs) -> dict:
    """{(model label, primary key as text): name} for the named links of ``pairs`` (model, entry):
    one query per kind of link, whatever the entries."""
    wanted: dict = {}
    for model, entry in pairs:
        for name, value in (entry.changes_dict or {}).items():
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            related = getattr(model_field, "related_model", None)
            if not model_field.many_to_one or related is None or related._meta.label not in NAMED_RELATIONS:
                continue
            if name in masked_fields(model) or not isinstance(value, list):
                continue
            wanted.setdefault(related, set()).update(v for v in value if v not in (None, "", "None"))
    names = {}
    for label in NAMED_RELATIONS:
        related = apps.get_model(label)
        # Always one query per kind (an empty list would skip it): the page's cost stays the same
        # whatever the entries hold (tests/casework/test_views.py counts it).
        keys = [key for key in wanted.get(related, ()) if str(key).isdigit()] or [0]
        for obj in related._default_manager.filter(pk__in=keys):
            names[(label, str(obj.pk))] = _relation_name(obj)
    return names


def _changes(model, entry, names: dict, *, page_model: str) -> list[FieldChange]:
    masked = set(masked_fields(model))
    rows = []
    for name, value in sorted((entry.changes_dict or {}).items()):
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field removed since: nothing to name
            model_field = None
        if not _is_shown(model_field):
            continue
        label = capfirst(str(model_field.verbose_name))
        if isinstance(value, dict) and value.get("type") == "m2m":
            sign = "+" if value.get("operation") == "add" else "−"
            rows.append(FieldChange(label, "", f"{sign} {', '.join(value.get('objects', []))}", False))
        elif name in masked:
            rows.append(FieldChange(label, "", "", True))
        elif model_field.is_relation:
            related = model_field.related_model._meta.label
            if related == page_model:
                continue  # the record of the page itself
            if related not in NAMED_RELATIONS:
                rows.append(FieldChange(label, "", "", True))
                continue
            old, new = [*list(value), None, None][:2]
            old, new = (names.get((related, str(v)), "—") for v in (old, new))
            if old != new:
                rows.append(FieldChange(label, old, new, False))
        else:
            old, new = [*list(value), None, None][:2]
            if _display(model_field, old) != _display(model_field, new):  # not e.g. nothing to an empty text
                rows.append(FieldChange(label, _display(model_field, old), _display(model_field, new), False))
    return rows


def records_history(records: dict, *, limit: int = 30, page_model: str = "") -> list[HistoryRow]:
    """The changes of some records, newest first, one row per save. ``records`` maps each model to the
    primary keys of its rows (a list or a ``values("pk")`` queryset); links to ``page_model`` (the record
    of the page itself) are left out. The page says which records: e.g. casework.history.followup_history."""
    from auditlog.models import LogEntry

    types = ContentType.objects.get_for_models(*records)
    condition = functools.reduce(
        operator.or_, (Q(content_type=types[model], object_id__in=pks) for model, pks in records.items())
    )
    entries = list(LogEntry.objects.filter(condition).select_related("actor").order_by("-timestamp", "-pk")[:limit])
    models_by_type = {content_type.pk: model for model, content_type in types.items()}
    names = _related_names((models_by_type[entry.content_type_id], entry) for entry in entries)
    actions = {0: _("Creation"), 1: _("Change"), 2: _("Deletion")}
    rows: list[HistoryRow] = []
    previous = None
    for entry in entries:
        model = models_by_type[entry.content_type_id]
        changes = _changes(model, entry, names, page_model=page_model)
        # One save may write several entries (the row, then its many-to-many links): one row per save.
        key = (entry.cid, entry.content_type_id, entry.object_id, entry.actor_id)
        if rows and entry.cid and key == previous:
            merged = rows[-1]
            action = entry.action if entry.action != LogEntry.Action.UPDATE else None
            rows[-1] = HistoryRow(
                at=merged.at,
                actor=merged.actor,
                record=merged.record,
                action=actions[action] if action is not None else merged.action,
                changes=sorted([*changes, *merged.changes], key=lambda change: change.label),
            )
            continue
        if entry.action == LogEntry.Action.UPDATE and not changes:
            previous = None
            continue  # only internal columns changed
        previous = key
        rows.append(
            HistoryRow(
                at=entry.timestamp,
                actor=(entry.actor.get_full_name() or entry.actor.email) if entry.actor else _("the system"),
                record=str(model._meta.verbose_name),
                action=actions.get(entry.action, ""),
                changes=changes,
            )
        )
    return rows


def record_update(old, new) -> None:
    """Record a change written with ``QuerySet.update()`` (no signal reaches django-auditlog): the
    versioned saves of casework.services must call this with the row before and after (docs/privacy.md)."""
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog

    if not auditlog.contains(type(new)):
        return
    changes = model_instance_diff(old, new)
    if changes:
        LogEntry.objects.log_create(new, action=LogEntry.Action.UPDATE, changes=changes)
