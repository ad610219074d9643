"""Group D: danger (docs/domain.md §7.2), from the person facts."""

from django.utils.translation import gettext as _

from reporting.bilan import Cell, FigureUnit, Indicator
from reporting.indicators.cells import denominator_of, percent
from reporting.indicators.person_facts import PersonFacts


def danger_indicators(facts: PersonFacts) -> list[Indicator]:
    persons_met = facts.met
    figures = {
        "with_grid": facts.with_grid,
        "grid_danger": facts.grid_danger,
        "flagged": facts.flagged,
        "either": facts.grid_danger + facts.flagged - facts.grid_danger_and_flagged,
    }
    denominator = denominator_of(persons_met, _("persons met"))
    d1 = Indicator(
        "D1",
        _("Persons met with a danger grid"),
        FigureUnit.PERSONS,
        figures["with_grid"],
        denominator_label=denominator,
        note=_("A danger grid filled with a referral linked to one of their follow-ups."),
    )
    d2 = Indicator(
        "D2",
        _("Persons met in characterised danger or very serious danger"),
        FigureUnit.PERSONS,
        figures["either"],
        (
            Cell(
                "grid_danger",
                str(_("Characterised danger (grid)")),
                figures["grid_danger"],
                percent(figures["grid_danger"], persons_met),
            ),
            Cell(
                "very_serious_danger",
                str(_("Very serious danger (flagged by the ISCG)")),
                figures["flagged"],
                percent(figures["flagged"], persons_met),
            ),
        ),
        denominator,
        is_multi_valued=True,
    )
    return [d1, d2]
