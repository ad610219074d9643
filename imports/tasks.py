"""The worker's part of imports (issue 19): the check of an upload and the import of a checked
batch (imports/services.py). Messages kept on the batch are in the site's language."""

import datetime

from django.conf import settings
from django.utils import translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from background.runs import recorded
from imports import services

# A check reports its progress every few hundred lines, and a write takes minutes at most.
SILENT_BATCH = datetime.timedelta(hours=2)


@db_task()
def check_import_batch(batch_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        services.batch_check_run(batch_id=batch_id)


@db_task()
def import_batch(batch_id: int, by_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        services.batch_import_run(batch_id=batch_id, by_id=by_id)


@db_periodic_task(crontab(minute="*/15"))
def sweep_interrupted_batches() -> None:
    with translation.override(settings.LANGUAGE_CODE):
        count = services.interrupted_batches_fail(silent_for=SILENT_BATCH)
    if count:
        recorded("interrupted_batches_sweep")(lambda: f"{count} interrupted import batches marked failed")()
