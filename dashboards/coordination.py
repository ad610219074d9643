"""What the coordinator's home page shows, per department of their scope (issue 17): per post the
referrals waiting and the age of the oldest, the open follow-ups and the last activity; conventions
ending within six months; payments due; the next steering committee.

Every figure is a database aggregate over a scoped queryset, grouped so that the page costs the same
number of queries whatever the number of posts and departments. Each figure is the count of the list
its link opens (the same querysets and the same filters)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from casework.enums import InterventionKind, InterventionStatus
from casework.models import FollowUp
from conventions.models import Convention, Payment, SteeringCommittee
from conventions.summaries import ENDING_SOON_MONTHS, add_months
from dashboards.payments import payments_due
from organisation.models import Department, Post, Unit
from referrals.enums import OPEN_STATUSES
from referrals.models import Referral


@dataclass
class PostRow:
    post: Post
    waiting: int = 0
    oldest_waiting_days: int | None = None
    open_followups: int = 0
    last_interview_on: datetime.date | None = None
    last_referral_on: datetime.date | None = None

    @property
    def last_activity_on(self) -> datetime.date | None:
        days = [day for day in (self.last_interview_on, self.last_referral_on) if day is not None]
        return max(days) if days else None


@dataclass
class DepartmentBoard:
    department: Department
    posts: list[PostRow] = field(default_factory=list)
    ending_soon: int = 0
    payments_due: int = 0
    payments_due_cents: int = 0
    next_committee: SteeringCommittee | None = None

    @property
    def waiting(self) -> int:
        return sum(row.waiting for row in self.posts)


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def _referral_figures(scope, posts: list[Post], today: datetime.date) -> dict[int, dict]:
    """Per post: waiting referrals, the oldest one's filing time, the last referral. One query: one
    filtered aggregate per post over the units the post covers today (organisation.models.coverage_q)."""
    if not posts:
        return {}
    units = Unit.objects.visible_to(scope)
    aggregates = {}
    for post in posts:
        covered = Q(unit__in=units.covered_by([post], today))
        waiting = covered & Q(status__in=OPEN_STATUSES)
        aggregates[f"waiting_{post.pk}"] = Count("pk", filter=waiting)
        aggregates[f"oldest_{post.pk}"] = Min("referred_at", filter=waiting)
        aggregates[f"last_{post.pk}"] = Max("referred_at", filter=covered)
    values = Referral.objects.visible_to(scope).aggregate(**aggregates)
    return {
        post.pk: {
            "waiting": values[f"waiting_{post.pk}"] or 0,
            "oldest": values[f"oldest_{post.pk}"],
            "last": values[f"last_{post.pk}"],
        }
        for post in posts
    }


def coordinator_boards(*, scope, today: datetime.date, now: datetime.datetime) -> list[DepartmentBoard]:
    """One board per department of the scope, in code order. Seven queries, whatever the volume."""
    boards = {
        department.pk: DepartmentBoard(department=department)
        for department in Department.objects.visible_to(scope).order_by("code")
    }
    posts = list(
        Post.objects.visible_to(scope)
        .active_on(today)
        .filter(department__in=list(boards))
        .order_by("department__code", "name", "pk")
    )
    referrals = _referral_figures(scope, posts, today)
    followups = {
        row["post"]: row
        for row in FollowUp.objects.visible_to(scope)
        .filter(post__in=posts)
        .values("post")
        .annotate(
            open=Count("pk", filter=Q(closed_on__isnull=True), distinct=True),
            last_interview=Max(
                "interventions__starts_at",
                filter=Q(
                    interventions__status=InterventionStatus.HELD, interventions__kind=InterventionKind.INTERVIEW
                ),
            ),
        )
        .order_by()
    }
    for post in posts:
        figures, followup = referrals[post.pk], followups.get(post.pk, {})
        oldest = figures["oldest"]
        boards[post.department_id].posts.append(
            PostRow(
                post=post,
                waiting=figures["waiting"],
                oldest_waiting_days=(now - oldest).days if oldest is not None else None,
                open_followups=followup.get("open", 0),
                last_interview_on=_local_date(followup.get("last_interview")),
                last_referral_on=_local_date(figures["last"]),
            )
        )
    ending_before = add_months(today, ENDING_SOON_MONTHS)
    for row in (
        Convention.objects.visible_to(scope)
        .ending_between(today, ending_before)
        .values("department")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        if row["department"] in boards:
            boards[row["department"]].ending_soon = row["count"]
    for row in payments_due(Payment.objects.visible_to(scope), today=today):
        board = boards.get(row["convention__department"])
        if board is not None:
            board.payments_due += 1
            board.payments_due_cents += row["due_cents"]
    committees = defaultdict(list)
    for committee in (
        SteeringCommittee.objects.visible_to(scope)
        .filter(held_on__gte=today)
        .select_related("convention")
        .order_by("held_on", "pk")
    ):
        committees[committee.convention.department_id].append(committee)
    for department_id, upcoming in committees.items():
        if department_id in boards:
            boards[department_id].next_committee = upcoming[0]
    return list(boards.values())


def ending_soon_before(today: datetime.date) -> datetime.date:
    return add_months(today, ENDING_SOON_MONTHS)
