"""The worker's part of imports (issue 19): the check of an upload and the import of a checked
batch (imports/services.py). Messages kept on the batch are in the site's language."""

from django.conf import settings
from django.utils import translation
from huey.contrib.djhuey import db_task

from imports import services


@db_task()
def check_import_batch(batch_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        services.batch_check_run(batch_id=batch_id)


@db_task()
def import_batch(batch_id: int, by_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        services.batch_import_run(batch_id=batch_id, by_id=by_id)
