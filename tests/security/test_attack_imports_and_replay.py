"""Issue 16, items 4 and 7, attacked through HTTP as the roles who may import.

4. Hostile or oversized import files (zip bomb, XXE, billion laughs, broken XML, a PNG named .xlsx,
   a CSV over the line limit, a million faulty lines) get a French error on the preview, never a 500,
   and a batch keeps at most the first 500 errors with their total.
7. Replaying a create form (double click, resent request, N concurrent POSTs) creates one record: every
   create form carries a one-time token (audit.submission) and every replay lands on the first record.
"""

import html
import io
import re
import secrets
import threading
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import SubmissionToken
from audit.submission import FIELD
from casework.enums import InterventionKind, InterventionStatus, OrientationKind, OrientationStatus, Place
from casework.models import Assessment, FollowUp, Intervention, Orientation, Person
from conventions.enums import PaymentKind
from conventions.models import Convention, ConventionDocument, Funder, Payment, SteeringCommittee
from imports import reading
from imports.exporting import csv_bytes, empty_tables, workbook_bytes
from imports.models import ImportBatch
from referrals.enums import Answer
from referrals.models import DangerAssessment, Problem, Referral, ReferralAddendum
from tests.conftest import sign_in
from tests.conventions.factories import PDF_BYTES
from tests.conventions.test_views import convention_data
from tests.imports.test_formats_and_errors import PERSONS
from tests.imports.worker import post_then_worker
from tests.referrals.test_views import form_data as referral_data
from tests.referrals.test_views import grid_data

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
    """Upload as the browser does, let the worker check it, then follow to the preview page."""
    response = post_then_worker(
        client,
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


# ---- 7. One record per rendered form ------------------------------------------------------------


def _import_file(name="historique.csv"):
    return SimpleUploadedFile(name, csv_bytes((PERSONS, [["P1", "F", "1990", "", "non", "oui"]])))


def _pdf(name="document.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _today():
    return timezone.localdate().isoformat()


# name → (persona, url, data (built afresh for each POST: files are read once), records created)
CREATE_FORMS = {
    "person": lambda w: (
        "iscg_a",
        reverse("casework:person_create"),
        lambda: {
            "post": w.a.post.pk,
            "last_name": f"Doublon{secrets.token_hex(4)}",
            "first_name": "Alix",
            "sex": "f",
            "age_class": "unknown",
            "family_situation": "unknown",
            "known_to_social_services": "no",
        },
        Person.objects.all(),
    ),
    "followup": lambda w: (
        "iscg_a",
        reverse("casework:followup_create") + f"?personne={w.a.person.public_id}",
        lambda: {"person_role": "victim", "opened_on": _today(), "problems": []},
        FollowUp.objects.all(),
    ),
    "followup_from_referral": lambda w: (
        "iscg_a",
        reverse("casework:followup_open_from_referral", kwargs={"public_id": w.a.referral.public_id}),
        lambda: {"referral_person": w.a.referral.persons.get().pk, "post": w.a.post.pk, "existing_person": ""},
        FollowUp.objects.all(),
    ),
    "intervention": lambda w: (
        "iscg_a",
        reverse("casework:intervention_create", kwargs={"public_id": w.a.followup.public_id}),
        lambda: {
            "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 30,
            "kind": InterventionKind.INTERVIEW,
            "place": Place.POLICE_STATION,
            "status": InterventionStatus.HELD,
            "summary": "Entretien",
        },
        Intervention.objects.all(),
    ),
    "appointment": lambda w: (
        "iscg_a",
        reverse("casework:intervention_create", kwargs={"public_id": w.a.followup.public_id}),
        lambda: {
            "starts_at": (timezone.localtime() + timezone.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "kind": InterventionKind.INTERVIEW,
            "place": Place.POLICE_STATION,
            "status": InterventionStatus.PLANNED,
            "summary": "",
        },
        Intervention.objects.all(),
    ),
    "assessment": lambda w: (
        "iscg_a",
        reverse("casework:assessment_create", kwargs={"public_id": w.a.followup.public_id}),
        lambda: {
            "assessed_on": _today(),
            "problems": [Problem.objects.get(code="violences_conjugales").pk],
            "needs": "Hébergement",
            "risk_level": "high",
            "children_exposed": 0,
            "known_to_social_services": "no",
        },
        Assessment.objects.all(),
    ),
    "orientation": lambda w: (
        "iscg_a",
        reverse("casework:orientation_create", kwargs={"public_id": w.a.followup.public_id}),
        lambda: {
            "kind": OrientationKind.CONCERN_REPORT,
            "oriented_on": _today(),
            "recipient": "CRIP de la Somme",
            "status": OrientationStatus.DONE,
        },
        Orientation.objects.all(),
    ),
    "referral": lambda w: (
        "officer_a",
        reverse("referrals:create"),
        lambda: referral_data(w.a.unit),
        Referral.objects,
    ),
    "danger_grid": lambda w: (
        "iscg_a",
        reverse("referrals:grid_create", kwargs={"public_id": w.a.referral.public_id}),
        lambda: grid_data(q15=Answer.YES, q17=Answer.YES),
        DangerAssessment.objects.all(),
    ),
    "referral_addendum": lambda w: (
        "officer_a",
        reverse("referrals:add_information", kwargs={"public_id": w.a.referral.public_id}),
        lambda: {"text": "La victime a changé de numéro."},
        ReferralAddendum.objects.all(),
    ),
    "convention": lambda w: (
        "coordinator_a",
        reverse("conventions:convention_create"),
        lambda: convention_data(w),
        Convention.objects.all(),
    ),
    "funder": lambda w: (
        "coordinator_a",
        reverse("conventions:funder_create"),
        lambda: {"department": w.a.department.pk, "name": "CAF de la Somme", "kind": "caf"},
        Funder.objects.all(),
    ),
    "payment": lambda w: (
        "coordinator_a",
        reverse("conventions:payment_create", kwargs={"public_id": w.a.convention.public_id}),
        lambda: {
            "funder": w.a.convention.funding_rules.first().funder.pk,
            "year": "2025",
            "kind": PaymentKind.PAYMENT,
            "amount_cents": "1 250,50",
            "dated_on": "2025-09-30",
            "reference": "VIR-2025-118",
        },
        Payment.objects.all(),
    ),
    "document": lambda w: (
        "coordinator_a",
        reverse("conventions:document_create", kwargs={"public_id": w.a.convention.public_id}),
        lambda: {"title": "Avenant n° 1 signé", "file": _pdf()},
        ConventionDocument.objects.all(),
    ),
    "committee": lambda w: (
        "coordinator_a",
        reverse("conventions:committee_create", kwargs={"public_id": w.a.convention.public_id}),
        lambda: {"held_on": "2026-03-12", "attendees": "Préfecture", "minutes": "Bilan approuvé.", "bilan": _pdf()},
        SteeringCommittee.objects.all(),
    ),
    "import_batch": lambda w: (
        "iscg_a",
        reverse("imports:upload"),
        lambda: {"post": w.a.post.pk, "file": _import_file()},
        ImportBatch.objects.all(),
    ),
}


def _token(client, url) -> str:
    """The one-time token the form page renders."""
    page = client.get(url)
    assert page.status_code == 200
    found = re.findall(rf'name="{FIELD}" value="([^"]+)"', page.content.decode())
    assert len(found) == 1, "the create form renders no one-time token"
    return found[0]


@pytest.mark.parametrize("name", CREATE_FORMS)
def test_a_create_form_sent_twice_creates_one_record_and_the_replay_lands_on_it(world, client_for, name):
    persona, url, data, records = CREATE_FORMS[name](world)
    client = client_for(persona)
    token = _token(client, url)
    assert _token(client, url) != token  # each rendering of the form has its own token
    before = records.count()
    first = client.post(url, {**data(), FIELD: token})
    assert first.status_code == 302, (
        getattr(first.context, "get", lambda _k: None)("form") and first.context["form"].errors
    )
    assert records.count() == before + 1
    replay = client.post(url, {**data(), FIELD: token})
    assert replay.status_code == 302 and replay["Location"] == first["Location"]
    assert records.count() == before + 1
    page = client.get(replay["Location"])
    assert _french("This form had already been sent: here is what it recorded.") in html.unescape(
        page.content.decode()
    )


def test_a_form_with_errors_releases_its_token_so_the_corrected_form_can_be_sent(world, client_for):
    client = client_for("coordinator_a")
    url = reverse("conventions:funder_create")
    token = _token(client, url)
    invalid = client.post(url, {"department": world.a.department.pk, "name": "", "kind": "caf", FIELD: token})
    assert invalid.status_code == 200 and not SubmissionToken.objects.exists()
    corrected = {"department": world.a.department.pk, "name": "CAF de la Somme", "kind": "caf", FIELD: token}
    assert client.post(url, corrected).status_code == 302
    assert Funder.objects.filter(name="CAF de la Somme").count() == 1


def test_a_token_replays_only_its_own_users_submission(world, client_for):
    """Another user sending a token seen elsewhere creates their own record, never lands on the first."""
    url = reverse("conventions:funder_create")
    token = _token(client_for("coordinator_a"), url)
    first = client_for("coordinator_a").post(
        url, {"department": world.a.department.pk, "name": "CAF A", "kind": "caf", FIELD: token}
    )
    other = client_for("coordinator_b").post(
        url, {"department": world.b.department.pk, "name": "CAF B", "kind": "caf", FIELD: token}
    )
    assert first.status_code == other.status_code == 302
    assert Funder.objects.filter(name__in=["CAF A", "CAF B"]).count() == 2


def _concurrently(count: int, post) -> list:
    barrier = threading.Barrier(count)
    responses = [None] * count

    def run(index):
        try:
            barrier.wait()
            responses[index] = post()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL (the production database)"
)
@pytest.mark.parametrize("name", ["intervention", "assessment", "orientation", "referral", "payment", "import_batch"])
def test_four_concurrent_identical_posts_create_one_record(committed_db, name):
    from tests.conftest import _add_casework, _add_conventions, _side

    side = _side("80", "a")
    _add_conventions(side)
    _add_casework(side)
    world = type("World", (), {"a": side})
    persona, url, data, records = CREATE_FORMS[name](world)
    user = {"iscg_a": side.iscg, "officer_a": side.officer, "coordinator_a": side.coordinator}[persona]
    client = sign_in(Client(), user)
    token = _token(client, url)
    before = records.count()
    responses = _concurrently(4, lambda: sign_in(Client(), user).post(url, {**data(), FIELD: token}))
    assert [response.status_code for response in responses] == [302] * 4
    assert len({response["Location"] for response in responses}) == 1
    assert records.count() == before + 1
