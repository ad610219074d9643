import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken

from accounts import services
from accounts.models import TOTPDevice
from privacy import crypto
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.conftest import sign_in
from tests.test_access import MATRIX, _resolve_kwargs


def totp_now(device: TOTPDevice, *, step_offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp() + step_offset * device.step
    return f"{totp.token():06d}"


def password_signed_in(user) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def enrolled(user) -> TOTPDevice:
    device = services.totp_device_for_enrolment(user=user)
    services.totp_confirm(device=device)
    return device


def test_unverified_session_is_refused_on_every_protected_url(world):
    enrolled(world.a.iscg)
    client = password_signed_in(world.a.iscg)
    allowed = {
        "accounts:login",  # redirects signed-in users anyway
        "accounts:logout",
        "accounts:verify",
        "accounts:enrol",
        "accounts:invitation",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "pages:accessibility",
        "pages:legal",
        "pages:privacy",
    }
    checked = 0
    for url_name, kwargs, _statuses in MATRIX:
        if url_name in allowed:
            continue
        url = reverse(url_name, kwargs=_resolve_kwargs(world, kwargs))
        response = client.get(url)
        assert response.status_code == 302, url_name
        assert response.url == reverse("accounts:verify"), url_name
        checked += 1
    assert checked >= 5
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_user_without_a_second_factor_is_sent_to_enrolment(world):
    client = password_signed_in(world.a.officer)
    response = client.get(reverse("home"))
    assert response.url == reverse("accounts:enrol")


def test_enrolment_shows_a_local_qr_code_then_ten_backup_codes(world):
    client = password_signed_in(world.a.officer)
    response = client.get(reverse("accounts:enrol"))
    content = response.content.decode()
    assert "<svg" in content and "http" not in content.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert not TOTPDevice.objects.filter(user=world.a.officer).exists()  # a GET writes no device
    device = TOTPDevice(user=world.a.officer, key=crypto.decrypt(client.session["accounts.enrol_key"]))
    response = client.post(
        reverse("accounts:enrol"), {"token": "000000" if totp_now(device) != "000000" else "111111"}
    )
    assert "pas valide" in response.content.decode()
    device = TOTPDevice.objects.get(user=world.a.officer, confirmed=False)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=2)  # the wrong code's delay
    )
    response = client.post(reverse("accounts:enrol"), {"token": totp_now(device)})
    codes = re.findall(r"<code>([a-z0-9]+)</code>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:security")).status_code == 200


def test_totp_code_is_refused_the_second_time(world):
    device = enrolled(world.a.iscg)
    token = totp_now(device)
    first = password_signed_in(world.a.iscg)
    assert first.post(reverse("accounts:verify"), {"token": token}).status_code == 302
    second = password_signed_in(world.a.iscg)
    response = second.post(reverse("accounts:verify"), {"token": token})
    assert response.status_code == 200
    assert "déjà été utilisé" in response.content.decode()
    assert second.get(reverse("home")).url == reverse("accounts:verify")


def test_backup_code_works_once(world):
    user = world.a.iscg
    enrolled(user)
    code = services.backup_codes_regenerate(user=user)[0]
    assert not StaticToken.objects.filter(token=code).exists()  # stored as a digest only
    client = password_signed_in(user)
    assert client.post(reverse("accounts:verify"), {"token": code.upper()}).status_code == 302
    other = password_signed_in(user)
    assert other.post(reverse("accounts:verify"), {"token": code}).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_wrong_codes_impose_growing_delays(world):
    device = enrolled(world.a.iscg)
    client = password_signed_in(world.a.iscg)

    def seconds_ago(seconds):
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=seconds)
        )

    client.post(reverse("accounts:verify"), {"token": "12345678"})
    # Even the right code is refused while the delay runs.
    response = client.post(reverse("accounts:verify"), {"token": totp_now(device)})
    assert "Trop de codes erronés" in response.content.decode()
    seconds_ago(1.5)  # one failure: a one-second delay, now over
    client.post(reverse("accounts:verify"), {"token": "12345678"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 2
    seconds_ago(1.5)  # two failures: two seconds, not over yet
    response = client.post(reverse("accounts:verify"), {"token": totp_now(device)})
    assert "Trop de codes erronés" in response.content.decode()
    seconds_ago(2.5)
    assert client.post(reverse("accounts:verify"), {"token": totp_now(device)}).status_code == 302


def test_resetting_the_second_factor_ends_other_sessions(world):
    user = world.a.iscg
    elsewhere = sign_in(Client(), user)
    here = sign_in(Client(), user)
    response = here.post(reverse("accounts:second_factor_reset"))
    assert response.url == reverse("accounts:enrol")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert elsewhere.get(reverse("home")).url.startswith(reverse("accounts:login"))
    assert here.get(reverse("home")).url == reverse("accounts:enrol")


@pytest.mark.parametrize("require", [True, False])
def test_demo_banner_shows_exactly_when_the_second_factor_is_off(world, client_for, settings, require):
    settings.REQUIRE_2FA = require
    for url in (reverse("accounts:login"), reverse("pages:legal")):
        content = Client().get(url).content.decode()
        assert ("Mode démonstration" in content) is not require
    content = client_for("iscg_a").get(reverse("accounts:security")).content.decode()
    assert ("Mode démonstration" in content) is not require


def test_without_the_requirement_a_password_session_is_enough(world, settings):
    settings.REQUIRE_2FA = False
    client = password_signed_in(world.a.officer)
    assert client.get(reverse("accounts:security")).status_code == 200


def test_security_page_lists_own_recent_sign_ins_only(world):
    password_signed_in(world.a.iscg)
    password_signed_in(world.b.iscg)
    client = sign_in(Client(), world.a.iscg)
    response = client.get(reverse("accounts:security"))
    sign_ins = list(response.context["sign_ins"])
    assert len(sign_ins) >= 1
    assert {entry.username for entry in sign_ins} == {world.a.iscg.email}


def test_backup_codes_can_be_regenerated(world):
    user = world.a.iscg
    enrolled(user)
    old = set(services.backup_codes_regenerate(user=user))
    client = sign_in(Client(), user)
    response = client.post(reverse("accounts:backup_codes_regenerate"))
    new = set(re.findall(r"<code>([a-z0-9]+)</code>", response.content.decode()))
    assert len(new) == 10 and not (old & new)


def test_verify_keeps_the_page_asked_for(world):
    enrolled(world.a.iscg)
    device = TOTPDevice.objects.get(user=world.a.iscg)
    client = password_signed_in(world.a.iscg)
    target = reverse("organisation:partner_list")
    response = client.post(reverse("accounts:verify"), {"token": totp_now(device), "next": target})
    assert response.url == target
    client2 = password_signed_in(world.a.iscg)
    response = client2.post(reverse("accounts:verify"), {"token": "x", "next": "https://evil.example/"})
    assert response.status_code == 200
    assert UserFactory  # factories import kept for readability of fixtures
