"""The coordinators' and funders' home pages and the list of payments due (issue 17)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.enums import Role
from conventions.filters import ConventionFilter
from conventions.models import Payment
from dashboards.coordination import coordinator_boards, ending_soon_before
from dashboards.filters import PaymentDueFilter
from dashboards.funding import funder_boards
from dashboards.payments import DUE_WITHIN_DAYS, payments_due
from organisation import access
from organisation.access import Action
from organisation.staff import assignments_to_confirm

PAGE_SIZE = 25


def coordinator_home(request):
    """Per department: the posts' referrals waiting, open follow-ups and last activity; conventions, payments,
    committees. Every number links to the filtered list behind it."""
    if request.scope.role != Role.COORDINATOR:
        raise Http404
    today = timezone.localdate()
    context = {
        "boards": coordinator_boards(scope=request.scope, today=today, now=timezone.now()),
        "ending_before": ending_soon_before(today),
        "ending_soon": ConventionFilter.ENDING_SOON,
        "due_within_days": DUE_WITHIN_DAYS,
        "to_confirm": assignments_to_confirm(request.scope, request.user).count(),
    }
    return render(request, "dashboards/coordinator_home.html", context)


def funder_home(request):
    """Per department: the key figures of the last complete year and of the year to date (masked as on the
    funder's bilan page), and the cofinancing of the year."""
    if request.scope.role != Role.FUNDER:
        raise Http404
    today = timezone.localdate()
    return render(request, "dashboards/funder_home.html", {"boards": funder_boards(scope=request.scope, today=today)})


def payments_due_list(request):
    """Calls for funds not yet covered by the payments received (dashboards.payments)."""
    access.require(request.scope, Action.VIEW_CONVENTIONS)
    rows = payments_due(Payment.objects.visible_to(request.scope), today=timezone.localdate())
    payment_filter = PaymentDueFilter(request.GET, queryset=rows, request=request)
    page = Paginator(payment_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": payment_filter,
        "page": page,
        "due_within_days": DUE_WITHIN_DAYS,
        "can_record": access.can(request.scope, Action.MANAGE_CONVENTIONS),
    }
    return render(request, "dashboards/payments_due.html", context)
