"""The authenticator app's secret is sealed at rest: what the database (or a backup of it) holds
does not give the second factor away, and the migration that sealed the existing ones can be undone."""

import base64
import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts import services
from accounts.models import TOTPDevice
from tests.accounts.test_two_factor import enrolled, password_signed_in, totp_now


def _stored_key(device) -> str:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(TOTPDevice._meta.db_table)
        cursor.execute(f"SELECT key FROM {table} WHERE id = %s", [device.pk])  # noqa: S608 - quoted table name  # nosec B608
        return cursor.fetchone()[0]


def test_the_database_holds_a_sealed_secret_and_the_app_still_verifies_codes(world):
    device = enrolled(world.a.iscg)
    stored = _stored_key(device)
    assert device.key not in stored and device.key.upper() not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    device = TOTPDevice.objects.get(pk=device.pk)
    code = totp_now(device)
    assert device.verify_token(code)
    assert not TOTPDevice.objects.get(pk=device.pk).verify_token(code)  # a code is used once


def test_the_enrolment_qr_code_still_carries_the_secret_in_the_authenticator_format(world):
    device = services.totp_device_for_enrolment(user=world.a.iscg)
    secret = base64.b32encode(bytes.fromhex(device.key)).decode()
    assert device.config_url.startswith("otpauth://totp/") and f"secret={secret}" in device.config_url


def test_the_pending_secret_of_an_enrolment_is_sealed_in_the_session_store(world):
    """Between the QR code and the confirming code, the session store (a database table, in backups too)
    holds the pending secret sealed, never as the page shows it."""
    client = password_signed_in(world.a.officer)
    page = client.get(reverse("accounts:enrol")).content.decode()
    shown = re.search(r"<code[^>]*>([A-Z2-7 ]{20,})</code>", page).group(1).replace(" ", "")
    key = base64.b32decode(shown + "=" * (-len(shown) % 8)).hex()
    stored = Session.objects.get(session_key=client.session.session_key)
    raw = stored.session_data + json.dumps(stored.get_decoded())
    assert key not in raw and key.upper() not in raw and shown not in raw
    device = TOTPDevice(user=world.a.officer, key=key)
    response = client.post(reverse("accounts:enrol"), {"token": totp_now(device)})
    assert response.status_code == 200 and TOTPDevice.objects.get(user=world.a.officer).confirmed
    assert "accounts.enrol_key" not in client.session


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_existing_devices_and_can_be_undone(world):
    executor = MigrationExecutor(connection)
    otp = ("otp_totp", "0003_add_timestamps")
    before, after = (
        [("accounts", "0005_store_backup_codes_as_digests"), otp],
        [("accounts", "0006_sealed_totp_device")],
    )
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    clear = old_apps.get_model("otp_totp", "TOTPDevice").objects.create(
        user_id=world.a.iscg.pk, name="app", key="3132333435363738393031323334353637383930", confirmed=True
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    sealed = TOTPDevice.objects.get(user=world.a.iscg)
    assert sealed.key == clear.key and sealed.confirmed
    assert clear.key not in _stored_key(sealed)

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    back = executor.loader.project_state(before).apps.get_model("otp_totp", "TOTPDevice").objects.get()
    assert back.key == clear.key
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
