"""The page of a bilan file prepared by the worker (its progress, then the link) and its download."""

from django.http import FileResponse, Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation import access
from organisation.access import Action
from reporting.documents import STEPS
from reporting.forms import BilanForm
from reporting.models import BilanDocument, DocumentStatus
from reporting.views import FORMATS


def _document(request, public_id) -> BilanDocument:
    """The requester's own document, unexpired; anyone else's (or an expired one) does not exist."""
    access.require(request.scope, Action.VIEW_BILAN)
    document = get_object_or_404(
        BilanDocument.objects.visible_to(request.scope).filter(expires_at__gt=timezone.now()), public_id=public_id
    )
    if not BilanForm(QueryDict(document.query), scope=request.scope).is_valid():
        raise Http404  # the requester no longer reaches this scope: the prepared file goes with it
    return document


def _progress_label(document: BilanDocument) -> str:
    label = _("The document is being prepared: %(progress)s %%.") % {"progress": document.progress}
    step = STEPS.get(document.step)
    return f"{label} {step}." if step else label


def document_detail(request, public_id):
    """The document's page; with ?etat=1, its state as JSON for the page's script."""
    document = _document(request, public_id)
    if request.GET.get("etat") == "1":
        return JsonResponse(
            {"status": document.status, "progress": document.progress, "label": _progress_label(document)}
        )
    context = {
        "document": document,
        "pending": document.status in (DocumentStatus.QUEUED, DocumentStatus.RUNNING),
        "progress_label": _progress_label(document),
    }
    return render(request, "reporting/bilandocument_detail.html", context)


def document_download(request, public_id):
    document = _document(request, public_id)
    if document.status != DocumentStatus.READY:
        raise Http404
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.filename, content_type=FORMATS[document.fmt]
    )
    response["Cache-Control"] = "private, no-store"
    return response
