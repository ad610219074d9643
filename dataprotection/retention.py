"""Retention (docs/domain.md §9): follow-ups closed, or without activity, for RETENTION_YEARS are anonymised.

Erased: identity (names, birth name, birth date — replaced by the age class at the first held
intervention), contacts (safe phone, e-mail, best time, commune), free texts (intervention summaries
and private notes, assessment needs and risk comment, orientation reasons, referral descriptions,
call-back contacts and addenda, names, birth dates and contacts of the referral's persons).
Kept: sex, age class, roles, problems, places, statuses and every date a bilan reads; record
timestamps (created/updated) and the referral's date of facts go to the first day of the month.
Erasure is by default: on each model, every non-relational field outside ``KEEP`` is blanked, so a
column added later (an encrypted text, a keyed hash) is erased too. Why dates the bilans read are kept
exact: docs/privacy.md.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate, TruncMonth
from django.utils import timezone

from audit.enums import RetainedKind
from audit.models import RetainedRecord
from casework.enums import InterventionStatus, age_class_for, age_on
from casework.models import Assessment, FollowUp, FollowUpReferral, Intervention, Orientation, Person
from referrals.enums import ReferralStatus
from referrals.models import Referral, ReferralAddendum, ReferralPerson

logger = logging.getLogger(__name__)
BATCH_SIZE = 200

KEEP = {
    Person: {
        "id", "public_id", "post", "is_anonymous", "sex", "age_class", "family_situation", "children_count",
        "known_to_social_services", "merged_into", "merged_at", "created_by", "created_at", "updated_at", "version",
    },
    FollowUp: {
        "id", "public_id", "post", "person", "assigned_to", "person_role", "opened_on", "closed_on", "closing_reason",
        "created_by", "created_at", "updated_at", "version",
    },
    Intervention: {
        "id", "public_id", "followup", "starts_at", "duration_minutes", "kind", "place", "status", "author",
        "created_at", "updated_at", "version",
    },
    Assessment: {
        "id", "public_id", "followup", "assessed_on", "risk_level", "is_very_serious_danger", "children_exposed",
        "known_to_social_services", "author", "created_at",
    },
    Orientation: {
        # The recipient is an institution (CRIP, parquet), required on child-protection transmissions.
        "id", "public_id", "followup", "kind", "oriented_on", "partner", "partner_type", "recipient", "status",
        "outcome_on", "author", "created_at", "updated_at", "version",
    },
    Referral: {
        "id", "public_id", "number", "idempotency_key", "unit", "author", "facts_at", "referred_at", "source",
        "urgency", "has_agreement", "children_count", "status", "status_changed_at", "received_at", "received_by",
        "taken_up_at", "taken_up_by", "closed_at", "closed_by", "closing_reason", "withdrawn_at", "withdrawn_by",
        "created_at", "updated_at",
    },
    ReferralPerson: {"id", "referral", "role", "sex", "age"},
    ReferralAddendum: {"id", "public_id", "referral", "author", "created_at"},
}  # fmt: skip
TO_THE_MONTH = {
    Person: ["created_at", "updated_at"],
    FollowUp: ["created_at", "updated_at"],
    Intervention: ["created_at", "updated_at"],
    Assessment: ["created_at"],
    Orientation: ["created_at", "updated_at"],
    Referral: ["created_at", "updated_at", "facts_at"],
    ReferralAddendum: ["created_at"],
}


def _blank(model_field):
    if model_field.null:
        return None
    if isinstance(model_field, models.CharField | models.TextField):
        return ""
    return model_field.get_default()


def erasure(model) -> dict:
    """The ``update()`` arguments that erase a model's content and truncate its timestamps to the month."""
    values = {
        f.name: _blank(f)
        for f in model._meta.concrete_fields
        if f.name not in KEEP[model] and not f.is_relation and not f.primary_key and not f.unique
    }
    values.update({name: TruncMonth(name) for name in TO_THE_MONTH.get(model, [])})
    return values


def retention_cutoff(today: datetime.date) -> datetime.date:
    """Activity on or before this date is older than the retention period."""
    years = settings.RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _latest(queryset, field_name: str, output_field):
    return Subquery(
        queryset.filter(followup=OuterRef("pk")).order_by(f"-{field_name}").values(field_name)[:1],
        output_field=output_field,
    )


def with_last_activity(queryset):
    """Annotate ``last_activity``: the latest of opening, closing, interventions, assessments, orientations."""
    opened = F("opened_on")
    return queryset.annotate(
        last_activity=Greatest(
            opened,
            Coalesce("closed_on", opened),
            Coalesce(TruncDate(_latest(Intervention.objects, "starts_at", models.DateTimeField())), opened),
            Coalesce(_latest(Assessment.objects, "assessed_on", models.DateField()), opened),
            Coalesce(_latest(Orientation.objects, "oriented_on", models.DateField()), opened),
            Coalesce(_latest(Orientation.objects.exclude(outcome_on=None), "outcome_on", models.DateField()), opened),
            output_field=models.DateField(),
        )
    )


def _retained(kind: str):
    return RetainedRecord.objects.filter(kind=kind).values("object_id")


def due_followups(*, today: datetime.date):
    """Follow-ups whose last activity is older than the retention period and not anonymised yet."""
    return (
        with_last_activity(FollowUp.objects.exclude(pk__in=_retained(RetainedKind.FOLLOWUP)))
        .filter(last_activity__lte=retention_cutoff(today))
        .order_by("pk")
    )


def upcoming_count(*, department, today: datetime.date | None = None) -> int:
    """How many follow-ups of a department will be anonymised within RETENTION_WARNING_DAYS (no names)."""
    horizon = (today or timezone.localdate()) + datetime.timedelta(days=settings.RETENTION_WARNING_DAYS)
    return due_followups(today=horizon).filter(post__department=department).count()


def _due_referrals(*, today: datetime.date, followup_ids):
    """Referrals taken up by the follow-ups anonymised, and referrals closed or withdrawn without one."""
    cutoff = timezone.make_aware(datetime.datetime.combine(retention_cutoff(today), datetime.time.max))
    linked = Q(pk__in=FollowUpReferral.objects.filter(followup_id__in=followup_ids).values("referral_id"))
    without_followup = Q(
        status__in=[ReferralStatus.CLOSED, ReferralStatus.WITHDRAWN], status_changed_at__lte=cutoff
    ) & ~Exists(FollowUpReferral.objects.filter(referral=OuterRef("pk")))
    return Referral.objects.exclude(pk__in=_retained(RetainedKind.REFERRAL)).filter(linked | without_followup)


def _due_persons(due_followup_pks):
    """Persons all of whose follow-ups (their own and as household members) are anonymised or due, and the
    records merged into them."""
    pending = FollowUp.objects.exclude(pk__in=_retained(RetainedKind.FOLLOWUP)).exclude(pk__in=due_followup_pks)
    own = FollowUp.objects.filter(person=OuterRef("pk"))
    household = FollowUp.objects.filter(household_members=OuterRef("pk"))
    persons = (
        Person.objects.exclude(pk__in=_retained(RetainedKind.PERSON))
        .filter(Exists(own) | Exists(household))
        .exclude(Exists(pending.filter(person=OuterRef("pk"))))
        .exclude(Exists(pending.filter(household_members=OuterRef("pk"))))
    )
    ids = set(persons.values_list("pk", flat=True))
    merged = Person.objects.exclude(pk__in=_retained(RetainedKind.PERSON)).filter(
        Q(merged_into__in=ids) | Q(merged_into__in=_retained(RetainedKind.PERSON))
    )
    return sorted(ids | set(merged.values_list("pk", flat=True)))


@dataclass
class RetentionReport:
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + count


def _batches(ids):
    ids = list(ids)
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def _mark(kind: str, ids) -> None:
    RetainedRecord.objects.bulk_create([RetainedRecord(kind=kind, object_id=pk) for pk in ids], ignore_conflicts=True)


@transaction.atomic
def _anonymise_followups(ids, report: RetentionReport) -> None:
    report.add("followups", FollowUp.objects.filter(pk__in=ids).update(**erasure(FollowUp)))
    report.add("interventions", Intervention.objects.filter(followup__in=ids).update(**erasure(Intervention)))
    report.add("assessments", Assessment.objects.filter(followup__in=ids).update(**erasure(Assessment)))
    report.add("orientations", Orientation.objects.filter(followup__in=ids).update(**erasure(Orientation)))
    _mark(RetainedKind.FOLLOWUP, ids)


@transaction.atomic
def _anonymise_referrals(ids, report: RetentionReport) -> None:
    for person in ReferralPerson.objects.filter(
        referral__in=ids, birth_date__isnull=False, age__isnull=True
    ).select_related("referral"):
        age = age_on(person.birth_date, timezone.localdate(person.referral.referred_at))
        ReferralPerson.objects.filter(pk=person.pk).update(age=min(max(age, 0), 120))
    ReferralPerson.objects.filter(referral__in=ids).update(**erasure(ReferralPerson))
    ReferralAddendum.objects.filter(referral__in=ids).update(**erasure(ReferralAddendum))
    report.add("referrals", Referral.objects.filter(pk__in=ids).update(**erasure(Referral)))
    _mark(RetainedKind.REFERRAL, ids)


def _age_classes(ids) -> dict[int, str]:
    """The age class at the first held intervention (else at the first follow-up), from the birth date."""
    first_held = (
        Intervention.objects.filter(followup__person=OuterRef("pk"), status=InterventionStatus.HELD)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    first_opened = FollowUp.objects.filter(person=OuterRef("pk")).order_by("opened_on").values("opened_on")[:1]
    rows = (
        Person.objects.filter(pk__in=ids, birth_date__isnull=False)
        .annotate(first_held_at=Subquery(first_held), first_opened_on=Subquery(first_opened))
        .values_list("pk", "birth_date", "first_held_at", "first_opened_on")
    )
    classes = {}
    for pk, birth_date, first_held_at, first_opened_on in rows:
        on = timezone.localdate(first_held_at) if first_held_at else (first_opened_on or timezone.localdate())
        classes[pk] = age_class_for(age_on(birth_date, on))
    return classes


@transaction.atomic
def _anonymise_persons(ids, report: RetentionReport) -> None:
    by_class: dict[str, list[int]] = {}
    for pk, age_class in _age_classes(ids).items():
        by_class.setdefault(age_class, []).append(pk)
    for age_class, pks in by_class.items():
        Person.objects.filter(pk__in=pks).update(age_class=age_class)
    report.add("persons", Person.objects.filter(pk__in=ids).update(is_anonymous=True, **erasure(Person)))
    _mark(RetainedKind.PERSON, ids)


def apply_retention(*, today: datetime.date | None = None, dry_run: bool = False) -> RetentionReport:
    """Anonymise what is due, one transaction per batch; the report holds counts only."""
    today = today or timezone.localdate()
    report = RetentionReport(dry_run=dry_run)
    due = due_followups(today=today)
    followup_ids = list(due.values_list("pk", flat=True))
    person_ids = _due_persons(due.values("pk"))
    referral_ids = list(
        _due_referrals(today=today, followup_ids=followup_ids).order_by("pk").values_list("pk", flat=True)
    )
    if dry_run:
        report.counts = {
            "followups": len(followup_ids),
            "interventions": Intervention.objects.filter(followup__in=followup_ids).count(),
            "assessments": Assessment.objects.filter(followup__in=followup_ids).count(),
            "orientations": Orientation.objects.filter(followup__in=followup_ids).count(),
            "referrals": len(referral_ids),
            "persons": len(person_ids),
        }
    else:
        for batch in _batches(followup_ids):
            _anonymise_followups(batch, report)
        for batch in _batches(referral_ids):
            _anonymise_referrals(batch, report)
        for batch in _batches(person_ids):
            _anonymise_persons(batch, report)
    logger.info(
        "apply_retention%s: %s",
        " (dry run)" if dry_run else "",
        ", ".join(f"{name}={count}" for name, count in sorted(report.counts.items())) or "nothing due",
    )
    return report
