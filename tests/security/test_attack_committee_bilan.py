"""A funder tries to read the exact figures of a bilan a coordinator uploaded by hand to a steering
committee. Such a file may hold small counts that the diffusion version masks: only those who see exact
figures may download it; the version the application generates (masked) is for every viewer."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conventions.models import SteeringCommittee
from tests.conventions.factories import PDF_BYTES, SteeringCommitteeFactory
from tests.reporting.test_views import met_last_year

pytestmark = pytest.mark.django_db


def _upload(client, convention, held_on="2026-03-12"):
    url = reverse("conventions:committee_create", kwargs={"public_id": convention.public_id})
    upload = SimpleUploadedFile("bilan-exact.pdf", PDF_BYTES, "application/pdf")
    response = client.post(url, {"held_on": held_on, "bilan": upload})
    assert response.status_code == 302
    return SteeringCommittee.objects.get(convention=convention, held_on=held_on)


def test_a_funder_cannot_download_a_bilan_uploaded_by_hand(world, client_for):
    committee = _upload(client_for("coordinator_a"), world.a.convention)
    funder = client_for("funder_a")
    assert funder.get(committee.get_bilan_url()).status_code == 404
    page = funder.get(world.a.convention.get_absolute_url()).content.decode()
    assert committee.get_bilan_url() not in page
    coordinator_page = client_for("coordinator_a").get(world.a.convention.get_absolute_url()).content.decode()
    assert committee.get_bilan_url() in coordinator_page
    assert "déposé à la main" in coordinator_page


def test_an_uploaded_bilan_stays_hidden_until_the_application_generates_the_diffusion_version(world, client_for):
    met_last_year(world)
    committee = SteeringCommitteeFactory(convention=world.a.convention, with_uploaded_bilan=True)
    funder = client_for("funder_a")
    assert funder.get(committee.get_bilan_url()).status_code == 404
    generate = reverse(
        "reporting:committee_bilan_generate",
        kwargs={"public_id": world.a.convention.public_id, "committee_id": committee.public_id},
    )
    assert client_for("coordinator_a").post(generate).status_code == 302
    committee.refresh_from_db()
    assert committee.bilan_generated
    download = funder.get(committee.get_bilan_url())
    assert download.status_code == 200 and download.content != PDF_BYTES
    assert download.content.startswith(b"%PDF")


def test_another_departments_funder_gets_404_for_either_kind(world, client_for):
    uploaded = SteeringCommitteeFactory(convention=world.a.convention, with_uploaded_bilan=True)
    for committee in (uploaded, world.a.committee):
        assert client_for("funder_b").get(committee.get_bilan_url()).status_code == 404
