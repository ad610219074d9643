"""A new account enrols an authenticator app, signs out, and signs in again with a fresh code."""

import re

from django_otp.oath import TOTP

from accounts.models import TOTPDevice
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.conftest import click_and_wait, restore_reference_data, sign_in


def code_from_secret(secret: str, *, later: int = 0) -> str:
    import base64
    import time

    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def test_user_enrols_a_second_factor_and_signs_in_with_it(transactional_db, settings, page, axe, screenshot):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REQUIRE_2FA = True
    restore_reference_data()
    user = UserFactory(iscg=True, email="nouvelle.iscg@test.example")

    sign_in(page, user.email, TEST_PASSWORD)
    assert "/compte/double-authentification/" in page.url
    assert page.locator(".iscg-qr svg").count() == 1
    axe(page)
    screenshot("enrol")
    secret = page.locator(".iscg-secret").inner_text()
    page.get_by_label("Code à six chiffres affiché par l’application").fill(code_from_secret(secret))
    click_and_wait(page, page.get_by_role("button", name="Activer"))
    codes = page.locator(".iscg-codes code").all_inner_texts()
    assert len(codes) == 10
    axe(page)
    screenshot("backup-codes")
    click_and_wait(page, page.get_by_role("link", name="J’ai conservé mes codes, continuer"))
    click_and_wait(page, page.get_by_role("button", name="Se déconnecter"))

    # Sign in again: password, then a code from the next time step (the first one is spent).
    sign_in(page, user.email, TEST_PASSWORD)
    assert "/connexion/verification/" in page.url
    axe(page)
    page.get_by_label(re.compile("Code de votre application")).fill(code_from_secret(secret, later=30))
    click_and_wait(page, page.get_by_role("button", name="Vérifier"))
    assert "/connexion/" not in page.url
    assert TOTPDevice.objects.get(user=user).confirmed
    assert "Mode démonstration" not in page.content()
