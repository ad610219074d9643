"""The demo's activity, planned in memory before anything is written.

For each demo post, day after day from 1 October of the year before the last complete civil year
until yesterday, situations reach the ISCG: referrals from the post's units (most taken up, others
closed without follow-up for every reason, a few withdrawn, the latest still waiting) and people who
come on their own. A situation taken up becomes a follow-up with its interventions, assessments and
orientations; most follow-ups end with a closing date. A few people come back later, a few move to
the other post of the department, a few are referred again while their follow-up is open.

Everything is drawn from random generators seeded with the department and the post, and dated from
``today``: the plan is the same for a given day (and, apart from its last weeks, for a given year).
demo.referrals writes the referrals of the plan, demo.casework its follow-ups.

The planner (``PostPlanner``) is also the benchmarks' simulator: bench.volume plans each synthetic
post with it, over its own period and seed, from a plain ``PostDescription`` (units, officers and
ISCG given by their primary keys), at a higher activity and with duplicate person records, and
turns the plans into rows.
"""

import datetime
import random
from dataclasses import replace

from django.utils import timezone

from casework.enums import FollowUpClosingReason
from demo.activity.plan import (
    CasePlan,
    PersonPlan,
    PostDescription,
    PostPlan,
    ReferralPlan,
    UnitDescription,
    UserDescription,
    activity_start,
    last_complete_year,
    workday,
)
from demo.activity.posts import PostPlanner
from demo.data import TERRITORY
from demo.people import Directory

__all__ = [
    "CasePlan",
    "PersonPlan",
    "PostDescription",
    "PostPlan",
    "PostPlanner",
    "ReferralPlan",
    "UnitDescription",
    "UserDescription",
    "activity_start",
    "department_plans",
    "last_complete_year",
    "plan_department",
]


def department_plans(data: dict) -> list[PostPlan]:
    """The plans of the department's two posts (computed once per seed run, kept in ``data``)."""
    if "activity" not in data:
        data["activity"] = plan_department(data, timezone.localdate())
    return data["activity"]


def plan_department(data: dict, today: datetime.date) -> list[PostPlan]:
    """Plan the activity of a department's two posts until the day before ``today``; ``data`` is what
    demo.seeding.seed_organisation returns for the department."""
    code = data["department"].code
    users = data["users"]
    officers = {}  # unit pk → the officer who files its referrals
    for key in ("police", "police2"):
        officers.update(dict.fromkeys(users[key].units.values_list("pk", flat=True), users[key]))
    directory = Directory(first_number=list(TERRITORY).index(code) * 2000)
    planners = [
        PostPlanner(
            PostDescription(
                post=post,
                fte=post.fte,
                units=list(post.units.order_by("name")),
                officers=officers,
                iscg=users[key],
            ),
            seed=f"iscg-demo-{code}-{index}",
            name=f"{code}-{index}",
            directory=directory,
            today=today,
        )
        for index, (post, key) in enumerate(zip(data["posts"], ("iscg", "iscg2"), strict=True))
    ]
    for planner in planners:
        planner.plan()
    moves = random.Random(f"iscg-demo-{code}-moves")  # noqa: S311 - demo data, no secret
    _move_between_posts(planners, moves, today)
    return [PostPlan(p.post, p.iscg, p.referrals, p.cases) for p in planners]


def _move_between_posts(planners: list[PostPlanner], rng: random.Random, today: datetime.date) -> None:
    """A few people move to the other post's area: their follow-up closes (déménagement) and the other
    post opens one for a person record of its own with the same identity."""
    for source, target, count in ((0, 1, 2), (1, 0, 1)):
        candidates = [
            case
            for case in planners[source].cases
            if case.closed_on is not None
            and case.closed_on <= today - datetime.timedelta(days=75)
            and not case.person.identity.is_anonymous
            and not case.person.returned
            and case.person.identity.birth_date is not None  # same name and birth date in both posts
            and case.archetype.code not in ("child_in_danger", "runaway")
        ]
        for case in rng.sample(candidates, min(count, len(candidates))):
            case.closing_reason = FollowUpClosingReason.MOVED
            case.person.returned = True
            person = replace(case.person, commune=planners[target].communes[0], returned=False)
            day = workday(case.closed_on + datetime.timedelta(days=rng.randint(10, 40)))
            planners[target].walk_in(day, person=person, archetype=case.archetype, role=case.role)
