"""Account takeover and authentication weaknesses (issue 16, items 2 and 8), tested as the attacker does it.

The admin tries every page the administration site offers to read a second factor or set a password;
a stranger locks an account's owner out, sprays passwords from one address, floods password resets;
2 MB of text in a form; the response headers; the password hashing; the demo commands in production.
"""

import base64
import secrets
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, make_password
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.conftest import sign_in
from tests.security import crawl
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


def test_password_reset_requests_are_throttled_per_e_mail(db, mailoutbox, django_capture_on_commit_callbacks):
    victim = UserFactory(email="reset.victime@test.example")
    with django_capture_on_commit_callbacks(execute=True):
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
    from accounts.models import TOTPDevice

    client = sign_in(Client(), world.a.officer, verified=False)
    first = client.get("/compte/double-authentification/")
    second = client.get("/compte/double-authentification/")
    assert first.status_code == second.status_code == 200
    assert not TOTPDevice.objects.filter(user=world.a.officer).exists()
    # The same key is shown again (the QR code scanned stays valid), from the session only.
    assert first.context["secret"] == second.context["secret"]


# ---- The admin takes over an account ------------------------------------------------------------


@pytest.fixture
def victim_secrets(world):
    """The victim (ISCG of side A) with an enrolled authenticator and backup codes, all unique tokens."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from accounts.models import TOTPDevice

    victim = world.a.iscg
    TOTPDevice.objects.filter(user=victim).delete()
    key = secrets.token_hex(20)
    device = TOTPDevice.objects.create(user=victim, name="app", key=key, confirmed=True)
    static = StaticDevice.objects.create(user=victim, name="backup", confirmed=True)
    codes = [secrets.token_hex(8) for _ in range(3)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    base32 = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    return SimpleNamespace(
        user=victim, device=device, static=static, needles=[key, base32, *codes], password=victim.password
    )


def _admin_pages(world):
    """Every page of the admin site: each model's list and add pages, the change and history pages of
    every account and of the first row of every other model, the password page of every account."""
    from django.contrib import admin

    from accounts.models import User

    yield reverse("admin:index")
    for model in admin.site._registry:
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        rows = User.objects.all() if model is User else model._default_manager.order_by("pk")[:1]
        for row in rows:
            if f"admin:{opts.label}:change" in crawl.SKIPPED:
                continue
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[row.pk])
    for user in User.objects.all():
        yield f"/admin/accounts/user/{user.pk}/password/"


def test_no_admin_page_shows_a_second_factor_secret_or_a_backup_code(world, client_for, victim_secrets):
    admin_client = client_for("admin")
    for url in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
        assert admin_client.get(url).status_code == 404
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{victim_secrets.device.pk}/change/").status_code == 404
    seen = 0
    for url in _admin_pages(world):
        response = crawl.get(admin_client, "admin:", url)
        assert response.status_code in (200, 302, 403, 404), url
        text = crawl.text_of(response)
        for needle in victim_secrets.needles:
            assert needle not in text, url
        seen += 1
    assert seen > 30
    # Searching the accounts for a secret finds nothing either.
    response = admin_client.get("/admin/accounts/user/", {"q": victim_secrets.needles[0]})
    assert victim_secrets.user.email not in response.content.decode()


def test_the_admin_cannot_set_another_users_password(world, client_for, victim_secrets):
    admin_client = client_for("admin")
    victim = victim_secrets.user
    page = f"/admin/accounts/user/{victim.pk}/password/"
    # Django's password page is gone: the address falls to the admin's catch-all redirect, no form.
    assert 'name="password1"' not in admin_client.get(page, follow=True).content.decode()
    new = "Nouveau-mot-de-passe-" + secrets.token_hex(4)
    admin_client.post(page, {"password1": new, "password2": new, "usable_password": "true"}, follow=True)
    change = admin_client.get(f"/admin/accounts/user/{victim.pk}/change/").content.decode()
    assert 'name="password' not in change
    assert "/password/" not in change
    # Through the change form, with password fields slipped in: ignored.
    _post_change(admin_client, world.a.officer, password=new, password1=new, password2=new)
    world.a.officer.refresh_from_db()
    assert not world.a.officer.check_password(new)
    victim.refresh_from_db()
    assert victim.password == victim_secrets.password
    assert Client().post("/connexion/", {"username": victim.email, "password": new}).status_code == 200


EMPTY_ASSIGNMENTS = {
    "post_assignments-TOTAL_FORMS": "0",
    "post_assignments-INITIAL_FORMS": "0",
    "post_assignments-MIN_NUM_FORMS": "0",
    "post_assignments-MAX_NUM_FORMS": "1000",
}


def _post_change(admin_client, user, **extra):
    """Submit an account's admin change form (a police officer: units, no post assignment)."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "role": user.role,
        "units": [unit.pk for unit in user.units.all()],
        "is_active": "on",
        **EMPTY_ASSIGNMENTS,
        "_save": "Enregistrer",
        **extra,
    }
    return admin_client.post(f"/admin/accounts/user/{user.pk}/change/", data)


def test_the_admin_cannot_redirect_an_account_to_their_own_mailbox(world, client_for, mailoutbox):
    admin_client = client_for("admin")
    officer = world.a.officer
    response = _post_change(admin_client, officer, email="boite.admin@test.example", first_name="Renommé")
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.email == "police.a@test.example"
    assert officer.first_name == "Renommé"  # the rest of the form was saved


def test_a_reset_link_goes_to_the_users_own_address_only(
    world, client_for, victim_secrets, mailoutbox, django_capture_on_commit_callbacks
):
    admin_client = client_for("admin")
    victim = victim_secrets.user
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/accounts/user/", {"action": "send_password_reset_link", "_selected_action": [victim.pk]}
        )
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [[victim.email]]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/mot-de-passe-oublie/" in line)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in admin_client.get(response.url).content.decode()
    victim.refresh_from_db()
    assert victim.password == victim_secrets.password  # nothing changed until the owner uses the link
    # The owner's link works: they choose their new password themselves.
    owner = Client()
    form_page = owner.get(link.split("127.0.0.1:8000", 1)[-1], follow=True)
    assert form_page.status_code == 200
    new = "Une phrase de passe choisie par la victime"
    done = owner.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    victim.refresh_from_db()
    assert victim.check_password(new)


def test_a_second_factor_reset_makes_the_owner_enrol_again_and_tells_them(
    world, client_for, victim_secrets, mailoutbox, django_capture_on_commit_callbacks
):
    from django_otp.plugins.otp_static.models import StaticDevice

    from accounts.models import TOTPDevice

    admin_client = client_for("admin")
    victim = victim_secrets.user
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [victim.pk]}
        )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=victim).exists()
    assert not StaticDevice.objects.filter(user=victim).exists()
    assert [message.to for message in mailoutbox] == [[victim.email]]
    assert "double authentification" in mailoutbox[0].subject.lower() or "second facteur" in mailoutbox[0].subject
    # At the next sign-in (with their own password), the owner enrols again.
    owner = Client()
    assert owner.post("/connexion/", {"username": victim.email, "password": TEST_PASSWORD}).status_code == 302
    assert owner.get("/").url == reverse("accounts:enrol")


def test_the_admin_cannot_make_themselves_a_social_worker(world, client_for):
    admin_user = world.users["admin"]
    admin_client = client_for("admin")
    data = {
        "first_name": admin_user.first_name,
        "last_name": admin_user.last_name,
        "phone": "",
        "role": "iscg",
        "departments": [world.a.department.pk],
        "is_active": "on",
        "is_staff": "",
        "post_assignments-TOTAL_FORMS": "1",
        "post_assignments-INITIAL_FORMS": "0",
        "post_assignments-MIN_NUM_FORMS": "0",
        "post_assignments-MAX_NUM_FORMS": "1000",
        "post_assignments-0-post": world.a.post.pk,
        "post_assignments-0-starts_on": "01/01/2024",
        "_save": "Enregistrer",
    }
    admin_client.post(f"/admin/accounts/user/{admin_user.pk}/change/", data)
    admin_user.refresh_from_db()
    assert admin_user.role == "admin"
    assert not admin_user.post_assignments.exists()
    assert not admin_user.departments.exists()
    assert client_for("admin").get(
        reverse("casework:followup_detail", args=[world.a.followup.public_id])
    ).status_code in (403, 404)


def test_a_new_account_from_the_admin_gets_no_password_but_an_invitation(
    world, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    from accounts.models import User

    admin_client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/accounts/user/add/",
            {
                "email": "nouvelle.iscg@test.example",
                "first_name": "Nouvelle",
                "last_name": "Recrue",
                "role": "iscg",
                "password1": TEST_PASSWORD,
                "password2": TEST_PASSWORD,
                **EMPTY_ASSIGNMENTS,
                "_save": "Enregistrer",
            },
        )
    assert response.status_code == 302
    created = User.objects.get(email="nouvelle.iscg@test.example")
    assert not created.has_usable_password()
    assert [message.to for message in mailoutbox] == [["nouvelle.iscg@test.example"]]


def test_admin_changes_to_an_account_are_shown_to_the_coordinators_of_its_department(
    world, client_for, victim_secrets, mailoutbox
):
    admin_client = client_for("admin")
    officer = world.a.officer
    admin_client.post(
        "/admin/accounts/user/", {"action": "send_password_reset_link", "_selected_action": [officer.pk]}
    )
    admin_client.post("/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [officer.pk]})
    _post_change(admin_client, officer, is_active="")
    page = client_for("coordinator_a").get(reverse("organisation:staff_detail", args=[officer.public_id]))
    text = page.content.decode()
    admin_name = world.users["admin"].get_full_name()
    assert "Modifications de ce compte" in text
    assert admin_name in text
    assert "Second facteur réinitialisé" in text
    assert "Lien de réinitialisation" in text
    assert "actif : oui → non" in text
    # Side B's coordinator does not see side A's accounts, nor their journal.
    other = client_for("coordinator_b").get(reverse("organisation:staff_detail", args=[officer.public_id]))
    assert other.status_code == 404


def test_the_journal_of_account_changes_stores_no_secret(world, client_for, victim_secrets, mailoutbox):
    from auditlog.models import LogEntry as HistoryEntry
    from django.contrib.admin.models import LogEntry as AdminEntry

    admin_client = client_for("admin")
    victim = victim_secrets.user
    admin_client.post("/admin/accounts/user/", {"action": "send_password_reset_link", "_selected_action": [victim.pk]})
    admin_client.post("/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [victim.pk]})
    _post_change(admin_client, world.a.officer, first_name="Autre")
    stored = " ".join(
        [str(entry.changes) + str(entry.additional_data) + entry.object_repr for entry in HistoryEntry.objects.all()]
        + [entry.change_message + entry.object_repr for entry in AdminEntry.objects.all()]
    )
    assert HistoryEntry.objects.exists()
    for needle in [*victim_secrets.needles, victim_secrets.password, world.a.officer.password]:
        assert needle not in stored


# ---- Free text is bounded -----------------------------------------------------------------------

TWO_MEGABYTES = "x" * (2 * 1024 * 1024 - 1024)  # under Django's 2.5 MB request limit: the form decides


def test_two_megabytes_in_a_referral_description_get_a_french_error_not_a_save(world, client_for):
    from referrals.models import Referral
    from tests.referrals.test_views import form_data

    before = Referral.objects.count()
    response = client_for("officer_a").post(
        reverse("referrals:create"), form_data(world.a.unit, description=TWO_MEGABYTES)
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The description has its own limit (3,000 characters); Django's French message says so.
    assert "au plus 3000 caractères" in page or "trop long" in page
    assert Referral.objects.count() == before


def test_two_megabytes_in_a_partner_note_get_a_french_error_not_a_save(world, client_for):
    partner = world.a.partner
    response = client_for("coordinator_a").post(
        reverse("organisation:partner_update", args=[partner.public_id]),
        {
            "name": partner.name,
            "partner_type": partner.partner_type_id,
            "department": partner.department_id,
            "accepts": TWO_MEGABYTES,
        },
    )
    assert response.status_code == 200
    assert "trop long" in response.content.decode()
    partner.refresh_from_db()
    assert partner.accepts != TWO_MEGABYTES


def test_the_shared_limit_applies_to_every_unbounded_text_field_of_a_form():
    from django import forms

    from iscg.forms import TEXT_MAX_LENGTH, DsfrBaseForm

    class NoteForm(DsfrBaseForm):
        text_max_lengths = {"minutes": 30_000}
        note = forms.CharField(widget=forms.Textarea, required=False)
        minutes = forms.CharField(widget=forms.Textarea, required=False)
        code = forms.CharField(max_length=8, required=False)

    form = NoteForm({"note": "é" * (TEXT_MAX_LENGTH + 1), "minutes": "m" * 20_000, "code": "ok"})
    assert form.fields["note"].max_length == TEXT_MAX_LENGTH
    assert form.fields["note"].widget.attrs["maxlength"] == str(TEXT_MAX_LENGTH)
    assert form.fields["minutes"].max_length == 30_000
    assert form.fields["code"].max_length == 8
    assert not form.is_valid()
    assert list(form.errors) == ["note"]
    assert "trop long" in form.errors["note"][0]


def test_backup_codes_are_stored_as_digests_and_still_work_once(world):
    from django_otp.plugins.otp_static.models import StaticToken

    from accounts import services

    user = world.a.officer
    codes = services.backup_codes_regenerate(user=user)
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes)  # not readable in the database, its backups, or any page
    client = sign_in(Client(), user, verified=False)
    assert client.post("/connexion/verification/", {"token": codes[0].upper()}).status_code == 302
    again = sign_in(Client(), user, verified=False)
    assert again.post("/connexion/verification/", {"token": codes[0]}).status_code == 200


def test_the_migration_turns_clear_backup_codes_into_digests(db):
    import importlib

    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from accounts import services

    migration = importlib.import_module("accounts.migrations.0005_store_backup_codes_as_digests")
    user = UserFactory()
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    clear = StaticToken.random_token()
    StaticToken.objects.create(device=device, token=clear)
    migration.store_digests(apps, None)
    migration.store_digests(apps, None)  # a second run changes nothing
    assert list(StaticToken.objects.filter(device=device).values_list("token", flat=True)) == [
        services.backup_code_digest(clear)
    ]


def test_post_assignments_cannot_be_added_from_a_users_admin_page(world, client_for):
    # The user's page lists assignments read-only: an assignment is requested on the post's page and waits
    # for a coordinator's confirmation (tests/security/test_attack_roles.py).
    newcomer = UserFactory(iscg=True, email="nouvel.iscg@test.example")
    response = _post_change(
        client_for("admin"),
        newcomer,
        **{
            "post_assignments-TOTAL_FORMS": "1",
            "post_assignments-0-post": world.a.post.pk,
            "post_assignments-0-starts_on": "01/02/2026",
            "post_assignments-0-ends_on": "",
        },
    )
    assert response.status_code == 302
    assert newcomer.post_assignments.count() == 0
