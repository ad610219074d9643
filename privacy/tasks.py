"""What is due about the encryption keys (docs/operations.md "Encryption keys: rotation"): a rotation
unfinished (values still under an old key, or old keys left in FIELD_ENCRYPTION_KEYS) or a newest key
older than ENCRYPTION_KEY_MAX_AGE_DAYS (ENCRYPTION_KEY_ROTATED_ON). The weekly reminder that e-mails it
to the administrators is accounts.tasks.key_rotation_reminder (it needs the accounts, a layer above)."""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from privacy import crypto
from privacy.fields import encrypted_fields
from privacy.migration_helpers import BATCH_SIZE, transform_column


def stale_values_count() -> int:
    """How many encrypted values are not under the newest key (reads every encrypted column)."""
    stale = 0

    def count(token: str) -> None:
        nonlocal stale
        if not crypto.is_encrypted_with_newest_key(token):
            stale += 1

    for model in apps.get_models():
        for field in encrypted_fields(model):
            with transaction.atomic():
                transform_column(connection, model=model, column=field.column, transform=count, batch_size=BATCH_SIZE)
    return stale


def key_rotation_advice(*, today: datetime.date) -> str:
    """What the administrators should do about the keys, or "" when nothing is due."""
    if len(settings.FIELD_ENCRYPTION_KEYS) > 1:
        stale = stale_values_count()
        if stale:
            return (
                f"{stale} encrypted values are still under an old key: run `manage.py rotate_encryption_keys`, "
                "then remove the old keys from FIELD_ENCRYPTION_KEYS."
            )
        return "Every value is under the newest key: remove the old keys from FIELD_ENCRYPTION_KEYS."
    rotated_on = settings.ENCRYPTION_KEY_ROTATED_ON
    if rotated_on and (today - rotated_on).days > settings.ENCRYPTION_KEY_MAX_AGE_DAYS:
        return (
            f"The encryption key dates from {rotated_on.isoformat()}, more than "
            f"{settings.ENCRYPTION_KEY_MAX_AGE_DAYS} days ago: rotate it (docs/operations.md)."
        )
    return ""
