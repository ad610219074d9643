"""What groups B, C and D say of the persons met, from one query grouped by person (docs/domain.md §7.1)."""

from dataclasses import dataclass

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
)
from django.db.models.lookups import LessThan

from casework.enums import (
    AGE_CLASS_BOUNDS,
    AgeClass,
    FollowUpRole,
    InterventionStatus,
    KnownToSocialServices,
    Place,
    Sex,
)
from casework.models import Assessment, FollowUp, Intervention
from referrals.models import DangerAssessment
from reporting.indicators.queries import ExistsForGroup, SubqueryForGroup, with_median
from reporting.indicators.scope import Bounds, Filters, held_interventions


def _month_day(field: str):
    return ExtractMonth(field) * 100 + ExtractDay(field)


def _age_on(moment: str, birth: str) -> ExpressionWrapper:
    """Age in whole years at ``moment`` (a datetime, read in the service's time zone) of a person born
    on ``birth`` (none without a date of birth)."""
    return ExpressionWrapper(
        ExtractYear(moment)
        - ExtractYear(birth)
        - Case(When(LessThan(_month_day(moment), _month_day(birth)), then=Value(1)), default=Value(0)),
        output_field=IntegerField(),
    )


def _age_class_conditions(age: str, recorded: str) -> dict[str, Q]:
    """For each age class, the condition on an ``age`` in years (from the date of birth), else on the
    ``recorded`` class: the age is computed once per person, then only compared."""
    conditions, lowest = {}, 0
    for upper, age_class in AGE_CLASS_BOUNDS:
        conditions[age_class.value] = Q(**{f"{age}__gte": lowest, f"{age}__lte": upper})
        lowest = upper + 1
    conditions[AgeClass.AGE_75_PLUS.value] = Q(**{f"{age}__gte": lowest})
    conditions[AgeClass.UNKNOWN.value] = Q(**{f"{age}__lt": 0})
    return {
        value: condition | Q(**{f"{age}__isnull": True, recorded: value}) for value, condition in conditions.items()
    }


def _first_role(held: QuerySet):
    """In a query of held interventions grouped by person: the role in the follow-up of the person's
    first held intervention (ties broken by primary key). PostgreSQL reads it in the same pass
    (``array_agg`` ordered by date); elsewhere a correlated subquery per person (the embedded
    database only holds a demo's volume)."""
    if connections[held.db].vendor == "postgresql":
        from django.contrib.postgres.aggregates import ArrayAgg  # imported here: PostgreSQL only

        roles = ArrayAgg("followup__person_role", order_by=("starts_at", "pk"))
        return Func(roles, template="(%(expressions)s)[1]", output_field=CharField())
    first = held.filter(followup__person=OuterRef("followup__person")).order_by("starts_at", "pk")
    return SubqueryForGroup(first.values("followup__person_role")[:1])


@dataclass(frozen=True)
class PersonFacts:
    """What groups B, C and D say of the persons met, from one query: the held interventions of the
    period grouped by person (one row each: sex, age class and role at the first one, places, whether
    held before, danger), then one aggregate over those rows. One query rather than one per
    indicator, each deriving the persons met again (docs/domain.md §7.1 counting rules)."""

    met: int
    seen_before: int
    held_median: float | None
    sex: dict
    known: dict
    age_class: dict
    role: dict
    place: dict
    with_grid: int
    grid_danger: int
    flagged: int
    grid_danger_and_flagged: int
    children_exposed: int
    with_children_exposed: int

    # One conditional count per listed value: the database refuses any other value of these fields
    # (check constraints on persons, follow-ups and interventions), so no person falls out.
    BREAKDOWNS = {
        "sex": ("sex", Sex.values),
        "known": ("known", KnownToSocialServices.values),
        "role": ("first_role", FollowUpRole.values),
    }

    @classmethod
    def of(cls, filters: "Filters", bounds: "Bounds") -> "PersonFacts":
        held = held_interventions(filters, bounds)
        person = OuterRef("followup__person")
        held_before = Intervention.objects.filter(
            followup__person=person, status=InterventionStatus.HELD, starts_at__lt=bounds.start_at
        )
        # 1 when a grid says danger, 0 when the grids say none, nothing without a grid: one lookup per
        # person (two EXISTS would make PostgreSQL hash every danger grid of the country, even for a
        # department), from the person's referral links straight to the grids (not through the
        # referrals), as one aggregate (a constant is no grouping key: no GROUP BY).
        links = FollowUp.referrals.through.objects.filter(followup__person=OuterRef(person))
        grids = (
            DangerAssessment.objects.filter(referral__in=links.values("referral"), filled_at__lt=bounds.end_at)
            .order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(danger=Max(Cast("is_danger", IntegerField())))
            .values("danger")
        )
        assessments = Assessment.objects.filter(
            filters.followup("followup__"), followup__person=person, assessed_on__lte=bounds.period.end
        )
        very_serious = assessments.filter(is_very_serious_danger=True)
        highest_children_exposed = (
            assessments.filter(children_exposed__isnull=False)
            .order_by()
            .values("followup__person")
            .annotate(highest=Max("children_exposed"))
            .values("highest")
        )
        per_person = (
            held.order_by()
            .values("followup__person")
            .annotate(
                # The person's own fields are the same on every row of the group: read with MAX, they
                # are no grouping keys to sort by.
                sex=Max("followup__person__sex"),
                known=Max("followup__person__known_to_social_services"),
                birth=Max("followup__person__birth_date"),
                recorded_age_class=Max("followup__person__age_class"),
                seen_before=ExistsForGroup(held_before),
                grid=SubqueryForGroup(grids),
                flagged=ExistsForGroup(very_serious),
                children_exposed=SubqueryForGroup(highest_children_exposed),
                held=Count("pk"),
                first_at=Min("starts_at"),
                first_role=_first_role(held),
                **{f"at_{place}": Count("pk", filter=Q(place=place)) for place in Place.values},
            )
            .annotate(age=_age_on("first_at", "birth"))
        )

        def persons(**condition):
            return Count("held", filter=Q(**condition))

        aggregates = {
            "n_seen_before": persons(seen_before=True),
            "n_with_grid": persons(grid__isnull=False),
            "n_grid_danger": persons(grid=1),
            "n_flagged": persons(flagged=True),
            "n_grid_danger_and_flagged": persons(grid=1, flagged=True),
            "n_children_exposed": Coalesce(Sum("children_exposed"), 0),
            "n_with_children_exposed": persons(children_exposed__gt=0),
        }
        for name, (column, values) in cls.BREAKDOWNS.items():
            aggregates |= {f"n_{name}_{value}": persons(**{column: value}) for value in values}
        age_classes = _age_class_conditions("age", "recorded_age_class")
        aggregates |= {f"n_age_class_{value}": Count("held", filter=q) for value, q in age_classes.items()}
        aggregates |= {f"n_place_{place}": persons(**{f"at_{place}__gt": 0}) for place in Place.values}
        row = with_median(per_person, "held", **aggregates)
        breakdowns = {
            name: {value: row[f"n_{name}_{value}"] for value in values}
            for name, (_column, values) in cls.BREAKDOWNS.items()
        }
        return cls(
            met=row["count"],
            seen_before=row["n_seen_before"],
            held_median=row["median"],
            age_class={value: row[f"n_age_class_{value}"] for value in age_classes},
            place={place: row[f"n_place_{place}"] for place in Place.values},
            with_grid=row["n_with_grid"],
            grid_danger=row["n_grid_danger"],
            flagged=row["n_flagged"],
            grid_danger_and_flagged=row["n_grid_danger_and_flagged"],
            children_exposed=row["n_children_exposed"],
            with_children_exposed=row["n_with_children_exposed"],
            **breakdowns,
        )
