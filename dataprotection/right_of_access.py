"""Right of access (docs/domain.md §9): everything held about one person, for the person's request.

Reached by the reference the ISCG gives (short reference or public id), within the department of the
coordinator or the post of the ISCG. Left out on purpose: private notes (their author's working notes,
counted only), danger-grid answers (never in exports, docs/domain.md §5: the grids are counted), and other
people's identities (the referral's other persons are listed by role only; household members by
reference).
"""

import uuid

from django.utils import timezone

from casework.models import FollowUp, Person
from organisation import access


def exportable_persons(scope):
    return Person.objects.filter(access.person_export_q(scope)).select_related("post", "post__department")


def find_person(scope, reference: str) -> Person | None:
    """The person of the user's scope with this public id or short reference (None if none, or ambiguous)."""
    reference = reference.strip().replace(" ", "")
    try:
        return exportable_persons(scope).get(public_id=uuid.UUID(reference))
    except (ValueError, Person.DoesNotExist):
        pass
    if len(reference) != 8:
        return None
    matches = list(exportable_persons(scope).filter(public_id__istartswith=reference.lower())[:2])
    return matches[0] if len(matches) == 1 else None


def _date(value):
    if value is None:
        return None
    if hasattr(value, "hour"):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()


def _referral(referral) -> dict:
    return {
        "number": referral.number,
        "referred_at": _date(referral.referred_at),
        "facts_at": _date(referral.facts_at),
        "channel": referral.get_source_display(),
        "urgency": referral.get_urgency_display(),
        "status": referral.get_status_display(),
        "description": referral.description,
        "situation_categories": [problem.name for problem in referral.problems.all()],
        "persons_concerned_roles": [person.get_role_display() for person in referral.persons.all()],
        "additional_information": [
            {"added_at": _date(addendum.created_at), "text": addendum.text} for addendum in referral.addenda.all()
        ],
        "danger_grids_filled": len(referral.danger_assessments.all()),
    }


def _followup(followup) -> dict:
    interventions = list(followup.interventions.all())
    return {
        "reference": followup.reference,
        "post": followup.post.name,
        "opened_on": _date(followup.opened_on),
        "closed_on": _date(followup.closed_on),
        "closing_reason": followup.get_closing_reason_display(),
        "role": followup.get_person_role_display(),
        "problems": [problem.name for problem in followup.problems.all()],
        "household_members": [member.reference for member in followup.household_members.all()],
        "interventions": [
            {
                "date": _date(intervention.starts_at),
                "duration_minutes": intervention.duration_minutes,
                "type": intervention.get_kind_display(),
                "place": intervention.get_place_display(),
                "status": intervention.get_status_display(),
                "summary": intervention.summary,
            }
            for intervention in interventions
        ],
        "private_notes_count": sum(1 for intervention in interventions if intervention.private_note),
        "assessments": [
            {
                "date": _date(assessment.assessed_on),
                "problems": [problem.name for problem in assessment.problems.all()],
                "needs": assessment.needs,
                "risk": assessment.get_risk_level_display(),
                "risk_comment": assessment.risk_comment,
                "very_serious_danger": assessment.is_very_serious_danger,
                "children_exposed": assessment.children_exposed,
            }
            for assessment in followup.assessments.all()
        ],
        "orientations": [
            {
                "date": _date(orientation.oriented_on),
                "kind": orientation.get_kind_display(),
                "to": orientation.recipient_display,
                "reason": orientation.reason,
                "status": orientation.get_status_display(),
                "outcome_on": _date(orientation.outcome_on),
            }
            for orientation in followup.orientations.all()
        ],
        "referrals": [_referral(referral) for referral in followup.referrals.all()],
    }


def person_data(person: Person) -> dict:
    """The export's content (JSON as is; the PDF prints it)."""
    followups = (
        FollowUp.objects.filter(person=person)
        .select_related("post")
        .prefetch_related(
            "problems",
            "household_members",
            "interventions",
            "assessments__problems",
            "orientations__partner",
            "orientations__partner_type",
            "referrals__problems",
            "referrals__persons",
            "referrals__addenda",
            "referrals__danger_assessments",
        )
        .order_by("opened_on", "pk")
    )
    return {
        "reference": person.reference,
        "public_id": str(person.public_id),
        "exported_at": timezone.localtime().isoformat(timespec="minutes"),
        "person": {
            "last_name": person.last_name,
            "first_name": person.first_name,
            "birth_name": person.birth_name,
            "anonymous": person.is_anonymous,
            "sex": person.get_sex_display(),
            "birth_date": _date(person.birth_date),
            "age_class": person.get_age_class_display(),
            "safe_phone": person.safe_phone,
            "safe_email": person.safe_email,
            "best_time": person.best_time,
            "commune": person.commune,
            "family_situation": person.get_family_situation_display(),
            "children_count": person.children_count,
            "children_ages": person.children_ages,
            "known_to_social_services": person.get_known_to_social_services_display(),
            "post": person.post.name,
            "recorded_on": _date(person.created_at),
        },
        "followups": [_followup(followup) for followup in followups],
        "household_of": [
            followup.reference
            for followup in FollowUp.objects.filter(household_members=person).order_by("opened_on", "pk")
        ],
        "merged_records": [merged.reference for merged in person.merged_records.order_by("merged_at", "pk")],
    }
