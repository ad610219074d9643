"""Long bilan files prepared by the worker, with their progress (issue 19).

A PDF of a department or national bilan costs seconds (figures, then rendering), and so does any file of
the national bilan (its figures alone): the download link
creates a BilanDocument and the worker prepares it. The worker computes the bilan again from the
request's validated query with the requester's scope as it is then (organisation.scope.build_scope),
so the same access and masking rules apply; the stored file is served to its requester only, and
deleted when it expires (BILAN_DOCUMENT_HOURS)."""

import datetime
import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation import access
from organisation.scope import build_scope
from reporting.bilan import ScopeKind
from reporting.models import BilanDocument, DocumentStatus

logger = logging.getLogger(__name__)

PDF_IN_BACKGROUND = (ScopeKind.DEPARTMENT, ScopeKind.NATIONAL)  # rendering a department's PDF takes seconds
ALL_IN_BACKGROUND = (ScopeKind.NATIONAL,)  # the national figures alone take seconds, whatever the format
STEPS = {
    "figures": _("Computing the figures"),
    "layout": _("Laying out the document"),
    "storing": _("Storing the file"),
}


def prepared_in_background(*, scope_kind: str, fmt: str) -> bool:
    """Files whose preparation takes about a second or more: PDFs of department and national bilans,
    and every file of the national bilan (unless BILAN_PDF_IN_BACKGROUND is off: then every file is made
    in the request, as before)."""
    if not settings.BILAN_PDF_IN_BACKGROUND:
        return False
    return scope_kind in ALL_IN_BACKGROUND or (fmt == "pdf" and scope_kind in PDF_IN_BACKGROUND)


@transaction.atomic
def bilan_document_request(*, by, query: str, fmt: str) -> BilanDocument:
    document = BilanDocument.objects.create(
        requested_by=by,
        query=query,
        fmt=fmt,
        expires_at=timezone.now() + timezone.timedelta(hours=settings.BILAN_DOCUMENT_HOURS),
    )

    def enqueue():
        from reporting.tasks import prepare_bilan_document

        prepare_bilan_document(document.pk)

    transaction.on_commit(enqueue, robust=True)
    return document


def _progress(document: BilanDocument, progress: int, step: str, **fields) -> None:
    BilanDocument.objects.filter(pk=document.pk).update(progress=progress, step=step, **fields)


def bilan_document_prepare(*, document_id: int) -> None:
    """The worker's part: figures, masking, rendering, storing; progress written at each step."""
    from reporting import services, views
    from reporting.caching import bilan_for
    from reporting.forms import BilanForm
    from reporting.masking import mask_bilan

    claimed = BilanDocument.objects.filter(pk=document_id, status=DocumentStatus.QUEUED).update(
        status=DocumentStatus.RUNNING, progress=5, step="figures"
    )
    if not claimed:
        return  # prepared already (a task run twice) or failed
    document = BilanDocument.objects.select_related("requested_by").get(pk=document_id)
    started = time.monotonic()
    try:
        scope = build_scope(document.requested_by)
        access.require(scope, access.Action.VIEW_BILAN)
        form = BilanForm(QueryDict(document.query), scope=scope)
        if not form.is_valid():
            raise PermissionError("the query is no longer valid for the requester")
        bilan = bilan_for(
            scope=form.bilan_scope(),
            period=form.period,
            include_cofinancing=access.can(scope, access.Action.VIEW_COFINANCING_FIGURES),
        )
        if form.masking_threshold is not None:
            bilan = mask_bilan(bilan, threshold=form.masking_threshold)
        _progress(document, 60, "layout")
        content = views.export_content(bilan, document.fmt)
        if isinstance(content, str):
            content = content.encode()
        _progress(document, 90, "storing")
        filename = views.export_filename(bilan, document.fmt)
        document.file.save(f"{document.public_id}.{document.fmt}", ContentFile(content), save=False)
        BilanDocument.objects.filter(pk=document.pk).update(
            file=document.file.name,
            filename=filename,
            status=DocumentStatus.READY,
            progress=100,
            step="",
            finished_at=timezone.now(),
        )
        services.bilan_export_logged(bilan=bilan, fmt=document.fmt, by=document.requested_by)
        logger.info("bilan document %s ready in %.1f s", document.pk, time.monotonic() - started)
    except Exception:
        _progress(document, 0, "", status=DocumentStatus.FAILED, finished_at=timezone.now())
        logger.exception("bilan document %s failed", document.pk)


def interrupted_documents_fail(*, older_than: datetime.timedelta) -> int:
    """Documents still waiting or being prepared long after their request: the worker that had them
    died (or their task was lost with the queue). They become FAILED; the page offers to ask again."""
    return BilanDocument.objects.filter(
        status__in=(DocumentStatus.QUEUED, DocumentStatus.RUNNING), created_at__lt=timezone.now() - older_than
    ).update(status=DocumentStatus.FAILED, progress=0, step="", finished_at=timezone.now())


def expired_documents_purge() -> int:
    """Delete the files (and rows) of prepared documents past their expiry."""
    expired = list(BilanDocument.objects.filter(expires_at__lt=timezone.now()))
    for document in expired:
        if document.file:
            document.file.storage.delete(document.file.name)
    BilanDocument.objects.filter(pk__in=[d.pk for d in expired]).delete()
    return len(expired)
