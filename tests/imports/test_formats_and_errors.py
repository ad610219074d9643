"""Real-world files and bad input: each bad input gets its own French message with sheet, line and
column, and nothing is ever written (the preview writes only the batch; the import all or nothing)."""

import io
import zipfile

import pytest
from django.utils.translation import gettext as _
from openpyxl import Workbook

from casework.models import FollowUp, Intervention, Orientation, Person
from imports import services, writing
from imports.checking import check
from imports.exporting import csv_bytes, csv_zip_bytes, empty_tables, workbook_bytes
from imports.reading import read_upload
from referrals.models import Referral
from tests.imports.conftest import UNIT_NAMES, import_file

PERSONS = ["identifiant", "sexe", "année de naissance", "classe d'âge", "anonyme", "connu des services sociaux"]
FOLLOWUPS = ["identifiant", "personne", "ouvert le", "clos le", "motif de clôture", "rôle", "problématiques"]
INTERVENTIONS = ["identifiant", "suivi", "date", "heure", "durée (minutes)", "type", "lieu", "statut"]
REFERRALS = [
    "identifiant",
    "date",
    "heure",
    "unité",
    "canal",
    "urgence",
    "statut",
    "date du statut",
    "heure du statut",
    "motif de clôture",
    "personnes",
    "suivi",
]


def _zip(files: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return output.getvalue()


def _plan(post, content: bytes, name: str = "import.zip"):
    return check(read_upload(content, name), post=post)


def _errors(plan) -> list[tuple]:
    return [(error.sheet, error.line, error.column, error.message) for error in plan.errors]


def _nothing_written(post) -> bool:
    return not (
        Person.objects.filter(post=post).exists()
        or FollowUp.objects.filter(post=post).exists()
        or Referral.objects.filter(unit__posts=post).exists()
    )


def _valid_files(**overrides) -> dict[str, bytes]:
    files = {
        "personnes.csv": csv_bytes(
            (PERSONS, [["P1", "F", "1990", "", "non", "Non"], ["P2", "homme", "", "41-60", "oui", ""]])
        ),
        "suivis.csv": csv_bytes(
            (
                FOLLOWUPS,
                [
                    [
                        "S1",
                        "P1",
                        "02/11/2024",
                        "10/03/2025",
                        "Situation résolue",
                        "victime",
                        "violences_conjugales | Logement, mise à l'abri",
                    ]
                ],
            )
        ),
        "interventions.csv": csv_bytes(
            (INTERVENTIONS, [["", "S1", "05/11/2024", "10:00", "45", "Entretien", "commissariat", "réalisé"]])
        ),
    }
    files.update(overrides)
    return files


def test_real_world_csv_files_are_accepted_bom_semicolons_windows_1252_commas_iso_dates_blank_lines_and_spaces(target):
    persons = "\ufeffidentifiant;sexe;année de naissance\r\nP1 ;  Féminin ;1990\r\n;;\r\n\r\nP2;M;\r\n".encode()
    followups = (
        "identifiant,personne,ouvert le,clos le,motif de clôture,rôle\r\n"
        "S1,P1,2024-11-02,2025-03-10,SITUATION RESOLUE,Mise en cause\r\n,,,,,\r\n"
    ).encode("cp1252")
    interventions = "identifiant;suivi;date;type;lieu;statut\nI1;S1;5/11/2024;ENTRETIEN;Brigade;Non honoré\n".encode()
    plan = _plan(
        target.post, _zip({"personnes.csv": persons, "suivis.csv": followups, "interventions.csv": interventions})
    )

    assert plan.errors == []
    assert {key: counts["new"] for key, counts in plan.counts.items()} == {
        "person": 2,
        "followup": 1,
        "intervention": 1,
    }
    person = plan.records["person"][0]
    assert (person["sex"], person["known_to_social_services"]) == ("f", "unknown")
    followup = plan.records["followup"][0]
    assert (str(followup["opened_on"]), followup["closing_reason"], followup["person_role"]) == (
        "2024-11-02",
        "resolved",
        "accused",
    )
    intervention = plan.records["intervention"][0]
    assert (intervention["kind"], intervention["place"], intervention["status"]) == (
        "interview",
        "gendarmerie",
        "no_show",
    )
    assert _nothing_written(target.post)  # checking writes nothing


def test_a_single_csv_file_is_read_by_its_name_or_by_its_headers(target):
    content = csv_bytes((PERSONS, [["P1", "F", "", "", "", ""]]))
    assert _plan(target.post, content, "personnes.csv").counts["person"]["new"] == 1
    assert _plan(target.post, content, "export du 3 mars.csv").counts["person"]["new"] == 1


def test_the_downloadable_templates_are_valid_empty_files(target):
    for content in (workbook_bytes(empty_tables()), csv_zip_bytes(empty_tables())):
        plan = _plan(target.post, content, "modele")
        assert [error.message for error in plan.errors] == [_("The file holds no line to import.")]


def test_an_unreadable_file_is_refused_with_its_own_message(target):
    binary = _plan(target.post, b"\x00\x01\x02garbage\xff\xfe", "import.csv")
    assert _errors(binary) == [
        (
            "import.csv",
            None,
            "",
            _("The file cannot be read: it is neither an XLSX workbook nor a CSV text (UTF-8 or Windows-1252)."),
        )
    ]
    broken_zip = _plan(target.post, b"PK\x03\x04broken", "import.xlsx")
    assert broken_zip.errors and broken_zip.errors[0].message.startswith(
        _("The file cannot be read (%(reason)s): export it again as XLSX or CSV.").split("(")[0]
    )
    old_excel = _plan(target.post, b"\xd0\xcf\x11\xe0rest", "import.xls")
    assert [e.message for e in old_excel.errors] == [
        _("Old Excel files (.xls) are not accepted: save the workbook as .xlsx.")
    ]
    assert [e.message for e in _plan(target.post, b"  ", "x.csv").errors] == [_("The file is empty.")]


def test_a_wrong_sheet_is_refused_with_its_own_message(target):
    workbook = Workbook()
    workbook.active.title = "Feuil1"
    workbook.active.append(PERSONS)
    output = io.BytesIO()
    workbook.save(output)
    plan = _plan(target.post, output.getvalue(), "import.xlsx")
    assert _errors(plan) == [
        (
            "Feuil1",
            None,
            "",
            _("Unknown sheet “%(sheet)s”: expected sheets are %(sheets)s.")
            % {
                "sheet": "Feuil1",
                "sheets": "personnes, saisines, suivis, interventions, orientations, transmissions, evaluations",
            },
        )
    ]


def test_merged_header_cells_are_refused_with_a_clear_message(target):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "personnes"
    sheet.append(["identifiant", "sexe", "", "classe d'âge"])
    sheet.append(["P1", "F", "", ""])
    sheet.merge_cells("B1:C1")
    output = io.BytesIO()
    workbook.save(output)
    plan = _plan(target.post, output.getvalue(), "import.xlsx")
    assert _errors(plan) == [
        (
            "personnes",
            1,
            "B1:C1",
            _("Merged cells in the header line: unmerge them so that each column has its own header."),
        )
    ]


def test_a_missing_required_column_is_named(target):
    plan = _plan(target.post, _zip({"suivis.csv": csv_bytes((["identifiant", "personne"], [["S1", "P1"]]))}))
    assert _errors(plan) == [
        ("suivis.csv", 1, "ouvert le", _("Required column “%(column)s” is missing.") % {"column": "ouvert le"})
    ]


def test_a_date_that_does_not_exist_is_refused(target):
    files = _valid_files(**{"suivis.csv": csv_bytes((FOLLOWUPS, [["S1", "P1", "31/02/2025", "", "", "", ""]]))})
    plan = _plan(target.post, _zip(files))
    assert _errors(plan) == [
        ("suivis.csv", 2, "ouvert le", _("The date “%(value)s” does not exist.") % {"value": "31/02/2025"})
    ]
    bad_format = _plan(
        target.post,
        _zip(_valid_files(**{"suivis.csv": csv_bytes((FOLLOWUPS, [["S1", "P1", "mars 2025", "", "", "", ""]]))})),
    )
    assert _errors(bad_format) == [
        (
            "suivis.csv",
            2,
            "ouvert le",
            _("“%(value)s” is not a date: write it dd/mm/yyyy or yyyy-mm-dd.") % {"value": "mars 2025"},
        )
    ]


def test_a_follow_up_closed_before_it_opened_is_refused(target):
    files = _valid_files(
        **{"suivis.csv": csv_bytes((FOLLOWUPS, [["S1", "P1", "10/03/2025", "02/03/2025", "refus", "", ""]]))}
    )
    assert _errors(_plan(target.post, _zip(files))) == [
        (
            "suivis.csv",
            2,
            "clos le",
            _("The follow-up is closed on %(closed)s, before it was opened on %(opened)s.")
            % {"closed": "02/03/2025", "opened": "10/03/2025"},
        )
    ]


def test_an_unknown_unit_is_refused_with_the_units_of_the_post(target):
    rows = [
        ["R1", "01/03/2025", "", "Commissariat de Nulle-Part", "plainte", "", "reçue", "", "", "", "P1:victime", ""]
    ]
    files = _valid_files(**{"saisines.csv": csv_bytes((REFERRALS, rows))})
    units = ", ".join(f"« {name} »" for name in sorted(UNIT_NAMES))
    assert _errors(_plan(target.post, _zip(files))) == [
        (
            "saisines.csv",
            2,
            "unité",
            _("Unknown unit “%(unit)s”: the units covered by the post are %(units)s.")
            % {"unit": "Commissariat de Nulle-Part", "units": units},
        )
    ]


def test_an_unknown_enumeration_value_is_refused_with_the_accepted_values(target):
    files = _valid_files(
        **{
            "interventions.csv": csv_bytes(
                (INTERVENTIONS, [["I1", "S1", "05/11/2024", "", "", "Télépathie", "domicile", "réalisé"]])
            )
        }
    )
    (error,) = _plan(target.post, _zip(files)).errors
    assert (error.sheet, error.line, error.column) == ("interventions.csv", 2, "type")
    assert error.message.startswith(
        _("Unknown value “%(value)s”: accepted values are %(accepted)s.").split("%(accepted)s")[0]
        % {"value": "Télépathie"}
    )
    assert "Entretien" in error.message or "Interview" in error.message


def test_missing_references_to_a_person_or_a_follow_up_are_refused(target):
    files = _valid_files(
        **{
            "suivis.csv": csv_bytes((FOLLOWUPS, [["S1", "P9", "02/11/2024", "", "", "", ""]])),
            "interventions.csv": csv_bytes(
                (INTERVENTIONS, [["I1", "S7", "05/11/2024", "", "", "entretien", "domicile", "réalisé"]])
            ),
        }
    )
    assert _errors(_plan(target.post, _zip(files))) == [
        (
            "suivis.csv",
            2,
            "personne",
            _("Unknown person “%(id)s”: it is neither in sheet “%(sheet)s” nor imported earlier into this post.")
            % {"id": "P9", "sheet": "personnes"},
        ),
        (
            "interventions.csv",
            2,
            "suivi",
            _("Unknown follow-up “%(id)s”: it is neither in sheet “%(sheet)s” nor imported earlier into this post.")
            % {"id": "S7", "sheet": "suivis"},
        ),
    ]


def test_a_duplicated_identifier_is_refused(target):
    files = _valid_files(
        **{"personnes.csv": csv_bytes((PERSONS, [["P1", "F", "", "", "", ""], ["P1", "M", "", "", "", ""]]))}
    )
    assert _errors(_plan(target.post, _zip(files))) == [
        (
            "personnes.csv",
            3,
            "identifiant",
            _("Identifier “%(id)s” is already used on line %(line)s of this sheet.") % {"id": "P1", "line": 2},
        )
    ]


def test_a_file_with_one_error_imports_nothing_and_keeps_every_error_for_the_preview(target):
    files = _valid_files(
        **{
            "interventions.csv": csv_bytes(
                (INTERVENTIONS, [["I1", "S1", "31/02/2025", "", "", "?", "domicile", "réalisé"]])
            )
        }
    )
    batch = services.batch_preview(post=target.post, by=target.iscg, content=_zip(files), file_name="x.zip")
    assert [(error["line"], error["column"]) for error in batch.errors] == [(2, "date"), (2, "type")]
    batch = services.batch_confirm(batch=batch, by=target.iscg)
    assert batch.status == "previewed"
    assert _nothing_written(target.post)
    assert not Intervention.objects.exists() and not Orientation.objects.exists()


def test_the_import_is_all_or_nothing_when_the_database_refuses_a_row(target, monkeypatch):
    batch = services.batch_preview(post=target.post, by=target.iscg, content=_zip(_valid_files()), file_name="x.zip")
    real_bulk = writing._bulk

    def failing_bulk(model, objects, **kwargs):
        if model is Intervention:
            from django.db import IntegrityError

            raise IntegrityError("simulated")
        return real_bulk(model, objects, **kwargs)

    monkeypatch.setattr(writing, "_bulk", failing_bulk)
    with pytest.raises(services.ImportRefused):
        services.batch_confirm(batch=batch, by=target.iscg)
    assert _nothing_written(target.post)  # persons and follow-ups written before the failure are rolled back


def test_a_birth_year_gives_the_age_class_at_the_first_held_intervention(target):
    batch = import_file(target.post, target.iscg, _zip(_valid_files()), "x.zip")
    person = Person.objects.get(post=target.post, sex="f")
    assert (person.birth_date, person.age_class, person.is_anonymous) == (None, "26_40", False)  # 2024 - 1990 = 34
    assert Person.objects.get(post=target.post, sex="m").age_class == "41_60"
    assert set(FollowUp.objects.get(post=target.post).problems.values_list("code", flat=True)) == {
        "violences_conjugales",
        "logement",
    }
    assert batch.counts["intervention"]["created"] == 1
