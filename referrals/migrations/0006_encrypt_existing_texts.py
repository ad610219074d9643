"""Encrypt the referral texts, safe contacts and danger-grid answers already stored in clear.
Reversible (the reverse decrypts them). Batched, through privacy.migration_helpers."""

from django.db import migrations

from privacy.migration_helpers import decrypt_columns, encrypt_columns

COLUMNS = {
    "referrals.Referral": ["description"],
    "referrals.ReferralAddendum": ["text"],
    "referrals.ReferralPerson": ["safe_phone", "safe_email", "best_time"],
    "referrals.DangerAnswer": ["answer"],
}


def forwards(apps, schema_editor):
    encrypt_columns(apps, schema_editor, COLUMNS)


def backwards(apps, schema_editor):
    decrypt_columns(apps, schema_editor, COLUMNS)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0005_encrypt_sensitive_texts")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
