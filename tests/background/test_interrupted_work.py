"""A worker killed mid-task loses its task with it: the batch or document it held must not show its
progress for ever. The sweeps mark them failed, with a message, once they stayed silent too long."""

import datetime

from django.urls import reverse
from django.utils import timezone

from imports import services as import_services
from imports.enums import BatchStatus
from imports.models import ImportBatch
from imports.tasks import SILENT_BATCH
from reporting.documents import interrupted_documents_fail
from reporting.models import BilanDocument, DocumentStatus
from reporting.tasks import SILENT_DOCUMENT
from tests.background.test_bilan_documents import ask
from tests.imports.test_worker import _upload

LONG_AGO = timezone.now() - datetime.timedelta(days=1)


def test_a_batch_left_checking_by_a_dead_worker_fails_with_a_message(world, client_for, huey_queue):
    client = client_for("iscg_a")  # the task is queued and never run: the worker died with it
    response = _upload(client, world)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.CHECKING and batch.worker_seen_at is not None

    assert import_services.interrupted_batches_fail(silent_for=SILENT_BATCH) == 0  # still fresh
    ImportBatch.objects.update(worker_seen_at=timezone.now() - SILENT_BATCH - datetime.timedelta(minutes=1))
    assert import_services.interrupted_batches_fail(silent_for=SILENT_BATCH) == 1

    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and not batch.file
    page = client.get(response["Location"]).content.decode()
    assert "interrompu" in page and "Envoyez à nouveau le fichier" in page


def test_a_long_batch_whose_worker_reports_progress_is_left_alone(world, client_for, huey_queue):
    _upload(client_for("iscg_a"), world)
    batch = ImportBatch.objects.get()
    ImportBatch.objects.update(created_at=LONG_AGO)  # uploaded long ago, the worker still reporting
    import_services._progress_writer(batch.pk)(500, 0)
    assert import_services.interrupted_batches_fail(silent_for=SILENT_BATCH) == 0
    batch.refresh_from_db()
    assert (batch.status, batch.lines_read) == (BatchStatus.CHECKING, 500)


def test_a_document_left_queued_by_a_dead_worker_fails_and_says_to_ask_again(
    world, client_for, django_capture_on_commit_callbacks, huey_queue, settings
):
    settings.BILAN_PDF_IN_BACKGROUND = True
    client = client_for("coordinator_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client)
    document = BilanDocument.objects.get()
    assert interrupted_documents_fail(older_than=SILENT_DOCUMENT) == 0
    BilanDocument.objects.update(created_at=timezone.now() - SILENT_DOCUMENT - datetime.timedelta(minutes=1))
    assert interrupted_documents_fail(older_than=SILENT_DOCUMENT) == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    page = client.get(response.url).content.decode()
    assert "Demandez-le à nouveau" in page
    assert client.get(reverse("reporting:document_download", args=[document.public_id])).status_code == 404
