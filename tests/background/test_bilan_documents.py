"""Department and national bilan PDFs are prepared by the worker: the download shows the progress,
then offers the file, to its requester only, masked as for them, until it expires."""

import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reporting.documents import expired_documents_purge
from reporting.models import BilanDocument, DocumentStatus
from tests.background.worker import run_worker
from tests.casework.factories import InterventionFactory

YEAR = timezone.localdate().year
QUERY = {"scope": "department:80", "start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"}


@pytest.fixture(autouse=True)
def _in_background(settings):
    settings.BILAN_PDF_IN_BACKGROUND = True


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def ask(client, fmt="pdf", **query):
    return client.get(reverse("reporting:bilan_export", kwargs={"fmt": fmt}), {**QUERY, **query})


def test_a_coordinator_asks_for_a_department_pdf_sees_its_progress_and_downloads_it(
    world, client_for, huey_queue, django_capture_on_commit_callbacks
):
    client = client_for("coordinator_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client)
    document = BilanDocument.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reporting:document_detail", kwargs={"public_id": document.public_id})

    waiting = client.get(response.url)
    assert waiting.status_code == 200
    page = waiting.content.decode()
    assert "Le document est en préparation : 0 %." in page and "bilan-document-progress.js" in page
    state = client.get(response.url, {"etat": "1"}).json()
    assert state == {"status": "queued", "progress": 0, "label": "Le document est en préparation : 0 %."}
    download = reverse("reporting:document_download", kwargs={"public_id": document.public_id})
    assert client.get(download).status_code == 404  # nothing to download yet

    run_worker(huey_queue)
    document.refresh_from_db()
    assert (document.status, document.progress) == (DocumentStatus.READY, 100)
    ready = client.get(response.url).content.decode()
    assert "bilan-document-progress.js" not in ready and download in ready
    assert client.get(response.url, {"etat": "1"}).json()["status"] == "ready"
    file = client.get(download)
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
    assert file["Content-Disposition"].startswith('attachment; filename="bilan-department-80-')
    text = pdf_text(b"".join(file.streaming_content))
    assert "Somme (80)" in text and "Personnes rencontrées" in text


def test_a_task_run_twice_prepares_the_document_once(
    world, client_for, huey_queue, django_capture_on_commit_callbacks
):
    from reporting.documents import bilan_document_prepare

    with django_capture_on_commit_callbacks(execute=True):
        ask(client_for("coordinator_a"))
    document = BilanDocument.objects.get()
    run_worker(huey_queue)
    name = BilanDocument.objects.get().file.name
    bilan_document_prepare(document_id=document.pk)
    assert BilanDocument.objects.get().file.name == name


def test_a_funders_document_is_masked_as_their_download_would_be(
    world, client_for, django_capture_on_commit_callbacks
):
    # Masked bilans exist only for a department and a past civil year (reporting.masking): last year's, with
    # one interview held then, so that a small count is masked.
    last_year = YEAR - 1
    InterventionFactory(
        followup=world.a.followup, starts_at=timezone.make_aware(timezone.datetime(last_year, 6, 3, 10, 0))
    )
    client = client_for("funder_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, start=f"{last_year}-01-01", end=f"{last_year}-12-31")
    document = BilanDocument.objects.get()
    assert document.status == DocumentStatus.READY  # immediate mode: prepared once the request committed
    assert document.filename.endswith("-diffusion.pdf")
    download = client.get(reverse("reporting:document_download", args=[document.public_id]))
    text = pdf_text(b"".join(download.streaming_content))
    assert "< 11" in text
    assert response.status_code == 302


def test_post_and_unit_pdfs_and_other_formats_stay_in_the_request(world, client_for):
    client = client_for("coordinator_a")
    assert ask(client, fmt="csv").status_code == 200
    assert ask(client, scope=f"post:{world.a.post.public_id}")["Content-Type"] == "application/pdf"
    assert not BilanDocument.objects.exists()


def test_an_expired_document_is_gone_and_purged(world, client_for, django_capture_on_commit_callbacks):
    client = client_for("coordinator_a")
    with django_capture_on_commit_callbacks(execute=True):
        ask(client)
    document = BilanDocument.objects.get()
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    BilanDocument.objects.update(expires_at=timezone.now() - timezone.timedelta(minutes=1))
    assert client.get(reverse("reporting:document_detail", args=[document.public_id])).status_code == 404
    assert client.get(reverse("reporting:document_download", args=[document.public_id])).status_code == 404
    assert expired_documents_purge() == 1
    assert not storage.exists(name) and not BilanDocument.objects.exists()


def test_a_scope_out_of_reach_is_not_queued(world, client_for):
    assert ask(client_for("coordinator_a"), scope="department:42").status_code == 404
    assert ask(client_for("iscg_a")).status_code == 404
    assert not BilanDocument.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_every_file_of_the_national_bilan_is_prepared_by_the_worker(
    fmt, world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, fmt=fmt, scope="national")
    document = BilanDocument.objects.get()
    assert response.status_code == 302 and document.fmt == fmt
    assert document.status == DocumentStatus.READY
    download = client.get(reverse("reporting:document_download", args=[document.public_id]))
    content = b"".join(download.streaming_content)
    assert document.filename.endswith(f".{fmt}") and download["Content-Type"].startswith(
        {"json": "application/json", "csv": "text/csv", "xlsx": "application/vnd.openxml"}[fmt]
    )
    if fmt == "json":
        assert json.loads(content)["indicators"]["B1"]["total"] >= 0
    elif fmt == "csv":
        assert "B1" in content.decode()
    else:
        assert content[:2] == b"PK"
