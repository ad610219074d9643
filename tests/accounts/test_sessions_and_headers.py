import re
import time

from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.middleware import SESSION_SEEN_AT, SESSION_STARTED_AT
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.conftest import sign_in

PAGE = "/compte/securite/"


def _age_session(client, **offsets):
    session = client.session
    for key, seconds in offsets.items():
        session[key] = time.time() - seconds
    session.save()


def test_session_ends_after_thirty_minutes_idle(world):
    client = sign_in(Client(), world.a.iscg)
    assert client.get(PAGE).status_code == 200
    _age_session(client, **{SESSION_SEEN_AT: 29 * 60})
    assert client.get(PAGE).status_code == 200
    _age_session(client, **{SESSION_SEEN_AT: 31 * 60})
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert "expiré" in client.get(reverse("accounts:login")).content.decode()


def test_session_ends_twelve_hours_after_sign_in_even_when_active(world):
    client = sign_in(Client(), world.a.iscg)
    client.get(PAGE)
    _age_session(client, **{SESSION_STARTED_AT: 12 * 3600 + 60, SESSION_SEEN_AT: 10})
    assert client.get(PAGE).status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_out_invalidates_the_session_on_the_server(world):
    client = sign_in(Client(), world.a.iscg)
    session_key = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    stolen = Client()
    stolen.cookies["sessionid"] = session_key
    assert stolen.get(PAGE).status_code == 302


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(world):
    user = world.a.iscg
    elsewhere = sign_in(Client(), user)
    here = sign_in(Client(), user)
    new_password = "une longue phrase de passe pour le test"
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert here.get(PAGE).status_code == 200
    assert elsewhere.get(PAGE).status_code == 302


def test_deactivation_ends_every_session_at_once(world):
    user = world.a.iscg
    client = sign_in(Client(), user)
    services.user_deactivate(user=user, by=world.users["admin"])
    assert client.get(PAGE).status_code == 302


def test_passwords_need_twelve_characters_and_accept_long_passphrases(world):
    client = sign_in(Client(), world.a.iscg)
    url = reverse("accounts:password_change")
    short = client.post(url, {"old_password": TEST_PASSWORD, "new_password1": "Court1!", "new_password2": "Court1!"})
    assert "au minimum 12 caractères" in short.content.decode()
    common = client.post(
        url, {"old_password": TEST_PASSWORD, "new_password1": "password1234", "new_password2": "password1234"}
    )
    assert "trop courant" in common.content.decode()
    long_phrase = "le chat de la voisine dort sur le radiateur du couloir depuis ce matin !"
    assert len(long_phrase) >= 64
    ok = client.post(url, {"old_password": TEST_PASSWORD, "new_password1": long_phrase, "new_password2": long_phrase})
    assert ok.status_code == 302
    world.a.iscg.refresh_from_db()
    assert world.a.iscg.password.startswith("argon2$argon2id$") or world.a.iscg.password.startswith("md5$")


def test_password_hashing_is_argon2id_by_default(settings):
    from django.contrib.auth.hashers import get_hasher

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    assert get_hasher().encode("a long pass phrase", get_hasher().salt()).startswith("argon2$argon2id$")


def test_password_reset_link_is_single_use_and_mail_has_no_personal_data(world, django_capture_on_commit_callbacks):
    user = world.a.iscg
    with django_capture_on_commit_callbacks(execute=True):  # the outbox hands the message over at commit
        Client().post(reverse("accounts:password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert user.first_name not in body and user.last_name not in body
    link = re.search(r"http\S+", body).group(0)
    path = link.split("8000", 1)[1] if "8000" in link else link
    client = Client()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    new = "une autre phrase de passe assez longue"
    assert client.post(set_password_url, {"new_password1": new, "new_password2": new}).status_code == 302
    again = Client().get(path, follow=True)
    assert "ne fonctionne plus" in again.content.decode()


def test_password_reset_does_not_reveal_unknown_addresses(db):
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@test.example"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 0


def test_authenticated_pages_are_never_cached(world, client_for):
    response = client_for("iscg_a").get(PAGE)
    assert "no-store" in response["Cache-Control"]
    public = Client().get(reverse("pages:legal"))
    assert "no-store" not in public.get("Cache-Control", "")


def test_strict_content_security_policy_with_a_fresh_nonce(world, client_for):
    client = client_for("iscg_a")
    first = client.get(PAGE)
    second = client.get(PAGE)
    policy = first["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    script_src = directives["script-src"]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    nonce_1 = re.search(r"'nonce-([^']+)'", script_src).group(1)
    nonce_2 = re.search(r"'nonce-([^']+)'", second["Content-Security-Policy"]).group(1)
    assert nonce_1 != nonce_2
    assert f'nonce="{nonce_1}"' in first.content.decode()
    assert "<script>" not in first.content.decode()


def test_security_headers(world, client_for):
    response = client_for("iscg_a").get(PAGE)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_invitation_lets_a_new_user_set_a_password_once_within_48_hours(
    world, settings, django_capture_on_commit_callbacks
):
    user = UserFactory(police=True, email="nouveau@test.example", units=[world.a.unit])
    with django_capture_on_commit_callbacks(execute=True):
        services.user_invite(user=user, by=world.a.coordinator)
    body = mail.outbox[-1].body
    assert user.first_name not in body and user.last_name not in body
    path = re.search(r"http\S+", body).group(0).replace(settings.SITE_URL, "")
    client = Client()
    assert client.get(path).status_code == 200
    password = "une phrase de passe pour un nouveau compte"
    response = client.post(path, {"new_password1": password, "new_password2": password})
    assert response.url == reverse("accounts:enrol")
    assert Client().get(path).status_code == 400  # used
    settings.INVITATION_MAX_AGE = -1
    services.user_invite(user=user, by=world.a.coordinator)
    expired = re.search(r"http\S+", mail.outbox[-1].body).group(0).replace(settings.SITE_URL, "")
    assert Client().get(expired).status_code == 400
