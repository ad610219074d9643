"""Casework pages. Every object is fetched through ``visible_to(request.scope)``: outside the ISCG's
posts it is a 404, and so is every page for roles without the casework actions (police, funders,
admin; coordinators only reach their department's list of follow-ups)."""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.enums import RecordType
from audit.services import followup_consultations, journal_export, journal_read
from casework import services
from casework.agenda import agenda_ics_body
from casework.filters import (
    NO_CONTACT,
    ORIENTATION_PENDING,
    DepartmentFollowUpFilter,
    FollowUpFilter,
    with_pending_orientation,
    without_contact,
)
from casework.forms import (
    AssessmentForm,
    FollowUpCloseForm,
    FollowUpForm,
    FollowUpOpenForm,
    InterventionForm,
    OpenFromReferralForm,
    OrientationForm,
    OrientationStatusForm,
    PersonChoiceForm,
    PersonCreateConfirmForm,
    PersonForm,
    PersonSearchForm,
)
from casework.history import followup_history
from casework.models import FollowUp, Intervention, Orientation, Person
from casework.timeline import followup_timeline, next_planned
from iscg.concurrency import CONFLICT_STATUS, EditConflict, form_after_conflict
from organisation import access
from organisation.access import Action
from organisation.models import Post
from referrals.models import Referral

PAGE_SIZE = 25
AGENDA_DAYS = 56  # the agenda shows the next eight weeks


def _require_casework(request, *, manage: bool = False) -> None:
    access.require(request.scope, Action.VIEW_CASEWORK)
    if manage:
        access.require(request.scope, Action.MANAGE_CASEWORK, on_visible_object=True)


def _uuid(value) -> uuid.UUID:
    """A public id from a query string: anything else answers 404."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _get_person(request, public_id, *, manage: bool = False) -> Person:
    _require_casework(request, manage=manage)
    return get_object_or_404(Person.objects.visible_to(request.scope).select_related("post"), public_id=public_id)


def _get_followup(request, public_id, *, manage: bool = False) -> FollowUp:
    _require_casework(request, manage=manage)
    queryset = FollowUp.objects.content_visible_to(request.scope).select_related(
        "person", "post", "post__department", "assigned_to"
    )
    return get_object_or_404(queryset, public_id=public_id)


# ---- Persons ------------------------------------------------------------------------------------


def person_list(request):
    """Find a person: by name (accents and case ignored), date of birth or phone."""
    _require_casework(request)
    form = PersonSearchForm(request.GET or None)
    persons = Person.objects.visible_to(request.scope).active()
    criteria = form.criteria() if form.is_valid() else {}
    persons = persons.search(**criteria)
    searched = bool(criteria)
    persons = persons.with_list_data().annotate(followup_count=Count("followups", distinct=True))
    page = Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "casework/person_list.html", {"form": form, "page": page, "searched": searched})


def person_create(request):
    """A new person. When they look like an existing record of the post, that record is offered first."""
    _require_casework(request, manage=True)
    household = None
    if request.GET.get("foyer"):
        household = _get_followup(request, _uuid(request.GET["foyer"]), manage=True)
    form = PersonForm(request.POST or None, scope=request.scope)
    if household is not None:
        form.fields["post"].queryset = form.fields["post"].queryset.filter(pk=household.post_id)
    confirm = PersonCreateConfirmForm(request.POST or None)
    duplicates = None
    if request.method == "POST" and form.is_valid() and confirm.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name not in ("version", "post")}
        post = form.cleaned_data["post"]
        duplicates = list(
            services.person_find_duplicates(
                post=post,
                last_name=data["last_name"],
                first_name=data["first_name"],
                birth_date=data["birth_date"],
                safe_phone=data["safe_phone"],
            )
        )
        if not duplicates or confirm.cleaned_data["create_anyway"]:
            person = services.person_create(post=post, by=request.user, **data)
            if household is not None:
                services.followup_add_member(followup=household, person=person, by=request.user)
                messages.success(request, _("The person is added to the household."))
                return redirect(household)
            messages.success(request, _("The person is recorded."))
            return redirect(person)
    context = {"form": form, "duplicates": duplicates, "household": household}
    return render(request, "casework/person_form.html", context)


def person_detail(request, public_id):
    person = _get_person(request, public_id)
    followups = (
        FollowUp.objects.content_visible_to(request.scope)
        .filter(person=person)
        .select_related("post", "assigned_to")
        .order_by("closed_on", "-opened_on", "-pk")
    )
    memberships = (
        FollowUp.objects.content_visible_to(request.scope)
        .filter(household_members=person)
        .select_related("person")
        .order_by("-opened_on", "-pk")
    )
    duplicates = (
        services.person_find_duplicates(
            post=person.post,
            last_name=person.last_name,
            first_name=person.first_name,
            birth_date=person.birth_date,
            safe_phone=person.safe_phone,
            exclude=person,
        )
        if not person.is_merged
        else Person.objects.none()
    )
    context = {
        "person": person,
        "followups": followups,
        "memberships": memberships,
        "duplicates": duplicates,
        "merged_records": person.merged_records.order_by("merged_at", "pk"),
        "merged_into": person.merged_into if person.is_merged else None,
    }
    journal_read(request, person)
    return render(request, "casework/person_detail.html", context)


def person_update(request, public_id):
    person = _get_person(request, public_id, manage=True)
    form = PersonForm(request.POST or None, instance=person)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            services.person_update(person=person, version=form.cleaned_data["version"] or 0, by=request.user, **data)
        except EditConflict as conflict:
            form_after_conflict(form, person, conflict)
            status = CONFLICT_STATUS
        else:
            messages.success(request, _("The person is updated."))
            return redirect(person)
    return render(request, "casework/person_form.html", {"form": form, "person": person}, status=status)


def person_merge(request, public_id):
    """Merge another record of the same post into this one: everything moves here, nothing is lost."""
    person = _get_person(request, public_id, manage=True)
    if person.is_merged:
        messages.error(request, _("This record was merged into another one: use that one."))
        return redirect(person.merged_into)
    others = Person.objects.visible_to(request.scope).active().filter(post=person.post).exclude(pk=person.pk)
    form = PersonChoiceForm(
        request.POST or None,
        queryset=others.order_by("search_name", "pk"),
        label=_("Record to merge into this one"),
        initial={
            "person": others.filter(public_id=_uuid(request.GET["avec"])).first() if "avec" in request.GET else None
        },
    )
    if request.method == "POST" and form.is_valid():
        merged = form.cleaned_data["person"]
        try:
            services.person_merge(kept=person, merged=merged, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The records are merged: every follow-up now belongs to this person."))
            return redirect(person)
    other = None
    if form.is_bound and form.is_valid():
        other = form.cleaned_data["person"]
    return render(request, "casework/person_merge.html", {"person": person, "form": form, "other": other})


# ---- Follow-ups ---------------------------------------------------------------------------------


HOME_REFERRALS = 10


def home(request):
    """The ISCG's home page: what waits for them today, each number linking to the list behind it."""
    _require_casework(request)
    access.require(request.scope, Action.TRIAGE_REFERRAL)
    now = timezone.now()
    today_start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    waiting = Referral.objects.visible_to(request.scope).waiting().select_related("unit").order_by("referred_at", "pk")
    planned = _my_planned(request)
    followups = FollowUp.objects.content_visible_to(request.scope).open()
    context = {
        "waiting_count": waiting.count(),
        "waiting": list(waiting[:HOME_REFERRALS]),
        "today": planned.filter(
            starts_at__gte=today_start, starts_at__lt=today_start + datetime.timedelta(days=1)
        ).with_agenda_data(),
        "overdue_count": planned.filter(starts_at__lt=now).count(),
        "no_contact_count": without_contact(followups).count(),
        "orientation_pending_count": with_pending_orientation(followups).count(),
        "no_contact": NO_CONTACT,
        "orientation_pending": ORIENTATION_PENDING,
        "posts": Post.objects.visible_to(request.scope).with_list_data(),
    }
    return render(request, "casework/home.html", context)


def followup_list(request):
    _require_casework(request)
    followups = FollowUp.objects.content_visible_to(request.scope).with_list_data()
    followup_filter = FollowUpFilter(request.GET, queryset=followups, request=request)
    page = Paginator(followup_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "casework/followup_list.html", {"filter": followup_filter, "page": page})


def followup_create(request):
    """Open a follow-up directly, for a person of the post (without a referral)."""
    _require_casework(request, manage=True)
    if not request.GET.get("personne"):
        messages.info(request, _("Find or record the person first, then open the follow-up from their page."))
        return redirect("casework:person_list")
    person = _get_person(request, _uuid(request.GET["personne"]), manage=True)
    form = FollowUpOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            followup = services.followup_open(post=person.post, person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The follow-up is open."))
            return redirect(followup)
    return render(request, "casework/followup_form.html", {"form": form, "person": person})


def followup_open_from_referral(request, public_id):
    """Take a referral up: choose or create the person, then open (or join) their follow-up."""
    _require_casework(request, manage=True)
    access.require(request.scope, Action.TRIAGE_REFERRAL)
    referral = get_object_or_404(
        Referral.objects.visible_to(request.scope).select_related("unit", "unit__department"), public_id=public_id
    )
    persons = list(referral.persons.order_by("pk"))
    posts = referral.unit.posts.filter(pk__in=request.scope.post_ids)
    candidates = services.referral_person_candidates(referral_persons=persons, posts=posts)
    candidates = Person.objects.visible_to(request.scope).filter(pk__in=candidates.values("pk")).order_by("pk")
    form = OpenFromReferralForm(request.POST or None, referral=referral, scope=request.scope, candidates=candidates)
    linked = FollowUp.objects.content_visible_to(request.scope).filter(referrals=referral).first()
    if request.method == "POST" and linked is None and form.is_valid():
        data = form.cleaned_data
        try:
            followup = services.followup_open_from_referral(
                referral=referral,
                by=request.user,
                post=data["post"],
                person=data["existing_person"],
                referral_person=data["referral_person"],
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Referral %(number)s is taken up in this follow-up.") % {"number": referral.number}
            )
            return redirect(followup)
    context = {
        "referral": referral,
        "persons": persons,
        "form": form,
        "linked": linked,
        "candidates_count": len(form.fields["existing_person"].queryset),
    }
    return render(request, "casework/followup_open_from_referral.html", context)


def followup_detail(request, public_id):
    followup = _get_followup(request, public_id)
    members = followup.household_members.order_by("search_name", "pk")
    context = {
        "followup": followup,
        "members": members,
        "timeline": followup_timeline(followup),
        "next_intervention": next_planned(followup),
        "has_interventions": followup.interventions.exists(),
        "close_form": FollowUpCloseForm(),
        "consultations": followup_consultations(followup, request.user),
        "history": followup_history(followup),
    }
    journal_read(request, followup)
    return render(request, "casework/followup_detail.html", context)


def followup_update(request, public_id):
    followup = _get_followup(request, public_id, manage=True)
    form = FollowUpForm(request.POST or None, instance=followup)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.followup_update(
                followup=followup,
                version=data["version"] or 0,
                by=request.user,
                person_role=data["person_role"],
                problems=data["problems"],
                assigned_to=data["assigned_to"],
            )
        except EditConflict as conflict:
            form_after_conflict(form, followup, conflict)
            status = CONFLICT_STATUS
        else:
            messages.success(request, _("The follow-up is updated."))
            return redirect(followup)
    return render(request, "casework/followup_update.html", {"form": form, "followup": followup}, status=status)


def followup_close(request, public_id):
    followup = _get_followup(request, public_id, manage=True)
    planned = list(followup.interventions.planned().order_by("starts_at", "pk"))
    form = FollowUpCloseForm(request.POST or None, planned_count=len(planned))
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_close(
                followup=followup,
                by=request.user,
                reason=form.cleaned_data["reason"],
                closed_on=form.cleaned_data["closed_on"],
                planned=form.cleaned_data.get("planned"),
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The follow-up is closed."))
            return redirect(followup)
    context = {"form": form, "followup": followup, "planned": planned}
    return render(request, "casework/followup_close.html", context)


def followup_reopen(request, public_id):
    followup = _get_followup(request, public_id, manage=True)
    if request.method != "POST":  # after the scope check: outsiders get their 404, not a 405
        return HttpResponseNotAllowed(["POST"])
    try:
        services.followup_reopen(followup=followup, by=request.user)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The follow-up is open again."))
    return redirect(followup)


def followup_add_member(request, public_id):
    """Add another member of the household: an existing person of the post, or a new one."""
    followup = _get_followup(request, public_id, manage=True)
    candidates = (
        Person.objects.visible_to(request.scope)
        .active()
        .filter(post=followup.post)
        .exclude(pk=followup.person_id)
        .exclude(household_followups=followup)
        .order_by("search_name", "pk")
    )
    form = PersonChoiceForm(request.POST or None, queryset=candidates, label=_("Household member"))
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_add_member(followup=followup, person=form.cleaned_data["person"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The person is added to the household."))
            return redirect(followup)
    return render(request, "casework/followup_add_member.html", {"form": form, "followup": followup})


# ---- Interventions, assessments, orientations ---------------------------------------------------


def intervention_create(request, public_id):
    """Record an intervention in under a minute, or plan one (``?planifier=1``)."""
    followup = _get_followup(request, public_id, manage=True)
    planning = request.GET.get("planifier") == "1"
    initial = {}
    if planning:
        tomorrow = timezone.localtime() + datetime.timedelta(days=1)
        initial = {"status": "planned", "starts_at": tomorrow.replace(hour=10, minute=0, second=0, microsecond=0)}
    form = InterventionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            services.intervention_record(followup=followup, by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The intervention is recorded."))
            return redirect(followup)
    context = {"form": form, "followup": followup, "planning": planning}
    return render(request, "casework/intervention_form.html", context)


def intervention_update(request, public_id):
    _require_casework(request, manage=True)
    intervention = get_object_or_404(
        Intervention.objects.visible_to(request.scope).select_related("followup", "followup__person"),
        public_id=public_id,
    )
    followup = intervention.followup
    form = InterventionForm(request.POST or None, instance=intervention, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            services.intervention_update(
                intervention=intervention, version=form.cleaned_data["version"] or 0, by=request.user, **data
            )
        except EditConflict as conflict:
            form_after_conflict(form, intervention, conflict)
            status = CONFLICT_STATUS
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The intervention is updated."))
            return redirect(followup)
    context = {"form": form, "followup": followup, "intervention": intervention}
    return render(request, "casework/intervention_form.html", context, status=status)


def assessment_create(request, public_id):
    followup = _get_followup(request, public_id, manage=True)
    initial = {
        "problems": list(followup.problems.values_list("pk", flat=True)),
        "known_to_social_services": followup.person.known_to_social_services,
        "children_exposed": followup.person.children_count,
    }
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.assessment_record(followup=followup, by=request.user, **form.cleaned_data)
        messages.success(request, _("The assessment is recorded."))
        return redirect(followup)
    return render(request, "casework/assessment_form.html", {"form": form, "followup": followup})


def orientation_create(request, public_id):
    followup = _get_followup(request, public_id, manage=True)
    form = OrientationForm(request.POST or None, followup=followup, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        try:
            services.orientation_record(followup=followup, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The orientation is recorded."))
            return redirect(followup)
    return render(request, "casework/orientation_form.html", {"form": form, "followup": followup})


def orientation_update_status(request, public_id):
    _require_casework(request, manage=True)
    orientation = get_object_or_404(
        Orientation.objects.visible_to(request.scope).select_related(
            "followup", "followup__person", "partner", "partner_type"
        ),
        public_id=public_id,
    )
    form = OrientationStatusForm(request.POST or None, instance=orientation)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.orientation_update_status(
                orientation=orientation,
                version=form.cleaned_data["version"] or 0,
                by=request.user,
                status=form.cleaned_data["status"],
                outcome_on=form.cleaned_data["outcome_on"],
            )
        except EditConflict as conflict:
            form_after_conflict(form, orientation, conflict)
            status = CONFLICT_STATUS
        except (services.TransitionError, ValidationError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("The orientation is updated."))
            return redirect(orientation.followup)
    context = {"form": form, "orientation": orientation, "followup": orientation.followup}
    return render(request, "casework/orientation_status_form.html", context, status=status)


# ---- Agenda -------------------------------------------------------------------------------------


def _my_planned(request):
    return Intervention.objects.visible_to(request.scope).planned().filter(author=request.user)


def agenda(request):
    """My planned interventions, day by day, for the next eight weeks; and those left to update."""
    _require_casework(request)
    now = timezone.now()
    today_start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    planned = _my_planned(request)
    upcoming = planned.filter(
        starts_at__gte=now, starts_at__lt=today_start + datetime.timedelta(days=AGENDA_DAYS)
    ).with_agenda_data()
    # Flagged until marked held, not honoured or cancelled: every planned appointment whose time has passed.
    overdue = planned.filter(starts_at__lt=now).with_agenda_data()
    return render(request, "casework/agenda.html", {"upcoming": upcoming, "overdue": overdue, "days": AGENDA_DAYS})


def agenda_ics(request):
    """The same appointments as an iCalendar file. Titles carry no personal data."""
    _require_casework(request)
    since = timezone.now() - datetime.timedelta(days=30)
    interventions = _my_planned(request).filter(starts_at__gte=since).with_agenda_data()
    body = agenda_ics_body(interventions, absolute_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    journal_export(request, record_type=RecordType.AGENDA)
    response["Content-Disposition"] = 'attachment; filename="agenda-iscg.ics"'
    return response


# ---- Coordinators -------------------------------------------------------------------------------


def department_followups(request):
    """The department's follow-ups for coordinators: dates, post and status. Never a name nor a note."""
    access.require(request.scope, Action.LIST_DEPARTMENT_FOLLOWUPS)
    followups = FollowUp.objects.visible_to(request.scope).with_department_list_data()
    followup_filter = DepartmentFollowUpFilter(request.GET, queryset=followups, request=request)
    page = Paginator(followup_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = FollowUp.objects.visible_to(request.scope).aggregate(
        open=Count("pk", filter=Q(closed_on__isnull=True)), total=Count("pk")
    )
    return render(
        request, "casework/followup_department_list.html", {"filter": followup_filter, "page": page, "totals": totals}
    )
