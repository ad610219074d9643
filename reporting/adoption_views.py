"""Adopted bilans on screen and as files (docs/reporting.md, "Adoption").

Who sees which version: ``AdoptedBilan.objects.visible_to(scope)`` (organisation/access.py); out of
scope → 404. Viewers without exact figures (funders) only ever get a version masked as their live
bilan would be: the stored diffusion PDF, or the stored figures through ``mask_bilan``; the exact PDF
and the exact figures are never served to them, whatever the URL says.
"""

import json
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.enums import JournalAction
from audit.services import journal_read
from organisation import access
from organisation.access import Action
from reporting import adoption, exports, services
from reporting.bilan import Bilan, BilanScope, Period, ScopeKind
from reporting.forms import AdoptForm, BilanForm
from reporting.masking import DEFAULT_THRESHOLD, mask_bilan
from reporting.models import AdoptedBilan
from reporting.pdf import bilan_pdf
from reporting.summary import masking_notice, summary_sentences

CURRENT = "actuel"  # ?actuel=1: a funder's live figures rather than the adopted version
DIFFUSION = "diffusion"  # ?diffusion=1 on a version's download: its masked files (always, for funders)
PAGE_SIZE = 50


def sees_exact(scope) -> bool:
    return access.can(scope, Action.VIEW_EXACT_FIGURES)


def can_adopt(user_scope, bilan_scope: BilanScope) -> bool:
    """Coordinators adopt the bilans of their departments (their posts, units, departments); the
    national administrator the national bilan (docs/reporting.md, "Adoption")."""
    if not access.can(user_scope, Action.ADOPT_BILAN):
        return False
    return (bilan_scope.kind == ScopeKind.NATIONAL) == user_scope.is_national


def versions_of(user_scope, bilan_scope: BilanScope, period: Period):
    """The adopted versions of a scope and period the user may see, latest first (one query)."""
    return list(
        AdoptedBilan.objects.visible_to(user_scope)
        .of(scope_kind=bilan_scope.kind, scope_key=bilan_scope.key, start=period.start, end=period.end)
        .select_related("adopted_by")
    )


def frozen(adopted: AdoptedBilan, *, threshold: int | None) -> Bilan:
    """The stored figures, masked at ``threshold`` (None: exact)."""
    bilan = adoption.bilan_from_text(adopted.figures)
    return mask_bilan(bilan, threshold=threshold) if threshold is not None else bilan


def viewer_threshold(request, adopted: AdoptedBilan) -> int | None:
    """Funders: always masked (at least the default threshold). Others: exact unless they ask for the
    diffusion version, which exists only where masked figures may be published."""
    if not sees_exact(request.scope):
        return adopted.diffusion_threshold or DEFAULT_THRESHOLD
    if request.GET.get(DIFFUSION) == "1":
        if not adopted.has_diffusion:
            raise Http404
        return adopted.diffusion_threshold
    return None


@dataclass(frozen=True)
class AdoptionBanner:
    """The top of a bilan page with adopted versions: the latest, the history, what changed since."""

    latest: AdoptedBilan
    versions: list
    changes: list  # adoption.Change; only when the page shows live figures
    showing_adopted: bool  # a funder's page showing the adopted version instead of the live figures


def banner_for(*, live: Bilan | None, versions: list) -> AdoptionBanner | None:
    """Compare the latest version with the live figures, masked as the page masks them: each side of a
    change is then a figure the viewer is shown anyway (the version by default, the live one by a link)."""
    if not versions:
        return None
    latest = versions[0]
    changes = []
    if live is not None:
        changes = adoption.changed_figures(frozen(latest, threshold=live.masking_threshold), live)
    return AdoptionBanner(latest=latest, versions=versions, changes=changes, showing_adopted=live is None)


# ---- Version page, list and files ---------------------------------------------------------------


def adopted_bilan_list(request):
    access.require(request.scope, Action.VIEW_BILAN)
    adopted = AdoptedBilan.objects.visible_to(request.scope).with_list_data()
    page = Paginator(adopted, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reporting/adoptedbilan_list.html", {"page": page, "sees_exact": sees_exact(request.scope)})


def _adopted_or_404(request, public_id) -> AdoptedBilan:
    access.require(request.scope, Action.VIEW_BILAN)
    return get_object_or_404(
        AdoptedBilan.objects.visible_to(request.scope).select_related("adopted_by", "committee__convention"),
        public_id=public_id,
    )


def adopted_bilan_detail(request, public_id):
    adopted = _adopted_or_404(request, public_id)
    threshold = viewer_threshold(request, adopted)
    bilan = frozen(adopted, threshold=threshold)
    others = AdoptedBilan.objects.visible_to(request.scope).of(
        scope_kind=adopted.scope_kind, scope_key=adopted.scope_key, start=adopted.period_start, end=adopted.period_end
    )
    query = BilanForm.query_for(bilan.scope, bilan.period)
    return render(
        request,
        "reporting/adoptedbilan_detail.html",
        {
            "adopted": adopted,
            "bilan": bilan,
            "summary": summary_sentences(bilan),
            "masking_notice": masking_notice(threshold) if threshold is not None else "",
            "indicators": list(bilan.indicators.values()),
            "versions": list(others.select_related("adopted_by")),
            "sees_exact": sees_exact(request.scope),
            "is_diffusion": threshold is not None,
            "sha256": adopted.diffusion_pdf_sha256 if threshold is not None else adopted.pdf_sha256,
            "formats": ["pdf", "json", "csv", "xlsx"],
            # ?actuel=1: a funder would otherwise be shown this adopted version again
            "live_url": f"{reverse('reporting:bilan')}?{query}&{CURRENT}=1",
        },
    )


def adopted_bilan_export(request, public_id, fmt):
    if fmt not in ("pdf", "json", "csv", "xlsx"):
        raise Http404
    adopted = _adopted_or_404(request, public_id)
    threshold = viewer_threshold(request, adopted)
    masked = threshold is not None
    services.bilan_export_logged(bilan=frozen(adopted, threshold=threshold), fmt=fmt, by=request.user)
    return adopted_file_response(adopted, fmt, threshold=threshold, suffix="-diffusion" if masked else "")


def adopted_file_response(adopted: AdoptedBilan, fmt: str, *, threshold: int | None, suffix: str = ""):
    """A version's file: the stored PDF as adopted (byte for byte), the other formats from the stored figures."""
    period = f"{adopted.period_start:%Y%m%d}-{adopted.period_end:%Y%m%d}"
    filename = f"bilan-adopte-{adopted.scope_kind}-{adopted.scope_key[:8]}-{period}-v{adopted.version}{suffix}.{fmt}"
    if fmt == "pdf":
        if threshold is None:
            stored = adopted.pdf
        elif threshold == adopted.diffusion_threshold:
            stored = adopted.diffusion_pdf
        else:  # a higher threshold than the stored diffusion version's: rendered from the stored figures
            content = bilan_pdf(frozen(adopted, threshold=threshold))
            return _attachment(content, "application/pdf", filename)
        with stored.open("rb") as file:  # a few hundred kilobytes: read whole, the file closed at once
            return _attachment(file.read(), "application/pdf", filename)
    bilan = frozen(adopted, threshold=threshold)
    match fmt:
        case "json":
            content = json.dumps(exports.bilan_json(bilan), ensure_ascii=False, indent=2)
            content_type = "application/json"
        case "csv":
            content = exports.bilan_csv(bilan)
            content_type = "text/csv; charset=utf-8"
        case _:
            content = exports.bilan_xlsx(bilan)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _attachment(content, content_type, filename)


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---- Adopting -----------------------------------------------------------------------------------


def bilan_adopt(request):
    """The confirmation page (GET) and the adoption (POST) of the bilan of a scope and period."""
    access.require(request.scope, Action.ADOPT_BILAN)
    data = request.POST if request.method == "POST" else request.GET
    bilan_form = BilanForm({key: data.get(key, "") for key in ("scope", "start", "end")}, scope=request.scope)
    if not bilan_form.is_valid():
        if "scope" in bilan_form.errors and data.get("scope"):
            raise Http404
        messages.error(request, _("Choose the scope and the period of the bilan to adopt."))
        return redirect("reporting:bilan")
    scope, period = bilan_form.bilan_scope(), bilan_form.period
    if not can_adopt(request.scope, scope):
        # A bilan they see but may not adopt (the administrator adopts only the national bilan).
        raise PermissionDenied
    form = AdoptForm(
        request.POST if request.method == "POST" else None,
        scope=request.scope,
        bilan_scope=scope,
        initial={"committee": request.GET.get("committee", "")[:36]},  # from a committee's "adopt" link
    )
    if request.method == "POST" and form.is_valid():
        adopted = services.bilan_adopt(
            scope=scope, period=period, by=request.user, committee=form.cleaned_data.get("committee")
        )
        journal_read(request, adopted, action=JournalAction.CHANGE)
        messages.success(
            request,
            _("Version %(version)s of this bilan is adopted: its figures and PDF will not change.")
            % {"version": adopted.version},
        )
        return redirect(adopted)
    return render(
        request,
        "reporting/adoptedbilan_form.html",
        {
            "form": form,
            "bilan_form": bilan_form,
            "scope_label": scope.label,
            "period": period,
            "versions": versions_of(request.scope, scope, period),
            "back_url": f"{reverse('reporting:bilan')}?{BilanForm.query_for(scope, period)}",
        },
    )
