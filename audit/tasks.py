"""Periodic purge of the access journal and the change history, run by the worker (schedules in UTC,
docs/operations.md "Periodic tasks"). Retention of the casework: dataprotection.tasks."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from audit.services import journal_purge
from background.runs import recorded


@db_periodic_task(crontab(minute="30", hour="1"))
@lock_task("purge_access_journal")
@recorded("purge_access_journal")
def run_journal_purge() -> str:
    counts = journal_purge()
    return (
        f"deleted {counts['access_entries']} access entries and {counts['history_entries']} history entries "
        f"older than {settings.ACCESS_JOURNAL_RETENTION_DAYS} days"
    )
