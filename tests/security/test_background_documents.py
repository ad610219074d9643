"""Attacks on the bilan documents prepared by the worker: another user, of the same department or
not, guesses or is given the document's address; the requester lost their access meanwhile."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reporting.models import BilanDocument

YEAR = timezone.localdate().year


@pytest.fixture
def document(world, client_for, settings, django_capture_on_commit_callbacks):
    settings.BILAN_PDF_IN_BACKGROUND = True
    with django_capture_on_commit_callbacks(execute=True):
        client_for("coordinator_a").get(
            reverse("reporting:bilan_export", kwargs={"fmt": "pdf"}),
            {"scope": "department:80", "start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"},
        )
    return BilanDocument.objects.get()


@pytest.mark.parametrize(
    "persona", ["anonymous", "officer_a", "iscg_a", "funder_a", "coordinator_b", "funder_b", "admin"]
)
def test_only_the_requester_reaches_the_document(document, client_for, persona):
    client = client_for(persona)
    for name in ("reporting:document_detail", "reporting:document_download"):
        response = client.get(reverse(name, args=[document.public_id]))
        assert response.status_code in (302, 403, 404), (persona, name)
        assert b"%PDF" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_a_colleague_of_the_same_department_does_not_get_it(document, world):
    from tests.accounts.factories import UserFactory
    from tests.conftest import sign_in

    colleague = UserFactory(coordinator=True, departments=[world.a.department])
    client = sign_in(Client(), colleague)
    assert client.get(reverse("reporting:document_download", args=[document.public_id])).status_code == 404


def test_a_requester_who_lost_the_department_loses_the_document(document, client_for, world):
    world.a.coordinator.departments.clear()
    response = client_for("coordinator_a").get(reverse("reporting:document_download", args=[document.public_id]))
    assert response.status_code in (403, 404)
