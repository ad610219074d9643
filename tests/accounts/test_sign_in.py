from django.urls import reverse

from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.conftest import sign_in


def test_user_signs_in_with_email_case_insensitively_and_lands_home(db, client):
    UserFactory(police=True, email="agent.dupont@test.example")
    response = client.post(
        reverse("accounts:login"), {"username": "  Agent.Dupont@Test.example ", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home"), follow=True).status_code == 200


def test_wrong_password_gets_a_clear_french_message_and_keeps_the_email(db, client):
    UserFactory(email="agent@test.example")
    response = client.post(reverse("accounts:login"), {"username": "agent@test.example", "password": "nope"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Adresse électronique ou mot de passe incorrect." in content
    assert 'value="agent@test.example"' in content
    assert 'aria-invalid="true"' not in content or "fr-input-group--error" in content or "fr-alert" in content
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_sign_in(db, client):
    UserFactory(email="former@test.example", is_active=False)
    response = client.post(reverse("accounts:login"), {"username": "former@test.example", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_that_ends_the_session(db, client):
    user = UserFactory()
    sign_in(client, user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_anonymous_visitor_is_sent_to_sign_in_with_next(db, client):
    response = client.get(reverse("organisation:partner_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "next=" in response.url


def test_pages_speak_french_by_default(db, client):
    response = client.get(reverse("accounts:login"))
    content = response.content.decode()
    assert '<html lang="fr"' in content
    assert "Se connecter" in content
    assert "Aller au contenu" in content or "Contenu" in content


def test_sign_in_page_loads_no_asset_from_the_internet(db, client):
    content = client.get(reverse("accounts:login")).content.decode()
    for attribute in ('src="http', 'href="http', "src='http", "href='http", 'src="//', 'href="//'):
        assert attribute not in content
    assert "/static/dsfr/dist/dsfr/dsfr.min.css" in content
