from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services as account_services
from accounts.enums import Role
from accounts.history import account_history
from audit.enums import JournalAction
from audit.services import journal_assignment
from iscg.concurrency import CONFLICT_STATUS, EditConflict, form_after_conflict
from organisation import access, services, staff
from organisation.access import Action
from organisation.filters import PartnerFilter
from organisation.forms import PartnerForm, StaffForm
from organisation.models import Department, Partner, Post, PostAssignment, Unit
from organisation.posts import covered_units, department_arrangements

PAGE_SIZE = 25


def home(request):
    """Each role lands on the page it works from."""
    scope = request.scope
    match scope.role:
        case Role.ADMIN:
            return redirect("admin:index")
        case Role.COORDINATOR:
            return redirect("dashboards:coordinator_home")  # the posts' activity, conventions, payments
        case Role.FUNDER:
            return redirect("dashboards:funder_home")  # key figures (masked) and cofinancing
        case Role.POLICE:
            return redirect("referrals:home")  # their referrals whose status changed
        case Role.ISCG:
            return redirect("casework:home")  # what waits for them today
    return render(request, "organisation/home_no_scope.html", status=403)


def department_list(request):
    access.require(request.scope, Action.VIEW_DEPARTMENT)
    today = timezone.localdate()
    active_posts = Q(posts__starts_on__lte=today) & (Q(posts__ends_on__isnull=True) | Q(posts__ends_on__gte=today))
    departments = (
        Department.objects.visible_to(request.scope)
        .annotate(
            post_count=Count("posts", filter=active_posts, distinct=True),
            total_fte=Sum("posts__fte", filter=active_posts),
        )
        .order_by("code")
    )
    return render(request, "organisation/department_list.html", {"departments": departments})


def department_detail(request, code):
    """The department page. Its sections of higher apps are their template tags (the privacy section:
    dataprotection; the framework conventions: conventions), so that organisation imports neither."""
    access.require(request.scope, Action.VIEW_DEPARTMENT)
    department = get_object_or_404(Department.objects.visible_to(request.scope), code=code)
    today = timezone.localdate()
    posts = Post.objects.visible_to(request.scope).filter(department=department)
    totals = posts.active_on(today).aggregate(active_post_count=Count("pk"), total_fte=Sum("fte"))
    social_worker_count = (
        PostAssignment.objects.current(today).filter(post__in=posts.active_on(today)).values("user").distinct().count()
    )
    units = Unit.objects.visible_to(request.scope).filter(department=department).order_by("kind", "name")
    partner_count = (
        Partner.objects.visible_to(request.scope).filter(department=department, is_active=True).count()
        if access.can(request.scope, Action.VIEW_PARTNERS)
        else None
    )
    context = {
        "department": department,
        "posts": posts.with_list_data(),
        "arrangements": department_arrangements(posts.active_on(today), today),
        "active_post_count": totals["active_post_count"],
        "total_fte": totals["total_fte"] or 0,
        "fte_by_force": posts.active_on(today).fte_by_force(),
        "social_worker_count": social_worker_count,
        "units": units,
        "partner_count": partner_count,
        "today": today,
    }
    return render(request, "organisation/department_detail.html", context)


def post_detail(request, public_id):
    access.require(request.scope, Action.VIEW_POST)
    post = get_object_or_404(Post.objects.visible_to(request.scope).with_list_data(), public_id=public_id)
    assignments = PostAssignment.objects.filter(post=post).select_related("user").order_by("-starts_on", "pk")
    context = {
        "post": post,
        "assignments": assignments,
        "covered_units": covered_units(post),
        "splits": post.splits.select_related("unit").order_by("pk"),
        "can_manage": access.can(request.scope, Action.MANAGE_POSTS),
        "can_view_department": access.can(request.scope, Action.VIEW_DEPARTMENT),
    }
    return render(request, "organisation/post_detail.html", context)


def partner_list(request):
    access.require(request.scope, Action.VIEW_PARTNERS)
    partners = Partner.objects.visible_to(request.scope).with_list_data()
    partner_filter = PartnerFilter(request.GET, queryset=partners, request=request)
    page = Paginator(partner_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_edit = access.can(request.scope, Action.MANAGE_PARTNERS)
    context = {"filter": partner_filter, "page": page, "can_edit": can_edit}
    return render(request, "organisation/partner_list.html", context)


def partner_create(request):
    access.require(request.scope, Action.MANAGE_PARTNERS)
    form = PartnerForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "version"}
        partner = services.partner_create(by=request.user, **data)
        messages.success(request, _("The partner is added to the directory."))
        return redirect(partner)
    return render(request, "organisation/partner_form.html", {"form": form})


def partner_update(request, public_id):
    access.require(request.scope, Action.MANAGE_PARTNERS)
    partner = get_object_or_404(Partner.objects.visible_to(request.scope), public_id=public_id)
    form = PartnerForm(request.POST or None, instance=partner, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "version"}
        try:
            services.partner_update(
                partner=partner, version=form.cleaned_data["version"] or 0, by=request.user, **data
            )
        except EditConflict as conflict:
            form_after_conflict(form, partner, conflict)
            current = Partner.objects.visible_to(request.scope).get(pk=partner.pk)
            context = {"form": form, "partner": current}
            return render(request, "organisation/partner_form.html", context, status=CONFLICT_STATUS)
        messages.success(request, _("The partner is updated."))
        return redirect(partner)
    return render(request, "organisation/partner_form.html", {"form": form, "partner": partner})


def partner_detail(request, public_id):
    access.require(request.scope, Action.VIEW_PARTNERS)
    partner = get_object_or_404(Partner.objects.visible_to(request.scope).with_list_data(), public_id=public_id)
    can_edit = access.can(request.scope, Action.MANAGE_PARTNERS)
    return render(request, "organisation/partner_detail.html", {"partner": partner, "can_edit": can_edit})


# ---- Staff accounts (coordinators and admins) ---------------------------------------------------

STAFF_ACTIONS = {"invite", "deactivate", "reactivate", "unlock", "reset_second_factor"}


def staff_list(request):
    access.require(request.scope, Action.MANAGE_STAFF)
    users = staff.with_list_data(staff.staff_visible_to(request.scope))
    role = request.GET.get("role")
    if role in Role.values:
        users = users.filter(role=role)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "roles": Role.choices,
        "role": role,
        "to_confirm": staff.assignments_to_confirm(request.scope, request.user)[:PAGE_SIZE],
    }
    return render(request, "organisation/staff_list.html", context)


def staff_create(request):
    access.require(request.scope, Action.MANAGE_STAFF)
    form = StaffForm(request.POST or None, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        user = staff.staff_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("The account is created and an invitation has been sent by e-mail."))
        for assignment in PostAssignment.objects.pending().filter(user=user).select_related("post", "user"):
            journal_assignment(request, assignment, action=JournalAction.REQUEST)
            messages.info(
                request,
                _(
                    "The assignment to the post takes effect once another coordinator of the department or the "
                    "national administrator confirms it; until then the account sees no follow-up."
                ),
            )
        return redirect("organisation:staff_detail", public_id=user.public_id)
    return render(request, "organisation/staff_form.html", {"form": form})


def staff_detail(request, public_id):
    access.require(request.scope, Action.MANAGE_STAFF)
    member = get_object_or_404(staff.with_list_data(staff.staff_visible_to(request.scope)), public_id=public_id)
    for assignment in member.pending_assignments:
        assignment.can_confirm = services.can_confirm_assignment(assignment=assignment, by=request.user)
    return render(request, "organisation/staff_detail.html", {"member": member, **_account_history_context(member)})


def _account_history_context(member) -> dict:
    """The journal of changes to the account (accounts.history), for its team page."""
    return {"account_history": account_history(member)}


@require_POST
def staff_assignment_confirm(request, public_id, assignment_id):
    """The second person confirms a pending assignment (never the requester): it gives access from now on."""
    access.require(request.scope, Action.MANAGE_STAFF)
    member = get_object_or_404(staff.staff_visible_to(request.scope), public_id=public_id)
    assignment = get_object_or_404(
        PostAssignment.objects.pending()
        .filter(post__in=Post.objects.visible_to(request.scope))
        .select_related("post", "user"),
        pk=assignment_id,
        user=member,
    )
    try:
        services.post_assignment_confirm(assignment=assignment, by=request.user)
    except services.ConfirmationRefused:
        raise PermissionDenied from None
    journal_assignment(request, assignment, action=JournalAction.CONFIRM)
    messages.success(request, _("The assignment is confirmed: the social worker now has access to the post."))
    return redirect("organisation:staff_detail", public_id=public_id)


@require_POST
def staff_action(request, public_id, action):
    access.require(request.scope, Action.MANAGE_STAFF)
    member = get_object_or_404(staff.staff_visible_to(request.scope), public_id=public_id)
    if action not in STAFF_ACTIONS:
        raise Http404
    if member.pk == request.user.pk:
        messages.error(request, _("You cannot do this on your own account."))
        return redirect("organisation:staff_detail", public_id=public_id)
    match action:
        case "invite":
            account_services.user_invite(user=member, by=request.user)
            messages.success(request, _("A new invitation has been sent."))
        case "deactivate":
            account_services.user_deactivate(user=member, by=request.user)
            messages.success(request, _("The account is deactivated; its sessions have ended."))
        case "reactivate":
            account_services.user_reactivate(user=member, by=request.user)
            messages.success(request, _("The account is active again."))
        case "unlock":
            staff.staff_unlock(user=member, by=request.user)
            messages.success(request, _("Sign-in is unblocked for this account."))
        case "reset_second_factor":
            account_services.second_factor_reset(user=member, by=request.user)
            messages.success(request, _("The second factor is removed: the user will enrol again at next sign-in."))
    return redirect("organisation:staff_detail", public_id=public_id)
