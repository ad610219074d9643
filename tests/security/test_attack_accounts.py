"""Account takeover and authentication weaknesses (issue 16, items 2 and 8), tested as the attacker does it.

The admin tries every page the administration site offers to read a second factor or set a password;
a stranger locks an account's owner out, sprays passwords from one address, floods password resets;
2 MB of text in a form; the response headers; the password hashing; the demo commands in production.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, make_password
from django.core.management import CommandError, call_command
from django.test import Client

from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.conftest import sign_in
from tests.test_settings import PRIVACY_KEYS, clean_environ

ROOT = Path(__file__).resolve().parent.parent.parent

# ---- Headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/connexion/", "/", "/page-qui-n-existe-pas/"])
def test_every_response_denies_powerful_browser_features(db, path):
    response = Client().get(path)
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_signed_in_pages_deny_powerful_browser_features_too(client_for):
    response = client_for("iscg_a").get("/compte/securite/")
    assert response.status_code == 200
    assert "camera=()" in response.headers["Permissions-Policy"]


# ---- Demo and benchmark data never reach production --------------------------------------------


@pytest.mark.parametrize(("command", "args"), [("seed_demo", []), ("generate_volume", ["--posts", "1"])])
def test_made_up_data_commands_refuse_to_run_in_production(db, settings, command, args):
    settings.ISCG_ENV = "production"
    with pytest.raises(CommandError, match="never runs in production"):
        call_command(command, *args)


def _production_process(code: str) -> subprocess.CompletedProcess:
    environment = {
        **clean_environ(),
        "ISCG_ENV": "production",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "iscg.example",
        "DATABASE_URL": "sqlite:///:memory:",
        **PRIVACY_KEYS,
        "DJANGO_SETTINGS_MODULE": "iscg.settings",
    }
    return subprocess.run(  # noqa: S603 - our own interpreter, a fixed snippet
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_demo_and_bench_apps_are_not_installed_in_production():
    result = _production_process(
        "import django; django.setup(); from django.apps import apps; "
        "print(apps.is_installed('demo'), apps.is_installed('bench'))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("command", ["seed_demo", "generate_volume"])
def test_demo_commands_exit_non_zero_in_production(command):
    result = _production_process(
        f"import sys, django; django.setup(); from django.core.management import call_command; "
        f"call_command({command!r})"
    )
    assert result.returncode != 0
    assert command in result.stderr


# ---- Password hashing ---------------------------------------------------------------------------

ARGON2_OWASP = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def argon2_hashers(settings):
    settings.PASSWORD_HASHERS = [
        "accounts.hashers.Argon2idPasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def test_new_passwords_are_hashed_with_argon2id_and_owasp_parameters(db, argon2_hashers):
    user = UserFactory()
    user.set_password(TEST_PASSWORD)
    assert user.password.startswith(ARGON2_OWASP)


@pytest.mark.parametrize("old_hasher", [Argon2PasswordHasher, PBKDF2PasswordHasher])
def test_an_old_hash_is_upgraded_at_the_next_sign_in(db, argon2_hashers, old_hasher):
    """Django's default Argon2 parameters (100 MiB, 8 lanes) or PBKDF2: re-hashed at the next sign-in."""
    user = UserFactory(email="ancien.hash@test.example")
    user.password = make_password(TEST_PASSWORD, hasher=old_hasher())
    user.save(update_fields=["password"])
    assert not user.password.startswith(ARGON2_OWASP)
    response = Client().post("/connexion/", {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(ARGON2_OWASP)
    assert user.check_password(TEST_PASSWORD)


# ---- Lockout and throttling ---------------------------------------------------------------------

SIGN_IN = "/connexion/"
VICTIM_IP = "192.0.2.10"
ATTACKER_IP = "198.51.100.66"


def _sign_in_attempt(email, password="mauvais mot de passe", ip=ATTACKER_IP):
    return Client().post(SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_a_stranger_on_another_address_cannot_lock_the_owner_out(db):
    victim = UserFactory(email="victime@test.example")
    statuses = [_sign_in_attempt(victim.email).status_code for _ in range(20)]
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}  # the attacker's own address is locked for this account
    assert _sign_in_attempt(victim.email, TEST_PASSWORD).status_code == 429  # even with the right password
    response = _sign_in_attempt(victim.email, TEST_PASSWORD, ip=VICTIM_IP)
    assert response.status_code == 302
    assert response.url == "/"


def test_one_address_spraying_many_accounts_is_blocked_after_fifty_failures(db):
    accounts = [UserFactory(email=f"cible{n}@test.example") for n in range(51)]
    for account in accounts[:50]:
        assert _sign_in_attempt(account.email).status_code in (200, 429)
    # The 51st account, with its right password, from the spraying address: refused.
    blocked = _sign_in_attempt(accounts[50].email, TEST_PASSWORD)
    assert blocked.status_code == 429
    # Its owner, from their own address, is not affected.
    assert _sign_in_attempt(accounts[50].email, TEST_PASSWORD, ip=VICTIM_IP).status_code == 302


def test_a_shared_station_address_is_not_blocked_by_a_few_mistakes_of_its_officers(db):
    officers = [UserFactory(email=f"agent.poste{n}@test.example") for n in range(10)]
    for officer in officers:
        for _ in range(3):
            _sign_in_attempt(officer.email, ip=VICTIM_IP)
    assert _sign_in_attempt(officers[0].email, TEST_PASSWORD, ip=VICTIM_IP).status_code == 302


RESET = "/mot-de-passe-oublie/"


def test_password_reset_requests_are_throttled_per_e_mail(db, mailoutbox):
    victim = UserFactory(email="reset.victime@test.example")
    statuses = [
        Client().post(RESET, {"email": victim.email}, REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(6)
    ]
    assert statuses[:3] == [302] * 3
    assert statuses[3:] == [429] * 3
    assert len(mailoutbox) == 3
    page = Client().post(RESET, {"email": victim.email}, REMOTE_ADDR="203.0.113.99").content.decode()
    assert "Trop de demandes" in page


def test_password_reset_requests_are_throttled_per_address(db, mailoutbox):
    statuses = [
        Client().post(RESET, {"email": f"inconnu{n}@test.example"}, REMOTE_ADDR=ATTACKER_IP).status_code
        for n in range(25)
    ]
    assert statuses[:20] == [302] * 20
    assert set(statuses[20:]) == {429}
    victim = UserFactory(email="autre.victime@test.example")
    assert Client().post(RESET, {"email": victim.email}, REMOTE_ADDR=ATTACKER_IP).status_code == 429
    assert mailoutbox == []


# ---- Second-factor enrolment --------------------------------------------------------------------


def test_opening_the_enrolment_page_writes_no_device(world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = sign_in(Client(), world.a.officer, verified=False)
    first = client.get("/compte/double-authentification/")
    second = client.get("/compte/double-authentification/")
    assert first.status_code == second.status_code == 200
    assert not TOTPDevice.objects.filter(user=world.a.officer).exists()
    # The same key is shown again (the QR code scanned stays valid), from the session only.
    assert first.context["secret"] == second.context["secret"]
