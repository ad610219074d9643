"""Attacks on imports run by the worker (issue 19): the batch page and its polled state (?etat=1)
while the worker checks or imports, the confirmation of a batch out of reach or still being
checked, and what a failing task lets out (nothing of the file, nothing of the exception)."""

import html
import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.models import Person
from imports import services
from imports.exporting import csv_bytes
from imports.models import ImportBatch, ImportedRecord
from tests.background.worker import run_worker
from tests.imports.test_formats_and_errors import PERSONS
from tests.imports.worker import post_then_worker

OUTSIDERS = ["anonymous", "officer_a", "funder_a", "officer_b", "iscg_b", "coordinator_b", "funder_b", "admin"]


def _csv(cell: str) -> SimpleUploadedFile:
    rows = [[cell, "F", "1990", "", "non", "oui"], ["P2", "Z", "1990", "", "non", "oui"]]
    return SimpleUploadedFile("personnes.csv", csv_bytes((PERSONS, rows)), content_type="text/csv")


def _upload(client, world, upload):
    return post_then_worker(client, reverse("imports:upload"), {"post": world.a.post.pk, "file": upload})


@pytest.fixture
def pending(world, client_for, huey_queue):
    """A batch of post A uploaded by its ISCG, queued for the worker's check and not yet checked."""
    canary = secrets.token_hex(8)
    _upload(client_for("iscg_a"), world, _csv(f"P-{canary}"))
    batch = ImportBatch.objects.get()
    assert batch.status == "checking"
    return batch, canary


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_nothing_of_a_batch_being_checked_nor_of_its_state(pending, client_for, persona):
    batch, canary = pending
    client = client_for(persona)
    url = batch.get_absolute_url()
    for response in (client.get(url), client.get(url, {"etat": "1"})):
        assert response.status_code in (302, 404), persona
        assert canary not in response.content.decode()
        assert batch.file_name not in response.content.decode() or response.status_code == 302
    response = client.post(reverse("imports:batch_confirm", kwargs={"public_id": batch.public_id}))
    assert response.status_code in (302, 403, 404)
    assert ImportBatch.objects.get().status == "checking"


@pytest.mark.parametrize("persona", ["iscg_a", "coordinator_a"])
def test_the_state_polled_while_checking_holds_counts_only(pending, client_for, huey_queue, persona):
    batch, canary = pending
    client = client_for(persona)
    state = client.get(batch.get_absolute_url(), {"etat": "1"})
    assert state.status_code == 200 and state["Content-Type"] == "application/json"
    assert set(state.json()) == {"status", "pending", "lines_read", "error_count", "label"}
    run_worker(huey_queue)
    state = client.get(batch.get_absolute_url(), {"etat": "1"})
    assert state.json()["pending"] is False and state.json()["error_count"] == 1
    assert canary not in state.content.decode()


def test_a_batch_of_another_post_cannot_be_confirmed_even_once_checked(world, client_for):
    _upload(client_for("iscg_a"), world, _csv("P1"))
    batch = ImportBatch.objects.get()
    before = Person.objects.count()
    for persona in ("iscg_b", "coordinator_b"):
        response = post_then_worker(
            client_for(persona), reverse("imports:batch_confirm", kwargs={"public_id": batch.public_id})
        )
        assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.status == "previewed" and Person.objects.count() == before


def test_a_failing_task_shows_a_french_message_and_leaks_neither_the_error_nor_the_file(
    world, client_for, monkeypatch
):
    canary = secrets.token_hex(8)
    client = client_for("iscg_a")
    upload = SimpleUploadedFile(
        "personnes.csv",
        csv_bytes((PERSONS, [[f"P-{canary}", "F", "1990", "", "non", "oui"]])),
        content_type="text/csv",
    )
    _upload(client, world, upload)
    batch = ImportBatch.objects.get()
    assert batch.status == "previewed" and batch.error_count == 0
    real_write = services.write_plan

    def write_then_fail(plan, **kwargs):
        real_write(plan, **kwargs)
        raise RuntimeError(f"secret {canary}")

    monkeypatch.setattr(services, "write_plan", write_then_fail)
    before = Person.objects.count()
    post_then_worker(client, reverse("imports:batch_confirm", kwargs={"public_id": batch.public_id}))
    batch.refresh_from_db()
    assert batch.status == "failed" and canary not in batch.failure
    assert Person.objects.count() == before and not ImportedRecord.objects.exists()
    page = html.unescape(client.get(batch.get_absolute_url()).text)
    assert "Le fichier n'a pas pu être traité : rien n'a été importé." in page
    assert canary not in page
    assert canary not in client.get(batch.get_absolute_url(), {"etat": "1"}).text
    assert not batch.file  # the uploaded content is not kept after a failure
