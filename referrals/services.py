"""Every write of the referrals app: filing, the workflow transitions and the notification."""

import datetime
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import User
from background.outbox import queue_email
from organisation.enums import Force
from organisation.models import Post, PostAssignment, Unit
from referrals.danger import evaluate_danger
from referrals.enums import Answer, FilledBy, ReferralClosingReason, ReferralStatus, Source, can_transition
from referrals.models import (
    DangerAnswer,
    DangerAssessment,
    GridItem,
    GridVersion,
    Problem,
    Referral,
    ReferralAddendum,
    ReferralNumberSequence,
    ReferralPerson,
    is_minor,
)

logger = logging.getLogger(__name__)


class TransitionError(Exception):
    """An impossible workflow transition; its message is for the user (views show it, never a 500)."""


# ---- Numbers and checks -------------------------------------------------------------------------


def _next_number(*, unit: Unit, on: datetime.date) -> str:
    """2026-80-000123: year, department code and a per-department, per-year sequence."""
    sequence, _created = ReferralNumberSequence.objects.get_or_create(department_id=unit.department_id, year=on.year)
    # The UPDATE locks the row until the transaction ends, so two referrals never share a number.
    ReferralNumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    sequence.refresh_from_db(fields=["last_value"])
    return f"{on.year}-{unit.department.code}-{sequence.last_value:06d}"


def agreement_is_required(*, source: str, persons: Iterable[Mapping], on: datetime.date) -> bool:
    """The person's agreement is required unless someone concerned is a minor or the ISCG screened it."""
    if source == Source.SCREENING:
        return False
    return not any(
        is_minor(role=person.get("role"), birth_date=person.get("birth_date"), age=person.get("age"), on=on)
        for person in persons
    )


def check_agreement(*, source: str, persons: Iterable[Mapping], has_agreement: bool, on: datetime.date) -> None:
    """Raise a ValidationError on ``has_agreement`` when the agreement is missing and required."""
    if not has_agreement and agreement_is_required(source=source, persons=persons, on=on):
        raise ValidationError(
            {
                "has_agreement": _(
                    "The person's agreement to be contacted is required, unless they are a minor "
                    "or the referral comes from screening."
                )
            }
        )


def filled_by_kind_for(*, user: User, unit: Unit) -> str:
    if user.role == Role.ISCG:
        return FilledBy.ISCG
    return FilledBy.GENDARMERIE if unit.force == Force.GENDARMERIE else FilledBy.POLICE


def _check_grid(*, version: GridVersion, answers: Mapping[int, str]) -> list[GridItem]:
    items = list(version.items.order_by("position"))
    missing = [item for item in items if answers.get(item.pk) not in Answer.values]
    if missing:
        raise ValidationError(_("Answer every question of the danger grid, or leave the whole grid empty."))
    return items


# ---- Filing -------------------------------------------------------------------------------------


@transaction.atomic
def referral_file(
    *,
    author: User,
    unit: Unit,
    idempotency_key: uuid.UUID,
    source: str,
    urgency: str,
    description: str,
    has_agreement: bool,
    persons: Sequence[Mapping],
    problems: Iterable[Problem] = (),
    referred_at: datetime.datetime | None = None,
    facts_at: datetime.datetime | None = None,
    children_count: int | None = None,
    callback_contact: str = "",
    grid_version: GridVersion | None = None,
    grid_answers: Mapping[int, str] | None = None,
    notify: bool = True,
) -> tuple[Referral, bool]:
    """File a referral; returns (referral, created). Submitting the same form twice (same idempotency
    key) returns the referral filed the first time and changes nothing. ``notify=False`` (demo data,
    imports) sends no e-mail."""
    existing = Referral.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.author_id != author.pk:
            raise ValidationError(_("This form has already been used. Reload the page to file a new referral."))
        return existing, False

    referred_at = referred_at or timezone.now()
    on = timezone.localdate(referred_at)
    check_agreement(source=source, persons=persons, has_agreement=has_agreement, on=on)
    grid_items = None
    if grid_answers:
        grid_version = grid_version or GridVersion.objects.get(is_current=True)
        grid_items = _check_grid(version=grid_version, answers=grid_answers)

    referral = Referral(
        unit=unit,
        author=author,
        idempotency_key=idempotency_key,
        source=source,
        urgency=urgency,
        description=description,
        has_agreement=has_agreement,
        referred_at=referred_at,
        facts_at=facts_at,
        children_count=children_count,
        callback_contact=callback_contact,
        status=ReferralStatus.SUBMITTED,
        status_changed_at=referred_at,
        number=_next_number(unit=unit, on=on),
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        # A concurrent submission of the same form won the race: answer with its referral.
        existing = Referral.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False

    referral.problems.set(problems)
    ReferralPerson.objects.bulk_create(ReferralPerson(referral=referral, **person) for person in persons)
    if grid_items is not None:
        danger_assessment_record(
            referral=referral,
            by=author,
            version=grid_version,
            answers=grid_answers,
            filled_by_kind=filled_by_kind_for(user=author, unit=unit),
            filled_at=referred_at,
            items=grid_items,
        )
    logger.info("Referral %s filed for unit %s", referral.number, unit.pk)
    if notify:
        referral_notify_new(referral=referral)
    return referral, True


@transaction.atomic
def danger_assessment_record(
    *,
    referral: Referral,
    by: User,
    version: GridVersion,
    answers: Mapping[int, str],
    filled_by_kind: str,
    filled_at: datetime.datetime | None = None,
    items: list | None = None,
) -> DangerAssessment:
    """Record a complete danger grid; the counts and the outcome come from referrals.danger."""
    items = items if items is not None else _check_grid(version=version, answers=answers)
    outcome = evaluate_danger(
        ((answers[item.pk], item.is_red) for item in items),
        yes_threshold=version.yes_threshold,
        red_threshold=version.red_threshold,
    )
    assessment = DangerAssessment.objects.create(
        referral=referral,
        version=version,
        filled_by_kind=filled_by_kind,
        filled_by=by,
        filled_at=filled_at or timezone.now(),
        yes_count=outcome.yes_count,
        red_yes_count=outcome.red_yes_count,
        is_danger=outcome.is_danger,
    )
    DangerAnswer.objects.bulk_create(
        DangerAnswer(assessment=assessment, item=item, answer=answers[item.pk], is_red=item.is_red) for item in items
    )
    return assessment


# ---- Workflow -----------------------------------------------------------------------------------


_NOW = object()  # placeholder for "the time of the transition" in _transition's changes


def _lock(referral: Referral) -> Referral:
    """Re-read the row under lock so that two clicks cannot both apply a transition."""
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _transition(referral: Referral, target: str, **changes) -> Referral:
    locked = _lock(referral)
    if not can_transition(locked.status, target):
        raise TransitionError(
            _("This referral is “%(status)s”: it cannot become “%(target)s”.")
            % {"status": locked.get_status_display(), "target": ReferralStatus(target).label}
        )
    now = timezone.now()
    locked.status = target
    locked.status_changed_at = now
    for name, value in changes.items():
        setattr(locked, name, now if value is _NOW else value)
    locked.save()
    for name in ("status", "status_changed_at", *changes):
        setattr(referral, name, getattr(locked, name))
    return referral


@transaction.atomic
def referral_mark_received(*, referral: Referral, by: User) -> Referral:
    referral = _transition(referral, ReferralStatus.RECEIVED, received_at=_NOW, received_by=by)
    logger.info("Referral %s received", referral.number)
    return referral


@transaction.atomic
def referral_take_up(*, referral: Referral, by: User) -> Referral:
    """Record the decision to take the situation up (follow-ups arrive with the casework app)."""
    referral = _transition(referral, ReferralStatus.TAKEN_UP, taken_up_at=_NOW, taken_up_by=by)
    logger.info("Referral %s taken up", referral.number)
    return referral


@transaction.atomic
def referral_close_without_followup(*, referral: Referral, by: User, reason: str) -> Referral:
    if reason not in ReferralClosingReason.values:
        raise TransitionError(_("Choose a reason to close this referral."))
    referral = _transition(referral, ReferralStatus.CLOSED, closed_at=_NOW, closed_by=by, closing_reason=reason)
    logger.info("Referral %s closed without follow-up (%s)", referral.number, reason)
    return referral


@transaction.atomic
def referral_withdraw(*, referral: Referral, by: User) -> Referral:
    """The police author withdraws a referral filed by mistake: it is kept, marked withdrawn."""
    if referral.author_id != by.pk:
        raise TransitionError(_("Only the author of a referral can withdraw it."))
    referral = _transition(referral, ReferralStatus.WITHDRAWN, withdrawn_at=_NOW, withdrawn_by=by)
    logger.info("Referral %s withdrawn", referral.number)
    return referral


@transaction.atomic
def referral_add_information(*, referral: Referral, by: User, text: str) -> ReferralAddendum:
    """The police add information to a referral they can see; the post's ISCG are told (no personal data)."""
    if referral.status == ReferralStatus.WITHDRAWN:
        raise TransitionError(_("This referral was withdrawn: information can no longer be added to it."))
    addendum = ReferralAddendum.objects.create(referral=referral, author=by, text=text)
    logger.info("Referral %s: information added", referral.number)
    referral_notify_new(referral=referral, update=True)
    return addendum


# ---- Notification -------------------------------------------------------------------------------


def iscg_recipients(*, unit: Unit) -> list[str]:
    """E-mail addresses of the ISCG currently holding a post that covers the unit."""
    today = timezone.localdate()
    assignments = (
        PostAssignment.objects.current(today)
        .filter(post__in=Post.objects.covering(unit, today), user__is_active=True, post__starts_on__lte=today)
        .filter(Q(post__ends_on__isnull=True) | Q(post__ends_on__gte=today))
    )
    return sorted(set(assignments.values_list("user__email", flat=True)))


def referral_notify_new(*, referral: Referral, update: bool = False) -> int:
    """Tell the post's ISCG a referral arrived (or received new information), without any personal data:
    number, urgency, link. An ISCG who recorded the referral themselves is not told about it. The
    messages are queued in the caller's transaction (background.outbox) and sent by the worker."""
    recipients = [email for email in iscg_recipients(unit=referral.unit) if email != referral.author.email]
    if not recipients:
        logger.warning("Referral %s: no ISCG to notify for unit %s", referral.number, referral.unit_id)
        return 0
    link = settings.SITE_URL + reverse("referrals:detail", kwargs={"public_id": referral.public_id})
    context = {"number": referral.number, "urgency": referral.get_urgency_display(), "link": link}
    if update:
        subject = _("New information on referral %(number)s — urgency: %(urgency)s") % context
        intro = _("The police added information to a referral of a unit your post covers.")
    else:
        subject = _("New referral %(number)s — urgency: %(urgency)s") % context
        intro = _("A new referral has been filed for a unit your post covers.")
    body = _(
        "%(intro)s\n\n"
        "Number: %(number)s\nUrgency: %(urgency)s\n\n"
        "Sign in to read it: %(link)s\n\n"
        "This message carries no personal data on purpose. Do not forward it."
    ) % {**context, "intro": intro}
    return len(queue_email(to=recipients, subject=subject, body=body))
