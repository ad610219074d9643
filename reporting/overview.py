"""Page 1 of a bilan, on screen and in the PDF (docs/reporting.md, « Page 1 »): the key-figure tiles
with their change against the previous period, the five-year trend, the « Faits marquants » and the
coordinator's commentary.

Tiles and sentences read only the Bilan (masked as the viewer's tables are); the trend and the
commentary need the database and are loaded by ``page_one_extras``.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from reporting.bilan import Bilan, FigureUnit
from reporting.chart_tables import monthly_table, trend_table
from reporting.charts import trend_svg
from reporting.models import BilanCommentary
from reporting.summary import format_change, format_date, format_value, highlights, is_number, period_label
from reporting.trend import TrendYear, five_year_trend

# (indicator id, tile key) of each tile of page 1, in order.
TILES = (
    ("B1", "persons_met"),
    ("C1", "interventions_held"),
    ("A1", "referrals_received"),
    ("E3", "persons_oriented"),
    ("I4", "cost_per_person"),  # only in bilans with cofinancing figures (VIEW_COFINANCING_FIGURES)
)


def _tile_labels() -> dict[str, str]:
    return {
        "persons_met": _("Persons met"),
        "interventions_held": _("Held interventions"),
        "referrals_received": _("Referrals received"),
        "persons_oriented": _("Persons oriented"),
        "cost_per_person": _("Cost per person met"),
    }


@dataclass(frozen=True)
class Tile:
    key: str
    indicator_id: str
    label: str
    value: str  # formatted; a masked count shows its string (« < 11 »)
    previous: str  # the previous period's figure, formatted; "" without a previous period
    change: str  # "+12,5 %", "" when it cannot be computed or the comparison is incomplete
    is_masked: bool


def key_figures(bilan: Bilan) -> list[Tile]:
    """The tiles of page 1; a tile whose indicator the bilan lacks (cofinancing for an ISCG) is left out."""
    labels = _tile_labels()
    tiles = []
    previous = bilan.previous
    for indicator_id, key in TILES:
        indicator = bilan.indicators.get(indicator_id)
        if indicator is None:
            continue
        old = previous.indicators.get(indicator_id) if previous is not None else None
        change = ""
        if old is not None and not bilan.incomplete_comparison:
            change = format_change(indicator.total, old.total)  # empty unless both figures are numbers
        tiles.append(
            Tile(
                key=key,
                indicator_id=indicator_id,
                label=labels[key],
                value=format_value(indicator.total, indicator.unit),
                previous=format_value(old.total, old.unit) if old is not None else "",
                change=change,
                is_masked=isinstance(indicator.total, str),
            )
        )
    return tiles


@dataclass(frozen=True)
class TrendRow:
    year: int
    persons: str
    held: str
    persons_value: object  # the raw value, for the chart (a string once masked)
    held_value: object


def trend_rows(trend: tuple[TrendYear, ...]) -> list[TrendRow]:
    return [
        TrendRow(
            row.year,
            format_value(row.persons, FigureUnit.PERSONS),
            format_value(row.held, FigureUnit.INTERVENTIONS),
            row.persons,
            row.held,
        )
        for row in trend
    ]


def trend_has_figures(trend: tuple[TrendYear, ...]) -> bool:
    return any((is_number(row.persons) and row.persons) or (is_number(row.held) and row.held) for row in trend)


def page_one_extras(bilan: Bilan) -> dict:
    """What page 1 needs beyond the Bilan: the five-year trend (one query) and the commentary (one query)."""
    return extras_with(bilan, commentary_of(bilan))


def commentary_of(bilan: Bilan) -> BilanCommentary | None:
    return BilanCommentary.objects.of_bilan(bilan.scope, bilan.period).first()


def extras_with(bilan: Bilan, commentary: BilanCommentary | None, *, trend=None) -> dict:
    """page_one_extras with the commentary already loaded (the page also needs its version), and the
    trend when the caller has it (reporting.caching.trend_for)."""
    return {
        "trend": five_year_trend(bilan) if trend is None else trend,
        "commentary": commentary.text if commentary is not None else "",
    }


def _trend_title(rows) -> str:
    """The trend chart's text alternative: every year's two figures, as the table beside it prints them."""
    years = "; ".join(
        _("%(year)s: persons met %(persons)s, held interventions %(held)s")
        % {"year": row.year, "persons": row.persons, "held": row.held}
        for row in rows
    )
    return _("Five-year trend — %(years)s.") % {"years": years}


def _trend_note(trend: tuple[TrendYear, ...]) -> str:
    """Says when the trend starts later than five years back, or with a partly recorded year."""
    started = trend[0].recorded_from
    if started is None:
        return ""
    return _("Activity recorded from %(date)s: the years before are not shown and %(year)s is incomplete.") % {
        "date": format_date(started),
        "year": started.year,
    }


def page_one_context(bilan: Bilan, *, trend=(), commentary: str = "") -> dict:
    """Page 1 (screen and PDF): tiles, trend (chart and table), Faits marquants, commentary."""
    rows = trend_rows(trend) if trend_has_figures(trend) else []
    return {
        "tiles": key_figures(bilan),
        "trend_rows": rows,
        "trend_table": trend_table(rows),
        "trend_chart": trend_svg(rows, title=_trend_title(rows)) if rows else "",
        "trend_note": _trend_note(trend) if rows else "",
        "highlights": highlights(bilan),
        "commentary": commentary,
        "monthly_table": monthly_table(bilan),
        "period_label": period_label(bilan.period),
        "figures_mention": (
            _("Diffusion version: counts of persons below %(threshold)s are masked")
            % {"threshold": bilan.masking_threshold}
            if bilan.is_masked
            else _("Exact figures — internal diffusion")
        ),
    }
