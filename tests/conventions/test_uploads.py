from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conventions.forms import MAX_UPLOAD_BYTES
from conventions.models import ConventionDocument, SteeringCommittee
from tests.conventions.factories import PDF_BYTES


def upload_url(convention):
    return reverse("conventions:document_create", kwargs={"public_id": convention.public_id})


def pdf(name="convention.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_coordinator_uploads_a_pdf_and_funder_downloads_it(world, client_for):
    convention = world.a.convention
    response = client_for("coordinator_a").post(
        upload_url(convention), {"title": "Avenant n° 1 signé", "file": pdf("Avenant Dupont.pdf")}
    )
    assert response.status_code == 302
    document = ConventionDocument.objects.get(title="Avenant n° 1 signé")
    assert document.size == len(PDF_BYTES)
    assert "Dupont" not in document.file.name  # the uploaded name is never kept on disk
    download = client_for("funder_a").get(document.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download.content == PDF_BYTES


def test_a_file_that_is_not_a_pdf_is_refused(world, client_for):
    response = client_for("coordinator_a").post(
        upload_url(world.a.convention),
        {"title": "Tableur", "file": pdf("budget.xlsx", b"PK\x03\x04...", "application/vnd.ms-excel")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ConventionDocument.objects.filter(title="Tableur").exists()


def test_a_file_claiming_to_be_a_pdf_without_the_pdf_signature_is_refused(world, client_for):
    response = client_for("coordinator_a").post(
        upload_url(world.a.convention), {"title": "Faux PDF", "file": pdf("faux.pdf", b"<html>not a pdf</html>")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ConventionDocument.objects.filter(title="Faux PDF").exists()


def test_a_real_pdf_sent_with_another_content_type_is_refused(world, client_for):
    response = client_for("coordinator_a").post(
        upload_url(world.a.convention), {"title": "Type", "file": pdf(content_type="text/plain")}
    )
    assert response.context["form"].errors["file"]


def test_a_file_above_the_size_limit_is_refused(world, client_for):
    big = PDF_BYTES + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF_BYTES))
    response = client_for("coordinator_a").post(
        upload_url(world.a.convention), {"title": "Trop lourd", "file": pdf(content=big)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ConventionDocument.objects.filter(title="Trop lourd").exists()


def test_an_upload_without_file_is_refused(world, client_for):
    response = client_for("coordinator_a").post(upload_url(world.a.convention), {"title": "Vide"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_funder_cannot_upload(world, client_for):
    response = client_for("funder_a").post(upload_url(world.a.convention), {"title": "Non", "file": pdf()})
    assert response.status_code == 403
    assert not ConventionDocument.objects.filter(title="Non").exists()


def test_a_steering_committee_is_recorded_with_its_bilan(world, client_for):
    convention = world.a.convention
    url = reverse("conventions:committee_create", kwargs={"public_id": convention.public_id})
    data = {
        "held_on": "2026-03-12",
        "attendees": "Préfecture\nDépartement",
        "minutes": "Bilan approuvé.",
        "bilan": pdf("bilan.pdf"),
    }
    response = client_for("coordinator_a").post(url, data)
    assert response.status_code == 302
    committee = SteeringCommittee.objects.get(convention=convention, held_on="2026-03-12")
    assert not committee.bilan_generated
    download = client_for("coordinator_a").get(committee.get_bilan_url())
    assert download.status_code == 200 and download.content == PDF_BYTES


def test_a_committee_bilan_must_be_a_pdf(world, client_for):
    convention = world.a.convention
    url = reverse("conventions:committee_create", kwargs={"public_id": convention.public_id})
    data = {"held_on": "2026-03-12", "bilan": pdf("bilan.pdf", b"MZ\x90\x00")}
    response = client_for("coordinator_a").post(url, data)
    assert response.context["form"].errors["bilan"]
    assert not SteeringCommittee.objects.filter(held_on="2026-03-12").exists()


def test_a_committee_without_bilan_has_no_bilan_download(world, client_for):
    convention = world.a.convention
    url = reverse("conventions:committee_create", kwargs={"public_id": convention.public_id})
    client_for("coordinator_a").post(url, {"held_on": "2026-06-01"})
    committee = SteeringCommittee.objects.get(held_on="2026-06-01")
    assert client_for("coordinator_a").get(committee.get_bilan_url()).status_code == 404


def test_a_document_of_another_department_is_404(world, client_for):
    assert client_for("funder_b").get(world.a.document.get_absolute_url()).status_code == 404
    mismatched = reverse(
        "conventions:document_download",
        kwargs={"public_id": world.b.convention.public_id, "document_id": world.a.document.public_id},
    )
    assert client_for("admin").get(mismatched).status_code == 404


def test_coordinator_deletes_a_document_uploaded_by_mistake(world, client_for, django_capture_on_commit_callbacks):
    document = world.a.document
    storage, name = document.file.storage, document.file.name
    url = reverse(
        "conventions:document_delete",
        kwargs={"public_id": world.a.convention.public_id, "document_id": document.public_id},
    )
    assert client_for("funder_a").post(url).status_code == 403
    assert client_for("coordinator_b").post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("coordinator_a").post(url)
    assert response.status_code == 302
    assert not ConventionDocument.objects.filter(pk=document.pk).exists()
    assert not storage.exists(name)
