"""Periodic data-protection work run by the worker (schedules in UTC, docs/operations.md "Periodic tasks")."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from background.runs import recorded
from dataprotection.retention import apply_retention


@db_periodic_task(crontab(minute="0", hour="1"))
@lock_task("apply_retention")
@recorded("apply_retention")
def run_retention() -> str:
    report = apply_retention()
    counts = ", ".join(f"{name}: {count}" for name, count in sorted(report.counts.items())) or "nothing due"
    return f"anonymised ({settings.RETENTION_YEARS} years): {counts}"
