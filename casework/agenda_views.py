"""The agenda's day and week views and the private calendar subscription (docs/guide-iscg.md, « Agenda »).

The day and week views show the signed-in ISCG's appointments (every status) in their scope; a past
appointment still planned is flagged until it is marked held, not honoured or cancelled. The
subscription feed is the one page reached without a session: its token opens the scope of its user,
checked again at each request (active account, current confirmed assignment), or answers 404.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.enums import JournalAction, RecordType
from audit.services import journal_attempt
from casework.agenda import (
    FEED_DAYS_AHEAD,
    FEED_DAYS_BACK,
    agenda_ics_body,
    calendar_token_create,
    calendar_token_revoke,
    calendar_token_scope,
    day_start,
    days_with_appointments,
    feed_interventions,
    week_monday,
)
from casework.enums import InterventionStatus
from casework.models import CalendarToken, Intervention
from organisation import access
from organisation.access import Action

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)


def _requested_day(request) -> datetime.date:
    """The ``date`` of the query string (YYYY-MM-DD), today without one; anything else answers 404."""
    value = request.GET.get("date")
    if not value:
        return timezone.localdate()
    try:
        day = datetime.date.fromisoformat(value[:10]) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:
        raise Http404
    return day


def _dated_url(view_name: str, day: datetime.date) -> str:
    return f"{reverse(view_name)}?date={day.isoformat()}"


def _my_appointments(request, first: datetime.date, last: datetime.date):
    """The user's appointments from ``first`` to ``last`` included (one query), flagged when overdue."""
    interventions = list(
        Intervention.objects.visible_to(request.scope)
        .filter(
            author=request.user,
            starts_at__gte=day_start(first),
            starts_at__lt=day_start(last + datetime.timedelta(days=1)),
        )
        .with_agenda_data()
    )
    now = timezone.now()
    for intervention in interventions:
        intervention.is_overdue = intervention.status == InterventionStatus.PLANNED and intervention.starts_at < now
    return interventions


def agenda_day(request):
    access.require(request.scope, Action.VIEW_CASEWORK)
    day = _requested_day(request)
    appointments = _my_appointments(request, day, day)
    context = {
        "day": day,
        "appointments": appointments,
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "today": timezone.localdate(),
        "overdue_count": sum(intervention.is_overdue for intervention in appointments),
        "other_url": _dated_url("casework:agenda_week", day),
    }
    return render(request, "casework/agenda_day.html", context)


def agenda_week(request):
    access.require(request.scope, Action.VIEW_CASEWORK)
    today = timezone.localdate()
    monday = week_monday(_requested_day(request))
    days = [monday + datetime.timedelta(days=offset) for offset in range(7)]
    appointments = _my_appointments(request, days[0], days[-1])
    context = {
        "monday": monday,
        "sunday": days[-1],
        "days": days_with_appointments(appointments, days),
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
        "today": today,
        "overdue_count": sum(intervention.is_overdue for intervention in appointments),
        "other_url": _dated_url("casework:agenda_day", monday if not monday <= today <= days[-1] else today),
    }
    return render(request, "casework/agenda_week.html", context)


# ---- Private calendar subscription --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agenda_subscription(request):
    """See, create (or regenerate) and revoke one's subscription. A new URL is shown once, in the
    answer to the POST that created it: it is stored nowhere but in the ISCG's calendar app."""
    access.require(request.scope, Action.VIEW_CASEWORK)
    feed_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            token = calendar_token_create(user=request.user)
            journal_attempt(request, record_type=RecordType.AGENDA, public_id=None, action=JournalAction.CHANGE)
            feed_url = request.build_absolute_uri(reverse("casework:agenda_feed", kwargs={"token": token}))
        elif action == "revoke":
            if calendar_token_revoke(user=request.user):
                journal_attempt(request, record_type=RecordType.AGENDA, public_id=None, action=JournalAction.CHANGE)
            messages.success(request, _("Your calendar subscription is revoked: its address no longer answers."))
            return redirect("casework:agenda_subscription")
        else:
            return HttpResponseBadRequest()
    context = {
        "active": CalendarToken.objects.active().filter(user=request.user).first(),
        "feed_url": feed_url,
        "days_back": FEED_DAYS_BACK,
        "days_ahead": FEED_DAYS_AHEAD,
    }
    return render(request, "casework/agenda_subscription.html", context)


@login_not_required
def agenda_feed(request, token: str):
    """The subscription feed, for calendar apps (no session): 404 unless the token is valid and its
    user still holds a post (whatever the method: a wrong token learns nothing). The token sits in the
    path; the logs mask it (audit.request_id)."""
    scope = calendar_token_scope(token)
    if scope is None:
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    body = agenda_ics_body(feed_interventions(scope), absolute_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda-iscg.ics"'
    return response
