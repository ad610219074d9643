"""Issue 16, items 4 and 7, attacked through HTTP as the roles who may import.

4. Hostile or oversized import files (zip bomb, XXE, billion laughs, broken XML, a PNG named .xlsx,
   a CSV over the line limit, a million faulty lines) get a French error on the preview, never a 500,
   and a batch keeps at most the first 500 errors with their total.
"""

import html
import io
import secrets
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from casework.models import Person
from imports import reading
from imports.exporting import csv_bytes, empty_tables, workbook_bytes
from imports.models import ImportBatch
from tests.imports.test_formats_and_errors import PERSONS

IMPORTERS = ("iscg_a", "coordinator_a")
ZIP_BOMB = (
    "The file is refused: “%(entry)s” is compressed more than %(ratio)s times, as a “zip bomb” is. "
    "Export the data again from your spreadsheet."
)
DOCTYPE = (
    "The file is refused: “%(entry)s” declares a DOCTYPE or XML entities, which a spreadsheet "
    "never writes. Save the workbook again from your spreadsheet."
)


def _upload(client, world, name: str, content: bytes):
    """Upload as the browser does, then follow to the preview page."""
    response = client.post(
        reverse("imports:upload"),
        {"post": world.a.post.pk, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert response.status_code < 500
    return response


def _french(message: str) -> str:
    with translation.override("fr"):
        return _(message)


def _refused(response, message: str) -> None:
    """The preview page shows the French message, and nothing but the batch was written."""
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    french = _french(message)
    assert french != message, "the message has no French translation"
    assert french.split("%(")[0] in text
    assert "imports/batch_preview.html" in [t.name for t in response.templates]
    assert response.context["batch"].error_count >= 1


def _zip(entries: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return output.getvalue()


def _workbook(rewrite: dict[str, bytes] | None = None) -> bytes:
    """A valid import workbook (one person), with some of its parts replaced."""
    tables = empty_tables()
    tables["personnes"] = (tables["personnes"][0], [["P1", "F", "1990", "", "non", "oui"]])
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(tables, with_help=False)))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts.update(rewrite or {})
    return _zip(parts)


def _first_sheet(content: bytes) -> str:
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    return sorted(name for name in names if name.startswith("xl/worksheets/sheet"))[0]


@pytest.mark.parametrize("persona", IMPORTERS)
def test_a_zip_bomb_of_identical_csv_lines_is_refused_before_it_is_unpacked(world, client_for, persona):
    lines = csv_bytes((PERSONS, [])) + b"P1;F;1990;;non;oui\r\n" * 2_500_000  # 50 MB unpacked, a few KB packed
    bomb = _zip({"personnes.csv": lines})
    assert len(bomb) < 200_000
    persons = Person.objects.count()
    response = _upload(client_for(persona), world, "historique.zip", bomb)
    _refused(response, ZIP_BOMB)
    assert Person.objects.count() == persons


def test_an_archive_too_large_once_unpacked_is_refused_from_its_declared_sizes(world, client_for, monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED_BYTES", 1024)
    content = _zip({"personnes.csv": csv_bytes((PERSONS, [[f"P{i}", "F", "1990", "", "", ""] for i in range(200)]))})
    response = _upload(client_for("iscg_a"), world, "historique.zip", content)
    _refused(response, "The file is too large once unpacked (more than %(limit)s MB).")


def test_an_xxe_workbook_is_refused_and_leaks_nothing(world, client_for, tmp_path):
    secret = secrets.token_hex(8)
    target = tmp_path / "secret.txt"
    target.write_text(secret)
    content = _workbook()
    sheet = _first_sheet(content)
    body = zipfile.ZipFile(io.BytesIO(content)).read(sheet).decode()
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{target}">]>'
        + body.replace("<t>P1</t>", "<t>&xxe;</t>", 1)
    ).encode()
    response = _upload(client_for("iscg_a"), world, "historique.xlsx", _workbook({sheet: hostile}))
    _refused(response, DOCTYPE)
    assert secret not in response.content.decode()
    assert secret not in str(ImportBatch.objects.get().errors)


def test_a_billion_laughs_workbook_is_refused(world, client_for):
    content = _workbook()
    sheet = _first_sheet(content)
    body = zipfile.ZipFile(io.BytesIO(content)).read(sheet).decode()
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">' for i in range(10))
        + "]>"
        + body.replace("<t>P1</t>", "<t>&lol9;</t>", 1)
    ).encode()
    response = _upload(client_for("coordinator_a"), world, "historique.xlsx", _workbook({sheet: laughs}))
    _refused(response, DOCTYPE)


def test_defusedxml_guards_openpyxl_behind_the_doctype_check(world):
    """Past our byte check (a part in UTF-16 hides « <!DOCTYPE »), openpyxl parses through defusedxml,
    which refuses entities: still a French error, not a 500 nor an expansion."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
    content = _workbook()
    sheet = _first_sheet(content)
    body = zipfile.ZipFile(io.BytesIO(content)).read(sheet).decode()
    hostile = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
        + body.replace("<t>P1</t>", "<t>&a;</t>", 1)
    ).encode("utf-16")
    assert b"<!DOCTYPE" not in hostile
    plain = ('<?xml version="1.0" encoding="UTF-16"?>' + body).encode("utf-16")
    assert not reading.read_upload(_workbook({sheet: plain}), "historique.xlsx").errors  # UTF-16 itself is fine
    result = reading.read_upload(_workbook({sheet: hostile}), "historique.xlsx")
    assert len(result.errors) == 1 and not result.sheets
    with translation.override("fr"):
        assert "export" in reading.read_upload(_workbook({sheet: hostile}), "h.xlsx").errors[0].message.lower()


@pytest.mark.parametrize(
    "part",
    [
        b"<worksheet><sheetData><row><c><v>1</v></row>",  # unclosed elements
        b"\x00\x01 not xml at all",
        b"",
    ],
)
def test_a_workbook_with_broken_xml_gets_a_french_error(world, client_for, part):
    content = _workbook()
    response = _upload(client_for("iscg_a"), world, "historique.xlsx", _workbook({_first_sheet(content): part}))
    _refused(response, "The file cannot be read (%(reason)s): export it again as XLSX or CSV.")


def test_a_png_named_xlsx_is_refused(world, client_for):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + secrets.token_bytes(200)
    response = _upload(client_for("iscg_a"), world, "historique.xlsx", png)
    _refused(
        response, "The file cannot be read: it is neither an XLSX workbook nor a CSV text (UTF-8 or Windows-1252)."
    )


@pytest.mark.parametrize("persona", IMPORTERS)
def test_a_csv_over_the_line_limit_is_refused(world, client_for, persona, monkeypatch):
    limit = reading.MAX_LINES_PER_SHEET
    content = csv_bytes((PERSONS, [])) + b"".join(b"P%d;F;1990;;non;oui\r\n" % i for i in range(limit + 1))
    response = _upload(client_for(persona), world, "personnes.csv", content)
    _refused(response, "Sheet “%(sheet)s” has more than %(limit)s lines: split the file into several imports.")
    batch = ImportBatch.objects.get()
    assert batch.error_count == 1 and batch.counts == {}


def test_a_file_of_faulty_lines_keeps_the_first_500_errors_and_their_total(world, client_for):
    faulty = [[f"P{i}", "licorne", "1990", "", "", ""] for i in range(1, 1201)]  # 1,200 unknown sexes
    response = _upload(client_for("iscg_a"), world, "personnes.csv", csv_bytes((PERSONS, faulty)))
    batch = ImportBatch.objects.get()
    assert batch.error_count == 1200
    assert len(batch.errors) == reading.MAX_KEPT_ERRORS
    assert batch.errors[0]["line"] == 2 and batch.errors[-1]["line"] == 501
    assert response.context["more_errors"] == 700
    assert batch.counts["person"]["errors"] == 1200
    listing = client_for("iscg_a").get(reverse("imports:batch_list"))
    assert listing.status_code == 200
