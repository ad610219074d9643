"""The access journal of a department (coordinators) and the right-of-access export of one person
(the ISCG of the post, the coordinator of the department). The journal itself: audit.services."""

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from audit import right_of_access, services
from audit.filters import JournalFilter
from audit.forms import PersonReferenceForm
from audit.models import AccessEntry
from organisation import access
from organisation.access import Action
from reporting.pdf import render_pdf

PAGE_SIZE = 50
FORMATS = ("json", "pdf")


def journal(request):
    access.require(request.scope, Action.VIEW_ACCESS_JOURNAL)
    entries = AccessEntry.objects.visible_to(request.scope).with_list_data()
    journal_filter = JournalFilter(request.GET, queryset=entries, request=request)
    page = Paginator(journal_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/journal_list.html", {"filter": journal_filter, "page": page})


def access_request(request):
    """Find the person of a right-of-access request by the reference the social worker gives."""
    access.require(request.scope, Action.EXPORT_PERSON_DATA)
    form = PersonReferenceForm(request.GET or None)
    person = None
    if form.is_valid():
        person = right_of_access.find_person(request.scope, form.cleaned_data["reference"])
        if person is None:
            form.add_error("reference", _("No person of your scope has this reference."))
    return render(request, "audit/access_request.html", {"form": form, "person": person})


def person_export(request, public_id, fmt):
    access.require(request.scope, Action.EXPORT_PERSON_DATA)
    if fmt not in FORMATS:
        raise Http404
    person = get_object_or_404(right_of_access.exportable_persons(request.scope), public_id=public_id)
    data = right_of_access.person_data(person)
    services.journal_export(request, person)
    if fmt == "json":
        content, content_type = json.dumps(data, ensure_ascii=False, indent=2), "application/json; charset=utf-8"
    else:
        content, content_type = render_pdf("audit/pdf/person_export.html", {"data": data}), "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="droit-d-acces-{person.reference}.{fmt}"'
    return response
