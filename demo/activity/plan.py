"""What the demo's activity plan is made of, and the calendar it is dated with. Plain data: nothing
here touches the database."""

import datetime
import math
import random
import uuid
from bisect import bisect
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.utils import timezone

from casework.enums import InterventionStatus
from demo import stories
from demo.people import Identity
from referrals.enums import ReferralStatus

NAMESPACE = uuid.UUID("6f1c2a52-3d0e-4c55-9a57-0d2f8e1b7c41")  # of the referrals' idempotency keys


# ---- Dates --------------------------------------------------------------------------------------


def last_complete_year(today: datetime.date) -> int:
    return today.year - 1


def activity_start(today: datetime.date) -> datetime.date:
    """A quarter before the last complete year, so that some people met that year were already followed."""
    return datetime.date(today.year - 2, 10, 1)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """That day, at that time in the project's time zone (what ``timezone.make_aware`` gives, faster)."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_default_timezone())


def local_day(moment: datetime.datetime) -> datetime.date:
    """The day in the project's time zone (what ``timezone.localdate`` gives, faster)."""
    return moment.astimezone(timezone.get_default_timezone()).date()


def workday(day: datetime.date) -> datetime.date:
    """The day itself, or the Monday after a weekend."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def add_workdays(day: datetime.date, count: int) -> datetime.date:
    day = workday(day)
    for _ in range(count):
        day = workday(day + datetime.timedelta(days=1))
    return day


class Weights:
    """(value, weight) pairs with their cumulative weights computed once: a draw gives what
    ``rng.choices(values, weights)[0]`` gives, from the same random number."""

    __slots__ = ("cumulative", "hi", "total", "values")

    def __init__(self, pairs):
        self.values, weights = zip(*pairs, strict=True)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1] + 0.0
        self.hi = len(self.values) - 1

    def draw(self, rng: random.Random):
        return self.values[bisect(self.cumulative, rng.random() * self.total, 0, self.hi)]


_WEIGHTS: dict[tuple, Weights] = {}  # of the constant tuples of pairs the planner draws from


def weighted(rng: random.Random, pairs):
    """A value drawn from (value, weight) pairs: a Weights, or a tuple of pairs (its Weights kept)."""
    if isinstance(pairs, Weights):
        return pairs.draw(rng)
    if isinstance(pairs, tuple):
        weights = _WEIGHTS.get(pairs)
        if weights is None:
            weights = _WEIGHTS[pairs] = Weights(pairs)
        return weights.draw(rng)
    return Weights(pairs).draw(rng)


def poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


# ---- What is planned for ------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitDescription:
    """A unit as the planner sees it (the demo passes its Unit rows, which have the same attributes)."""

    pk: int
    kind: str
    force: str
    commune: str


@dataclass(frozen=True)
class UserDescription:
    """A user the plan names as an author (the demo passes its User rows)."""

    pk: int


@dataclass
class PostDescription:
    """A post as the planner sees it: plain values, or the demo's rows, which have the same attributes."""

    post: object  # handed back in the PostPlan: the demo's Post, the volume's post number
    fte: Decimal
    units: list  # UnitDescription or Unit, in a fixed order
    officers: dict  # unit pk → the officer who files its referrals (UserDescription or User)
    iscg: object  # UserDescription or User


# ---- The plan -----------------------------------------------------------------------------------


@dataclass
class PersonPlan:
    """A person record of a post (several follow-ups may share it when the person comes back)."""

    identity: Identity
    commune: str
    family_situation: str
    children_count: int | None
    children_ages: str
    known_to_social_services: str
    age_class: str
    returned: bool = False


@dataclass
class InterventionPlan:
    starts_at: datetime.datetime
    duration_minutes: int
    kind: str
    place: str
    status: str
    summary: str = ""
    private_note: str = ""

    @property
    def day(self) -> datetime.date:
        return local_day(self.starts_at)


@dataclass
class AssessmentPlan:
    assessed_on: datetime.date
    problems: tuple[str, ...]
    violence_forms: tuple[str, ...]
    needs: str
    risk_level: str
    risk_comment: str
    is_very_serious_danger: bool
    children_exposed: int | None
    known_to_social_services: str


@dataclass
class OrientationPlan:
    kind: str
    oriented_on: datetime.date
    partner_type: str  # code; "" for a child-protection transmission
    use_directory: bool  # oriented to a partner of the directory when one has this type
    recipient: str
    reason: str
    status: str
    outcome_on: datetime.date | None


@dataclass
class GridPlan:
    filled_by: object  # the user who filled it
    filled_at: datetime.datetime
    red_yes: int
    other_yes: int
    not_asked: int

    @property
    def is_danger(self) -> bool:  # with the shipped thresholds; the writer applies the version's
        return self.red_yes >= 2 or self.red_yes + self.other_yes >= 12


@dataclass
class ReferralPersonPlan:
    role: str
    identity: Identity


@dataclass
class CasePlan:
    key: str
    person: PersonPlan
    archetype: stories.Archetype
    role: str
    problems: list[str]
    opened_on: datetime.date
    referrals: list["ReferralPlan"] = field(default_factory=list)
    interventions: list[InterventionPlan] = field(default_factory=list)
    assessments: list[AssessmentPlan] = field(default_factory=list)
    orientations: list[OrientationPlan] = field(default_factory=list)
    closed_on: datetime.date | None = None
    closing_reason: str = ""

    @property
    def has_planned(self) -> bool:
        return any(i.status == InterventionStatus.PLANNED for i in self.interventions)


@dataclass
class ReferralPlan:
    key: uuid.UUID
    unit: object
    author: object
    source: str
    urgency: str
    problems: list[str]
    description: str
    persons: list[ReferralPersonPlan]
    children_count: int | None
    has_agreement: bool
    callback_contact: str
    referred_at: datetime.datetime
    facts_at: datetime.datetime
    status: str = ReferralStatus.SUBMITTED
    received_at: datetime.datetime | None = None
    taken_up_at: datetime.datetime | None = None
    closed_at: datetime.datetime | None = None
    closing_reason: str = ""
    withdrawn_at: datetime.datetime | None = None
    grids: list[GridPlan] = field(default_factory=list)
    case: CasePlan | None = None

    @property
    def status_changed_at(self) -> datetime.datetime:
        return self.withdrawn_at or self.taken_up_at or self.closed_at or self.received_at or self.referred_at


@dataclass
class PostPlan:
    post: object
    iscg: object
    referrals: list[ReferralPlan]
    cases: list[CasePlan]
