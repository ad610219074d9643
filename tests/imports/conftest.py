"""Import fixtures: a source post full of history (department 80) and an empty target post
(department 42) covering units and holding a partner of the same names, with its ISCG."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from casework.enums import (
    AgeClass,
    FollowUpClosingReason,
    FollowUpRole,
    InterventionKind,
    InterventionStatus,
    KnownToSocialServices,
    OrientationStatus,
    Place,
    Sex,
)
from casework.models import FollowUpReferral, ViolenceForm
from imports import services
from organisation.models import PartnerType
from referrals.enums import ReferralClosingReason, Source, Urgency
from referrals.models import Problem
from tests.accounts.factories import UserFactory
from tests.casework.factories import (
    AssessmentFactory,
    FollowUpFactory,
    InterventionFactory,
    OrientationFactory,
    PersonFactory,
)
from tests.organisation.factories import PartnerFactory, PostAssignmentFactory, PostFactory, UnitFactory, department
from tests.referrals.factories import ReferralFactory

UNIT_NAMES = ("Commissariat de l'Étang", "Brigade des Tilleuls")
PARTNER_NAME = "CIDFF de la Côte"


def at(day: str, clock: str = "12:00") -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{clock}"))


def make_post(code: str, name: str):
    dep = department(code)
    units = [
        UnitFactory(department=dep, name=UNIT_NAMES[0]),
        UnitFactory(department=dep, name=UNIT_NAMES[1], brigade=True),
    ]
    post = PostFactory(department=dep, name=name, units=units)
    iscg = UserFactory(iscg=True, email=f"iscg.import.{code}@test.example")
    PostAssignmentFactory(post=post, user=iscg)
    partner = PartnerFactory(department=dep, name=PARTNER_NAME)
    return SimpleNamespace(department=dep, units=units, post=post, iscg=iscg, partner=partner)


def build_history(side) -> SimpleNamespace:
    """Persons (one anonymous), referrals of every status, follow-ups open and closed, interventions
    held, not honoured and cancelled in several places, orientations and child-protection transmissions."""
    post, iscg, (north, south) = side.post, side.iscg, side.units
    problem = {code: Problem.objects.get(code=code) for code in ("violences_conjugales", "logement")}
    p1 = PersonFactory(post=post, created_by=iscg, birth_date=datetime.date(1990, 5, 17))
    p2 = PersonFactory(
        post=post,
        created_by=iscg,
        anonymous=True,
        male=True,
        age_class=AgeClass.AGE_41_60,
        known_to_social_services=KnownToSocialServices.YES,
    )
    p3 = PersonFactory(
        post=post,
        created_by=iscg,
        birth_date=datetime.date(2008, 3, 1),
        known_to_social_services=KnownToSocialServices.NO,
    )
    p4 = PersonFactory(post=post, created_by=iscg, anonymous=True, sex=Sex.UNKNOWN)  # never met: no follow-up held
    f1 = FollowUpFactory(
        post=post,
        person=p1,
        created_by=iscg,
        opened_on=datetime.date(2024, 11, 2),
        closed_on=datetime.date(2025, 3, 10),
        closing_reason=FollowUpClosingReason.RESOLVED,
        problems=[problem["violences_conjugales"], problem["logement"]],
    )
    f2 = FollowUpFactory(
        post=post, person=p2, created_by=iscg, person_role=FollowUpRole.ACCUSED, opened_on=datetime.date(2025, 1, 15)
    )
    f3 = FollowUpFactory(
        post=post,
        person=p3,
        created_by=iscg,
        person_role=FollowUpRole.OTHER,
        opened_on=datetime.date(2025, 2, 1),
        closed_on=datetime.date(2025, 9, 30),
        closing_reason=FollowUpClosingReason.HANDED_OVER,
    )
    f4 = FollowUpFactory(post=post, person=p4, created_by=iscg, opened_on=datetime.date(2025, 6, 1))
    held = InterventionStatus.HELD
    for followup, starts_at, kind, place, status in (
        (f1, at("2024-11-05", "10:00"), InterventionKind.INTERVIEW, Place.POLICE_STATION, held),
        (f1, at("2025-01-20", "14:30"), InterventionKind.PHONE_CALL, Place.REMOTE, InterventionStatus.NO_SHOW),
        (f1, at("2025-02-10", "09:15"), InterventionKind.HOME_VISIT, Place.HOME, held),
        (f2, at("2025-01-16", "11:00"), InterventionKind.INTERVIEW, Place.GENDARMERIE, held),
        (f2, at("2025-03-01", "16:45"), InterventionKind.PHONE_CALL, Place.REMOTE, held),
        (f2, at("2025-03-08", "16:45"), InterventionKind.INTERVIEW, Place.GENDARMERIE, InterventionStatus.CANCELLED),
        (f3, at("2025-02-03", "08:30"), InterventionKind.ACCOMPANIMENT, Place.TOWN_HALL, held),
        (f3, at("2025-05-12", "10:00"), InterventionKind.INTERVIEW, Place.OUTSIDE, held),
        (f4, at("2025-06-02", "10:00"), InterventionKind.INTERVIEW, Place.POLICE_STATION, InterventionStatus.NO_SHOW),
    ):
        InterventionFactory(
            followup=followup,
            author=iscg,
            starts_at=starts_at,
            kind=kind,
            place=place,
            status=status,
            duration_minutes=50,
        )
    OrientationFactory(
        followup=f1,
        author=iscg,
        partner=side.partner,
        partner_type=None,
        oriented_on=datetime.date(2025, 2, 12),
        status=OrientationStatus.DONE,
        outcome_on=datetime.date(2025, 2, 20),
    )
    OrientationFactory(
        followup=f2,
        author=iscg,
        partner_type=PartnerType.objects.get(code="ccas"),
        oriented_on=datetime.date(2025, 3, 1),
    )
    OrientationFactory(followup=f3, author=iscg, concern_report=True, oriented_on=datetime.date(2025, 2, 4))
    OrientationFactory(
        followup=f3,
        author=iscg,
        prosecutor_report=True,
        oriented_on=datetime.date(2025, 5, 12),
        status=OrientationStatus.DONE,
        outcome_on=datetime.date(2025, 5, 20),
    )
    # Social assessments: forms of violence, « très grand danger », children exposed (groups B and D).
    physical, psychological = (ViolenceForm.objects.get(code=code) for code in ("physiques", "psychologiques"))
    a1 = AssessmentFactory(
        followup=f1, author=iscg, assessed_on=datetime.date(2024, 11, 5), very_serious_danger=True, children_exposed=2
    )
    a1.violence_forms.set([physical, psychological])
    AssessmentFactory(followup=f1, author=iscg, assessed_on=datetime.date(2025, 2, 10), children_exposed=3)
    a3 = AssessmentFactory(
        followup=f3,
        author=iscg,
        assessed_on=datetime.date(2025, 2, 3),
        very_serious_danger=True,
        children_exposed=None,
    )
    a3.violence_forms.set([psychological])
    r1 = ReferralFactory(
        unit=north,
        referred_at=at("2024-11-01", "08:00"),
        taken_up=True,
        taken_up_at=at("2024-11-02", "09:00"),
        received_at=at("2024-11-02", "09:00"),
        source=Source.COMPLAINT,
        urgency=Urgency.IMMEDIATE,
    )
    FollowUpReferral.objects.create(followup=f1, referral=r1, linked_by=iscg)
    r2 = ReferralFactory(
        unit=south,
        referred_at=at("2025-01-14", "22:10"),
        taken_up=True,
        taken_up_at=at("2025-01-15", "09:00"),
        received_at=at("2025-01-15", "09:00"),
        source=Source.CALL_OUT,
    )
    FollowUpReferral.objects.create(followup=f2, referral=r2, linked_by=iscg)
    ReferralFactory(
        unit=south,
        referred_at=at("2025-03-20", "10:00"),
        closed=True,
        closed_at=at("2025-04-01", "10:00"),
        received_at=at("2025-03-21", "10:00"),
        closing_reason=ReferralClosingReason.UNREACHABLE,
        source=Source.LOGBOOK,
    )
    ReferralFactory(
        unit=north,
        referred_at=at("2025-12-20", "10:00"),
        received=True,
        received_at=at("2025-12-21", "10:00"),
        source=Source.PARTNER,
        urgency=Urgency.WITHIN_48H,
    )
    ReferralFactory(
        unit=north, referred_at=at("2025-07-01", "10:00"), withdrawn=True, withdrawn_at=at("2025-07-01", "11:00")
    )
    ReferralFactory(unit=south, referred_at=at("2025-12-30", "18:00"), source=Source.SELF_REFERRAL)
    return SimpleNamespace(persons=[p1, p2, p3, p4], followups=[f1, f2, f3, f4])


@pytest.fixture
def source(db):
    side = make_post("80", "Poste historique")
    side.history = build_history(side)
    return side


@pytest.fixture
def target(db):
    return make_post("42", "Poste nouveau")


def preview(post, user, content: bytes, file_name: str = "import.xlsx"):
    return services.batch_preview(post=post, by=user, content=content, file_name=file_name)


def import_file(post, user, content: bytes, file_name: str = "import.xlsx"):
    batch = preview(post, user, content, file_name)
    assert batch.errors == [], batch.errors
    return services.batch_confirm(batch=batch, by=user)
