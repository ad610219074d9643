"""The web flow and its scoping: ISCG into their posts, coordinators into their departments' posts;
police, funders and the admin get 404; out-of-scope batches and posts never write."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from casework.models import Person
from imports import services
from imports.exporting import csv_bytes
from imports.models import ImportBatch
from tests.imports.test_formats_and_errors import FOLLOWUPS, PERSONS
from tests.imports.worker import post_then_worker

PERSONAS_WITHOUT_IMPORTS = ("officer_a", "funder_a", "admin")


def _file(name="historique.zip"):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("personnes.csv", csv_bytes((PERSONS, [["P1", "F", "1990", "", "non", "oui"]])))
        archive.writestr("suivis.csv", csv_bytes((FOLLOWUPS, [["S1", "P1", "02/11/2024", "", "", "", ""]])))
    return SimpleUploadedFile(name, output.getvalue(), content_type="application/zip")


def _batch(world, side="a"):
    post = getattr(world, side).post
    return services.batch_preview(post=post, by=getattr(world, side).iscg, content=_file().read(), file_name="h.zip")


@pytest.mark.parametrize("persona", ["iscg_a", "coordinator_a"])
def test_upload_preview_confirm_and_cancel_through_the_pages(world, client_for, persona):
    client = client_for(persona)
    persons_before = Person.objects.filter(post=world.a.post).count()
    response = post_then_worker(client, reverse("imports:upload"), {"post": world.a.post.pk, "file": _file()})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert Person.objects.filter(post=world.a.post).count() == persons_before  # the preview writes nothing

    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200 and "imports/batch_preview.html" in [t.name for t in page.templates]
    assert [line["new"] for line in page.context["sheets"]] == [1, 1]

    response = post_then_worker(client, reverse("imports:batch_confirm", kwargs={"public_id": batch.public_id}))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "imported"
    assert Person.objects.filter(post=world.a.post).count() == persons_before + 1
    assert client.get(batch.get_absolute_url()).status_code == 200

    response = client.post(reverse("imports:batch_cancel", kwargs={"public_id": batch.public_id}))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "cancelled"
    assert Person.objects.filter(post=world.a.post).count() == persons_before


def test_a_preview_with_errors_shows_each_error_and_offers_no_confirmation(world, client_for):
    content = csv_bytes((FOLLOWUPS, [["S1", "P9", "31/02/2025", "", "", "", ""]]))
    upload = SimpleUploadedFile("suivis.csv", content, content_type="text/csv")
    client = client_for("iscg_a")
    response = post_then_worker(
        client, reverse("imports:upload"), {"post": world.a.post.pk, "file": upload}, follow=True
    )
    assert response.status_code == 200
    assert [(e["sheet"], e["line"], e["column"]) for e in response.context["errors"]] == [
        ("suivis.csv", 2, "personne"),
        ("suivis.csv", 2, "ouvert le"),
    ]
    assert (
        reverse("imports:batch_confirm", kwargs={"public_id": ImportBatch.objects.get().public_id})
        not in response.text
    )


def test_an_iscg_cannot_import_into_another_post(world, client_for):
    client = client_for("iscg_a")
    persons_b = Person.objects.filter(post=world.b.post).count()
    response = client.post(reverse("imports:upload"), {"post": world.b.post.pk, "file": _file()})
    assert response.status_code == 200 and "post" in response.context["form"].errors
    assert not ImportBatch.objects.exists()
    other = _batch(world, "b")
    for name in ("imports:batch_detail", "imports:batch_confirm", "imports:batch_cancel"):
        url = reverse(name, kwargs={"public_id": other.public_id})
        assert (client.get(url) if name == "imports:batch_detail" else client.post(url)).status_code == 404
    other.refresh_from_db()
    assert other.status == "previewed"
    assert Person.objects.filter(post=world.b.post).count() == persons_b


def test_a_coordinator_cannot_import_into_another_department(world, client_for):
    client = client_for("coordinator_a")
    response = client.post(reverse("imports:upload"), {"post": world.b.post.pk, "file": _file()})
    assert "post" in response.context["form"].errors and not ImportBatch.objects.exists()
    other = _batch(world, "b")
    assert client.post(reverse("imports:batch_confirm", kwargs={"public_id": other.public_id})).status_code == 404
    assert ImportBatch.objects.get().status == "previewed"


@pytest.mark.parametrize("persona", PERSONAS_WITHOUT_IMPORTS)
def test_police_funders_and_the_admin_get_404_everywhere(world, client_for, persona):
    batch = _batch(world)
    client = client_for(persona)
    for url in (
        reverse("imports:batch_list"),
        reverse("imports:upload"),
        reverse("imports:template", kwargs={"fmt": "xlsx"}),
        batch.get_absolute_url(),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("imports:batch_confirm", kwargs={"public_id": batch.public_id})).status_code == 404
    assert client.post(reverse("imports:batch_cancel", kwargs={"public_id": batch.public_id})).status_code == 404


def test_uploads_are_checked_for_size_and_type(world, client_for, monkeypatch):
    client = client_for("iscg_a")
    pdf = SimpleUploadedFile("historique.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(reverse("imports:upload"), {"post": world.a.post.pk, "file": pdf})
    assert "file" in response.context["form"].errors
    monkeypatch.setattr("imports.forms.MAX_UPLOAD_BYTES", 10)
    response = client.post(reverse("imports:upload"), {"post": world.a.post.pk, "file": _file()})
    assert "file" in response.context["form"].errors and not ImportBatch.objects.exists()


def test_the_templates_download_as_xlsx_and_zip_of_csv(world, client_for):
    client = client_for("iscg_a")
    response = client.get(reverse("imports:template", kwargs={"fmt": "xlsx"}))
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == [
        "aide",
        "personnes",
        "saisines",
        "suivis",
        "interventions",
        "orientations",
        "transmissions",
        "evaluations",
        "listes",
    ]
    response = client.get(reverse("imports:template", kwargs={"fmt": "zip"}))
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [f"{name}.csv" for name in workbook.sheetnames[1:-1]]
    assert client.get(reverse("imports:template", kwargs={"fmt": "pdf"})).status_code == 404


def test_the_batch_list_shows_only_batches_in_scope(world, client_for):
    mine, other = _batch(world, "a"), _batch(world, "b")
    page = client_for("iscg_a").get(reverse("imports:batch_list"))
    assert list(page.context["page"]) == [mine]
    assert list(client_for("coordinator_b").get(reverse("imports:batch_list")).context["page"]) == [other]
