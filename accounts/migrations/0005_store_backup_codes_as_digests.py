"""Backup codes stored before this migration in clear are replaced by their keyed digest
(accounts.services.backup_code_digest): they keep working, and nobody can read them any more."""

from django.db import migrations
from django.utils.crypto import salted_hmac

BACKUP_CODE_SALT = "accounts.backup_code"  # as in accounts.services
DIGEST_LENGTH = 16


def digest(code: str) -> str:
    normalised = "".join(code.split()).lower()
    return salted_hmac(BACKUP_CODE_SALT, normalised, algorithm="sha256").hexdigest()[:DIGEST_LENGTH]


def store_digests(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    # Codes are 8 characters (django-otp's random_token); a 16-character token is already a digest.
    digests = r"^[0-9a-f]{16}$"
    for token in StaticToken.objects.exclude(token__regex=digests).iterator():
        token.token = digest(token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_public_id"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(store_digests, migrations.RunPython.noop)]
