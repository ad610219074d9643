"""Imports by the worker (issue 19): the upload's check and the confirmation's write are Huey tasks;
the batch page shows the progress (lines read, errors so far) until the result; a failing task
leaves the batch FAILED with a French message and nothing written."""

import html
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from casework.models import FollowUp, Person
from imports import checking, services
from imports.exporting import csv_bytes
from imports.models import ImportBatch, ImportedRecord
from tests.background.worker import run_worker
from tests.imports.test_formats_and_errors import FOLLOWUPS, PERSONS
from tests.imports.worker import post_then_worker


def _zip(persons: int = 3) -> SimpleUploadedFile:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        rows = [[f"P{n}", "F", "1990", "", "non", "oui"] for n in range(1, persons + 1)]
        archive.writestr("personnes.csv", csv_bytes((PERSONS, rows)))
        archive.writestr("suivis.csv", csv_bytes((FOLLOWUPS, [["S1", "P1", "02/11/2024", "", "", "", ""]])))
    return SimpleUploadedFile("historique.zip", output.getvalue(), content_type="application/zip")


def _upload(client, world, upload=None):
    return post_then_worker(client, reverse("imports:upload"), {"post": world.a.post.pk, "file": upload or _zip()})


def _confirm(client, batch):
    return post_then_worker(client, reverse("imports:batch_confirm", kwargs={"public_id": batch.public_id}))


def _counts(world):
    return (
        Person.objects.filter(post=world.a.post).count(),
        FollowUp.objects.filter(post=world.a.post).count(),
        ImportedRecord.objects.count(),
    )


def test_the_iscg_sees_the_check_then_the_import_in_progress_then_the_result(world, client_for, huey_queue):
    client = client_for("iscg_a")
    before = _counts(world)
    response = _upload(client, world)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()

    waiting = client.get(batch.get_absolute_url())
    page = html.unescape(waiting.text)
    assert "imports/batch_progress.html" in [t.name for t in waiting.templates]
    assert "Le fichier est en cours de vérification : 0 lignes lues, 0 erreurs pour l'instant." in page
    assert "import-batch-progress.js" in page and ">Actualiser</a>" in page
    assert 'http-equiv="refresh"' not in page.lower()
    assert client.get(batch.get_absolute_url(), {"etat": "1"}).json() == {
        "status": "checking",
        "pending": True,
        "lines_read": 0,
        "error_count": 0,
        "label": "Le fichier est en cours de vérification : 0 lignes lues, 0 erreurs pour l'instant.",
    }
    # The confirmation of a batch still being checked is refused, with a French message.
    refused = client.post(reverse("imports:batch_confirm", kwargs={"public_id": batch.public_id}), follow=True)
    assert "Ce lot est encore en cours de vérification ou d'import : attendez la fin." in html.unescape(refused.text)
    assert ImportBatch.objects.get().status == "checking"

    assert run_worker(huey_queue) == 1
    batch.refresh_from_db()
    assert (batch.status, batch.lines_read, batch.error_count) == ("previewed", 4, 0)
    preview = client.get(batch.get_absolute_url())
    assert "imports/batch_preview.html" in [t.name for t in preview.templates]
    assert client.get(batch.get_absolute_url(), {"etat": "1"}).json()["pending"] is False
    assert _counts(world) == before  # the check writes nothing

    _confirm(client, batch)
    batch.refresh_from_db()
    assert batch.status == "importing"
    importing = html.unescape(client.get(batch.get_absolute_url()).text)
    assert "Le fichier est en cours d'import" in importing and ">Actualiser</a>" in importing
    assert _counts(world) == before

    assert run_worker(huey_queue) == 1
    batch.refresh_from_db()
    assert batch.status == "imported" and not batch.file
    assert _counts(world) == (before[0] + 3, before[1] + 1, before[2] + 4)
    result = client.get(batch.get_absolute_url())
    assert "imports/batch_result.html" in [t.name for t in result.templates]
    assert "4 enregistrements créés" in html.unescape(result.text)


def test_in_immediate_mode_the_upload_and_the_confirmation_lead_to_the_result(world, client_for):
    client = client_for("coordinator_a")
    before = _counts(world)
    batch = ImportBatch.objects.get(public_id=_upload(client, world)["Location"].split("/")[-2])
    assert client.get(batch.get_absolute_url()).templates[0].name == "imports/batch_preview.html"
    _confirm(client, batch)
    page = client.get(batch.get_absolute_url())
    assert page.templates[0].name == "imports/batch_result.html"
    assert _counts(world) == (before[0] + 3, before[1] + 1, before[2] + 4)


def test_the_progress_is_written_as_the_lines_are_checked(world, client_for, monkeypatch):
    monkeypatch.setattr(checking, "PROGRESS_EVERY", 2)
    seen = []
    writer = services._progress_writer

    def watching(batch_id):
        write = writer(batch_id)

        def progress(lines, errors):
            write(lines, errors)
            batch = ImportBatch.objects.get(pk=batch_id)
            seen.append((batch.status, batch.lines_read, batch.error_count))

        return progress

    monkeypatch.setattr(services, "_progress_writer", watching)
    faulty = [[f"P{n}", "X" if n % 2 else "F", "1990", "", "non", "oui"] for n in range(1, 6)]
    upload = SimpleUploadedFile("personnes.csv", csv_bytes((PERSONS, faulty)), content_type="text/csv")
    _upload(client_for("iscg_a"), world, upload)
    assert seen == [("checking", 2, 1), ("checking", 4, 2), ("checking", 5, 3)]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.lines_read, batch.error_count) == ("previewed", 5, 3)


def test_a_write_that_fails_midway_leaves_nothing_and_a_french_message(world, client_for, monkeypatch):
    client = client_for("iscg_a")
    before = _counts(world)
    _upload(client, world)
    batch = ImportBatch.objects.get()
    real_write = services.write_plan

    def write_then_fail(plan, **kwargs):
        real_write(plan, **kwargs)  # every record is written, then the task dies
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "write_plan", write_then_fail)
    _confirm(client, batch)
    batch.refresh_from_db()
    assert batch.status == "failed" and not batch.file and batch.imported_at is None
    assert _counts(world) == before  # all or nothing
    page = html.unescape(client.get(batch.get_absolute_url()).text)
    assert "Le fichier n'a pas pu être traité : rien n'a été importé." in page
    assert "disk full" not in page
    assert client.get(batch.get_absolute_url(), {"etat": "1"}).json()["status"] == "failed"
    # A failed batch is over: it cannot be confirmed again.
    refused = client.post(reverse("imports:batch_confirm", kwargs={"public_id": batch.public_id}), follow=True)
    assert "Ce lot est en échec : déposez de nouveau le fichier." in html.unescape(refused.text)
    assert _counts(world) == before


def test_a_database_refusal_fails_the_batch_with_its_french_message(world, client_for, monkeypatch):
    client = client_for("iscg_a")
    before = _counts(world)
    _upload(client, world)
    batch = ImportBatch.objects.get()

    def refused(plan, **kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(services, "write_plan", refused)
    _confirm(client, batch)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert "L'import a été refusé par la base de données" in html.unescape(client.get(batch.get_absolute_url()).text)
    assert _counts(world) == before


def test_a_check_that_fails_leaves_a_failed_batch_and_no_file(world, client_for, monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(checking, "check", broken)
    client = client_for("iscg_a")
    _upload(client, world)
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and not batch.file and batch.failure
    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200 and "Le fichier n'a pas pu être traité" in html.unescape(page.text)
    assert reverse("imports:batch_confirm", kwargs={"public_id": batch.public_id}) not in page.text


def test_a_file_changed_on_disk_fails_the_import_with_its_message(world, client_for):
    client = client_for("iscg_a")
    before = _counts(world)
    _upload(client, world)
    batch = ImportBatch.objects.get()
    with batch.file.open("wb") as handle:
        handle.write(b"something else")
    _confirm(client, batch)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert batch.failure == "Le fichier déposé a changé depuis sa vérification : déposez-le de nouveau."
    assert _counts(world) == before


def test_the_import_checks_the_file_again_so_a_file_imported_since_creates_nothing(world, client_for, huey_queue):
    client = client_for("iscg_a")
    _upload(client, world)
    run_worker(huey_queue)
    first = ImportBatch.objects.get()
    _upload(client, world)
    run_worker(huey_queue)
    second = ImportBatch.objects.exclude(pk=first.pk).get()
    _confirm(client, first)
    run_worker(huey_queue)
    before = _counts(world)
    assert second.counts["person"]["new"] == 3  # checked before the first batch was imported
    _confirm(client, second)  # its records were imported by the first batch since its check
    run_worker(huey_queue)
    second.refresh_from_db()
    assert second.status == "imported" and _counts(world) == before
    assert (second.counts["person"]["new"], second.counts["person"]["existing"]) == (0, 3)


def test_a_task_run_twice_imports_once(world, client_for, huey_queue):
    client = client_for("iscg_a")
    _upload(client, world)
    run_worker(huey_queue)
    batch = ImportBatch.objects.get()
    before = _counts(world)
    _confirm(client, batch)
    services.batch_import_run(batch_id=batch.pk, by_id=world.a.iscg.pk)
    run_worker(huey_queue)  # the queued task finds the batch imported already
    assert _counts(world) == (before[0] + 3, before[1] + 1, before[2] + 4)
    services.batch_check_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "imported"


@pytest.mark.parametrize("dry_run", [False, True])
def test_the_command_still_imports_at_once(world, dry_run, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "historique.zip"
    path.write_bytes(_zip().read())
    before = _counts(world)
    arguments = ["import_activity", str(path), "--post", str(world.a.post.public_id), "--as", world.a.iscg.email]
    call_command(*arguments, *(["--dry-run"] if dry_run else []), stdout=io.StringIO())
    expected = before if dry_run else (before[0] + 3, before[1] + 1, before[2] + 4)
    assert _counts(world) == expected


def test_a_file_that_no_longer_passes_the_checks_goes_back_to_its_preview_with_the_errors(world, client_for):
    client = client_for("iscg_a")
    _upload(client, world, _zip(persons=1))
    first = ImportBatch.objects.get()
    _confirm(client, first)
    followups = csv_bytes((FOLLOWUPS, [["S2", "P1", "03/11/2024", "", "", "", ""]]))
    _upload(client, world, SimpleUploadedFile("suivis.csv", followups, content_type="text/csv"))
    second = ImportBatch.objects.exclude(pk=first.pk).get()
    assert (second.status, second.error_count) == ("previewed", 0)  # P1 exists, imported by the first batch
    client.post(reverse("imports:batch_cancel", kwargs={"public_id": first.public_id}))
    before = _counts(world)
    _confirm(client, second)
    second.refresh_from_db()
    assert second.status == "previewed" and second.error_count == 1
    assert _counts(world) == before
    page = client.get(second.get_absolute_url())
    assert page.templates[0].name == "imports/batch_preview.html"
    assert [(e["sheet"], e["column"]) for e in page.context["errors"]] == [("suivis.csv", "personne")]
