from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """How the situation reached the ISCG (docs/domain.md §3)."""

    COMPLAINT = "complaint", _("Complaint")
    LOGBOOK = "logbook", _("Logbook entry (main courante)")
    CALL_OUT = "call_out", _("Call-out at home or in a public place")
    SCREENING = "screening", _("Screening by the ISCG (logbook, intervention reports)")
    PARTNER = "partner", _("Social service or partner")
    SELF_REFERRAL = "self_referral", _("The person came or called on their own")
    OTHER = "other", _("Other")


# Channels a police officer or gendarme may choose: screening is the ISCG's own work.
POLICE_SOURCES = [choice for choice in Source.choices if choice[0] != Source.SCREENING]


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    WITHIN_48H = "within_48h", _("Within 48 hours")
    NORMAL = "normal", _("Normal")


# Triage order: the lower, the sooner.
URGENCY_RANK = {Urgency.IMMEDIATE: 0, Urgency.WITHIN_48H: 1, Urgency.NORMAL: 2}


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received")
    TAKEN_UP = "taken_up", _("Taken up")
    CLOSED = "closed", _("Closed without follow-up")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The allowed transitions of the referral workflow: one service per arrow (referrals.services).
TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.SUBMITTED: frozenset({ReferralStatus.RECEIVED, ReferralStatus.WITHDRAWN}),
    ReferralStatus.RECEIVED: frozenset({ReferralStatus.TAKEN_UP, ReferralStatus.CLOSED, ReferralStatus.WITHDRAWN}),
    ReferralStatus.TAKEN_UP: frozenset(),
    ReferralStatus.CLOSED: frozenset(),
    ReferralStatus.WITHDRAWN: frozenset(),
}

# Statuses the ISCG still have to act upon (the navigation badge counts SUBMITTED only).
OPEN_STATUSES = (ReferralStatus.SUBMITTED, ReferralStatus.RECEIVED)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


class ReferralClosingReason(models.TextChoices):
    UNREACHABLE = "unreachable", _("Person unreachable")
    REFUSED = "refused", _("Refused by the person")
    OUT_OF_SCOPE = "out_of_scope", _("Outside the ISCG's remit")
    REDIRECTED = "redirected", _("Redirected without contact")
    DUPLICATE = "duplicate", _("Duplicate")


class PersonRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    ACCUSED = "accused", _("Accused")
    WITNESS = "witness", _("Witness")
    HOUSEHOLD_CHILD = "household_child", _("Child of the household")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not stated")


class GridPart(models.TextChoices):
    VICTIM = "victim", _("The victim")
    AUTHOR = "author", _("The author")
    CONTEXT = "context", _("The context")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_ASKED = "not_asked", _("Not asked")


class FilledBy(models.TextChoices):
    POLICE = "police", _("Police")
    GENDARMERIE = "gendarmerie", _("Gendarmerie")
    ISCG = "iscg", _("ISCG")
