"""JSON, CSV and XLSX of a bilan; PDF and XLSX of the cofinancing summaries. No database involved."""

import csv
import datetime
import io
import json

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from reporting import exports
from reporting.bilan import GROUPS, SECONDARY_MASK, Cell, FigureUnit, Indicator
from tests.reporting.samples import (
    FUNDER_LABEL,
    MASK,
    THRESHOLD,
    UNIT_LABEL,
    bilan_of,
    pdf_text,
    sample_bilan,
    sample_convention,
    sample_convention_summary,
    sample_department_summary,
)
from tests.reporting.samples import normalize as n

# ---- JSON ---------------------------------------------------------------------------------------


def test_json_has_exactly_the_documented_structure():
    data = exports.bilan_json(sample_bilan())
    assert set(data) == {"scope", "period", "masking_threshold", "indicators"}
    assert data["scope"] == {"kind": "department", "key": "80", "label": "Somme (80)"}
    assert data["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert data["masking_threshold"] is None
    assert list(data["indicators"])[:3] == ["A1", "A2", "A4"]
    b3 = data["indicators"]["B3"]
    assert set(b3) == {"label", "total", "breakdown", "unit", "details"}
    assert b3["label"] == "Personnes rencontrées par sexe"
    assert b3["total"] == 98
    assert b3["unit"] == "persons"
    assert b3["breakdown"]["f"] == {"label": "Femme", "value": 60, "percent": 61.2}
    assert list(b3["breakdown"]) == ["f", "m", "other", "unknown"]
    assert data["indicators"]["A4"]["details"] == {
        "waiting": {"label": "Saisines en attente à la fin de la période", "value": 12, "unit": "referrals"}
    }
    json.dumps(data)  # serialisable as it is


def test_json_keeps_money_in_cents_and_says_so():
    i1 = exports.bilan_json(sample_bilan())["indicators"]["I1"]
    assert i1["unit"] == "cents"
    assert i1["total"] == 9_000_000
    assert i1["breakdown"]["3"]["value"] == 1_500_050


def test_masked_json_holds_the_masked_strings_and_no_percentage_for_them():
    data = exports.bilan_json(sample_bilan(masked=True))
    assert data["masking_threshold"] == THRESHOLD
    b3 = data["indicators"]["B3"]["breakdown"]
    assert b3["unknown"] == {"label": "Sexe non renseigné", "value": MASK, "percent": None}
    assert b3["m"]["value"] == SECONDARY_MASK
    assert data["indicators"]["E4"]["total"] == "< 11"
    assert data["indicators"]["B4"]["breakdown"]["75_plus"]["value"] == "< 11"


# ---- CSV ----------------------------------------------------------------------------------------


def read_csv(text: str) -> list[list[str]]:
    raw = text.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: French Excel opens it right
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_parses_back_with_a_row_per_total_cell_and_secondary_figure():
    bilan = sample_bilan()
    header, *rows = read_csv(exports.bilan_csv(bilan))
    assert len(header) == 8
    assert all(len(row) == 8 for row in rows)
    expected = sum(1 + len(i.breakdown) + len(i.details) for i in bilan.indicators.values())
    assert len(rows) == expected
    for indicator in bilan.indicators.values():
        keys = [row[3] for row in rows if row[0] == indicator.id]
        assert keys == ["total", *(c.key for c in indicator.breakdown), *(d[0] for d in indicator.details)]
    by_key = {(row[0], row[3]): row for row in rows}
    assert by_key[("B3", "f")][1:] == [
        str(GROUPS["B"]),
        "Personnes rencontrées par sexe",
        "f",
        "Femme",
        "60",
        "61,2",
        _("persons"),
    ]
    assert by_key[("A1", "3f1c2b9e-0000-4000-8000-000000000001")][4] == UNIT_LABEL
    assert by_key[("B3", "total")][5] == "98"
    assert by_key[("C4", "total")][5] == "4,2"


def test_csv_shows_money_in_euros_with_a_decimal_comma():
    rows = read_csv(exports.bilan_csv(sample_bilan()))
    by_key = {(row[0], row[3]): row for row in rows}
    assert by_key[("I1", "total")][5] == "90000,00"
    assert by_key[("I1", "3")][5] == "15000,50"
    assert by_key[("I1", "3")][7] == _("euros")
    assert by_key[("I3", "total")][5] == "92500,75"


def test_masked_csv_holds_the_masked_strings():
    rows = read_csv(exports.bilan_csv(sample_bilan(masked=True)))
    by_key = {(row[0], row[3]): row for row in rows}
    assert by_key[("B3", "unknown")][5:7] == [MASK, ""]
    assert by_key[("B3", "m")][5:7] == [SECONDARY_MASK, ""]
    assert by_key[("B4", "75_plus")][5] == MASK
    assert by_key[("E4", "total")][5] == MASK


def test_csv_labels_never_become_formulas():
    bilan = bilan_of(
        Indicator(
            id="I1",
            label="=cofinancement",
            unit=FigureUnit.CENTS,
            total=100,
            breakdown=(Cell("1", '=HYPERLINK("http://example.org")', 100), Cell("2", "-Commune", 0)),
        )
    )
    rows = read_csv(exports.bilan_csv(bilan))
    assert [row[4] for row in rows[1:]] == [_("Total"), '\'=HYPERLINK("http://example.org")', "'-Commune"]
    assert rows[1][2] == "'=cofinancement"


# ---- XLSX ---------------------------------------------------------------------------------------


def open_xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))


def find(sheet, value):
    """The first cell holding value."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell
    raise AssertionError(f"{value!r} not found in {sheet.title}")


def right_of(cell, offset=1):
    return cell.parent.cell(row=cell.row, column=cell.column + offset)


def test_xlsx_has_a_summary_sheet_then_one_sheet_per_group():
    bilan = sample_bilan()
    workbook = open_xlsx(exports.bilan_xlsx(bilan))
    assert workbook.sheetnames == [_("Summary"), *(str(title) for _letter, title, _items in bilan.groups())]
    summary = workbook[_("Summary")]
    assert right_of(find(summary, _("Scope"))).value == "Somme (80)"
    assert right_of(find(summary, _("Start"))).value.date() == datetime.date(2024, 1, 1)
    assert right_of(find(summary, _("End"))).value.date() == datetime.date(2024, 12, 31)
    assert right_of(find(summary, _("Masking threshold"))).value is None
    assert find(summary, "Année 2024 : 2 500,75 € ne sont pas financés.").font.bold


def test_xlsx_writes_numbers_as_numbers_and_money_in_euros():
    workbook = open_xlsx(exports.bilan_xlsx(sample_bilan()))
    persons = workbook[str(GROUPS["B"])]
    women = find(persons, "Femme")
    assert right_of(women).value == 60
    assert right_of(women, 2).value == pytest.approx(0.612)
    assert right_of(women, 2).number_format == "0.0%"
    cofinancing = workbook[str(GROUPS["I"])]
    commune = find(cofinancing, FUNDER_LABEL)
    assert right_of(commune).value == pytest.approx(15000.50)
    assert "€" in right_of(commune).number_format
    headers = find(cofinancing, _("Label"))
    assert headers.font.bold
    title = find(cofinancing, "I1 — Cofinancement engagé par financeur")
    assert title.font.bold


def test_masked_xlsx_holds_masked_cells_as_text():
    workbook = open_xlsx(exports.bilan_xlsx(sample_bilan(masked=True)))
    persons = workbook[str(GROUPS["B"])]
    assert right_of(find(persons, "Sexe non renseigné")).value == MASK
    assert right_of(find(persons, "Sexe non renseigné"), 2).value is None
    assert right_of(find(persons, "Homme")).value == SECONDARY_MASK
    assert right_of(find(persons, "75 ans et plus")).value == MASK
    summary = workbook[_("Summary")]
    assert right_of(find(summary, _("Masking threshold"))).value == THRESHOLD


def test_xlsx_labels_never_become_formulas():
    bilan = bilan_of(
        Indicator(
            id="I1", label="Cofinancement", unit=FigureUnit.CENTS, total=100, breakdown=(Cell("1", "=1+1", 100),)
        )
    )
    workbook = open_xlsx(exports.bilan_xlsx(bilan))
    cell = find(workbook[str(GROUPS["I"])], "=1+1")
    assert cell.data_type == "s"


def test_xlsx_sheet_names_are_valid_for_excel():
    sheet = exports._sheet(exports._new_workbook(), "Financements: [2024/2025] * très long titre de feuille")
    assert len(sheet.title) <= 31
    assert not set(sheet.title) & set("[]:*?/\\")


# ---- Cofinancing summaries ----------------------------------------------------------------------


def test_gap_warnings_say_unfunded_or_excess():
    with translation.override("en"):
        assert exports.gap_warning("Year 2026", 123_456) == "Year 2026: 1,234.56\xa0€ are not funded."
        assert exports.gap_warning("Year 2026", -100) == "Year 2026: the funding exceeds the cost by 1.00\xa0€."
        assert exports.gap_warning("Year 2026", 0) == ""


def test_convention_summary_xlsx_holds_years_funders_and_the_gap_warning():
    workbook = open_xlsx(exports.convention_summary_xlsx(sample_convention_summary(), convention=sample_convention()))
    assert workbook.sheetnames == [_("Summary"), _("By year"), _("By funder")]
    summary = workbook[_("Summary")]
    assert summary["A1"].value == "Convention ISCG Amiens <2025-2026>"
    warning = exports.gap_warning(_("Year %(year)s") % {"year": 2026}, 1_123_456)
    assert find(summary, warning).font.bold
    assert right_of(find(summary, _("Total cost"))).value == 110_000
    years = workbook[_("By year")]
    year_2026 = find(years, 2026)
    assert [right_of(year_2026, i).value for i in range(1, 7)] == [
        60_000,
        pytest.approx(48_765.44),
        0,
        0,
        pytest.approx(48_765.44),
        pytest.approx(11_234.56),
    ]
    assert right_of(year_2026, 7).value == warning
    assert right_of(find(years, 2025), 7).value is None  # exactly funded: no warning
    funders = workbook[_("By funder")]
    rows = [[cell.value for cell in row] for row in funders.iter_rows(min_row=2)]
    assert rows[0][0] == FUNDER_LABEL and rows[0][2] == 2025
    assert rows[0][3:] == [10_000, 5_000, 5_000, 5_000]
    assert rows[2][2] == _("Total") and rows[2][3] == pytest.approx(33_765.44)


def test_convention_summary_pdf_shows_funders_years_and_the_gap():
    with translation.override("en"):
        text = pdf_text(exports.convention_summary_pdf(sample_convention_summary(), convention=sample_convention()))
        warning = exports.gap_warning("Year 2026", 1_123_456)
    assert "Convention ISCG Amiens <2025-2026>" in text
    assert "Préfecture de la Somme" in text and FUNDER_LABEL in text
    assert "Year 2025" in text and "Year 2026" in text
    assert "Committed" in text and "Paid" in text and "Still due" in text
    assert n(warning) in text
    assert "11,234.56 €" in text
    assert "28,765.44 €" in text  # the commune still owes 33 765,44 − 5 000,00


def test_convention_summary_pdf_works_without_the_convention_row():
    with translation.override("en"):
        text = pdf_text(exports.convention_summary_pdf(sample_convention_summary()))
    assert "Cofinancing summary" in text
    assert "2025–2026" in text


def test_department_summary_xlsx_holds_posts_fte_cost_shares_and_the_gap():
    workbook = open_xlsx(exports.department_summary_xlsx(sample_department_summary()))
    assert workbook.sheetnames == [_("Summary"), _("By kind of funder"), _("Posts"), _("Ending soon")]
    summary = workbook[_("Summary")]
    assert right_of(find(summary, _("FTE"))).value == pytest.approx(1.5)
    assert right_of(find(summary, _("Total cost"))).value == 110_000
    assert right_of(find(summary, _("Unfunded (+) or excess (−)"))).value == 10_000
    warning = exports.gap_warning(_("Year %(year)s") % {"year": 2025}, 1_000_000)
    assert find(summary, warning).font.bold
    posts = workbook[_("Posts")]
    assert [cell.value for cell in posts[3]] == ["ISCG Abbeville", pytest.approx(0.5), "CCAS d'Abbeville", 2, 40_000]
    shares = workbook[_("By kind of funder")]
    assert shares["C2"].value == pytest.approx(0.545454)
    ending = workbook[_("Ending soon")]
    assert ending["B2"].value.date() == datetime.date(2025, 6, 30)


def test_department_summary_pdf_shows_posts_fte_shares_and_the_gap():
    with translation.override("en"):
        text = pdf_text(exports.department_summary_pdf(sample_department_summary()))
        warning = exports.gap_warning("Year 2025", 1_000_000)
    assert "Somme (80)" in text
    assert "ISCG Amiens" in text and "ISCG Abbeville" in text and "0.50" in text
    assert "110,000.00 €" in text
    assert "54.5 %" in text
    assert n(warning) in text
    assert "Convention ISCG Abbeville" in text
