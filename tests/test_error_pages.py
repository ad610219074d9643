import pytest
from django.test import Client
from django.urls import path

from tests.accounts.factories import UserFactory
from tests.conftest import sign_in


def boom(request):
    raise RuntimeError("secret detail that must not leak")


urlpatterns = [path("boom/", boom)]


@pytest.mark.urls("tests.test_error_pages")
def test_server_error_page_is_french_and_reveals_nothing(db, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    sign_in(client, UserFactory())
    response = client.get("/boom/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "Erreur inattendue" in content
    assert "secret detail" not in content
    assert "RuntimeError" not in content
    assert "Traceback" not in content


def test_not_found_page_uses_the_design_system_in_french(world, client_for):
    response = client_for("iscg_a").get("/nowhere/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page non trouvée" in content
    assert "fr-header" in content and "fr-footer" in content


def test_forbidden_page_is_french(world, client_for, rf):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/")
    request.user = world.a.funder
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
