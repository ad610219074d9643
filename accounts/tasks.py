"""Weekly reminder about the encryption keys (docs/operations.md "Encryption keys: rotation"), run by
the worker: the advice of privacy.tasks, e-mailed to the active administrators and logged."""

import logging

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from accounts.enums import Role
from accounts.models import User
from background.outbox import queue_email
from background.runs import recorded
from privacy.tasks import key_rotation_advice

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="0", hour="6", day_of_week="1"))
@recorded("key_rotation_reminder")
def key_rotation_reminder() -> str:
    advice = key_rotation_advice(today=timezone.localdate())
    if not advice:
        return "nothing to do"
    logger.warning("encryption keys: %s", advice)
    admins = list(User.objects.filter(role=Role.ADMIN, is_active=True).values_list("email", flat=True))
    with transaction.atomic():
        queue_email(to=admins, subject="ISCG : rotation des clés de chiffrement", body=advice)
    return f"reminded {len(admins)} administrators: {advice}"
