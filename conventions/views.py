"""Conventions and cofinancing pages. Scope → form → service → redirect.

Financial data: coordinators (read and write) and funders (read only) of the department, and the
admin. Police and ISCG get 404 everywhere; a funder gets 403 on the edit pages of a convention they see.
"""

from collections import defaultdict

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from conventions import cofinancing, services, summaries
from conventions.enums import ConventionKind, PaymentKind
from conventions.filters import ConventionFilter
from conventions.forms import (
    CommitteeForm,
    ConventionForm,
    CopyYearForm,
    CostFormSet,
    DocumentForm,
    FunderForm,
    PartyFormSet,
    PaymentForm,
    PlannedYearFormSet,
    PostShareFormSet,
    RuleFormSetFactory,
    VersionForm,
)
from conventions.models import (
    Convention,
    ConventionDocument,
    Funder,
    Payment,
    PostCost,
    SteeringCommittee,
)
from iscg.concurrency import CONFLICT_STATUS, EditConflict, conflict_message, form_after_conflict
from organisation import access
from organisation.access import Action
from organisation.models import Department, Post

PAGE_SIZE = 25
MIN_YEAR, MAX_YEAR = 2000, 2100


def _require_view(request):
    access.require(request.scope, Action.VIEW_CONVENTIONS)


def _require_manage(request):
    """For pages without an object: 404 for roles that never see conventions, 403 for read-only roles."""
    _require_view(request)
    access.require(request.scope, Action.MANAGE_CONVENTIONS, on_visible_object=True)


def _convention(request, public_id, *, manage=False) -> Convention:
    _require_view(request)
    convention = get_object_or_404(
        Convention.objects.visible_to(request.scope).select_related("department", "parent"), public_id=public_id
    )
    if manage:
        access.require(request.scope, Action.MANAGE_CONVENTIONS, on_visible_object=True)
    return convention


def _department_funders(request, department_id):
    return Funder.objects.visible_to(request.scope).filter(department_id=department_id).order_by("name", "pk")


# ---- List, detail -------------------------------------------------------------------------------


def convention_list(request):
    _require_view(request)
    conventions = Convention.objects.visible_to(request.scope).with_list_data()
    convention_filter = ConventionFilter(request.GET, queryset=conventions, request=request)
    page = Paginator(convention_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": convention_filter,
        "page": page,
        "can_manage": access.can(request.scope, Action.MANAGE_CONVENTIONS),
        "today": timezone.localdate(),
    }
    return render(request, "conventions/convention_list.html", context)


def _adopted_bilans_prefetch(scope) -> Prefetch:
    """The bilans adopted at each committee that the user may see (docs/reporting.md, "Adoption"). By the
    app registry: conventions never imports reporting (reporting reads everything, nothing reads it)."""
    adopted = apps.get_model("reporting", "AdoptedBilan")
    queryset = adopted.objects.visible_to(scope).order_by("period_start", "scope_label", "version")
    return Prefetch("adopted_bilans", queryset=queryset, to_attr="visible_adopted_bilans")


def _committees(convention, scope) -> list:
    """The convention's committees, each told whether this viewer may download its bilan file."""
    committees = list(
        convention.committees.order_by("-held_on", "-pk").prefetch_related(_adopted_bilans_prefetch(scope))
    )
    for committee in committees:
        committee.bilan_downloadable = committee.bilan_visible_to(scope)
    return committees


def convention_detail(request, public_id):
    convention = _convention(request, public_id)
    rules_by_year = defaultdict(list)
    for rule in convention.funding_rules.select_related("funder").order_by("year", "rank"):
        rules_by_year[rule.year].append(rule)
    context = {
        "convention": convention,
        "parties": convention.parties.select_related("funder").order_by("position", "pk"),
        "convention_posts": convention.convention_posts.select_related("post").order_by("post__name", "pk"),
        "amendments": convention.children.order_by("starts_on", "pk"),
        "framework_progress": summaries.framework_progress(convention),
        "summary": summaries.convention_summary(convention),
        "rules_by_year": [(year, rules_by_year.get(year, [])) for year in convention.years],
        "payments": convention.payments.select_related("funder").order_by("-dated_on", "-pk"),
        "documents": convention.documents.order_by("-uploaded_at", "-pk"),
        "committees": _committees(convention, request.scope),
        "can_manage": access.can(request.scope, Action.MANAGE_CONVENTIONS),
        "can_adopt": access.can(request.scope, Action.ADOPT_BILAN) and not request.scope.is_national,
    }
    return render(request, "conventions/convention_detail.html", context)


# ---- Create, update -----------------------------------------------------------------------------


def _convention_forms(request, *, instance=None, data=None):
    scope = request.scope
    departments = Department.objects.visible_to(scope).order_by("code")
    conventions = Convention.objects.visible_to(scope)
    if instance is not None:
        funders = _department_funders(request, instance.department_id)
        posts = Post.objects.visible_to(scope).filter(department=instance.department_id)
        parties_initial = [
            {
                "funder": party.funder_id,
                "name": party.name,
                "signatory_name": party.signatory_name,
                "signatory_role": party.signatory_role,
                "signed_on": party.signed_on,
            }
            for party in instance.parties.order_by("position", "pk")
        ]
        posts_initial = [
            {"post": cp.post_id, "fte_share": cp.fte_share} for cp in instance.convention_posts.order_by("pk")
        ]
        planned_initial = [
            {"year": row.year, "planned_fte": row.planned_fte} for row in instance.planned_years.order_by("year")
        ]
    else:
        funders = Funder.objects.visible_to(scope).select_related("department").order_by("department__code", "name")
        posts = Post.objects.visible_to(scope)
        parties_initial = posts_initial = planned_initial = None
    posts = posts.select_related("department").order_by("department__code", "name", "pk")
    form = ConventionForm(data, scope=scope, departments=departments, conventions=conventions, instance=instance)
    parties = PartyFormSet(data, prefix="parties", initial=parties_initial, form_kwargs={"funders": funders})
    post_shares = PostShareFormSet(data, prefix="posts", initial=posts_initial, form_kwargs={"posts": posts})
    planned = PlannedYearFormSet(data, prefix="planned", initial=planned_initial)
    return form, parties, post_shares, planned


def _save_convention(request, form, parties, post_shares, planned, *, instance=None):
    """Call the service; return the convention, or None with the errors put on the forms."""
    data = form.cleaned_data
    department = instance.department if instance is not None else data["department"]
    convention_data = services.ConventionData(
        title=data["title"],
        kind=data["kind"],
        department=department,
        parent=data.get("parent"),
        employer=data["employer"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        signed_on=data.get("signed_on"),
        notes=data.get("notes", ""),
        framework=data.get("framework") if data["kind"] != ConventionKind.FRAMEWORK else None,
        planned_fte=data.get("planned_fte") if data["kind"] == ConventionKind.FRAMEWORK else None,
    )
    planned_years = planned.as_mapping() if data["kind"] == ConventionKind.FRAMEWORK else {}
    party_data = [
        services.PartyData(
            funder=row.get("funder"),
            name=row.get("name", ""),
            signatory_name=row.get("signatory_name", ""),
            signatory_role=row.get("signatory_role", ""),
            signed_on=row.get("signed_on"),
        )
        for row in parties.kept_data()
    ]
    post_data = [
        services.PostShareData(post=row["post"], fte_share=row["fte_share"]) for row in post_shares.kept_data()
    ]
    try:
        if instance is None:
            return services.convention_create(
                data=convention_data, parties=party_data, posts=post_data, planned_years=planned_years
            )
        return services.convention_update(
            convention=instance,
            expected_version=data["version"],
            data=convention_data,
            parties=party_data,
            posts=post_data,
            planned_years=planned_years,
        )
    except ValidationError as error:
        _add_errors(form, error)
    return None


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def convention_create(request):
    _require_manage(request)
    data = request.POST if request.method == "POST" else None
    form, parties, post_shares, planned = _convention_forms(request, data=data)
    if data is not None and all([form.is_valid(), parties.is_valid(), post_shares.is_valid(), planned.is_valid()]):
        convention = _save_convention(request, form, parties, post_shares, planned)
        if convention is not None:
            messages.success(
                request, _("The convention has been created. Now describe the costs and funding of each year.")
            )
            return redirect(convention)
    context = {"form": form, "parties": parties, "post_shares": post_shares, "planned": planned, "convention": None}
    return render(request, "conventions/convention_form.html", context)


def convention_update(request, public_id):
    convention = _convention(request, public_id, manage=True)
    data = request.POST if request.method == "POST" else None
    form, parties, post_shares, planned = _convention_forms(request, instance=convention, data=data)
    status = 200
    if data is not None and all([form.is_valid(), parties.is_valid(), post_shares.is_valid(), planned.is_valid()]):
        try:
            saved = _save_convention(request, form, parties, post_shares, planned, instance=convention)
        except EditConflict as conflict:
            current = Convention.objects.visible_to(request.scope).get(pk=convention.pk)
            form, parties, post_shares, planned = _convention_forms(request, instance=current, data=request.POST)
            for bound in (form, parties, post_shares, planned):
                bound.is_valid()
            form_after_conflict(form, current, conflict)
            status = CONFLICT_STATUS
            saved = None
        if saved is not None:
            messages.success(request, _("The convention has been saved."))
            return redirect(saved)
    context = {
        "form": form,
        "parties": parties,
        "post_shares": post_shares,
        "planned": planned,
        "convention": convention,
    }
    return render(request, "conventions/convention_form.html", context, status=status)


# ---- Funding year -------------------------------------------------------------------------------


def _year(convention, year):
    if year not in convention.years:
        raise Http404
    return year


def funding_year(request, public_id, year):
    """Costs of the year's posts and the funding rules, with the resulting amount per funder."""
    convention = _convention(request, public_id, manage=True)
    year = _year(convention, year)
    convention_posts = list(convention.convention_posts.select_related("post").order_by("post__name", "pk"))
    costs = {
        cost.convention_post_id: cost
        for cost in PostCost.objects.filter(convention_post__convention=convention, year=year)
    }
    rules = list(convention.funding_rules.filter(year=year).select_related("funder").order_by("rank", "pk"))
    funders = _department_funders(request, convention.department_id)
    data = request.POST if request.method == "POST" else None

    def bind(data):
        version_form = VersionForm(data, initial={"version": convention.version})
        cost_forms = CostFormSet(
            data,
            prefix="costs",
            initial=[
                {
                    "convention_post": cp.pk,
                    "salary_cents": costs[cp.pk].salary_cents if cp.pk in costs else None,
                    "charges_cents": costs[cp.pk].charges_cents if cp.pk in costs else None,
                    "running_costs_cents": costs[cp.pk].running_costs_cents if cp.pk in costs else None,
                }
                for cp in convention_posts
            ],
        )
        rule_forms = RuleFormSetFactory(
            data,
            prefix="rules",
            initial=[
                {
                    "funder": rule.funder_id,
                    "kind": rule.kind,
                    "amount_cents": rule.amount_cents,
                    "percent": rule.percent,
                    "rank": rule.rank,
                    "cap_cents": rule.cap_cents,
                }
                for rule in rules
            ],
            form_kwargs={"funders": funders},
        )
        return version_form, cost_forms, rule_forms

    version_form, cost_forms, rule_forms = bind(data)
    allocation = _allocation_context(
        services.funding_year_stored_allocation(rules=rules, costs=list(costs.values())),
        {rule.funder_id: rule.funder.name for rule in rules},
    )
    preview = False
    status = 200
    if data is not None and all([version_form.is_valid(), cost_forms.is_valid(), rule_forms.is_valid()]):
        cost_data = {
            row["convention_post"]: services.CostData(
                salary_cents=row["salary_cents"],
                charges_cents=row["charges_cents"],
                running_costs_cents=row["running_costs_cents"],
            )
            for row in cost_forms.kept_data()
        }
        rule_data = [services.RuleData.from_cleaned(row) for row in rule_forms.kept_data()]
        if "preview" in request.POST:
            allocation = _allocation_context(
                services.funding_year_preview(
                    convention=convention,
                    year=year,
                    convention_posts=convention_posts,
                    costs=cost_data,
                    rules=rule_data,
                ),
                {rule.funder.pk: rule.funder.name for rule in rule_data},
            )
            preview = True
        else:
            try:
                services.funding_rules_set_for_year(
                    convention=convention,
                    year=year,
                    expected_version=version_form.cleaned_data["version"],
                    costs=cost_data,
                    rules=rule_data,
                )
            except EditConflict as conflict:
                version_form, cost_forms, rule_forms = bind(request.POST)
                for bound in (version_form, cost_forms, rule_forms):
                    bound.is_valid()
                form_after_conflict(version_form, convention, conflict)
                status = CONFLICT_STATUS
            except ValidationError as error:
                version_form.add_error(None, error)
            else:
                messages.success(request, _("The costs and funding of %(year)s have been saved.") % {"year": year})
                return redirect("conventions:funding_year", public_id=convention.public_id, year=year)
    next_year = year + 1 if year + 1 in convention.years else None
    context = {
        "convention": convention,
        "year": year,
        "version_form": version_form,
        "cost_forms": _label_cost_forms(cost_forms, convention_posts),
        "cost_formset": cost_forms,
        "rule_forms": rule_forms,
        "allocation": allocation,
        "preview": preview,
        "next_year": next_year,
        "copy_form": CopyYearForm(
            initial={"to_year": next_year, "version": convention.version}, years=convention.years, from_year=year
        ),
        "has_rules": bool(rules),
    }
    return render(request, "conventions/funding_year_form.html", context, status=status)


def _label_cost_forms(cost_forms, convention_posts):
    """(form, covered post) pairs, matched by id (the posted forms may not follow the current posts)."""
    by_id = {str(cp.pk): cp for cp in convention_posts}
    return [(form, by_id.get(str(form["convention_post"].value()))) for form in cost_forms.forms]


def _allocation_context(allocation: cofinancing.Allocation, funder_names: dict[int, str]) -> dict:
    """The allocation and its (funder name, amount) rows, for the template."""
    rows = [(funder_names.get(funder_id, "—"), amount) for funder_id, amount in allocation.amounts.items()]
    return {"allocation": allocation, "rows": rows}


def funding_year_copy(request, public_id, year):
    convention = _convention(request, public_id, manage=True)
    year = _year(convention, year)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CopyYearForm(request.POST, years=convention.years, from_year=year)
    if not form.is_valid():
        messages.error(request, _("Choose a year of the convention to copy to."))
        return redirect("conventions:funding_year", public_id=convention.public_id, year=year)
    to_year = form.cleaned_data["to_year"]
    try:
        count = services.funding_rules_copy_year(
            convention=convention, from_year=year, to_year=to_year, expected_version=form.cleaned_data["version"]
        )
    except EditConflict as conflict:
        messages.error(request, conflict_message(conflict))
        return redirect("conventions:funding_year", public_id=convention.public_id, year=year)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("conventions:funding_year", public_id=convention.public_id, year=year)
    messages.success(
        request,
        _("%(count)s rules copied to %(year)s: adjust them if needed, then save.") % {"count": count, "year": to_year},
    )
    return redirect("conventions:funding_year", public_id=convention.public_id, year=to_year)


# ---- Payments, documents, committees ------------------------------------------------------------


def _payment_prefill(query, *, funders, years) -> dict:
    """The payment a « payments due » row proposes to record (``?financeur=&annee=&montant=``): kept only
    when the funder is one of the convention's department, the year one of the convention's and the
    amount in cents a positive integer; anything else is ignored (the form is then empty)."""
    try:
        funder_pk, year, cents = int(query["financeur"]), int(query["annee"]), int(query["montant"])
    except (KeyError, ValueError, OverflowError):
        return {}
    funder = funders.filter(pk=funder_pk).first() if 0 < funder_pk < 2**63 else None
    if funder is None or year not in years or not 0 < cents < 10**12:
        return {}
    return {"funder": funder, "year": year, "kind": PaymentKind.PAYMENT, "amount_cents": cents}


def payment_create(request, public_id):
    convention = _convention(request, public_id, manage=True)
    funders = _department_funders(request, convention.department_id)
    today = timezone.localdate()
    initial = {"dated_on": today, "year": today.year if today.year in convention.years else convention.starts_on.year}
    initial.update(_payment_prefill(request.GET, funders=funders, years=convention.years))
    form = PaymentForm(request.POST or None, initial=initial, funders=funders, years=convention.years)
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record(convention=convention, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The call for funds or payment has been recorded."))
            return redirect(f"{convention.get_absolute_url()}#payments")
    return render(request, "conventions/payment_form.html", {"convention": convention, "form": form})


def payment_delete(request, public_id, payment_id):
    convention = _convention(request, public_id, manage=True)
    payment = get_object_or_404(Payment.objects.visible_to(request.scope), convention=convention, public_id=payment_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.payment_delete(payment=payment)
    messages.success(request, _("The call for funds or payment has been deleted."))
    return redirect(f"{convention.get_absolute_url()}#payments")


def document_create(request, public_id):
    convention = _convention(request, public_id, manage=True)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.document_add(convention=convention, by=request.user, **form.cleaned_data)
        messages.success(request, _("The document has been added."))
        return redirect(f"{convention.get_absolute_url()}#documents")
    return render(request, "conventions/document_form.html", {"convention": convention, "form": form})


def _pdf_response(field_file, filename):
    """The stored PDF as an attachment (at most 10 MB: read at once, so no file handle is left open)."""
    try:
        with field_file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def document_download(request, public_id, document_id):
    _require_view(request)
    document = get_object_or_404(
        ConventionDocument.objects.visible_to(request.scope), convention__public_id=public_id, public_id=document_id
    )
    return _pdf_response(document.file, f"document-{document.public_id}.pdf")


def document_delete(request, public_id, document_id):
    convention = _convention(request, public_id, manage=True)
    document = get_object_or_404(
        ConventionDocument.objects.visible_to(request.scope), convention=convention, public_id=document_id
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.document_delete(document=document)
    messages.success(request, _("The document has been deleted."))
    return redirect(f"{convention.get_absolute_url()}#documents")


def committee_create(request, public_id):
    convention = _convention(request, public_id, manage=True)
    form = CommitteeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.committee_create(convention=convention, **form.cleaned_data)
        messages.success(request, _("The steering committee has been recorded."))
        return redirect(f"{convention.get_absolute_url()}#committees")
    return render(request, "conventions/committee_form.html", {"convention": convention, "form": form})


def committee_bilan_download(request, public_id, committee_id):
    _require_view(request)
    committee = get_object_or_404(
        SteeringCommittee.objects.visible_to(request.scope), convention__public_id=public_id, public_id=committee_id
    )
    if not committee.bilan_visible_to(request.scope):  # a file uploaded by hand: exact viewers only
        raise Http404
    return _pdf_response(committee.bilan, f"bilan-{committee.held_on:%Y-%m-%d}.pdf")


# ---- Funders ------------------------------------------------------------------------------------


def funder_list(request):
    _require_view(request)
    funders = Funder.objects.visible_to(request.scope).with_list_data()
    page = Paginator(funders, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_manage": access.can(request.scope, Action.MANAGE_CONVENTIONS)}
    return render(request, "conventions/funder_list.html", context)


def funder_create(request):
    _require_manage(request)
    departments = Department.objects.visible_to(request.scope).order_by("code")
    form = FunderForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            services.funder_create(**form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The funder has been added."))
            return redirect("conventions:funder_list")
    return render(request, "conventions/funder_form.html", {"form": form})


# ---- Department ---------------------------------------------------------------------------------


def department_summary(request, code):
    _require_view(request)
    department = get_object_or_404(Department.objects.visible_to(request.scope), code=code)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not MIN_YEAR <= year <= MAX_YEAR:
        year = today.year
    summary = summaries.department_summary(department=department, scope=request.scope, year=year, today=today)
    context = {"summary": summary, "department": department, "year": year, "years": range(year - 2, year + 3)}
    return render(request, "conventions/department_summary.html", context)
