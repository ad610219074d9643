"""Marker strings planted in every sensitive text of side A (notes, summaries, needs, grid, safe contacts)."""

from casework.models import Intervention, Person
from referrals.enums import Answer, FilledBy, GridPart
from referrals.models import DangerAnswer, DangerAssessment, GridItem, GridVersion, Referral, ReferralAddendum
from tests.casework.factories import AssessmentFactory

MARKERS = {
    "summary": "CANARYSUMMARYq7w1",
    "private_note": "CANARYNOTEz9x2",
    "needs": "CANARYNEEDSk3v8",
    "risk_comment": "CANARYRISKp5m4",
    "description": "CANARYDESCRIPTIONt6n3",
    "addendum": "CANARYADDENDUMh2c7",
    "grid_item": "CANARYGRIDITEMr8b5",
    "person_email": "canarypersonj4f6@example.org",
    "person_best_time": "CANARYBESTTIMEy1d9",
    "referral_person_email": "canaryreferralg7s3@example.org",
    "referral_person_best_time": "CANARYREFBESTu3e8",
}
PHONES = {"person_phone": "06 13 57 92 46", "referral_person_phone": "07 24 68 13 57"}
# Every form a leaked phone could take on a page.
NEEDLES = [*MARKERS.values(), *PHONES.values(), *(phone.replace(" ", "") for phone in PHONES.values())]
# The admin manages the grid's questions (reference data): a question's text is no secret there, its
# answer in a filled grid is. Pages where the grid marker is expected.
GRID_REFERENCE_PAGES = {"admin:referrals.GridVersion", "admin:referrals.GridItem"}


def plant(world) -> None:
    a = world.a
    Intervention.objects.filter(pk=a.intervention.pk).update(
        summary=MARKERS["summary"], private_note=MARKERS["private_note"]
    )
    AssessmentFactory(followup=a.followup, needs=MARKERS["needs"], risk_comment=MARKERS["risk_comment"])
    Person.objects.filter(pk=a.person.pk).update(
        safe_phone=PHONES["person_phone"],
        safe_email=MARKERS["person_email"],
        best_time=MARKERS["person_best_time"],
    )
    Referral.objects.filter(pk=a.referral.pk).update(description=MARKERS["description"])
    a.referral.persons.update(
        safe_phone=PHONES["referral_person_phone"],
        safe_email=MARKERS["referral_person_email"],
        best_time=MARKERS["referral_person_best_time"],
    )
    ReferralAddendum.objects.create(referral=a.referral, author=a.officer, text=MARKERS["addendum"])
    # A filled grid of a version of its own, whose question is the marker: any page that shows the
    # filled grid (question and answer) shows the marker.
    version = GridVersion.objects.create(name="canary", is_current=False)
    item = GridItem.objects.create(version=version, part=GridPart.VICTIM, position=1, text=MARKERS["grid_item"])
    grid = DangerAssessment.objects.create(
        referral=a.referral,
        version=version,
        filled_by_kind=FilledBy.POLICE,
        filled_by=a.officer,
        yes_count=1,
        red_yes_count=0,
        is_danger=False,
    )
    DangerAnswer.objects.create(assessment=grid, item=item, answer=Answer.YES, is_red=False)


# The author of a referral re-reads what they filed (issue 17): on that page, and for them only, the
# referral's own texts are expected; nothing the ISCG recorded ever is.
AUTHOR_PAGES = {"referrals:filed"}
OWN_FILING = {
    MARKERS["description"],
    MARKERS["addendum"],
    MARKERS["referral_person_email"],
    MARKERS["referral_person_best_time"],
    PHONES["referral_person_phone"],
    PHONES["referral_person_phone"].replace(" ", ""),
}


def leaks(text: str, *, url_name: str, is_author: bool = False) -> list[str]:
    found = [needle for needle in NEEDLES if needle in text]
    if url_name in GRID_REFERENCE_PAGES and MARKERS["grid_item"] in found:
        found.remove(MARKERS["grid_item"])
    if is_author and url_name in AUTHOR_PAGES:
        found = [needle for needle in found if needle not in OWN_FILING]
    return found
