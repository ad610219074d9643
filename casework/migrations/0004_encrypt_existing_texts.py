"""Encrypt the texts and safe contacts already stored in clear, and replace the normalised safe
phones of search_phone by their keyed hash. Reversible: the reverse decrypts them and recomputes the
normalised phones from the (then clear) safe phones. Batched, through privacy.migration_helpers."""

from django.db import migrations

from casework.normalise import normalise_phone
from privacy import crypto
from privacy.migration_helpers import decrypt_columns, encrypt_columns, transform_column

COLUMNS = {
    "casework.Person": ["safe_phone", "safe_email", "best_time"],
    "casework.Intervention": ["summary", "private_note"],
    "casework.Assessment": ["needs", "risk_comment"],
}


def _hash_phone(value):
    return None if crypto.is_keyed_hash(value) else crypto.keyed_hash(value)


def forwards(apps, schema_editor):
    encrypt_columns(apps, schema_editor, COLUMNS)
    person = apps.get_model("casework", "Person")
    transform_column(schema_editor.connection, model=person, column="search_phone", transform=_hash_phone)


def backwards(apps, schema_editor):
    decrypt_columns(apps, schema_editor, COLUMNS)
    person = apps.get_model("casework", "Person")
    transform_column(
        schema_editor.connection, model=person, column="search_phone", source="safe_phone", transform=normalise_phone
    )


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_encrypt_sensitive_texts")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
