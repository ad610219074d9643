"""Round trip: a post's history exported into the import format and imported into an empty post
gives the same bilan, indicator by indicator (docs/domain.md §7.2; group I left out: conventions are not
imported)."""

import pytest

from casework.models import Assessment, Person
from imports.exporting import csv_zip_bytes, post_tables, workbook_bytes
from imports.models import ImportedRecord
from reporting.indicators import civil_year, compute_bilan, resolve_scope
from tests.imports.conftest import import_file

EXPECTED_IDS = {
    *("A1", "A2", "A3", "A4"),
    *(f"B{n}" for n in range(1, 10)),
    *("C1", "C2", "C3", "C4"),
    *("D1", "D2"),
    *("E1", "E2", "E3", "E4"),
    *("F1", "F2", "F3"),
    "G1",
}


def _figures(post, year: int) -> dict:
    bilan = compute_bilan(
        scope=resolve_scope(f"post:{post.public_id}"),
        period=civil_year(year),
        with_previous=False,
        include_cofinancing=False,
    )
    figures = {}
    for indicator_id, indicator in bilan.indicators.items():
        # A1 is broken down by unit, keyed by the unit's public id: the same unit names compare instead.
        cells = tuple(
            (cell.label if indicator_id == "A1" else cell.key, cell.value, cell.percent)
            for cell in indicator.breakdown
        )
        details = tuple((key, value) for key, _label, value, _unit in indicator.details)
        figures[indicator_id] = (indicator.total, cells, details)
    return figures


@pytest.mark.parametrize("fmt", ["xlsx", "csv_zip"])
def test_a_post_history_exported_then_imported_into_an_empty_post_gives_an_identical_bilan(source, target, fmt):
    tables = post_tables(source.post)
    content = workbook_bytes(tables) if fmt == "xlsx" else csv_zip_bytes(tables)
    batch = import_file(target.post, target.iscg, content, f"historique.{'xlsx' if fmt == 'xlsx' else 'zip'}")

    assert batch.status == "imported"
    assert {key: sheet["created"] for key, sheet in batch.counts.items()} == {
        "person": 4,
        "followup": 4,
        "referral": 6,
        "intervention": 9,
        "orientation": 2,
        "transmission": 2,
        "assessment": 3,
    }
    assert ImportedRecord.objects.filter(batch=batch).count() == 30
    imported = Person.objects.filter(post=target.post)
    assert not imported.exclude(last_name="", first_name="", birth_name="", safe_phone="").exists()  # no name
    for year in (2024, 2025):
        before, after = _figures(source.post, year), _figures(target.post, year)
        assert set(after) == EXPECTED_IDS
        differing = {key: (before[key], after[key]) for key in EXPECTED_IDS if before[key] != after[key]}
        assert not differing, differing
    # The data set is not trivial: every group has figures.
    figures = _figures(target.post, 2025)
    assert figures["A1"][0] == 4 and figures["B1"][0] == 3 and figures["C2"][0] == 5
    assert figures["E1"][0] == 2 and figures["E4"][0] == 2 and figures["F1"][0] == 2 and figures["F3"][0] == 2
    assert figures["A4"][2][0] == ("referrals_with_intervention", 1)
    # The assessments came along: « très grand danger » (D2) and children exposed (B8).
    assert {key: value for key, value, _percent in figures["D2"][1]}["very_serious_danger"] == 2
    assert figures["B8"][0] == 3
    imported = Assessment.objects.filter(followup__post=target.post)
    assert sorted(sorted(form.code for form in a.violence_forms.all()) for a in imported) == [
        [],
        ["physiques", "psychologiques"],
        ["psychologiques"],
    ]
