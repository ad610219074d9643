"""The scope and the period of a bilan as filters on each model: ``resolve_scope`` reads a scope's
argument, ``Filters`` gives the rows of a scope, ``Bounds`` the bounds of a period."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.enums import (
    InterventionStatus,
)
from casework.models import FollowUp, Intervention
from organisation.models import Department, Post, Unit
from reporting.bilan import BilanScope, Period, ScopeKind


def resolve_scope(argument: str) -> BilanScope:
    """Parse ``post:<public_id>``, ``unit:<public_id>``, ``department:<code>`` or ``national``."""
    argument = (argument or "").strip()
    if argument == ScopeKind.NATIONAL:
        return BilanScope(ScopeKind.NATIONAL, ScopeKind.NATIONAL.value, _("France (national)"))
    kind, _sep, key = argument.partition(":")
    try:
        match kind:
            case ScopeKind.POST:
                post = Post.objects.select_related("department").get(public_id=key)
                return BilanScope(ScopeKind.POST, str(post.public_id), f"{post.name} ({post.department.code})")
            case ScopeKind.UNIT:
                unit = Unit.objects.select_related("department").get(public_id=key)
                return BilanScope(ScopeKind.UNIT, str(unit.public_id), f"{unit.name} ({unit.department.code})")
            case ScopeKind.DEPARTMENT:
                department = Department.objects.get(code=key)
                return BilanScope(ScopeKind.DEPARTMENT, department.code, f"{department.name} ({department.code})")
    except (Post.DoesNotExist, Unit.DoesNotExist, Department.DoesNotExist, ValueError, ValidationError) as error:
        raise ValueError(_("Unknown scope: %(scope)s.") % {"scope": argument}) from error
    raise ValueError(
        _("A scope is post:<id>, unit:<id>, department:<code> or national, not “%(scope)s”.") % {"scope": argument}
    )


def civil_year(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a day, in the service's time zone (Europe/Paris)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Bounds:
    """The period as half-open datetime bounds [start, end) and inclusive dates."""

    period: Period

    @property
    def start_at(self) -> datetime.datetime:
        return start_of(self.period.start)

    @property
    def end_at(self) -> datetime.datetime:
        return start_of(self.period.end + datetime.timedelta(days=1))

    def at(self, prefix: str) -> Q:
        return Q(**{f"{prefix}__gte": self.start_at, f"{prefix}__lt": self.end_at})

    def on(self, prefix: str) -> Q:
        return Q(**{f"{prefix}__gte": self.period.start, f"{prefix}__lte": self.period.end})


class Filters:
    """The rows of a bilan scope, as Q objects on each model (resolved to primary keys once)."""

    def __init__(self, scope: BilanScope):
        self.scope = scope
        self.post = self.unit = self.department = None
        match scope.kind:
            case ScopeKind.POST:
                self.post = Post.objects.only("pk", "department_id").get(public_id=scope.key)
            case ScopeKind.UNIT:
                self.unit = Unit.objects.only("pk").get(public_id=scope.key)
            case ScopeKind.DEPARTMENT:
                self.department = Department.objects.only("pk").get(code=scope.key)

    def followup(self, prefix: str = "") -> Q:
        if self.post:
            return Q(**{f"{prefix}post": self.post.pk})
        if self.department:
            return Q(**{f"{prefix}post__department": self.department.pk})
        if self.unit:
            opened_by_unit = FollowUp.objects.filter(referrals__unit=self.unit.pk).values("pk")
            return Q(**{f"{prefix}pk__in" if prefix == "" else f"{prefix}in": opened_by_unit})
        return Q()

    def referral(self) -> Q:
        if self.post:
            # Listed units and those the post's coverage rule reaches (units created later included).
            return Q(unit__in=Unit.objects.covered_by([self.post], datetime.date.max).values("pk"))
        if self.department:
            return Q(unit__department=self.department.pk)
        if self.unit:
            return Q(unit=self.unit.pk)
        return Q()

    def convention(self, prefix: str = "") -> Q:
        if self.post:
            return Q(**{f"{prefix}convention_posts__post": self.post.pk})
        if self.department:
            return Q(**{f"{prefix}department": self.department.pk})
        if self.unit:
            return Q(pk__in=[])
        return Q()

    @property
    def has_cofinancing(self) -> bool:
        return self.unit is None


def held_interventions(filters: "Filters", bounds: "Bounds") -> QuerySet:
    """The held interventions of the scope and period: what every person count starts from."""
    return Intervention.objects.filter(
        filters.followup("followup__"), bounds.at("starts_at"), status=InterventionStatus.HELD
    )


def scoped_conventions(filters: Filters) -> QuerySet:
    from conventions.models import Convention

    return Convention.objects.filter(filters.convention()).distinct()
