"""The access journal of a department (coordinators) and the right-of-access export of one person
(an ISCG of the person's post, with the request's date and channel). The journal itself: audit.services."""

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from audit import services
from dataprotection import right_of_access
from dataprotection.filters import JournalFilter
from dataprotection.forms import AccessRequestForm, PersonReferenceForm
from dataprotection.journal import entries_visible_to
from iscg.pdf import render_pdf
from organisation import access
from organisation.access import Action

PAGE_SIZE = 50
FORMATS = ("json", "pdf")


def journal(request):
    access.require(request.scope, Action.VIEW_ACCESS_JOURNAL)
    entries = entries_visible_to(request.scope).with_list_data()
    journal_filter = JournalFilter(request.GET, queryset=entries, request=request)
    page = Paginator(journal_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Role.choices)  # the journal keeps the role's code (audit knows no accounts)
    for entry in page:
        entry.role_label = labels.get(entry.role, entry.role)
    return render(request, "dataprotection/journal_list.html", {"filter": journal_filter, "page": page})


def access_request(request):
    """Find the person of a right-of-access request by their reference in the ISCG's posts."""
    access.require(request.scope, Action.EXPORT_PERSON_DATA)
    form = PersonReferenceForm(request.GET or None)
    person = None
    if form.is_valid():
        person = right_of_access.find_person(request.scope, form.cleaned_data["reference"])
        if person is None:
            form.add_error("reference", _("No person of your posts has this reference."))
    request_form = AccessRequestForm(initial={"received_on": timezone.localdate()}) if person else None
    context = {"form": form, "person": person, "request_form": request_form}
    return render(request, "dataprotection/access_request.html", context)


def person_export(request, public_id, fmt):
    """The export answering a person's request (POST: the request's date and channel are journaled)."""
    access.require(request.scope, Action.EXPORT_PERSON_DATA)
    if fmt not in FORMATS:
        raise Http404
    person = get_object_or_404(right_of_access.exportable_persons(request.scope), public_id=public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    request_form = AccessRequestForm(request.POST)
    if not request_form.is_valid():
        form = PersonReferenceForm({"reference": person.reference})
        form.is_valid()
        context = {"form": form, "person": person, "request_form": request_form}
        return render(request, "dataprotection/access_request.html", context, status=400)
    data = right_of_access.person_data(person)
    services.journal_access_request(
        request,
        person,
        received_on=request_form.cleaned_data["received_on"],
        channel=request_form.cleaned_data["channel"],
    )
    if fmt == "json":
        content, content_type = json.dumps(data, ensure_ascii=False, indent=2), "application/json; charset=utf-8"
    else:
        content, content_type = render_pdf("dataprotection/pdf/person_export.html", {"data": data}), "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="droit-d-acces-{person.reference}.{fmt}"'
    return response
