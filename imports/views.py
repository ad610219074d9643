"""Import pages: upload → check by the worker (progress page) → preview (nothing written but the
batch) → confirm → import by the worker (progress page) → result; the list of
batches with their cancellation. ISCG (their posts) and coordinators (their departments' posts)
only: every other role gets 404, and batches are fetched through ``visible_to(request.scope)``."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import journal_read
from imports import services
from imports.enums import PENDING_STATUSES, BatchStatus, RecordType
from imports.exporting import csv_zip_bytes, template_tables, template_workbook_bytes
from imports.format import CREATION_ORDER, SHEETS_BY_TYPE
from imports.forms import UploadForm
from imports.models import ImportBatch
from organisation import access
from organisation.access import Action

PAGE_SIZE = 25
ERRORS_SHOWN = 500  # beyond, the page says how many more there are


def _require_import(request) -> None:
    access.require(request.scope, Action.IMPORT_ACTIVITY)


def _get_batch(request, public_id) -> ImportBatch:
    _require_import(request)
    queryset = ImportBatch.objects.visible_to(request.scope).select_related("post", "post__department", "created_by")
    return get_object_or_404(queryset, public_id=public_id)


def _sheet_counts(batch: ImportBatch) -> list[dict]:
    """One line per sheet of the file, in creation order, for the preview and result tables."""
    lines = []
    for record_type in CREATION_ORDER:
        counts = batch.counts.get(record_type)
        if counts is None:
            continue
        lines.append(
            {
                "sheet": SHEETS_BY_TYPE[record_type].name,
                "label": RecordType(record_type).label,
                "created": 0,
                "ignored_columns": [],
                **counts,
            }
        )
    return lines


def batch_list(request):
    _require_import(request)
    batches = ImportBatch.objects.visible_to(request.scope).with_list_data()
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/batch_list.html", {"page": page})


def upload(request):
    _require_import(request)
    form = UploadForm(request.POST or None, request.FILES or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        batch = services.batch_upload(
            post=form.cleaned_data["post"], by=request.user, content=upload_file.read(), file_name=upload_file.name
        )
        return redirect(batch)
    return render(request, "imports/upload.html", {"form": form})


def template_download(request, fmt):
    _require_import(request)
    if fmt == "xlsx":
        content, content_type = (
            template_workbook_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "zip":
        content, content_type = csv_zip_bytes(template_tables()), "application/zip"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="modele-import-iscg.{fmt}"'
    return response


def _progress_label(batch: ImportBatch) -> str:
    if batch.status == BatchStatus.CHECKING:
        label = _("The file is being checked: %(lines)s lines read, %(errors)s errors so far.")
    else:
        label = _("The file is being imported: %(lines)s lines read, %(errors)s errors so far.")
    return label % {"lines": batch.lines_read, "errors": batch.error_count}


def batch_detail(request, public_id):
    """The progress of a batch the worker is on (with ?etat=1, its state as JSON for the page's
    script), the preview of a checked batch, or the result of an imported, cancelled or failed one."""
    batch = _get_batch(request, public_id)
    if request.GET.get("etat"):
        return JsonResponse(
            {
                "status": batch.status,
                "pending": batch.status in PENDING_STATUSES,
                "lines_read": batch.lines_read,
                "error_count": batch.error_count,
                "label": _progress_label(batch),
            }
        )
    if batch.status in PENDING_STATUSES:
        context = {"batch": batch, "progress_label": _progress_label(batch)}
        return render(request, "imports/batch_progress.html", context)
    context = {
        "batch": batch,
        "sheets": _sheet_counts(batch),
        "errors": batch.errors[:ERRORS_SHOWN],
        "more_errors": max(batch.error_count - min(len(batch.errors), ERRORS_SHOWN), 0),
    }
    template = "imports/batch_preview.html" if batch.status == BatchStatus.PREVIEWED else "imports/batch_result.html"
    journal_read(request, batch)
    return render(request, template, context)


@require_POST
def batch_confirm(request, public_id):
    batch = _get_batch(request, public_id)
    try:
        services.batch_import_request(batch=batch, by=request.user)
    except services.ImportRefused as refusal:
        messages.error(request, str(refusal))
    return redirect(batch)


@require_POST
def batch_cancel(request, public_id):
    batch = _get_batch(request, public_id)
    try:
        services.batch_cancel(batch=batch, by=request.user)
    except services.ImportRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The batch is cancelled: what it created has been deleted."))
    return redirect("imports:batch_list")
