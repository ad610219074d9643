"""Demo casework: the follow-ups of the activity plan (demo.activity), consistent with the referrals.

Each referral the demo took up is linked to the follow-up it opened (or joined, when the person was
already followed); other follow-ups began with a spontaneous visit. Interventions cover every type,
place and status, with planned ones ahead; assessments flag children exposed and, for a few, a very
serious danger; orientations reach every status, across partner types; a few child-protection
transmissions are recorded; most follow-ups are closed, for every reason.

Written in bulk, with every field the casework services would set: the person's search fields
(casework.normalise), the follow-up's problems joined by its referrals' and assessments' problems,
the link of each referral. Idempotent: a post that already has persons is skipped.
"""

from django.db.models import Prefetch

from casework.models import (
    Assessment,
    FollowUp,
    FollowUpReferral,
    Intervention,
    Orientation,
    Person,
    ViolenceForm,
)
from casework.normalise import name_key, normalise_phone, normalise_text
from demo.activity import CasePlan, PersonPlan, PostPlan, department_plans
from organisation.models import Partner, PartnerType
from referrals.models import Problem, Referral

BATCH = 500


def seed_casework(territory: dict) -> int:
    """The casework of every demo post; returns how many follow-ups this run created."""
    problems = {problem.code: problem for problem in Problem.objects.all()}
    forms = {form.code: form for form in ViolenceForm.objects.all()}
    partner_types = {partner_type.code: partner_type for partner_type in PartnerType.objects.all()}
    created = 0
    for data in territory.values():
        if all(Person.objects.filter(post=post).exists() for post in data["posts"]):
            continue
        directory = {}  # partner type code → the department's partner of that type
        partners = Partner.objects.filter(department=data["department"], is_active=True).select_related("partner_type")
        for partner in partners.order_by("name", "pk"):
            directory.setdefault(partner.partner_type.code, partner)
        for plan in department_plans(data):
            if Person.objects.filter(post=plan.post).exists():
                continue
            created += _seed_post(plan, problems=problems, forms=forms, types=partner_types, directory=directory)
    return created


def person_row(person: PersonPlan, *, post, by) -> Person:
    """The record casework.services.person_create would store, search fields included."""
    identity = person.identity
    return Person(
        post=post,
        last_name=identity.last_name,
        first_name=identity.first_name,
        is_anonymous=identity.is_anonymous,
        sex=identity.sex,
        birth_date=identity.birth_date,
        age_class=person.age_class,
        safe_phone=identity.phone,
        safe_email=identity.email,
        best_time=identity.best_time,
        commune=person.commune,
        family_situation=person.family_situation,
        children_count=person.children_count,
        children_ages=person.children_ages,
        known_to_social_services=person.known_to_social_services,
        search_name=normalise_text(f"{identity.last_name} {identity.first_name} "),
        name_key=name_key(identity.last_name, identity.first_name),
        search_phone=normalise_phone(identity.phone),
        created_by=by,
    )


def _seed_post(plan: PostPlan, *, problems, forms, types, directory) -> int:
    iscg = plan.iscg
    keys = [referral.key for case in plan.cases for referral in case.referrals]
    referral_rows = {
        row.idempotency_key: row
        for row in Referral.objects.filter(idempotency_key__in=keys).prefetch_related(
            Prefetch("problems", queryset=Problem.objects.only("code"))
        )
    }
    # A follow-up whose referrals were not seeded (seed_referrals not run) is left out.
    cases = [case for case in plan.cases if all(referral.key in referral_rows for referral in case.referrals)]

    persons: dict[int, Person] = {}
    for case in cases:
        if id(case.person) not in persons:
            persons[id(case.person)] = person_row(case.person, post=plan.post, by=iscg)
    Person.objects.bulk_create(persons.values(), batch_size=BATCH)

    followups = [
        FollowUp(
            post=plan.post,
            person=persons[id(case.person)],
            person_role=case.role,
            opened_on=case.opened_on,
            closed_on=case.closed_on,
            closing_reason=case.closing_reason,
            assigned_to=iscg,
            created_by=iscg,
            version=1 + len(case.referrals),
        )
        for case in cases
    ]
    FollowUp.objects.bulk_create(followups, batch_size=BATCH)

    problem_links, referral_links = [], []
    for followup, case in zip(followups, cases, strict=True):
        codes = dict.fromkeys(case.problems)
        for referral in case.referrals:
            row = referral_rows[referral.key]
            codes.update(dict.fromkeys(problem.code for problem in row.problems.all()))
            referral_links.append(
                FollowUpReferral(followup=followup, referral=row, linked_at=referral.taken_up_at, linked_by=iscg)
            )
        for assessment in case.assessments:
            codes.update(dict.fromkeys(assessment.problems))
        problem_links += [
            FollowUp.problems.through(followup_id=followup.pk, problem_id=problems[code].pk)
            for code in codes
            if code in problems
        ]
    FollowUp.problems.through.objects.bulk_create(problem_links, batch_size=BATCH)
    FollowUpReferral.objects.bulk_create(referral_links, batch_size=BATCH)

    Intervention.objects.bulk_create(
        [
            Intervention(
                followup=followup,
                author=iscg,
                starts_at=item.starts_at,
                duration_minutes=item.duration_minutes,
                kind=item.kind,
                place=item.place,
                status=item.status,
                summary=item.summary,
                private_note=item.private_note,
            )
            for followup, case in zip(followups, cases, strict=True)
            for item in case.interventions
        ],
        batch_size=BATCH,
    )
    _seed_assessments(followups, cases, iscg=iscg, problems=problems, forms=forms)
    Orientation.objects.bulk_create(
        [
            _orientation(followup, item, iscg=iscg, types=types, directory=directory)
            for followup, case in zip(followups, cases, strict=True)
            for item in case.orientations
        ],
        batch_size=BATCH,
    )
    return len(followups)


def _seed_assessments(followups, cases: list[CasePlan], *, iscg, problems, forms) -> None:
    pairs = [(followup, item) for followup, case in zip(followups, cases, strict=True) for item in case.assessments]
    rows = [
        Assessment(
            followup=followup,
            author=iscg,
            assessed_on=item.assessed_on,
            needs=item.needs,
            risk_level=item.risk_level,
            risk_comment=item.risk_comment,
            is_very_serious_danger=item.is_very_serious_danger,
            children_exposed=item.children_exposed,
            known_to_social_services=item.known_to_social_services,
        )
        for followup, item in pairs
    ]
    Assessment.objects.bulk_create(rows, batch_size=BATCH)
    Assessment.problems.through.objects.bulk_create(
        [
            Assessment.problems.through(assessment_id=row.pk, problem_id=problems[code].pk)
            for row, (_followup, item) in zip(rows, pairs, strict=True)
            for code in item.problems
            if code in problems
        ],
        batch_size=BATCH,
    )
    Assessment.violence_forms.through.objects.bulk_create(
        [
            Assessment.violence_forms.through(assessment_id=row.pk, violenceform_id=forms[code].pk)
            for row, (_followup, item) in zip(rows, pairs, strict=True)
            for code in item.violence_forms
            if code in forms
        ],
        batch_size=BATCH,
    )


def _orientation(followup, item, *, iscg, types, directory) -> Orientation:
    partner = directory.get(item.partner_type) if item.use_directory else None
    partner_type = None
    if item.partner_type and partner is None:
        partner_type = types.get(item.partner_type) or types.get("autre")
    return Orientation(
        followup=followup,
        author=iscg,
        kind=item.kind,
        oriented_on=item.oriented_on,
        partner=partner,
        partner_type=partner_type,
        recipient=item.recipient,
        reason=item.reason,
        status=item.status,
        outcome_on=item.outcome_on,
    )
