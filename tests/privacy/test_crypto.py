"""Keys, rotation and the limits of encrypted fields."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from casework.models import Intervention
from privacy import crypto
from tests.casework.factories import InterventionFactory

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def raw_summary(pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM casework_intervention WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_encrypt_gives_a_different_token_each_time_and_empty_stays_empty(settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    first, second = crypto.encrypt("secret"), crypto.encrypt("secret")
    assert first != second and crypto.decrypt(first) == crypto.decrypt(second) == "secret"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_keyed_hash_is_stable_and_depends_on_the_key(settings):
    settings.SEARCH_HASH_KEY = "k" * 40
    first = crypto.keyed_hash("0612345678")
    assert first == crypto.keyed_hash("0612345678") and crypto.is_keyed_hash(first)
    settings.SEARCH_HASH_KEY = "l" * 40
    assert crypto.keyed_hash("0612345678") != first


@pytest.mark.django_db
def test_rotation_reencrypts_with_the_newest_key_and_old_keys_can_then_be_dropped(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    intervention = InterventionFactory(summary="Résumé avant rotation", private_note="Note avant rotation")
    before = raw_summary(intervention.pk)

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]  # the new key first, the old one still there
    assert Intervention.objects.get(pk=intervention.pk).summary == "Résumé avant rotation"
    out = io.StringIO()
    call_command("rotate_encryption_keys", "--dry-run", stdout=out)
    assert "casework.Intervention.summary: 1" in out.getvalue() and raw_summary(intervention.pk) == before
    call_command("rotate_encryption_keys", "--batch-size", "1", stdout=out)
    assert raw_summary(intervention.pk) != before

    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key dropped
    intervention = Intervention.objects.get(pk=intervention.pk)
    assert (intervention.summary, intervention.private_note) == ("Résumé avant rotation", "Note avant rotation")
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "0 values re-encrypted" in out.getvalue()  # idempotent


@pytest.mark.django_db
def test_a_value_no_key_opens_fails_loudly_instead_of_showing_the_token(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    intervention = InterventionFactory(summary="Résumé")
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(crypto.DecryptionError):
        Intervention.objects.get(pk=intervention.pk)


@pytest.mark.django_db
def test_encrypted_fields_refuse_lookups_that_could_never_match():
    assert not Intervention.objects.filter(summary="").exists()  # emptiness can still be asked
    with pytest.raises(FieldError):
        Intervention.objects.filter(summary__icontains="abri").exists()
    with pytest.raises(FieldError):
        Intervention.objects.filter(summary="abri").exists()


def test_malformed_keys_are_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")
