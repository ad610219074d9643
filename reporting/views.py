"""Bilans on screen and as files. Scope → form → computation → response: the figures come from
``reporting.indicators`` (database aggregates), the files from ``reporting.exports`` and ``reporting.pdf``."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.models import Convention, SteeringCommittee
from conventions.summaries import convention_summary, department_summary
from iscg.concurrency import EditConflict
from organisation import access
from organisation.access import Action
from organisation.models import Department
from reporting import adoption_views, charts, documents, exports, services
from reporting.bilan import BilanScope, ScopeKind, primary_mask_label
from reporting.caching import bilan_for, pdf_for, trend_for
from reporting.chart_tables import comparison_table
from reporting.forms import BilanCommentaryForm, BilanForm
from reporting.indicators import civil_year, persons_met_count
from reporting.masking import DEFAULT_THRESHOLD, mask_bilan, masked_request_error
from reporting.models import BilanCommentary
from reporting.overview import commentary_of, extras_with, page_one_context
from reporting.summary import masking_notice

FORMATS = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
SUMMARY_FORMATS = ("pdf", "xlsx")
RECOMPUTE = "recalculer"  # ?recalculer=1: figures computed now, not the ones of a few minutes ago


def _bilan_from_request(request):
    """The bound form, the bilan it asks for (None when the form is invalid) and the adopted versions of its
    scope and period (latest first). Out of scope → 404. A viewer without exact figures (funder) gets the
    latest adopted version, masked as their live bilan would be, unless they ask for the current figures
    (docs/reporting.md, "Adoption")."""
    access.require(request.scope, Action.VIEW_BILAN)
    form = BilanForm(request.GET, scope=request.scope)
    if not form.is_valid():
        if "scope" in form.errors and request.GET.get("scope"):
            raise Http404  # a scope the user may not see does not exist for them
        return form, None, []
    versions = adoption_views.versions_of(request.scope, form.bilan_scope(), form.period)
    if adopted := _adopted_by_default(request, versions):
        return form, adoption_views.frozen(adopted, threshold=form.masking_threshold), versions
    bilan = bilan_for(
        scope=form.bilan_scope(),
        period=form.period,
        include_cofinancing=access.can(request.scope, Action.VIEW_COFINANCING_FIGURES),
        fresh=request.GET.get(RECOMPUTE) == "1",
    )
    if form.masking_threshold is not None:
        bilan = mask_bilan(bilan, threshold=form.masking_threshold)
    return form, bilan, versions


def _adopted_by_default(request, versions):
    """Funders get the latest adopted version by default; ?actuel=1 gives them the live figures."""
    if versions and not adoption_views.sees_exact(request.scope) and request.GET.get(adoption_views.CURRENT) != "1":
        return versions[0]
    return None


def bilan(request):
    return _bilan_page(request)


def _bilan_page(request, *, commentary_form=None, status=200):
    """The bilan page; ``commentary_form`` is a bound form sent back after a conflict or an error."""
    form, result, versions = _bilan_from_request(request)
    context = {"form": form, "bilan": result}
    if result is not None:
        previous = result.previous
        showing_adopted = _adopted_by_default(request, versions) is not None
        context.update(
            adoption=adoption_views.banner_for(live=None if showing_adopted else result, versions=versions),
            can_adopt=adoption_views.can_adopt(request.scope, result.scope),
            adopt_query=BilanForm.query_for(result.scope, result.period),
        )
        commentary = commentary_of(result)
        extras = extras_with(result, commentary, trend=trend_for(result))
        may_edit = access.may_edit_bilan_commentary(request.scope, national=result.scope.kind == ScopeKind.NATIONAL)
        if may_edit and commentary_form is None:
            commentary_form = BilanCommentaryForm(
                initial={
                    "text": commentary.text if commentary else "",
                    "version": commentary.version if commentary else 0,
                }
            )
        context.update(
            sections=[
                (
                    letter,
                    title,
                    [
                        (
                            indicator,
                            charts.breakdown_svg(indicator) if indicator.breakdown else "",
                            previous.indicators.get(indicator.id) if previous else None,
                        )
                        for indicator in indicators
                    ],
                )
                for letter, title, indicators in result.groups()
            ],
            masking_notice=masking_notice(result.masking_threshold) if result.is_masked else "",
            comparison=charts.comparison_svg(result, previous, ["A1", "B1", "B2", "C1", "E1"]) if previous else "",
            comparison_table=comparison_table(result, ["A1", "B1", "B2", "C1", "E1"]),
            monthly=charts.monthly_svg(result),
            query=_query_without_recompute(request),
            cache_minutes=settings.BILAN_CACHE_SECONDS // 60,
            formats=list(FORMATS),
            # Prepared by the worker (a page with the progress, not a file): no `download` attribute.
            background_formats=[
                fmt for fmt in FORMATS if documents.prepared_in_background(scope_kind=result.scope.kind, fmt=fmt)
            ],
            commentary_updated_at=commentary.updated_at if commentary and commentary.text else None,
            commentary_form=commentary_form if may_edit else None,
            **page_one_context(result, **extras),
        )
    return render(request, "reporting/bilan_detail.html", context, status=status)


def bilan_commentary(request):
    """Save the commentary of the bilan named by the query string (POST). Out of scope → 404; a user who
    sees the bilan but may not write its commentary → 403; a concurrent save → the page again, with
    the text kept and the conflict said (never a silent overwrite)."""
    access.require(request.scope, Action.VIEW_BILAN)
    scope_form = BilanForm(request.GET, scope=request.scope)
    if not scope_form.is_valid():
        if "scope" in scope_form.errors and request.GET.get("scope"):
            raise Http404
        messages.error(request, _("Correct the scope or the period of the bilan first."))
        return redirect(f"{reverse('reporting:bilan')}?{_query_without_recompute(request)}")
    bilan_scope = scope_form.bilan_scope()
    if not access.may_edit_bilan_commentary(request.scope, national=bilan_scope.kind == ScopeKind.NATIONAL):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = BilanCommentaryForm(request.POST)
    if form.is_valid():
        try:
            services.bilan_commentary_save(
                scope=bilan_scope,
                period=scope_form.period,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except EditConflict:
            current = BilanCommentary.objects.of_bilan(bilan_scope, scope_form.period).first()
            form = BilanCommentaryForm(
                {"text": request.POST.get("text", ""), "version": current.version if current else 0}
            )
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone else saved this commentary while you were writing. Your text is kept below and "
                    "theirs is shown on the page: check both, then save again to replace theirs."
                ),
            )
            return _bilan_page(request, commentary_form=form, status=409)
        messages.success(request, _("The commentary is saved."))
        return redirect(f"{reverse('reporting:bilan')}?{_query_without_recompute(request)}#commentary")
    return _bilan_page(request, commentary_form=form, status=400)


def _query_without_recompute(request) -> str:
    query = request.GET.copy()
    query.pop(RECOMPUTE, None)
    return query.urlencode()


def bilan_export(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    access.require(request.scope, Action.VIEW_BILAN)
    form = BilanForm(request.GET, scope=request.scope)
    if form.is_valid() and (
        adopted := _adopted_by_default(
            request, adoption_views.versions_of(request.scope, form.bilan_scope(), form.period)
        )
    ):
        # A funder's download of a bilan with an adopted version: that version, masked as for them.
        threshold = form.masking_threshold
        shown = adoption_views.frozen(adopted, threshold=threshold)
        services.bilan_export_logged(bilan=shown, fmt=fmt, by=request.user)
        return adoption_views.adopted_file_response(adopted, fmt, threshold=threshold, suffix="-diffusion")
    if form.is_valid() and documents.prepared_in_background(scope_kind=form.bilan_scope().kind, fmt=fmt):
        # Seconds of work: the worker prepares the file, the next page shows its progress.
        document = documents.bilan_document_request(by=request.user, query=_query_without_recompute(request), fmt=fmt)
        return redirect("reporting:document_detail", public_id=document.public_id)
    _form, result, _versions = _bilan_from_request(request)
    if result is None:
        messages.error(request, _("Correct the scope or the period of the bilan before downloading it."))
        return redirect(f"{reverse('reporting:bilan')}?{request.GET.urlencode()}")
    content = export_content(result, fmt)
    services.bilan_export_logged(bilan=result, fmt=fmt, by=request.user)
    return _attachment(content, fmt, export_filename(result, fmt))


def export_content(result, fmt: str) -> bytes | str:
    """A bilan's file in one of FORMATS: in the request, or by the worker (reporting.documents)."""
    match fmt:
        case "pdf":
            return pdf_for(result, **extras_with(result, commentary_of(result), trend=trend_for(result)))
        case "csv":
            return exports.bilan_csv(result)
        case "xlsx":
            return exports.bilan_xlsx(result)
        case "json":
            return json.dumps(exports.bilan_json(result), ensure_ascii=False, indent=2)
    raise ValueError(fmt)


def export_filename(result, fmt) -> str:
    key = result.scope.key[:8]  # a department code, "national", or the start of a post or unit's public id
    masked = "-diffusion" if result.is_masked else ""
    return f"bilan-{result.scope.kind}-{key}-{result.period.start:%Y%m%d}-{result.period.end:%Y%m%d}{masked}.{fmt}"


def _attachment(content, fmt, filename) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---- Cofinancing summaries ----------------------------------------------------------------------


def convention_summary_export(request, public_id, fmt):
    access.require(request.scope, Action.VIEW_CONVENTIONS)
    if fmt not in SUMMARY_FORMATS:
        raise Http404
    convention = get_object_or_404(Convention.objects.visible_to(request.scope), public_id=public_id)
    summary = convention_summary(convention)
    export = exports.convention_summary_pdf if fmt == "pdf" else exports.convention_summary_xlsx
    content = export(summary, convention=convention)
    return _attachment(content, fmt, f"cofinancement-convention-{str(convention.public_id)[:8]}.{fmt}")


def department_summary_export(request, code, fmt):
    access.require(request.scope, Action.VIEW_CONVENTIONS)
    if fmt not in SUMMARY_FORMATS:
        raise Http404
    department = get_object_or_404(Department.objects.visible_to(request.scope), code=code)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 10:
        year = today.year
    summary = department_summary(department=department, scope=request.scope, year=year, today=today)
    department_scope = BilanScope(ScopeKind.DEPARTMENT, department.code, str(department))
    persons_met = None
    if access.can(request.scope, Action.VIEW_EXACT_FIGURES):
        persons_met = persons_met_count(scope=department_scope, period=civil_year(year))
    elif not masked_request_error(department_scope, civil_year(year), today=today):
        # Funders read masked counts of persons, of complete civil years only: the count of a year in
        # progress, downloaded on two days, would give away by subtraction who was met in between.
        persons_met = persons_met_count(scope=department_scope, period=civil_year(year))
        if 0 < persons_met < DEFAULT_THRESHOLD:
            persons_met = primary_mask_label(DEFAULT_THRESHOLD)
    export = exports.department_summary_pdf if fmt == "pdf" else exports.department_summary_xlsx
    content = export(summary, persons_met=persons_met)
    return _attachment(content, fmt, f"cofinancement-departement-{department.code}-{year}.{fmt}")


# ---- Steering committees ------------------------------------------------------------------------


def committee_bilan_generate(request, public_id, committee_id):
    """Generate the bilan a steering committee is presented and keep the file as generated (POST)."""
    access.require(request.scope, Action.VIEW_CONVENTIONS)
    committee = get_object_or_404(
        SteeringCommittee.objects.visible_to(request.scope).select_related("convention", "convention__department"),
        convention__public_id=public_id,
        public_id=committee_id,
    )
    access.require(request.scope, Action.MANAGE_CONVENTIONS, on_visible_object=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    period = services.committee_default_period(committee)
    if errors := masked_request_error(services.committee_scope(committee), period, today=timezone.localdate()):
        # A year still in progress: its masked figures, generated twice, would be subtracted.
        for message in errors.values():
            messages.error(request, message)
        return redirect(committee.convention)
    services.committee_attach_bilan(committee=committee, period=period, by=request.user)
    messages.success(
        request,
        _("The bilan from %(start)s to %(end)s (diffusion version) is attached to the committee.")
        % {"start": f"{period.start:%d/%m/%Y}", "end": f"{period.end:%d/%m/%Y}"},
    )
    return redirect(committee.convention)
