import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from audit.services import journal_read
from organisation import access
from organisation.access import Action
from organisation.models import Post
from referrals import services
from referrals.enums import OPEN_STATUSES, FilledBy, ReferralStatus, can_transition
from referrals.filters import DepartmentReferralFilter, ReferralFilter, UnitReferralFilter
from referrals.forms import AddendumForm, CloseForm, DangerGridForm, ReferralForm, person_formset
from referrals.models import GridVersion, PoliceHomeVisit, Referral

PAGE_SIZE = 25


def _get_referral(request, public_id, action: Action, *, detail: bool = False) -> Referral:
    """A referral of the user's scope (404 otherwise) on which they may perform ``action`` (403 otherwise)."""
    queryset = Referral.objects.visible_to(request.scope)
    queryset = queryset.with_detail_data() if detail else queryset.select_related("unit")
    referral = get_object_or_404(queryset, public_id=public_id)
    access.require(request.scope, action, on_visible_object=True)
    return referral


# ---- Police and gendarmerie ---------------------------------------------------------------------


def unit_list(request):
    """The referrals of the officer's units: status and status date, nothing of the casework."""
    access.require(request.scope, Action.LIST_UNIT_REFERRALS)
    referrals = Referral.objects.visible_to(request.scope).with_unit_list_data()
    referral_filter = UnitReferralFilter(request.GET, queryset=referrals)
    page = Paginator(referral_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filter": referral_filter,
        "has_units": bool(request.scope.unit_ids) or request.scope.is_national,
    }
    return render(request, "referrals/referral_unit_list.html", context)


FIRST_VISIT_DAYS = 7
_SINCE_KEY = "police_home_since"


def police_home(request):
    """The officer's home page: their referrals whose status changed since their last visit (the first
    time, over the last week). Within a session the reference stays the same, so a reload keeps the list."""
    access.require(request.scope, Action.LIST_UNIT_REFERRALS)
    if request.scope.role != Role.POLICE:
        raise Http404
    now = timezone.now()
    since = request.session.get(_SINCE_KEY)
    if since is None:
        visit = PoliceHomeVisit.objects.filter(user=request.user).first()
        since = (visit.seen_at if visit else now - datetime.timedelta(days=FIRST_VISIT_DAYS)).isoformat()
        request.session[_SINCE_KEY] = since
    PoliceHomeVisit.objects.update_or_create(user=request.user, defaults={"seen_at": now})
    since = datetime.datetime.fromisoformat(since)
    changed = (
        Referral.objects.visible_to(request.scope)
        .filter(author=request.user, status_changed_at__gt=since)
        .exclude(status=ReferralStatus.SUBMITTED)
        .select_related("unit")
        .order_by("-status_changed_at", "-pk")
    )
    context = {"changed": changed, "since": since, "has_units": bool(request.scope.unit_ids)}
    return render(request, "referrals/police_home.html", context)


def create(request):
    """File a referral (police, gendarmerie) or record one (ISCG: screening, partner, spontaneous call)."""
    access.require(request.scope, Action.FILE_REFERRAL)
    version = GridVersion.objects.filter(is_current=True).first()
    items = list(version.items.order_by("position")) if version else []
    data = request.POST if request.method == "POST" else None
    form = ReferralForm(data, scope=request.scope, user=request.user)
    persons = person_formset(data=data)
    grid = DangerGridForm(data, version=version, items=items, prefix="grid") if version else None
    if data is not None and _forms_are_valid(form, persons, grid):
        fields = {name: value for name, value in form.cleaned_data.items() if name != "problems"}
        try:
            referral, created = services.referral_file(
                author=request.user,
                persons=persons.persons(),
                problems=form.cleaned_data["problems"],
                grid_version=version,
                grid_answers=grid.answers() if grid else None,
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(request, _("Referral %(number)s filed.") % {"number": referral.number})
            else:
                messages.info(
                    request,
                    _("This form had already been sent: referral %(number)s was filed once, here it is.")
                    % {"number": referral.number},
                )
            if access.can(request.scope, Action.TRIAGE_REFERRAL):
                return redirect(referral)
            return redirect("referrals:confirmation", public_id=referral.public_id)
    context = {
        "form": form,
        "persons": persons,
        "grid": grid,
        "has_units": form.fields["unit"].queryset.exists(),
    }
    return render(request, "referrals/referral_form.html", context)


def _forms_are_valid(form, persons, grid) -> bool:
    """Validate every form so that all errors show at once, the cross-form agreement rule included."""
    valid = [form.is_valid(), persons.is_valid(), grid is None or grid.is_valid()]
    if valid[0] and valid[1]:
        try:
            services.check_agreement(
                source=form.cleaned_data["source"],
                persons=persons.persons(),
                has_agreement=form.cleaned_data["has_agreement"],
                on=timezone.localdate(form.cleaned_data["referred_at"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return False
    return all(valid)


def confirmation(request, public_id):
    """The number to write on the procedure, and the referral's status (nothing else)."""
    referral = _get_referral(request, public_id, Action.FILE_REFERRAL)
    context = {
        "referral": referral,
        "can_withdraw": _can_withdraw(request, referral),
        "can_add_information": _can_add_information(request, referral),
        "addenda_dates": list(referral.addenda.order_by("created_at").values_list("created_at", flat=True)),
        "is_author": referral.author_id == request.user.pk,
    }
    return render(request, "referrals/referral_confirmation.html", context)


def filed(request, public_id):
    """Its author re-reads what they filed, read-only: their text, their persons and the information
    they added; nothing the ISCG recorded. Anyone else: 404."""
    referral = _get_referral(request, public_id, Action.FILE_REFERRAL, detail=True)
    if referral.author_id != request.user.pk:
        raise Http404
    context = {
        "referral": referral,
        "persons": referral.persons.order_by("pk"),
        "own_addenda": referral.addenda.filter(author=request.user).order_by("created_at", "pk"),
    }
    journal_read(request, referral)
    return render(request, "referrals/referral_filed.html", context)


def _can_add_information(request, referral: Referral) -> bool:
    return access.can(request.scope, Action.ADD_REFERRAL_INFORMATION) and referral.status != ReferralStatus.WITHDRAWN


def add_information(request, public_id):
    """The police add information to a referral of their unit (the ISCG are told, without personal data)."""
    referral = _get_referral(request, public_id, Action.ADD_REFERRAL_INFORMATION)
    form = AddendumForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_add_information(referral=referral, by=request.user, text=form.cleaned_data["text"])
        except services.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Information added to referral %(number)s.") % {"number": referral.number})
        return redirect("referrals:confirmation", public_id=referral.public_id)
    context = {"referral": referral, "form": form, "can_add_information": _can_add_information(request, referral)}
    return render(request, "referrals/referral_add_information.html", context)


def _can_withdraw(request, referral: Referral) -> bool:
    return (
        access.can(request.scope, Action.WITHDRAW_REFERRAL)
        and referral.author_id == request.user.pk
        and can_transition(referral.status, ReferralStatus.WITHDRAWN)
    )


def withdraw(request, public_id):
    referral = _get_referral(request, public_id, Action.WITHDRAW_REFERRAL)
    if request.method == "POST":
        try:
            services.referral_withdraw(referral=referral, by=request.user)
        except services.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Referral %(number)s withdrawn.") % {"number": referral.number})
        return redirect("referrals:unit_list")
    context = {"referral": referral, "can_withdraw": _can_withdraw(request, referral)}
    return render(request, "referrals/referral_withdraw.html", context)


# ---- ISCG ---------------------------------------------------------------------------------------


def queue(request):
    """The triage queue: urgency, then danger, then age; filters and counts per status."""
    access.require(request.scope, Action.TRIAGE_REFERRAL)
    scoped = Referral.objects.visible_to(request.scope)
    referral_filter = ReferralFilter(request.GET, queryset=scoped.with_queue_data(), request=request)
    page = Paginator(referral_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = scoped.aggregate(**{status: Count("pk", filter=Q(status=status)) for status in ReferralStatus.values})
    counts = [(ReferralStatus(status), totals[status]) for status in ReferralStatus.values]
    posts = Post.objects.visible_to(request.scope).with_list_data() if request.scope.role == Role.ISCG else None
    context = {
        "filter": referral_filter,
        "page": page,
        "counts": counts,
        "posts": posts,
        "open_statuses": OPEN_STATUSES,
    }
    return render(request, "referrals/referral_queue.html", context)


def detail(request, public_id):
    referral = _get_referral(request, public_id, Action.TRIAGE_REFERRAL, detail=True)
    persons = referral.persons.order_by("pk")
    addenda = referral.addenda.select_related("author").order_by("created_at", "pk")
    assessments = None
    if access.can(request.scope, Action.VIEW_DANGER_GRID):
        assessments = referral.danger_assessments.with_answers()
    context = {
        "referral": referral,
        "persons": persons,
        "addenda": addenda,
        "assessments": assessments,
        "close_form": CloseForm(),
        "can_receive": can_transition(referral.status, ReferralStatus.RECEIVED),
        "can_take_up": can_take_up(referral),
        "can_close": can_transition(referral.status, ReferralStatus.CLOSED),
    }
    journal_read(request, referral)
    return render(request, "referrals/referral_detail.html", context)


def grid_create(request, public_id):
    """The ISCG fill the danger grid (again) with the person: recorded as filled by the ISCG."""
    referral = _get_referral(request, public_id, Action.VIEW_DANGER_GRID)
    version = get_object_or_404(GridVersion, is_current=True)
    items = list(version.items.order_by("position"))
    data = request.POST if request.method == "POST" else None
    grid = DangerGridForm(data, version=version, items=items, optional=False, prefix="grid")
    if data is not None and grid.is_valid():
        services.danger_assessment_record(
            referral=referral,
            by=request.user,
            version=version,
            answers=grid.answers(),
            filled_by_kind=FilledBy.ISCG,
        )
        messages.success(request, _("Danger grid recorded."))
        return redirect(referral)
    return render(request, "referrals/referral_grid_form.html", {"referral": referral, "grid": grid})


def _transition(request, public_id, apply, success_message: str):
    referral = _get_referral(request, public_id, Action.TRIAGE_REFERRAL)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        apply(referral)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success_message % {"number": referral.number})
    return redirect(referral)


def receive(request, public_id):
    return _transition(
        request,
        public_id,
        lambda referral: services.referral_mark_received(referral=referral, by=request.user),
        _("Referral %(number)s marked as received."),
    )


def can_take_up(referral: Referral) -> bool:
    """Still to decide, or taken up before follow-ups existed and never linked to one."""
    if referral.status in OPEN_STATUSES:
        return True
    return referral.status == ReferralStatus.TAKEN_UP and not referral.followups.exists()


def take_up(request, public_id):
    """Taking up opens (or joins) a follow-up: the casework page does both, so that a referral is never
    taken up without one. A POST here (an old bookmark or form) is sent there."""
    referral = _get_referral(request, public_id, Action.TRIAGE_REFERRAL)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return redirect("casework:followup_open_from_referral", public_id=referral.public_id)


def close(request, public_id):
    def apply(referral):
        form = CloseForm(request.POST)
        if not form.is_valid():
            raise services.TransitionError(_("Choose a reason to close this referral."))
        services.referral_close_without_followup(
            referral=referral, by=request.user, reason=form.cleaned_data["reason"]
        )

    return _transition(request, public_id, apply, _("Referral %(number)s closed without follow-up."))


# ---- Coordinators -------------------------------------------------------------------------------


def overview(request):
    """The department's referrals for coordinators: dates, unit, channel, urgency and status only."""
    access.require(request.scope, Action.LIST_DEPARTMENT_REFERRALS)
    referrals = Referral.objects.visible_to(request.scope).with_department_list_data()
    referral_filter = DepartmentReferralFilter(request.GET, queryset=referrals, request=request)
    page = Paginator(referral_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/referral_overview.html", {"page": page, "filter": referral_filter})
