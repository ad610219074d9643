"""Weekly reminder about the encryption keys (docs/operations.md "Encryption keys: rotation"), run by
the worker. It tells the administrators, by e-mail and in the logs, when a rotation is unfinished
(values still under an old key, or old keys left in FIELD_ENCRYPTION_KEYS) or when the newest key is
older than ENCRYPTION_KEY_MAX_AGE_DAYS (ENCRYPTION_KEY_ROTATED_ON)."""

import datetime
import logging

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from background.outbox import queue_email
from background.runs import recorded
from privacy import crypto
from privacy.fields import encrypted_fields
from privacy.migration_helpers import BATCH_SIZE, transform_column

logger = logging.getLogger(__name__)


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


@db_periodic_task(crontab(minute="0", hour="6", day_of_week="1"))
@recorded("key_rotation_reminder")
def key_rotation_reminder() -> str:
    from accounts.enums import Role
    from accounts.models import User

    advice = key_rotation_advice(today=timezone.localdate())
    if not advice:
        return "nothing to do"
    logger.warning("encryption keys: %s", advice)
    admins = list(User.objects.filter(role=Role.ADMIN, is_active=True).values_list("email", flat=True))
    with transaction.atomic():
        queue_email(to=admins, subject="ISCG : rotation des clés de chiffrement", body=advice)
    return f"reminded {len(admins)} administrators: {advice}"
