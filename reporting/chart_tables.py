"""The data table of each chart: its text alternative, under « Les chiffres du graphique » on screen and
beside the chart in the PDF. One shape for every chart and one template
(templates/reporting/includes/_chart_table.html), so that the screen and the PDF print the same rows.

A cell says whether masking never applies to its unit (interventions, money…): the screen marks such
cells ``iscg-never-masked``, which the attack tests read to tell a masked count from an unmaskable one.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from reporting.bilan import Bilan, FigureUnit
from reporting.summary import format_value


@dataclass(frozen=True)
class TableCell:
    text: str
    never_masked: bool = False


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple[TableCell, ...]


@dataclass(frozen=True)
class ChartTable:
    caption: str
    headings: tuple[str, ...]  # the row label's heading first
    rows: tuple[TableRow, ...]


def trend_table(rows: Iterable) -> ChartTable:
    """The five-year trend (``rows``: reporting.overview.TrendRow)."""
    return ChartTable(
        caption=_("Persons met and interventions held per civil year"),
        headings=(_("Year"), _("Persons met"), _("Held interventions")),
        rows=tuple(
            TableRow(str(row.year), (TableCell(row.persons), TableCell(row.held, never_masked=True))) for row in rows
        ),
    )


def monthly_table(bilan: Bilan) -> ChartTable:
    """Held interventions and persons met, month by month."""
    return ChartTable(
        caption=_("Held interventions and persons met, month by month"),
        headings=(_("Month"), _("Held interventions"), _("Persons met")),
        rows=tuple(
            TableRow(
                capfirst(date_format(month.month, "F Y")),
                (
                    TableCell(format_value(month.held, FigureUnit.INTERVENTIONS), never_masked=True),
                    TableCell(format_value(month.persons, FigureUnit.PERSONS)),
                ),
            )
            for month in bilan.monthly
        ),
    )


def comparison_table(bilan: Bilan, ids: Iterable[str]) -> ChartTable | None:
    """The comparison chart's figures: this period and the previous one (None without a previous period)."""
    if bilan.previous is None:
        return None
    rows = []
    for indicator_id in ids:
        indicator, old = bilan.indicators.get(indicator_id), bilan.previous.indicators.get(indicator_id)
        if indicator is None:
            continue
        never_masked = not indicator.unit.is_masked
        rows.append(
            TableRow(
                indicator.label,
                (
                    TableCell(format_value(indicator.total, indicator.unit), never_masked),
                    TableCell(format_value(old.total, old.unit) if old is not None else "—", never_masked),
                ),
            )
        )
    return ChartTable(
        caption=_("Comparison with the previous period"),
        headings=(_("Indicator"), _("This period"), _("Previous period")),
        rows=tuple(rows),
    )
