"""The downloadable template: an « aide » sheet, one fictitious example line per sheet that the reader
skips, and a drop-down list on every enumerated column whose values are the application's French
labels (the choices its forms show)."""

import io

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from casework.models import FollowUp, Intervention, Orientation, Person, ViolenceForm
from imports.checking import check
from imports.exporting import csv_zip_bytes, template_tables, template_workbook_bytes
from imports.format import SHEETS
from imports.reading import read_upload
from organisation.models import PartnerType
from referrals.models import Problem, Referral
from tests.imports.conftest import import_file

pytestmark = pytest.mark.django_db


def _choices(model, field_name: str, *, without=()) -> list[str]:
    """The labels a model form shows for a field (its choices, without the empty one), in French."""
    with translation.override("fr"):
        return [str(label) for value, label in model._meta.get_field(field_name).choices if value not in without]


def _names(model) -> list[str]:
    return list(model.objects.filter(is_active=True).order_by("position", "name").values_list("name", flat=True))


YES_NO = ["Oui", "Non"]


def _expected() -> dict[tuple[str, str], list[str]]:
    """(sheet, header) → the labels of the application, computed from the models, not from the format."""
    return {
        ("personnes", "sexe"): _choices(Person, "sex"),
        ("personnes", "classe d'âge"): _choices(Person, "age_class"),
        ("personnes", "anonyme"): YES_NO,
        ("personnes", "connu des services sociaux"): _choices(Person, "known_to_social_services"),
        ("saisines", "canal"): _choices(Referral, "source"),
        ("saisines", "urgence"): _choices(Referral, "urgency"),
        ("saisines", "statut"): _choices(Referral, "status"),
        ("saisines", "motif de clôture"): _choices(Referral, "closing_reason"),
        ("suivis", "motif de clôture"): _choices(FollowUp, "closing_reason"),
        ("suivis", "rôle"): _choices(FollowUp, "person_role"),
        ("suivis", "problématiques"): _names(Problem),
        ("interventions", "type"): _choices(Intervention, "kind"),
        ("interventions", "lieu"): _choices(Intervention, "place"),
        ("interventions", "statut"): _choices(Intervention, "status"),
        ("orientations", "type de partenaire"): _names(PartnerType),
        ("orientations", "statut"): _choices(Orientation, "status"),
        ("transmissions", "nature"): _choices(Orientation, "kind", without=("orientation",)),
        ("transmissions", "statut"): _choices(Orientation, "status"),
        ("evaluations", "formes de violence"): _names(ViolenceForm),
        ("evaluations", "très grand danger"): YES_NO,
    }


def _list_items(workbook, formula: str) -> list[str]:
    sheet_name, cells = formula.lstrip("=").split("!")
    return [row[0].value for row in workbook[sheet_name][cells.replace("$", "")] if row[0].value is not None]


def test_every_enumerated_column_offers_the_application_labels_as_a_drop_down_list():
    workbook = load_workbook(io.BytesIO(template_workbook_bytes()))
    expected = _expected()
    found = {}
    for sheet in SHEETS:
        worksheet = workbook[sheet.name]
        headers = [cell.value for cell in worksheet[1]]
        for validation in worksheet.data_validations.dataValidation:
            assert validation.type == "list"
            (cell_range,) = validation.sqref.ranges
            header = headers[cell_range.min_col - 1]
            assert (cell_range.min_row, cell_range.max_row, cell_range.min_col) == (2, 5000, cell_range.max_col)
            found[(sheet.name, header)] = (_list_items(workbook, validation.formula1), validation.showErrorMessage)
    assert {key: items for key, (items, _strict) in found.items()} == expected
    # A single value is enforced; a multi-valued cell (« Physiques ; Sexuelles ») may hold several.
    assert found[("saisines", "canal")][1] is True
    assert found[("evaluations", "formes de violence")][1] is False
    assert found[("suivis", "problématiques")][1] is False
    assert workbook["listes"].sheet_state == "hidden"


def test_the_help_sheet_lists_every_column_and_its_accepted_values_as_labelled_in_the_application():
    workbook = load_workbook(io.BytesIO(template_workbook_bytes()))
    lines = [[cell.value or "" for cell in row] for row in workbook["aide"].iter_rows(min_row=2)]
    assert lines[0] == ["feuille", "colonne", "obligatoire", "contenu", "valeurs acceptées"]
    by_column = {(line[0], line[1]): line for line in lines[1:]}
    assert len(by_column) == sum(len(sheet.columns) for sheet in SHEETS)
    for (sheet, header), labels in _expected().items():
        accepted = by_column[(sheet, header)][4]
        assert accepted.startswith(", ".join(f"« {label} »" for label in labels)), (sheet, header, accepted)
    assert "« Clôturée sans suite »" in by_column[("saisines", "motif de clôture")][3]  # the app's wording


def test_each_sheet_has_one_example_line_marked_as_such():
    workbook = load_workbook(io.BytesIO(template_workbook_bytes()))
    for sheet in SHEETS:
        rows = list(workbook[sheet.name].iter_rows(min_row=2, values_only=True))
        assert len(rows) == 1 and rows[0][0] == "EXEMPLE", sheet.name
        assert workbook[sheet.name]["A2"].comment.text == "Ligne d'exemple fictive : elle n'est jamais importée."


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_a_template_sent_back_with_its_example_lines_imports_nothing_of_them(target, fmt):
    content = template_workbook_bytes() if fmt == "xlsx" else csv_zip_bytes(template_tables())
    plan = check(read_upload(content, f"modele.{fmt}"), post=target.post)
    # Example lines are skipped before any check: no unknown unit, no reference error, nothing to import.
    assert [error.message for error in plan.errors] == [_("The file holds no line to import.")]


def test_the_example_lines_are_skipped_and_the_service_lines_imported(target):
    tables = template_tables()
    persons_headers, persons = tables["personnes"]
    tables["personnes"] = (persons_headers, [*persons, ["P1", "Femme", "1990", "", "Oui", "Non"]])
    followups_headers, followups = tables["suivis"]
    tables["suivis"] = (followups_headers, [*followups, ["S1", "P1", "04/02/2025", "", "", "Victime", ""]])
    assessments_headers, assessments = tables["evaluations"]
    tables["evaluations"] = (
        assessments_headers,
        [*assessments, ["", "S1", "05/02/2025", "Physiques ; sexuelles", "oui", "1"]],
    )
    batch = import_file(target.post, target.iscg, csv_zip_bytes(tables), "modele.zip")
    assert {key: sheet["created"] for key, sheet in batch.counts.items() if sheet["rows"]} == {
        "person": 1,
        "followup": 1,
        "assessment": 1,
    }
    assessment = FollowUp.objects.get(post=target.post).assessments.get()
    assert assessment.is_very_serious_danger and assessment.children_exposed == 1
    assert sorted(assessment.violence_forms.values_list("code", flat=True)) == ["physiques", "sexuelles"]


def test_a_bad_assessment_line_gets_its_own_french_messages_and_nothing_is_imported(target):
    tables = template_tables()
    tables["personnes"] = (tables["personnes"][0], [["P1", "Femme", "", "", "", ""]])
    tables["suivis"] = (tables["suivis"][0], [["S1", "P1", "04/02/2025", "", "", "", ""]])
    tables["evaluations"] = (tables["evaluations"][0], [["E1", "S9", "05/02/2025", "Verbales", "peut-être", "31"]])
    plan = check(read_upload(csv_zip_bytes(tables), "historique.zip"), post=target.post)
    errors = {(error.sheet, error.column): error.message for error in plan.errors}
    assert set(errors) == {
        ("evaluations.csv", "suivi"),
        ("evaluations.csv", "formes de violence"),
        ("evaluations.csv", "très grand danger"),
        ("evaluations.csv", "enfants exposés"),
    }
    assert errors[("evaluations.csv", "formes de violence")].startswith(
        "Forme de violence « Verbales » inconnue : les valeurs acceptées sont « Physiques », « Psychologiques »"
    )
    assert errors[("evaluations.csv", "enfants exposés")] == _("The value must be between %(low)s and %(high)s.") % {
        "low": 0,
        "high": 30,
    }
    assert plan.records["assessment"] == []
