"""Writing a checked plan (imports.checking.Plan) in one transaction: ``bulk_create`` in batches, with
the fields the casework and referrals services compute (search fields of persons, referral numbers
from the per-department sequence, workflow timestamps), so that a 50,000-line file imports in seconds.
Called by imports.services, which owns the batch around it."""

import uuid
from collections import defaultdict

from django.db.models import F
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from casework.models import Assessment, FollowUp, FollowUpReferral, Intervention, Orientation, Person
from casework.normalise import name_key, normalise_phone, normalise_text
from imports import checking
from imports.enums import TARGET_FIELD, RecordType
from imports.format import CREATION_ORDER
from imports.models import ImportBatch, ImportedRecord
from referrals.enums import ReferralStatus
from referrals.models import Referral, ReferralNumberSequence, ReferralPerson

BULK_SIZE = 2000
IMPORTED_DESCRIPTION = "Historique importé."  # a referral's description is required: no free text is imported


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
