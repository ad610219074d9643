"""Group B: persons met (docs/domain.md §7.2), from the person facts."""

from concurrent.futures import Future

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from casework.enums import (
    AgeClass,
    FollowUpRole,
    KnownToSocialServices,
    Place,
    Sex,
)
from casework.models import FollowUp
from referrals.models import Problem
from reporting.bilan import Cell, FigureUnit, Indicator
from reporting.indicators.cells import breakdown_cells, denominator_of, percent
from reporting.indicators.person_facts import PersonFacts
from reporting.indicators.queries import UNKNOWN


def person_indicators(held: QuerySet, facts: "Future[PersonFacts]") -> list[Indicator]:
    problem_figures = _problem_figures(held)  # its query first: the person facts may still be running
    facts = facts.result()
    met = facts.met
    person_word = _("persons met")
    denominator = denominator_of(met, person_word)

    b1 = Indicator(
        "B1",
        _("Persons met"),
        FigureUnit.PERSONS,
        met,
        note=_("Distinct persons with at least one held intervention in the period."),
    )
    b2 = Indicator(
        "B2",
        _("New persons"),
        FigureUnit.PERSONS,
        met - facts.seen_before,
        note=_("Persons whose first held intervention ever falls in the period."),
    )
    b3 = Indicator(
        "B3",
        _("Persons met by sex"),
        FigureUnit.PERSONS,
        met,
        breakdown_cells(facts.sex, Sex.choices, met),
        denominator,
    )
    b4 = Indicator(
        "B4",
        _("Persons met by age class"),
        FigureUnit.PERSONS,
        met,
        breakdown_cells(facts.age_class, AgeClass.choices, met),
        denominator,
        note=_("Age at the first held intervention of the period."),
    )
    b5 = Indicator(
        "B5",
        _("Persons met by role"),
        FigureUnit.PERSONS,
        met,
        breakdown_cells(facts.role, FollowUpRole.choices, met),
        denominator,
        note=_("Role in the follow-up of the first held intervention of the period."),
    )
    b6 = _persons_by_problem(problem_figures, met, denominator)
    known = facts.known
    b7 = Indicator(
        "B7",
        _("Persons met known to social services at first contact"),
        FigureUnit.PERSONS,
        met,
        breakdown_cells(known, KnownToSocialServices.choices, met),
        denominator,
        details=(
            (
                "share_unknown",
                _("Share of persons unknown to social services (%)"),
                percent(known.get(KnownToSocialServices.NO, 0), met),
                FigureUnit.RATIO,
            ),
        ),
    )
    b8 = _children_exposed(facts, denominator)
    b9 = Indicator(
        "B9",
        _("Persons met by place"),
        FigureUnit.PERSONS,
        met,
        breakdown_cells(facts.place, Place.choices, met),
        denominator,
        is_multi_valued=True,
        note=_("A person counts in each place where they had a held intervention."),
    )
    return [b1, b2, b3, b4, b5, b6, b7, b8, b9]


def _problem_figures(held: QuerySet) -> tuple[list, dict]:
    """The distinct (person, problem) pairs of the follow-ups with a held intervention, counted per
    problem and, for "not stated", per person: one query."""
    links = FollowUp.problems.through.objects.filter(followup__in=held.values("followup"))
    pairs = links.order_by().values("followup__person", "problem").distinct()
    problems = list(Problem.objects.order_by("position", "name"))
    figures = pairs.aggregate(
        with_problem=Count("followup__person", distinct=True),
        **{f"problem_{problem.pk}": Count("problem", filter=Q(problem=problem.pk)) for problem in problems},
    )
    return problems, figures


def _persons_by_problem(problem_figures: tuple[list, dict], met: int, denominator: str) -> Indicator:
    """B6 from ``_problem_figures``. Inactive problems show when counted."""
    problems, figures = problem_figures
    shown = [problem for problem in problems if problem.is_active or figures[f"problem_{problem.pk}"]]
    counts = {problem.code: figures[f"problem_{problem.pk}"] for problem in shown}
    choices = [(problem.code, problem.name) for problem in shown]
    with_problem = figures["with_problem"]
    without = met - with_problem
    cells = (
        *breakdown_cells(counts, choices, met),
        Cell(UNKNOWN, str(_("Not stated")), without, percent(without, met)),
    )
    return Indicator(
        "B6",
        _("Persons met by problem"),
        FigureUnit.PERSONS,
        met,
        cells,
        denominator,
        is_multi_valued=True,
        note=_("Problems of the follow-ups with a held intervention; a person counts once per problem."),
    )


def _children_exposed(facts: PersonFacts, denominator: str) -> Indicator:
    return Indicator(
        "B8",
        _("Children exposed"),
        FigureUnit.PERSONS,
        facts.children_exposed,
        (
            Cell(
                "persons_with_children_exposed",
                str(_("Persons met with children exposed")),
                facts.with_children_exposed,
                percent(facts.with_children_exposed, facts.met),
            ),
        ),
        denominator,
        note=_("Children exposed to the situation, as the latest social assessment records them (highest figure)."),
    )
