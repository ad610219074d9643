"""Downloadable outputs of a bilan (JSON, CSV, XLSX) and of the cofinancing summaries (PDF, XLSX).

Over 600 lines and kept whole: the formats share their column layout and number writers (a split
by format would scatter what must read the same in every file); the next split is one module per
document (bilan, convention summary, department summary).

They read only Bilan objects and the summaries of ``conventions.summaries``, never the database.
Money is integer cents in the data: the JSON keeps cents (its unit says "cents"), CSV, XLSX and PDF
show euros.
"""

import csv
import datetime
import io
import re
import uuid
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from conventions.summaries import ConventionSummary, DepartmentSummary
from conventions.templatetags.money import percent
from iscg.formatting import euros
from iscg.pdf import render_pdf
from reporting.bilan import GROUPS, Bilan, FigureUnit, Indicator, ScopeKind, Value
from reporting.summary import format_date, format_value, masking_notice, period_label, summary_sentences

BOM = "\ufeff"
EURO_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = "0.0%"
DECIMAL_FORMAT = "0.0"
INTEGER_FORMAT = "#,##0"
DATE_FORMAT = "DD/MM/YYYY"
NORMAL = Font()
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADING = Font(bold=True, size=12)
ITALIC = Font(italic=True)


def unit_label(unit: FigureUnit) -> str:
    """What the values of a CSV or XLSX row count, in words (money shows euros there)."""
    return {
        FigureUnit.PERSONS: _("persons"),
        FigureUnit.FOLLOWUPS: _("follow-ups"),
        FigureUnit.REFERRALS: _("referrals"),
        FigureUnit.INTERVENTIONS: _("interventions"),
        FigureUnit.ORIENTATIONS: _("orientations"),
        FigureUnit.TRANSMISSIONS: _("transmissions"),
        FigureUnit.MEETINGS: _("meetings"),
        FigureUnit.DAYS: _("days"),
        FigureUnit.RATIO: _("ratio"),
        FigureUnit.CENTS: _("euros"),
    }[FigureUnit(unit)]


# ---- JSON ---------------------------------------------------------------------------------------


def bilan_json(bilan: Bilan) -> dict:
    """The bilan as JSON-ready data; masked cells keep their string ("< 11"); money stays in cents."""
    return {
        "scope": {"kind": str(bilan.scope.kind), "key": bilan.scope.key, "label": str(bilan.scope.label)},
        "period": {"start": bilan.period.start.isoformat(), "end": bilan.period.end.isoformat()},
        "masking_threshold": bilan.masking_threshold,
        "indicators": {
            indicator.id: {
                "label": str(indicator.label),
                "total": indicator.total,
                "breakdown": {
                    cell.key: {"label": str(cell.label), "value": cell.value, "percent": cell.percent}
                    for cell in indicator.breakdown
                },
                "unit": str(indicator.unit),
                "details": {
                    key: {"label": str(label), "value": value, "unit": str(unit)}
                    for key, label, value, unit in indicator.details
                },
            }
            for indicator in bilan.indicators.values()
        },
    }


# ---- CSV ----------------------------------------------------------------------------------------


def _csv_number(value: Value, unit: FigureUnit) -> str:
    """French Excel reads a decimal comma and no grouping: 1234 ; 4,5 ; 90000,00 (euros)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if unit == FigureUnit.CENTS:
        return f"{Decimal(int(value)) / 100:.2f}".replace(".", ",")
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _csv_text(text) -> str:
    """A label as spreadsheet text, never a formula (CSV injection): "=…", "+…", "-…", "@…" get a quote."""
    text = str(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_percent(percent: float | None) -> str:
    return "" if percent is None else f"{percent:.1f}".replace(".", ",")


def bilan_csv(bilan: Bilan) -> str:
    """One row per indicator total, breakdown cell and secondary figure; semicolons, UTF-8 with a BOM.

    Columns: indicator id, group, indicator label, key ("total" for the total), label, value, percent, unit.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [_("Indicator"), _("Group"), _("Indicator label"), _("Code"), _("Label"), _("Value"), _("Percent"), _("Unit")]
    )
    for indicator in bilan.indicators.values():
        group = _csv_text(GROUPS.get(indicator.group, indicator.group))
        start = [indicator.id, group, _csv_text(indicator.label)]
        unit = unit_label(indicator.unit)
        writer.writerow([*start, "total", _("Total"), _csv_number(indicator.total, indicator.unit), "", unit])
        for cell in indicator.breakdown:
            writer.writerow(
                [
                    *start,
                    _csv_text(cell.key),
                    _csv_text(cell.label),
                    _csv_number(cell.value, indicator.unit),
                    _csv_percent(cell.percent),
                    unit,
                ]
            )
        for key, label, value, detail_unit in indicator.details:
            writer.writerow(
                [
                    *start,
                    _csv_text(key),
                    _csv_text(label),
                    _csv_number(value, detail_unit),
                    "",
                    unit_label(detail_unit),
                ]
            )
    return BOM + buffer.getvalue()


# ---- XLSX helpers -------------------------------------------------------------------------------

_FORBIDDEN_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def _sheet(workbook: Workbook, title: str):
    """A new sheet named after title, made valid for Excel (31 characters, no []:*?/\\) and unique."""
    name = _FORBIDDEN_IN_SHEET_TITLE.sub("-", str(title)).strip("' ")[:31] or "-"
    base, n = name, 2
    used = {sheet.title.lower() for sheet in workbook.worksheets}
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return workbook.create_sheet(name)


def _new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def _put(sheet, row: int, column: int, value, *, unit: FigureUnit | None = None, font: Font | None = None):
    """Write a value: numbers as numbers (euros from cents, formatted), masked strings as right-aligned text."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str) and unit is not None:  # a masked figure
        cell.value = value
        cell.alignment = Alignment(horizontal="right")
    elif unit == FigureUnit.CENTS and value is not None:
        cell.value = Decimal(int(value)) / 100
        cell.number_format = EURO_FORMAT
    elif unit is not None and value is not None:
        cell.value = value
        cell.number_format = INTEGER_FORMAT if float(value).is_integer() else DECIMAL_FORMAT
    else:
        cell.value = value
    if font is not None:
        cell.font = font
    return cell


def _put_euros(sheet, row: int, column: int, cents: int | None, *, font: Font | None = None):
    return _put(sheet, row, column, cents, unit=FigureUnit.CENTS, font=font)


def _put_percent(sheet, row: int, column: int, percent: float | None):
    cell = sheet.cell(row=row, column=column)
    if percent is not None:
        cell.value = percent / 100
        cell.number_format = PERCENT_FORMAT
    return cell


def _headers(sheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")


def _widths(sheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _lines(sheet, row: int, lines: list[tuple[str, object]]) -> int:
    """Label/value lines (label in bold); returns the next free row."""
    for label, value in lines:
        sheet.cell(row=row, column=1, value=label).font = BOLD
        cell = sheet.cell(row=row, column=2, value=value)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
        row += 1
    return row


def _save(workbook: Workbook) -> bytes:
    # We never write formulas: a label starting with "=" (a funder's or a unit's name…) stays text.
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- Bilan XLSX ---------------------------------------------------------------------------------


def _is_uuid(key: str) -> bool:
    try:
        uuid.UUID(key)
    except ValueError:
        return False
    return True


def _code(indicator: Indicator, key: str | None = None, position: int = 0) -> str:
    """A readable code for a row: "A1" for a total, "B3.female", "I1.2" for the second funder (a public id
    means nothing to a reader: the label beside it names the unit or funder)."""
    if key is None:
        return indicator.id
    return f"{indicator.id}.{position if _is_uuid(key) else key}"


def _readable_scope(scope) -> str:
    """ "department:80", "national", or the name of a post or unit rather than its public id."""
    kinds = {ScopeKind.POST: _("post"), ScopeKind.UNIT: _("unit")}
    if scope.kind in kinds:
        return f"{kinds[scope.kind]}: {scope.label}"
    return scope.as_argument()


def _indicator_rows(sheet, row: int, indicator: Indicator) -> int:
    """One indicator on its group's sheet: title, headers, cells, total, secondary figures, note."""
    sheet.cell(row=row, column=1, value=f"{indicator.id} — {indicator.label}").font = HEADING
    row += 1
    share = (
        _("Share %(denominator)s") % {"denominator": indicator.denominator_label}
        if indicator.denominator_label
        else _("Share")
    )
    _headers(sheet, row, [_("Label"), _("Value"), share, _("Code"), _("Unit")])
    row += 1
    unit = unit_label(indicator.unit)
    for position, cell in enumerate(indicator.breakdown, start=1):
        sheet.cell(row=row, column=1, value=str(cell.label))
        _put(sheet, row, 2, cell.value, unit=indicator.unit)
        _put_percent(sheet, row, 3, cell.percent)
        sheet.cell(row=row, column=4, value=_code(indicator, cell.key, position))
        sheet.cell(row=row, column=5, value=unit)
        row += 1
    sheet.cell(row=row, column=1, value=_("Total")).font = BOLD
    _put(sheet, row, 2, indicator.total, unit=indicator.unit, font=BOLD)
    sheet.cell(row=row, column=4, value=_code(indicator))
    sheet.cell(row=row, column=5, value=unit)
    row += 1
    for key, label, value, detail_unit in indicator.details:
        sheet.cell(row=row, column=1, value=str(label)).font = ITALIC
        _put(sheet, row, 2, value, unit=detail_unit, font=ITALIC)
        sheet.cell(row=row, column=4, value=_code(indicator, key))
        sheet.cell(row=row, column=5, value=unit_label(detail_unit))
        row += 1
    if indicator.is_multi_valued:
        sheet.cell(
            row=row,
            column=1,
            value=_("A person counts once for each value: the lines may add up to more than the total."),
        ).font = ITALIC
        row += 1
    if indicator.note:
        sheet.cell(row=row, column=1, value=str(indicator.note)).font = ITALIC
        row += 1
    return row + 1


def bilan_xlsx(bilan: Bilan) -> bytes:
    """A first sheet "Synthèse" (scope, period, masking, summary), then one sheet per indicator group."""
    workbook = _new_workbook()
    sheet = _sheet(workbook, _("Summary"))
    sheet.cell(row=1, column=1, value=_("Activity report")).font = TITLE
    generated_at = bilan.generated_at or timezone.now()
    if timezone.is_aware(generated_at):
        generated_at = timezone.localtime(generated_at)
    row = _lines(
        sheet,
        3,
        [
            (_("Scope"), str(bilan.scope.label)),
            (_("Scope code"), _readable_scope(bilan.scope)),
            (_("Period"), period_label(bilan.period)),
            (_("Start"), bilan.period.start),
            (_("End"), bilan.period.end),
            (_("Generated on"), date_format(generated_at, "DATE_FORMAT")),
            (
                _("Masking"),
                masking_notice(bilan.masking_threshold)
                if bilan.is_masked
                else _("Exact figures — internal document, not for diffusion"),
            ),
            (_("Masking threshold"), bilan.masking_threshold),
        ],
    )
    row += 1
    if bilan.warnings:
        sheet.cell(row=row, column=1, value=_("Points of attention")).font = HEADING
        row += 1
        for warning in bilan.warnings:
            sheet.cell(row=row, column=1, value=str(warning)).font = BOLD
            row += 1
        row += 1
    sheet.cell(row=row, column=1, value=_("Summary")).font = HEADING
    row += 1
    for sentence in summary_sentences(bilan):
        sheet.cell(row=row, column=1, value=sentence)
        row += 1
    _widths(sheet, [24, 110])
    for letter, title, indicators in bilan.groups():
        sheet = _sheet(workbook, title)
        sheet.cell(row=1, column=1, value=f"{letter}. {title}").font = TITLE
        sheet.cell(row=2, column=1, value=f"{bilan.scope.label} — {period_label(bilan.period)}")
        row = 4
        for indicator in indicators:
            row = _indicator_rows(sheet, row, indicator)
        _widths(sheet, [48, 16, 30, 40, 16])
    return _save(workbook)


# ---- Cofinancing summaries ----------------------------------------------------------------------


def gap_warning(label: str, gap_cents: int) -> str:
    """The warning of an unfunded gap (> 0) or an excess (< 0); empty when the cost is exactly funded."""
    if gap_cents > 0:
        return _("%(label)s: %(amount)s are not funded.") % {"label": label, "amount": euros(gap_cents)}
    if gap_cents < 0:
        return _("%(label)s: the funding exceeds the cost by %(amount)s.") % {
            "label": label,
            "amount": euros(-gap_cents),
        }
    return ""


def _year_label(year: int) -> str:
    return _("Year %(year)s") % {"year": year}


def _convention_warnings(summary: ConventionSummary) -> list[str]:
    return [gap_warning(_year_label(total.year), total.gap_cents) for total in summary.years_with_gap]


def _convention_heading(summary: ConventionSummary, convention) -> tuple[str, str]:
    """(title, subtitle) of a convention summary; the convention row is optional and only its fields are read."""
    title = convention.title if convention is not None else _("Cofinancing summary")
    if convention is not None:
        subtitle = _("from %(start)s to %(end)s") % {
            "start": format_date(convention.starts_on),
            "end": format_date(convention.ends_on),
        }
    elif summary.years:
        subtitle = f"{summary.years[0]}–{summary.years[-1]}"
    else:
        subtitle = ""
    return title, subtitle


def convention_summary_context(summary: ConventionSummary, *, convention=None) -> dict:
    title, subtitle = _convention_heading(summary, convention)
    years = []
    for i, total in enumerate(summary.year_totals):
        rows = [
            {
                "name": row.name,
                "kind": row.kind_label,
                "committed": euros(row.cells[i].committed_cents),
                "called": euros(row.cells[i].called_cents),
                "paid": euros(row.cells[i].paid_cents),
                "due": euros(row.cells[i].due_cents),
            }
            for row in summary.funders
            if not row.cells[i].is_empty
        ]
        years.append(
            {
                "label": _year_label(total.year),
                "rows": rows,
                "committed": euros(total.committed_cents),
                "called": euros(total.called_cents),
                "paid": euros(total.paid_cents),
                "due": euros(total.due_cents),
                "cost": euros(total.cost_cents),
                "gap": euros(total.gap_cents),
                "has_gap": bool(total.gap_cents),
                "warning": gap_warning(_year_label(total.year), total.gap_cents),
                "is_empty": total.is_empty,
            }
        )
    funders = [
        {
            "name": row.name,
            "kind": row.kind_label,
            "committed": euros(row.total.committed_cents),
            "called": euros(row.total.called_cents),
            "paid": euros(row.total.paid_cents),
            "due": euros(row.total.due_cents),
        }
        for row in summary.funders
    ]
    total = summary.total
    return {
        "document_title": title,
        "document_subtitle": subtitle,
        "header_left": title,
        "header_right": subtitle,
        "footer_mention": _("Cofinancing summary"),
        "title": title,
        "subtitle": subtitle,
        "employer": convention.employer if convention is not None else "",
        "warnings": _convention_warnings(summary),
        "years": years,
        "funders": funders,
        "total": {
            "committed": euros(total.committed_cents),
            "called": euros(total.called_cents),
            "paid": euros(total.paid_cents),
            "due": euros(total.due_cents),
            "cost": euros(total.cost_cents),
            "gap": euros(total.gap_cents),
            "has_gap": bool(total.gap_cents),
        },
        "generated_on": format_date(timezone.localdate()),
    }


def convention_summary_pdf(summary: ConventionSummary, *, convention=None) -> bytes:
    """Years × funders (committed, called, paid, due), cost and gap per year; gaps are always shown."""
    return render_pdf(
        "reporting/pdf/convention_summary.html", convention_summary_context(summary, convention=convention)
    )


def convention_summary_xlsx(summary: ConventionSummary, *, convention=None) -> bytes:
    """Sheets: "Synthèse" (totals and gap warnings), "Par année" (cost, committed… gap), "Par financeur"."""
    title, subtitle = _convention_heading(summary, convention)
    workbook = _new_workbook()
    sheet = _sheet(workbook, _("Summary"))
    sheet.cell(row=1, column=1, value=title).font = TITLE
    sheet.cell(row=2, column=1, value=subtitle)
    row = 4
    if convention is not None:
        row = _lines(sheet, row, [(_("Employer"), convention.employer)])
    total = summary.total
    for label, cents in (
        (_("Total cost"), total.cost_cents),
        (_("Committed"), total.committed_cents),
        (_("Called"), total.called_cents),
        (_("Paid"), total.paid_cents),
        (_("Still due"), total.due_cents),
        (_("Unfunded (+) or excess (−)"), total.gap_cents),
    ):
        sheet.cell(row=row, column=1, value=label).font = BOLD
        _put_euros(sheet, row, 2, cents)
        row += 1
    row += 1
    warnings = _convention_warnings(summary)
    if warnings:
        sheet.cell(row=row, column=1, value=_("Points of attention")).font = HEADING
        row += 1
        for warning in warnings:
            sheet.cell(row=row, column=1, value=warning).font = BOLD
            row += 1
    _widths(sheet, [34, 22])

    sheet = _sheet(workbook, _("By year"))
    _headers(
        sheet,
        1,
        [
            _("Year"),
            _("Total cost"),
            _("Committed"),
            _("Called"),
            _("Paid"),
            _("Still due"),
            _("Unfunded (+) or excess (−)"),
            _("Funding warning"),
        ],
    )
    row = 2
    for year_total in [*summary.year_totals, summary.total]:
        is_total = year_total is summary.total
        font = BOLD if is_total else NORMAL
        sheet.cell(row=row, column=1, value=_("Total") if is_total else year_total.year).font = font
        for column, cents in enumerate(
            (
                year_total.cost_cents,
                year_total.committed_cents,
                year_total.called_cents,
                year_total.paid_cents,
                year_total.due_cents,
                year_total.gap_cents,
            ),
            start=2,
        ):
            _put_euros(sheet, row, column, cents, font=font)
        if not is_total and year_total.gap_cents:
            sheet.cell(
                row=row, column=8, value=gap_warning(_year_label(year_total.year), year_total.gap_cents)
            ).font = BOLD
        row += 1
    _widths(sheet, [10, 16, 16, 16, 16, 16, 18, 60])

    sheet = _sheet(workbook, _("By funder"))
    _headers(
        sheet, 1, [_("Funder"), _("Kind of funder"), _("Year"), _("Committed"), _("Called"), _("Paid"), _("Still due")]
    )
    row = 2
    for funder in summary.funders:
        for cell in [*funder.cells, funder.total]:
            is_total = cell is funder.total
            font = BOLD if is_total else NORMAL
            sheet.cell(row=row, column=1, value=funder.name).font = font
            sheet.cell(row=row, column=2, value=str(funder.kind_label))
            sheet.cell(row=row, column=3, value=_("Total") if is_total else cell.year).font = font
            for column, cents in enumerate(
                (cell.committed_cents, cell.called_cents, cell.paid_cents, cell.due_cents), start=4
            ):
                _put_euros(sheet, row, column, cents, font=font)
            row += 1
    _widths(sheet, [40, 30, 10, 16, 16, 16, 16])
    return _save(workbook)


def _department_title(summary: DepartmentSummary) -> tuple[str, str]:
    return (
        _("Cofinancing — %(department)s") % {"department": summary.department},
        _year_label(summary.year),
    )


def _per_person(summary: DepartmentSummary, persons_met) -> list[tuple[str, str, int | str | None]]:
    """Persons met in the year and the cost per person met; a masked count hides the cost per person."""
    if persons_met is None:
        return []
    per_person = (
        round(summary.total_cost_cents / persons_met) if isinstance(persons_met, int) and persons_met else None
    )
    return [
        (format_value(persons_met, FigureUnit.PERSONS), _("Persons met"), persons_met),
        (euros(per_person) if per_person is not None else "—", _("Cost per person met"), per_person),
    ]


def department_summary_context(summary: DepartmentSummary, *, persons_met=None) -> dict:
    title, subtitle = _department_title(summary)
    warning = gap_warning(_year_label(summary.year), summary.gap_cents)
    return {
        "document_title": f"{title} — {subtitle}",
        "document_subtitle": subtitle,
        "header_left": title,
        "header_right": subtitle,
        "footer_mention": _("Cofinancing summary"),
        "title": title,
        "subtitle": subtitle,
        "warnings": [warning] if warning else [],
        "figures": [
            (format_value(summary.post_count, FigureUnit.RATIO), _("posts")),
            (floatformat(summary.total_fte, "-2"), _("full-time equivalents")),
            (euros(summary.total_cost_cents), _("total cost in %(year)s") % {"year": summary.year}),
            (euros(summary.committed_cents), _("Committed")),
            (euros(summary.paid_cents), _("Paid")),
            *[(shown, label) for shown, label, _value in _per_person(summary, persons_met)],
        ],
        "shares": [
            {
                "label": share.label,
                "committed": euros(share.committed_cents),
                "share": percent(share.share, 1),
                "paid": euros(share.paid_cents),
            }
            for share in summary.kind_shares
        ],
        "committed": euros(summary.committed_cents),
        "paid": euros(summary.paid_cents),
        "cost": euros(summary.total_cost_cents),
        "gap": euros(summary.gap_cents),
        "posts": [
            {
                "name": post.name,
                "fte": floatformat(post.fte, "-2") if post.fte is not None else "—",
                "employer": post.employer,
                "conventions": post.convention_count,
                "cost": euros(post.year_cost),
            }
            for post in summary.posts
        ],
        "ending_soon": [
            {"title": convention.title, "ends_on": format_date(convention.ends_on)}
            for convention in summary.ending_soon
        ],
        "ending_before": format_date(summary.ending_before),
        "generated_on": format_date(timezone.localdate()),
    }


def department_summary_pdf(summary: DepartmentSummary, *, persons_met=None) -> bytes:
    """Posts, FTE, total cost, shares by kind of funder, conventions ending soon; the gap is always shown.
    ``persons_met`` (an int, or a masked string) adds the cost per person met."""
    return render_pdf(
        "reporting/pdf/department_summary.html", department_summary_context(summary, persons_met=persons_met)
    )


def department_summary_xlsx(summary: DepartmentSummary, *, persons_met=None) -> bytes:
    """Sheets: "Synthèse" (figures and gap warning), "Financeurs" (by kind), "Postes", "Échéances"."""
    title, subtitle = _department_title(summary)
    workbook = _new_workbook()
    sheet = _sheet(workbook, _("Summary"))
    sheet.cell(row=1, column=1, value=title).font = TITLE
    sheet.cell(row=2, column=1, value=subtitle)
    row = _lines(sheet, 4, [(_("Department"), str(summary.department)), (_("Year"), summary.year)])
    sheet.cell(row=row, column=1, value=_("Posts")).font = BOLD
    sheet.cell(row=row, column=2, value=summary.post_count)
    row += 1
    sheet.cell(row=row, column=1, value=_("FTE")).font = BOLD
    cell = sheet.cell(row=row, column=2, value=Decimal(summary.total_fte or 0))
    cell.number_format = "0.00"
    row += 1
    for label, cents in (
        (_("Total cost"), summary.total_cost_cents),
        (_("Committed"), summary.committed_cents),
        (_("Paid"), summary.paid_cents),
        (_("Unfunded (+) or excess (−)"), summary.gap_cents),
    ):
        sheet.cell(row=row, column=1, value=label).font = BOLD
        _put_euros(sheet, row, 2, cents)
        row += 1
    for index, (_shown, label, value) in enumerate(_per_person(summary, persons_met)):
        sheet.cell(row=row, column=1, value=label).font = BOLD
        if index == 1 and isinstance(value, int):
            _put_euros(sheet, row, 2, value)
        else:
            sheet.cell(row=row, column=2, value=value)
        row += 1
    warning = gap_warning(_year_label(summary.year), summary.gap_cents)
    if warning:
        row += 1
        sheet.cell(row=row, column=1, value=_("Points of attention")).font = HEADING
        sheet.cell(row=row + 1, column=1, value=warning).font = BOLD
    _widths(sheet, [34, 22])

    sheet = _sheet(workbook, _("By kind of funder"))
    _headers(sheet, 1, [_("Kind of funder"), _("Committed"), _("Share of the total cost"), _("Paid")])
    row = 2
    for share in summary.kind_shares:
        sheet.cell(row=row, column=1, value=str(share.label))
        _put_euros(sheet, row, 2, share.committed_cents)
        _put_percent(sheet, row, 3, share.share)
        _put_euros(sheet, row, 4, share.paid_cents)
        row += 1
    sheet.cell(row=row, column=1, value=_("Total")).font = BOLD
    _put_euros(sheet, row, 2, summary.committed_cents, font=BOLD)
    _put_euros(sheet, row, 4, summary.paid_cents, font=BOLD)
    _widths(sheet, [36, 16, 16, 16])

    sheet = _sheet(workbook, _("Posts"))
    _headers(sheet, 1, [_("Post"), _("FTE"), _("Employer"), _("Conventions"), _("Cost for the year")])
    for row, post in enumerate(summary.posts, start=2):
        sheet.cell(row=row, column=1, value=post.name)
        fte = sheet.cell(row=row, column=2, value=Decimal(post.fte) if post.fte is not None else None)
        fte.number_format = "0.00"
        sheet.cell(row=row, column=3, value=post.employer)
        sheet.cell(row=row, column=4, value=post.convention_count)
        _put_euros(sheet, row, 5, post.year_cost)
    _widths(sheet, [36, 8, 30, 12, 18])

    sheet = _sheet(workbook, _("Ending soon"))
    _headers(sheet, 1, [_("Convention"), _("End date")])
    for row, convention in enumerate(summary.ending_soon, start=2):
        sheet.cell(row=row, column=1, value=convention.title)
        day = sheet.cell(row=row, column=2, value=convention.ends_on)
        day.number_format = DATE_FORMAT
    _widths(sheet, [60, 14])
    return _save(workbook)
