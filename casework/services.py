"""Every write of the casework app. Keyword-only, typed, atomic. Edits of shared records (persons,
follow-ups, interventions, orientations) use optimistic locking: the caller passes the ``version``
the user loaded, and a concurrent save raises EditConflict instead of being overwritten.

Logs carry public ids only, never a name or a free text.
"""

import datetime
import logging
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from casework.enums import (
    OUTCOME_STATUSES,
    FollowUpClosingReason,
    FollowUpRole,
    InterventionStatus,
    OrientationStatus,
    age_class_for,
    can_transition,
)
from casework.models import (
    Assessment,
    FollowUp,
    FollowUpReferral,
    Intervention,
    Orientation,
    Person,
    ViolenceForm,
)
from casework.normalise import name_key, normalise_phone, normalise_text, phone_key
from iscg.concurrency import EditConflict, save_with_version
from organisation.models import Post, PostAssignment
from referrals import services as referral_services
from referrals.enums import PersonRole, ReferralStatus
from referrals.models import Problem, Referral, ReferralPerson

logger = logging.getLogger(__name__)

__all__ = ["TransitionError"]

TransitionError = referral_services.TransitionError

PERSON_FIELDS = [
    "last_name",
    "first_name",
    "birth_name",
    "is_anonymous",
    "sex",
    "birth_date",
    "age_class",
    "safe_phone",
    "safe_email",
    "best_time",
    "commune",
    "family_situation",
    "children_count",
    "children_ages",
    "known_to_social_services",
]
INTERVENTION_FIELDS = ["starts_at", "duration_minutes", "kind", "place", "status", "summary", "private_note"]
ASSESSMENT_FIELDS = [
    "assessed_on",
    "needs",
    "risk_level",
    "risk_comment",
    "is_very_serious_danger",
    "children_exposed",
    "known_to_social_services",
]
ORIENTATION_FIELDS = ["kind", "oriented_on", "partner", "partner_type", "recipient", "reason", "status", "outcome_on"]

# Referral person roles → the role of the person in the follow-up.
FOLLOWUP_ROLE_OF_REFERRAL_ROLE = {PersonRole.VICTIM: FollowUpRole.VICTIM, PersonRole.ACCUSED: FollowUpRole.ACCUSED}


# ---- Optimistic locking -------------------------------------------------------------------------


def _save_with_version(instance, *, version: int, values: Mapping, many: Mapping | None = None):
    """``iscg.concurrency.save_with_version``, stamping ``updated_at`` and handing the change history its
    before and after (an update() sends no signal)."""
    before = type(instance).objects.get(pk=instance.pk)
    try:
        save_with_version(instance, version=version, values=values, many=many, also={"updated_at": timezone.now()})
    except EditConflict:
        logger.info("Edit conflict on %s %s", type(instance).__name__, instance.public_id)
        raise
    _record_history(before, instance)
    return instance


def _record_history(before, after) -> None:
    """Writes made with update() send no signal: hand the change history its before and after."""
    from audit.history import record_update  # infrastructure, not domain: imported where it is used

    record_update(before, after)


# ---- Persons ------------------------------------------------------------------------------------


def _person_values(data: Mapping) -> dict:
    values = {name: data[name] for name in PERSON_FIELDS if name in data}
    for name in ("last_name", "first_name", "birth_name", "safe_phone", "best_time", "commune", "children_ages"):
        if name in values:
            values[name] = (values[name] or "").strip()
    names = [values.get(name, "") for name in ("last_name", "first_name", "birth_name")]
    if values.get("is_anonymous"):
        values.update(last_name="", first_name="", birth_name="")
    else:
        values["is_anonymous"] = not any(names)
    values["search_name"] = normalise_text(" ".join(names))
    values["name_key"] = name_key(values.get("last_name", ""), values.get("first_name", ""))
    values["search_phone"] = phone_key(values.get("safe_phone", ""))
    return values


@transaction.atomic
def person_create(*, post: Post, by: User, **data) -> Person:
    """A new person of the post. Names are optional: without any, the person is anonymous."""
    person = Person.objects.create(post=post, created_by=by, **_person_values(data))
    logger.info("Person %s created", person.public_id)
    return person


@transaction.atomic
def person_update(*, person: Person, version: int, by: User, **data) -> Person:
    values = {name: data[name] for name in PERSON_FIELDS if name in data}
    values = _person_values({**{name: getattr(person, name) for name in PERSON_FIELDS}, **values})
    person = _save_with_version(person, version=version, values=values)
    logger.info("Person %s updated", person.public_id)
    return person


def person_find_duplicates(
    *,
    post: Post,
    last_name: str = "",
    first_name: str = "",
    birth_date: datetime.date | None = None,
    safe_phone: str = "",
    exclude: Person | None = None,
):
    """Possible duplicates within the post: same names (in any order, accents and case ignored) and
    same date of birth, or the same safe phone. Merged records are left out."""
    conditions = Q(pk__in=[])
    key = name_key(last_name, first_name)
    if key and birth_date:
        conditions |= Q(name_key=key, birth_date=birth_date)
    phone = normalise_phone(safe_phone)
    if len(phone) >= 6:
        conditions |= Q(search_phone=phone_key(phone))
    queryset = Person.objects.active().filter(conditions, post=post)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset.order_by("search_name", "pk")


def referral_person_candidates(*, referral_persons: Iterable[ReferralPerson], posts: Iterable[Post]):
    """The recorded persons of ``posts`` who may be one of the persons a referral names (as
    ``person_find_duplicates`` matches them), to offer before recording them again. Unscoped: the
    caller keeps those the user sees."""
    candidates = Person.objects.none()
    for referral_person in referral_persons:
        for post in posts:
            candidates |= person_find_duplicates(
                post=post,
                last_name=referral_person.last_name,
                first_name=referral_person.first_name,
                birth_date=referral_person.birth_date,
                safe_phone=referral_person.safe_phone,
            )
    return candidates


@transaction.atomic
def person_merge(*, kept: Person, merged: Person, by: User) -> Person:
    """Merge ``merged`` into ``kept``: its follow-ups and household memberships move to ``kept`` (with
    their interventions, assessments, orientations and referrals, which hang on the follow-ups), blank
    fields of ``kept`` are completed from ``merged``, and ``merged`` is kept, marked merged_into."""
    kept, merged = (Person.objects.select_for_update().get(pk=person.pk) for person in (kept, merged))
    if kept.pk == merged.pk:
        raise ValidationError(_("A person cannot be merged with itself."))
    if kept.post_id != merged.post_id:
        raise ValidationError(_("Only persons of the same post can be merged."))
    if kept.is_merged or merged.is_merged:
        raise ValidationError(_("One of these records has already been merged."))

    FollowUp.objects.filter(person=merged).update(person=kept, version=F("version") + 1)
    memberships = FollowUp.household_members.through.objects
    # A follow-up of which ``kept`` is now the main person or already a member drops the old membership.
    redundant = Q(followup__person=kept) | Q(followup__household_members=kept)
    memberships.filter(person=merged).filter(redundant).delete()
    memberships.filter(person=merged).update(person=kept)

    completed = {}
    for name in PERSON_FIELDS:
        if name == "is_anonymous":
            continue
        current, other = getattr(kept, name), getattr(merged, name)
        field = Person._meta.get_field(name)
        blank = current in ("", None) or (field.choices and current in ("unknown",))
        if blank and other not in ("", None, "unknown"):
            completed[name] = other
    if completed:
        values = _person_values({**{name: getattr(kept, name) for name in PERSON_FIELDS}, **completed})
        if completed.keys() & {"last_name", "first_name", "birth_name"}:
            values["is_anonymous"] = False
        Person.objects.filter(pk=kept.pk).update(**values, version=F("version") + 1)
    Person.objects.filter(pk=merged.pk).update(merged_into=kept, merged_at=timezone.now(), version=F("version") + 1)
    logger.info("Person %s merged into %s", merged.public_id, kept.public_id)
    kept.refresh_from_db()
    return kept


# ---- Follow-ups ---------------------------------------------------------------------------------


def _check_same_post(*, post: Post, person: Person) -> None:
    if person.post_id != post.pk:
        raise ValidationError(_("This person belongs to another post."))
    if person.is_merged:
        raise ValidationError(_("This record was merged into another one: use that one."))


@transaction.atomic
def followup_open(
    *,
    post: Post,
    person: Person,
    by: User,
    person_role: str = FollowUpRole.VICTIM,
    problems: Iterable[Problem] = (),
    opened_on: datetime.date | None = None,
    assigned_to: User | None = None,
) -> FollowUp:
    _check_same_post(post=post, person=person)
    followup = FollowUp.objects.create(
        post=post,
        person=person,
        person_role=person_role,
        opened_on=opened_on or timezone.localdate(),
        assigned_to=assigned_to or by,
        created_by=by,
    )
    followup.problems.set(problems)
    logger.info("Follow-up %s opened", followup.public_id)
    return followup


def person_data_from_referral(referral_person: ReferralPerson) -> dict:
    """What a referral says of a person, as Person fields (the age becomes an age class)."""
    return {
        "last_name": referral_person.last_name,
        "first_name": referral_person.first_name,
        "sex": referral_person.sex,
        "birth_date": referral_person.birth_date,
        "age_class": age_class_for(referral_person.age),
        "safe_phone": referral_person.safe_phone,
        "safe_email": referral_person.safe_email,
        "best_time": referral_person.best_time,
    }


@transaction.atomic
def followup_link_referral(*, followup: FollowUp, referral: Referral, by: User) -> FollowUp:
    """Attach a referral to a follow-up, taking it up in the referral workflow when still open."""
    if FollowUpReferral.objects.filter(referral=referral).exists():
        raise TransitionError(_("Referral %(number)s is already linked to a follow-up.") % {"number": referral.number})
    if referral.status == ReferralStatus.SUBMITTED:
        referral_services.referral_mark_received(referral=referral, by=by)
    if referral.status != ReferralStatus.TAKEN_UP:  # already taken up from the referral page: only link it
        referral_services.referral_take_up(referral=referral, by=by)
    FollowUpReferral.objects.create(followup=followup, referral=referral, linked_by=by)
    followup.problems.add(*referral.problems.all())
    FollowUp.objects.filter(pk=followup.pk).update(version=F("version") + 1)
    logger.info("Referral %s linked to follow-up %s", referral.number, followup.public_id)
    return followup


def _post_of(*, user: User, referral: Referral) -> Post:
    today = timezone.localdate()
    posts = list(
        Post.objects.active_on(today)
        .filter(pk__in=Post.objects.covering(referral.unit, today).values("pk"))
        .filter(assignments__in=PostAssignment.objects.current(today).filter(user=user))
        .distinct()[:2]
    )
    if len(posts) != 1:
        raise TransitionError(_("Choose the post that takes this referral up."))
    return posts[0]


@transaction.atomic
def followup_open_from_referral(
    *,
    referral: Referral,
    by: User,
    post: Post | None = None,
    person: Person | None = None,
    referral_person: ReferralPerson | None = None,
    person_role: str | None = None,
) -> FollowUp:
    """Take a referral up: the person is an existing record of the post, or created from the referral's
    person. When that person already has an open follow-up in the post, the referral joins it;
    otherwise a follow-up is opened. Without ``post``, the post ``by`` holds that covers the referral's
    unit (or the person's post). Raises TransitionError (a message for the user) when the referral
    cannot be taken up."""
    if post is None:
        post = person.post if person is not None else _post_of(user=by, referral=referral)
    if not Post.objects.covering(referral.unit).filter(pk=post.pk).exists():
        raise TransitionError(_("This referral comes from a unit your post does not cover."))
    if person is None:
        if referral_person is None or referral_person.referral_id != referral.pk:
            raise ValidationError(_("Choose the person concerned."))
        person = person_create(post=post, by=by, **person_data_from_referral(referral_person))
    _check_same_post(post=post, person=person)
    if person_role is None:
        role = referral_person.role if referral_person is not None else PersonRole.VICTIM
        person_role = FOLLOWUP_ROLE_OF_REFERRAL_ROLE.get(role, FollowUpRole.OTHER)
    followup = FollowUp.objects.open().filter(post=post, person=person).order_by("-opened_on", "-pk").first()
    if followup is None:
        followup = followup_open(
            post=post, person=person, by=by, person_role=person_role, opened_on=timezone.localdate()
        )
    followup_link_referral(followup=followup, referral=referral, by=by)
    _add_referral_household(followup=followup, referral=referral, main=referral_person, by=by)
    return followup


# Referral persons who join the household of the follow-up opened from the referral. The accused and
# the witnesses do not: the household is the people the ISCG supports with the main person.
HOUSEHOLD_ROLES = (PersonRole.HOUSEHOLD_CHILD, PersonRole.OTHER)


def _add_referral_household(
    *, followup: FollowUp, referral: Referral, main: ReferralPerson | None, by: User
) -> list[Person]:
    """The referral's children and other persons join the follow-up's household: a record of the post
    that matches them (same names and birth date, or same safe phone) is reused, otherwise one is
    created from the referral."""
    added = []
    members = set(followup.household_members.values_list("pk", flat=True)) | {followup.person_id}
    others = referral.persons.filter(role__in=HOUSEHOLD_ROLES).order_by("pk")
    if main is not None:
        others = others.exclude(pk=main.pk)
    for referral_person in others:
        data = person_data_from_referral(referral_person)
        person = person_find_duplicates(
            post=followup.post,
            last_name=data["last_name"],
            first_name=data["first_name"],
            birth_date=data["birth_date"],
            safe_phone=data["safe_phone"],
        ).first()
        if person is None:
            person = person_create(post=followup.post, by=by, **data)
        if person.pk in members:
            continue
        followup.household_members.add(person)
        members.add(person.pk)
        added.append(person)
    if added:
        FollowUp.objects.filter(pk=followup.pk).update(version=F("version") + 1)
        logger.info("%s household member(s) added to follow-up %s from its referral", len(added), followup.public_id)
    return added


@transaction.atomic
def followup_update(
    *,
    followup: FollowUp,
    version: int,
    by: User,
    person_role: str,
    problems: Iterable[Problem],
    assigned_to: User | None,
) -> FollowUp:
    values = {"person_role": person_role, "assigned_to": assigned_to}
    followup = _save_with_version(followup, version=version, values=values, many={"problems": list(problems)})
    logger.info("Follow-up %s updated", followup.public_id)
    return followup


def _lock_followup(followup: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().get(pk=followup.pk)


# What becomes of the planned appointments of a follow-up being closed.
PLANNED_CANCEL, PLANNED_KEEP = "cancel", "keep"


@transaction.atomic
def followup_close(
    *,
    followup: FollowUp,
    by: User,
    reason: str,
    closed_on: datetime.date | None = None,
    planned: str | None = None,
) -> FollowUp:
    """Close a follow-up. When it still has planned appointments, ``planned`` says what becomes of them
    (PLANNED_CANCEL: cancelled; PLANNED_KEEP: kept in the agenda): without it the follow-up is not closed,
    so that no appointment survives silently in the agenda and its calendar feed."""
    locked = _lock_followup(followup)
    if not locked.is_open:
        raise TransitionError(_("This follow-up is already closed."))
    if reason not in FollowUpClosingReason.values:
        raise TransitionError(_("Choose a reason to close this follow-up."))
    closed_on = closed_on or timezone.localdate()
    if closed_on < locked.opened_on:
        raise TransitionError(_("A follow-up cannot be closed before it was opened."))
    appointments = list(Intervention.objects.filter(followup=locked).planned().order_by("starts_at", "pk"))
    if appointments and planned not in (PLANNED_CANCEL, PLANNED_KEEP):
        raise TransitionError(_("Say what becomes of the planned appointments of this follow-up."))
    if appointments and planned == PLANNED_CANCEL:
        for appointment in appointments:
            Intervention.objects.filter(pk=appointment.pk).update(
                status=InterventionStatus.CANCELLED, version=F("version") + 1, updated_at=timezone.now()
            )
            _record_history(appointment, Intervention.objects.get(pk=appointment.pk))
        logger.info("%s planned appointment(s) of follow-up %s cancelled", len(appointments), locked.public_id)
    FollowUp.objects.filter(pk=locked.pk).update(
        closed_on=closed_on, closing_reason=reason, version=F("version") + 1, updated_at=timezone.now()
    )
    followup.refresh_from_db()
    _record_history(locked, followup)
    logger.info("Follow-up %s closed (%s)", followup.public_id, reason)
    return followup


@transaction.atomic
def followup_reopen(*, followup: FollowUp, by: User) -> FollowUp:
    locked = _lock_followup(followup)
    if locked.is_open:
        raise TransitionError(_("This follow-up is already open."))
    FollowUp.objects.filter(pk=locked.pk).update(
        closed_on=None, closing_reason="", version=F("version") + 1, updated_at=timezone.now()
    )
    followup.refresh_from_db()
    _record_history(locked, followup)
    logger.info("Follow-up %s reopened", followup.public_id)
    return followup


@transaction.atomic
def followup_add_member(*, followup: FollowUp, person: Person, by: User) -> FollowUp:
    """Add another member of the household (a person of the same post) to the follow-up."""
    _check_same_post(post=followup.post, person=person)
    if person.pk == followup.person_id:
        raise ValidationError(_("This person is already the main person of the follow-up."))
    followup.household_members.add(person)
    FollowUp.objects.filter(pk=followup.pk).update(version=F("version") + 1)
    logger.info("Household member added to follow-up %s", followup.public_id)
    return followup


# ---- Interventions ------------------------------------------------------------------------------


def _check_intervention(values: Mapping) -> None:
    if (
        values.get("status") == InterventionStatus.HELD
        and values.get("starts_at")
        and values["starts_at"] > (timezone.now() + datetime.timedelta(minutes=5))
    ):
        raise ValidationError({"status": _("An intervention in the future can only be planned.")})


@transaction.atomic
def intervention_record(*, followup: FollowUp, by: User, **data) -> Intervention:
    """Record an intervention held (or not honoured, cancelled), or plan one."""
    values = {name: data[name] for name in INTERVENTION_FIELDS if name in data}
    _check_intervention(values)
    intervention = Intervention.objects.create(followup=followup, author=by, **values)
    logger.info("Intervention %s recorded on follow-up %s", intervention.public_id, followup.public_id)
    return intervention


@transaction.atomic
def intervention_update(*, intervention: Intervention, version: int, by: User, **data) -> Intervention:
    """Edit an intervention. Only its author may change its private note: for anyone else the note
    is left as it is (they never see it)."""
    values = {name: data[name] for name in INTERVENTION_FIELDS if name in data}
    if by.pk != intervention.author_id:
        values.pop("private_note", None)
    _check_intervention(values)
    intervention = _save_with_version(intervention, version=version, values=values)
    logger.info("Intervention %s updated", intervention.public_id)
    return intervention


# ---- Assessments --------------------------------------------------------------------------------


@transaction.atomic
def assessment_record(
    *,
    followup: FollowUp,
    by: User,
    problems: Iterable[Problem],
    violence_forms: Iterable[ViolenceForm] = (),
    **data,
) -> Assessment:
    """Record a social assessment; its problems join the follow-up's."""
    problems = list(problems)
    values = {name: data[name] for name in ASSESSMENT_FIELDS if name in data}
    assessment = Assessment.objects.create(followup=followup, author=by, **values)
    assessment.problems.set(problems)
    assessment.violence_forms.set(violence_forms)
    followup.problems.add(*problems)
    logger.info("Assessment %s recorded on follow-up %s", assessment.public_id, followup.public_id)
    return assessment


# ---- Orientations -------------------------------------------------------------------------------


def _check_orientation(values: Mapping) -> None:
    status, outcome_on = values.get("status"), values.get("outcome_on")
    if status in OUTCOME_STATUSES and outcome_on is None:
        values["outcome_on"] = timezone.localdate()
    if status not in OUTCOME_STATUSES:
        values["outcome_on"] = None
    if values["outcome_on"] and values.get("oriented_on") and values["outcome_on"] < values["oriented_on"]:
        raise ValidationError({"outcome_on": _("The outcome cannot be dated before the orientation.")})


@transaction.atomic
def orientation_record(*, followup: FollowUp, by: User, **data) -> Orientation:
    """Record an orientation to a partner (or partner type) or a child-protection transmission."""
    values = {name: data[name] for name in ORIENTATION_FIELDS if name in data}
    values.setdefault("status", OrientationStatus.PROPOSED)
    values.setdefault("oriented_on", timezone.localdate())
    _check_orientation(values)
    if values.get("partner") is not None and values["partner"].department_id != followup.post.department_id:
        raise ValidationError({"partner": _("Choose a partner of the post's department.")})
    orientation = Orientation.objects.create(followup=followup, author=by, **values)
    logger.info("Orientation %s recorded on follow-up %s", orientation.public_id, followup.public_id)
    return orientation


@transaction.atomic
def orientation_update_status(
    *,
    orientation: Orientation,
    version: int,
    by: User,
    status: str,
    outcome_on: datetime.date | None = None,
) -> Orientation:
    """Follow an orientation to its outcome, along the allowed transitions."""
    current = Orientation.objects.select_for_update().get(pk=orientation.pk)  # the saved status, not the form's
    if status != current.status and not can_transition(current.status, status):
        raise TransitionError(
            _("This orientation is “%(status)s”: it cannot become “%(target)s”.")
            % {"status": current.get_status_display(), "target": OrientationStatus(status).label}
        )
    values = {"status": status, "outcome_on": outcome_on, "oriented_on": current.oriented_on}
    _check_orientation(values)
    del values["oriented_on"]
    orientation = _save_with_version(orientation, version=version, values=values)
    logger.info("Orientation %s is now %s", orientation.public_id, status)
    return orientation
