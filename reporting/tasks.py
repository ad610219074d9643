"""The worker's nightly preparation of the last complete year's department bilans (schedule in UTC).

Each department with a post gets its bilan of last year computed at night, with and without the
cofinancing figures, and kept in Django's cache for a day: the coordinators' first opening of it is
then a cache read. It only helps when the cache is shared between the worker and the application
servers (CACHE_URL=dbcache://… or rediscache://…, docs/deploy.md); with the per-process default it
only checks that every bilan computes."""

import datetime
import time

from django.conf import settings
from django.utils import timezone, translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from background.runs import recorded
from organisation.models import Department
from reporting.bilan import BilanScope, ScopeKind
from reporting.caching import bilan_keep
from reporting.documents import bilan_document_prepare, expired_documents_purge, interrupted_documents_fail
from reporting.indicators import civil_year

PREPARED_BILAN_SECONDS = 26 * 3600  # until after the next night's run
# The national PDF, the longest document, takes a few minutes at most.
SILENT_DOCUMENT = datetime.timedelta(hours=1)


def department_bilans_prepare(*, year: int) -> str:
    started = time.monotonic()
    departments = Department.objects.filter(posts__isnull=False).distinct().order_by("code")
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for department in departments:
            scope = BilanScope(ScopeKind.DEPARTMENT, department.code, f"{department.name} ({department.code})")
            for include_cofinancing in (False, True):
                bilan_keep(
                    scope=scope,
                    period=civil_year(year),
                    include_cofinancing=include_cofinancing,
                    seconds=PREPARED_BILAN_SECONDS,
                )
                count += 1
    seconds = time.monotonic() - started
    return f"{count} bilans of {year} prepared for {departments.count()} departments in {seconds:.1f} s"


@db_periodic_task(crontab(minute="0", hour="2"))
@lock_task("prepare_department_bilans")
@recorded("prepare_department_bilans")
def prepare_department_bilans() -> str:
    return department_bilans_prepare(year=timezone.localdate().year - 1)


@db_task()
def prepare_bilan_document(document_id: int) -> None:
    bilan_document_prepare(document_id=document_id)


@db_periodic_task(crontab(minute="20"))
@recorded("bilan_documents_purge")
def purge_expired_documents() -> str:
    return f"deleted {expired_documents_purge()} expired bilan documents"


@db_periodic_task(crontab(minute="*/15"))
def sweep_interrupted_documents() -> None:
    count = interrupted_documents_fail(older_than=SILENT_DOCUMENT)
    if count:
        recorded("interrupted_documents_sweep")(lambda: f"{count} interrupted bilan documents marked failed")()
