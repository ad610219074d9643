import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from referrals.enums import Sex  # one list of sexes for referrals and casework

__all__ = [
    "AgeClass",
    "FamilySituation",
    "FollowUpClosingReason",
    "FollowUpRole",
    "InterventionKind",
    "InterventionStatus",
    "KnownToSocialServices",
    "OrientationKind",
    "OrientationStatus",
    "Place",
    "RiskLevel",
    "Sex",
]


class AgeClass(models.TextChoices):
    """docs/domain.md §6: the age classes of every bilan."""

    AGE_0_10 = "0_10", _("0 to 10")
    AGE_11_14 = "11_14", _("11 to 14")
    AGE_15_17 = "15_17", _("15 to 17")
    AGE_18_25 = "18_25", _("18 to 25")
    AGE_26_40 = "26_40", _("26 to 40")
    AGE_41_60 = "41_60", _("41 to 60")
    AGE_61_74 = "61_74", _("61 to 74")
    AGE_75_PLUS = "75_plus", _("75 and over")
    UNKNOWN = "unknown", _("Not stated")


# (upper bound of the class, inclusive; class), youngest first.
AGE_CLASS_BOUNDS = [
    (10, AgeClass.AGE_0_10),
    (14, AgeClass.AGE_11_14),
    (17, AgeClass.AGE_15_17),
    (25, AgeClass.AGE_18_25),
    (40, AgeClass.AGE_26_40),
    (60, AgeClass.AGE_41_60),
    (74, AgeClass.AGE_61_74),
]


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_class_for(age: int | None) -> str:
    if age is None or age < 0:
        return AgeClass.UNKNOWN
    for upper, age_class in AGE_CLASS_BOUNDS:
        if age <= upper:
            return age_class
    return AgeClass.AGE_75_PLUS


class FamilySituation(models.TextChoices):
    SINGLE = "single", _("Single")
    COUPLE = "couple", _("In a couple")
    SEPARATED = "separated", _("Separated or divorced")
    WIDOWED = "widowed", _("Widowed")
    SINGLE_PARENT = "single_parent", _("Single parent")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not stated")


class KnownToSocialServices(models.TextChoices):
    """At first contact: the share of people *unknown* to social services is a headline figure."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Does not know")


class FollowUpRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    ACCUSED = "accused", _("Accused")
    BOTH = "both", _("Both")
    OTHER = "other", _("Other")


class FollowUpClosingReason(models.TextChoices):
    HANDED_OVER = "handed_over", _("Handed over to another service")
    RESOLVED = "resolved", _("Situation resolved")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    REFUSED = "refused", _("Refused by the person")
    MOVED = "moved", _("Moved away")


class InterventionKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    PHONE_CALL = "phone_call", _("Phone call")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")
    HOME_VISIT = "home_visit", _("Home visit")
    WRITTEN = "written", _("Written correspondence")
    THIRD_PARTY = "third_party", _("Contact with a third party")


class Place(models.TextChoices):
    POLICE_STATION = "police_station", _("Police station")
    GENDARMERIE = "gendarmerie", _("Gendarmerie brigade")
    TOWN_HALL = "town_hall", _("Town hall or CCAS")
    # "Home" alone is the home page's entry (« Accueil »): the place is the person's home.
    HOME = "home", pgettext_lazy("intervention place", "Home")
    OUTSIDE = "outside", _("Other outside place")
    REMOTE = "remote", _("Remote")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "done", _("Held")
    NO_SHOW = "no_show", _("Not honoured")
    CANCELLED = "cancelled", _("Cancelled")


class RiskLevel(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not assessed")
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")


class OrientationKind(models.TextChoices):
    ORIENTATION = "orientation", _("Orientation to a partner")
    CONCERN_REPORT = "concern_report", _("Information of concern (CRIP)")
    PROSECUTOR_REPORT = "prosecutor_report", _("Report to the prosecutor")


CHILD_PROTECTION_KINDS = (OrientationKind.CONCERN_REPORT, OrientationKind.PROSECUTOR_REPORT)


class OrientationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DONE = "done", _("Done")
    REFUSED_BY_PERSON = "refused_by_person", _("Refused by the person")
    REFUSED_BY_PARTNER = "refused_by_partner", _("Refused by the partner")
    NO_NEWS = "no_news", _("No news")


# An orientation has an outcome date once it reaches one of these statuses.
OUTCOME_STATUSES = (
    OrientationStatus.DONE,
    OrientationStatus.REFUSED_BY_PERSON,
    OrientationStatus.REFUSED_BY_PARTNER,
    OrientationStatus.NO_NEWS,
)

# The allowed transitions of an orientation: one service, orientation_update_status, walks them.
ORIENTATION_TRANSITIONS: dict[str, frozenset[str]] = {
    OrientationStatus.PROPOSED: frozenset(
        {
            OrientationStatus.ACCEPTED,
            OrientationStatus.DONE,
            OrientationStatus.REFUSED_BY_PERSON,
            OrientationStatus.REFUSED_BY_PARTNER,
            OrientationStatus.NO_NEWS,
        }
    ),
    OrientationStatus.ACCEPTED: frozenset(
        {OrientationStatus.DONE, OrientationStatus.REFUSED_BY_PARTNER, OrientationStatus.NO_NEWS}
    ),
    OrientationStatus.NO_NEWS: frozenset({OrientationStatus.ACCEPTED, OrientationStatus.DONE}),
    OrientationStatus.DONE: frozenset(),
    OrientationStatus.REFUSED_BY_PERSON: frozenset(),
    OrientationStatus.REFUSED_BY_PARTNER: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in ORIENTATION_TRANSITIONS.get(current, frozenset())
