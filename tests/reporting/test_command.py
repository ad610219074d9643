"""``manage.py bilan``: arguments, formats, masking and French errors (the bilan itself is computed elsewhere)."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from reporting.management.commands import bilan as command
from tests.reporting.samples import MASK, SCOPE, normalize, pdf_text, sample_bilan

COMMAND = "reporting.management.commands.bilan"


@pytest.fixture
def calls(monkeypatch):
    """Replace the computation: record what the command asks for, answer the sample bilan."""
    recorded = {}

    def resolve_scope(argument):
        recorded["scope"] = argument
        if argument != "department:80":
            raise ValueError(f"Périmètre inconnu : {argument}.")
        return SCOPE

    def compute_bilan(*, scope, period, with_previous=True):
        recorded.update(period=period, with_previous=with_previous)
        return sample_bilan(with_previous=with_previous)

    def mask_bilan(bilan, *, threshold):
        recorded["threshold"] = threshold
        return sample_bilan(masked=True, with_previous=bilan.previous is not None)

    monkeypatch.setattr(f"{COMMAND}.resolve_scope", resolve_scope)
    monkeypatch.setattr(f"{COMMAND}.compute_bilan", compute_bilan)
    monkeypatch.setattr(f"{COMMAND}.mask_bilan", mask_bilan)
    return recorded


def run(*arguments: str) -> str:
    out = io.StringIO()
    call_command("bilan", *arguments, stdout=out)
    return out.getvalue()


def base(tmp_path, fmt="json", *, start="2024-01-01", end="2024-12-31", scope="department:80", name="out"):
    return ["--scope", scope, "--start", start, "--end", end, "--format", fmt, "--output", str(tmp_path / name)]


def test_json_file_is_written_for_the_scope_and_period(calls, tmp_path):
    output = run(*base(tmp_path))
    data = json.loads((tmp_path / "out").read_text(encoding="utf-8"))
    assert data["scope"]["label"] == "Somme (80)"
    assert data["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert data["indicators"]["B1"]["total"] == 98
    assert calls["scope"] == "department:80"
    assert calls["period"].start == datetime.date(2024, 1, 1) and calls["period"].end == datetime.date(2024, 12, 31)
    assert calls["with_previous"] is False  # only the PDF shows the comparison
    assert "threshold" not in calls
    assert str(tmp_path / "out") in output and "Somme (80)" in output


def test_masking_option_masks_the_bilan(calls, tmp_path):
    run(*base(tmp_path), "--masking", "11")
    assert calls["threshold"] == 11
    data = json.loads((tmp_path / "out").read_text(encoding="utf-8"))
    assert data["masking_threshold"] == 11
    assert data["indicators"]["B3"]["breakdown"]["unknown"]["value"] == MASK


def test_masking_is_refused_outside_a_complete_civil_year(calls, tmp_path):
    with pytest.raises(CommandError, match="année civile complète"):
        run(*base(tmp_path, end="2024-12-30"), "--masking", "11")
    assert "threshold" not in calls and "period" not in calls  # nothing computed, nothing masked


def test_csv_file_is_semicolon_separated_utf8_with_bom(calls, tmp_path):
    run(*base(tmp_path, "csv"))
    raw = (tmp_path / "out").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\r\n" not in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert all(len(row) == 8 for row in rows)
    assert ["B1", "total", "98"] in [[row[0], row[3], row[5]] for row in rows]


def test_xlsx_file_opens_with_openpyxl(calls, tmp_path):
    run(*base(tmp_path, "XLSX"))
    workbook = load_workbook(io.BytesIO((tmp_path / "out").read_bytes()))
    assert workbook.sheetnames[0] == _("Summary")


def test_pdf_file_holds_the_bilan_with_its_comparison(calls, tmp_path, db):  # page 1 reads trend and commentary
    run(*base(tmp_path, "pdf"))
    assert calls["with_previous"] is True
    text = pdf_text((tmp_path / "out").read_bytes())
    assert "Somme (80)" in text
    assert normalize(sample_bilan().indicators["B1"].label) in text


def test_json_can_go_to_the_standard_output(calls, tmp_path):
    arguments = base(tmp_path)
    arguments[-1] = "-"
    data = json.loads(run(*arguments))
    assert data["scope"]["key"] == "80"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"start": "2024-12-31", "end": "2024-01-01"},
            _("The end date (%(end)s) is before the start date (%(start)s).")
            % {"end": "2024-01-01", "start": "2024-12-31"},
        ),
        (
            {"fmt": "docx"},
            _("Unknown format “%(format)s”: choose one of %(formats)s.")
            % {"format": "docx", "formats": "json, csv, xlsx, pdf"},
        ),
        ({"scope": "department:999"}, "Périmètre inconnu : department:999."),
        (
            {"start": "01/01/2024"},
            _("The option %(option)s expects a date written YYYY-MM-DD, not “%(value)s”.")
            % {"option": "--start", "value": "01/01/2024"},
        ),
    ],
)
def test_bad_arguments_stop_with_a_clear_message(calls, tmp_path, arguments, message):
    with pytest.raises(CommandError) as error:
        run(*base(tmp_path, **arguments))
    assert str(error.value) == message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("threshold", ["1", "onze", "-3"])
def test_a_bad_masking_threshold_is_refused(calls, tmp_path, threshold):
    with pytest.raises(CommandError, match=threshold):
        run(*base(tmp_path), "--masking", threshold)


def test_missing_options_are_reported(calls, tmp_path):
    with pytest.raises(CommandError, match="--start"):
        run("--scope", "national", "--end", "2024-12-31", "--format", "json", "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="--output"):
        run("--scope", "national", "--start", "2024-01-01", "--end", "2024-12-31", "--format", "json")
    with pytest.raises(CommandError, match="--scope"):
        run("--start", "2024-01-01", "--end", "2024-12-31", "--format", "json", "--output", str(tmp_path / "x"))


def test_a_binary_format_cannot_go_to_the_standard_output(calls, tmp_path):
    arguments = base(tmp_path, "pdf")
    arguments[-1] = "-"
    with pytest.raises(CommandError, match="pdf"):
        run(*arguments)


def test_a_missing_folder_is_reported(calls, tmp_path):
    with pytest.raises(CommandError, match="nowhere"):
        run(*base(tmp_path, name="nowhere/out.json"))


def test_a_computation_refused_as_value_error_becomes_a_command_error(calls, monkeypatch, tmp_path):
    def refuse(**kwargs):
        raise ValueError("La fin de la période précède son début.")

    monkeypatch.setattr(f"{COMMAND}.compute_bilan", refuse)
    with pytest.raises(CommandError, match="précède"):
        run(*base(tmp_path))


def test_the_command_uses_the_computation_and_masking_of_reporting():
    from reporting import indicators, masking

    assert command.compute_bilan is indicators.compute_bilan
    assert command.resolve_scope is indicators.resolve_scope
    assert command.mask_bilan is masking.mask_bilan


@pytest.mark.django_db
def test_the_command_computes_a_real_department_bilan(tmp_path):
    """End to end with the real computation, on the departments of the data migration."""
    run(*base(tmp_path), "--masking", "11")
    data = json.loads((tmp_path / "out").read_text(encoding="utf-8"))
    assert data["scope"]["kind"] == "department" and data["scope"]["key"] == "80"
    assert data["masking_threshold"] == 11
    assert "B1" in data["indicators"]
