"""Demo referrals: those of the activity plan (demo.activity), from 1 October of the year before the
last complete civil year until yesterday, in every post, channel, status and closing reason.

The services file one referral at a time (several queries and a log line each); the demo has
thousands, so they are written here in bulk with every field the services would set: the number
from the department's yearly sequence (reserved the way referrals.services reserves it), each
workflow step's timestamp and author, and the danger grids' counts and outcome from
referrals.danger. Every name, phone number and story is fictional.

Idempotent: a post whose demo referrals (or casework) already exist is skipped as a whole.
"""

import random
from collections import Counter, defaultdict

from django.db.models import F
from django.utils import timezone

from casework.models import Person
from demo.activity import PostPlan, ReferralPlan, department_plans
from referrals.danger import evaluate_danger
from referrals.enums import Answer
from referrals.models import (
    DangerAnswer,
    DangerAssessment,
    GridVersion,
    Problem,
    Referral,
    ReferralNumberSequence,
    ReferralPerson,
)
from referrals.services import filled_by_kind_for

BATCH = 500


def _is_new(plan: PostPlan) -> bool:
    keys = [referral.key for referral in plan.referrals]
    return not (
        Referral.objects.filter(idempotency_key__in=keys).exists() or Person.objects.filter(post=plan.post).exists()
    )


def seed_referrals(territory: dict) -> int:
    """The referrals of every demo post; returns how many this run created."""
    version = GridVersion.objects.filter(is_current=True).first()
    items = list(version.items.order_by("position")) if version else []
    problems = {problem.code: problem for problem in Problem.objects.all()}
    created = 0
    for data in territory.values():
        if all(Person.objects.filter(post=post).exists() for post in data["posts"]):
            continue  # seeded already: no need to plan anything
        new_plans = [plan for plan in department_plans(data) if _is_new(plan)]
        pairs = [(referral, plan.iscg) for plan in new_plans for referral in plan.referrals]
        pairs.sort(key=lambda pair: (pair[0].referred_at, str(pair[0].key)))  # numbered in filing order
        referrals = [referral for referral, _iscg in pairs]
        numbers = _reserve_numbers(data["department"], referrals)
        rows = [_row(referral, iscg, number) for (referral, iscg), number in zip(pairs, numbers, strict=True)]
        Referral.objects.bulk_create(rows, batch_size=BATCH)
        Referral.problems.through.objects.bulk_create(
            [
                Referral.problems.through(referral_id=row.pk, problem_id=problems[code].pk)
                for row, referral in zip(rows, referrals, strict=True)
                for code in dict.fromkeys(referral.problems)
                if code in problems
            ],
            batch_size=BATCH,
        )
        ReferralPerson.objects.bulk_create(
            [
                ReferralPerson(
                    referral=row,
                    role=person.role,
                    last_name=person.identity.last_name,
                    first_name=person.identity.first_name,
                    sex=person.identity.sex,
                    birth_date=person.identity.birth_date,
                    age=person.identity.age,
                    safe_phone=person.identity.phone,
                    safe_email=person.identity.email,
                    best_time=person.identity.best_time,
                )
                for row, referral in zip(rows, referrals, strict=True)
                for person in referral.persons
            ],
            batch_size=BATCH,
        )
        if version is not None:
            _write_grids(rows, referrals, version, items)
        created += len(rows)
    return created


def _reserve_numbers(department, referrals: list[ReferralPlan]) -> list[str]:
    """2026-80-000123: the next values of the department's sequence of each year, in filing order."""
    years = [timezone.localdate(referral.referred_at).year for referral in referrals]
    next_value = {}
    for year, count in Counter(years).items():
        sequence, _created = ReferralNumberSequence.objects.get_or_create(department=department, year=year)
        ReferralNumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + count)
        sequence.refresh_from_db(fields=["last_value"])
        next_value[year] = sequence.last_value - count + 1
    numbers = []
    for year in years:
        numbers.append(f"{year}-{department.code}-{next_value[year]:06d}")
        next_value[year] += 1
    return numbers


def _row(referral: ReferralPlan, iscg, number: str) -> Referral:
    return Referral(
        number=number,
        idempotency_key=referral.key,
        unit=referral.unit,
        author=referral.author,
        callback_contact=referral.callback_contact,
        facts_at=referral.facts_at,
        referred_at=referral.referred_at,
        source=referral.source,
        description=referral.description,
        urgency=referral.urgency,
        has_agreement=referral.has_agreement,
        children_count=referral.children_count,
        status=referral.status,
        status_changed_at=referral.status_changed_at,
        received_at=referral.received_at,
        received_by=iscg if referral.received_at else None,
        taken_up_at=referral.taken_up_at,
        taken_up_by=iscg if referral.taken_up_at else None,
        closed_at=referral.closed_at,
        closed_by=iscg if referral.closed_at else None,
        closing_reason=referral.closing_reason,
        withdrawn_at=referral.withdrawn_at,
        withdrawn_by=referral.author if referral.withdrawn_at else None,
    )


def _write_grids(rows, referrals, version, items) -> None:
    """Danger grids, answered item by item, with the counts and outcome referrals.danger gives."""
    reds = [item for item in items if item.is_red]
    others = [item for item in items if not item.is_red]
    assessments, answers_of = [], defaultdict(dict)
    for row, plan in zip(rows, referrals, strict=True):
        for rank, grid in enumerate(plan.grids):
            rng = random.Random(f"{plan.key}-grid-{rank}")  # noqa: S311 - demo data, no secret
            yes = rng.sample(reds, min(grid.red_yes, len(reds))) + rng.sample(others, min(grid.other_yes, len(others)))
            rest = [item for item in items if item not in yes]
            not_asked = rng.sample(rest, min(grid.not_asked, len(rest)))
            answers = {
                item.pk: Answer.YES if item in yes else Answer.NOT_ASKED if item in not_asked else Answer.NO
                for item in items
            }
            outcome = evaluate_danger(
                ((answers[item.pk], item.is_red) for item in items),
                yes_threshold=version.yes_threshold,
                red_threshold=version.red_threshold,
            )
            assessment = DangerAssessment(
                referral=row,
                version=version,
                filled_by_kind=filled_by_kind_for(user=grid.filled_by, unit=plan.unit),
                filled_by=grid.filled_by,
                filled_at=grid.filled_at,
                yes_count=outcome.yes_count,
                red_yes_count=outcome.red_yes_count,
                is_danger=outcome.is_danger,
            )
            assessments.append(assessment)
            answers_of[id(assessment)] = answers
    DangerAssessment.objects.bulk_create(assessments, batch_size=BATCH)
    DangerAnswer.objects.bulk_create(
        [
            DangerAnswer(
                assessment=assessment, item=item, answer=answers_of[id(assessment)][item.pk], is_red=item.is_red
            )
            for assessment in assessments
            for item in items
        ],
        batch_size=BATCH,
    )
