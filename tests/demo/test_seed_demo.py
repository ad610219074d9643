import io

from django.core.management import call_command

from accounts.enums import Role
from accounts.models import User
from casework.models import Assessment, FollowUp, FollowUpReferral, Intervention, Orientation, Person
from conventions.models import Convention, FundingRule, Payment, PostCost, SteeringCommittee
from demo.data import ADMIN_EMAIL, DEMO_PASSWORD, TERRITORY, demo_email
from demo.seeding import seed_organisation
from organisation.models import Partner, Post, PostAssignment, Unit
from organisation.scope import build_scope
from referrals.models import DangerAnswer, DangerAssessment, Referral, ReferralNumberSequence, ReferralPerson

DEMO_MODELS = [
    User,
    Unit,
    Post,
    PostAssignment,
    Partner,
    Referral,
    ReferralPerson,
    ReferralNumberSequence,
    DangerAssessment,
    DangerAnswer,
    Person,
    FollowUp,
    FollowUp.problems.through,
    FollowUpReferral,
    Intervention,
    Assessment,
    Orientation,
    Convention,
    PostCost,
    FundingRule,
    Payment,
    SteeringCommittee,
]


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in DEMO_MODELS}


def test_seed_demo_twice_changes_nothing_and_gives_every_role_a_scope(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = _counts()
    assert all(counts.values()), counts
    sequences = list(ReferralNumberSequence.objects.order_by("pk").values_list("last_value", flat=True))
    call_command("seed_demo", stdout=out)
    assert _counts() == counts
    assert list(ReferralNumberSequence.objects.order_by("pk").values_list("last_value", flat=True)) == sequences
    assert "0 new referrals, 0 new conventions, 0 new follow-ups" in out.getvalue().splitlines()[-1]

    assert User.objects.count() == 6 * len(TERRITORY) + 1
    for code in TERRITORY:
        for key in ("police", "police2", "iscg", "iscg2", "coordinator", "funder"):
            user = User.objects.get(email=demo_email(key, code))
            assert user.check_password(DEMO_PASSWORD)
            scope = build_scope(user)
            assert scope.department_ids, (code, key)
            if user.role == Role.POLICE:
                assert scope.unit_ids
            if user.role == Role.ISCG:
                assert scope.post_ids and scope.unit_ids
    admin = User.objects.get(email=ADMIN_EMAIL)
    assert admin.role == Role.ADMIN and admin.is_staff


def test_the_two_officers_of_a_department_share_its_police_and_gendarmerie_units(db):
    seed_organisation()
    for code in TERRITORY:
        first, second = (User.objects.get(email=demo_email(key, code)) for key in ("police", "police2"))
        first_units, second_units = set(first.units.all()), set(second.units.all())
        assert first_units and second_units and not first_units & second_units
        police_units = set(Unit.objects.filter(department__code=code, kind__in=("commissariat", "brigade", "company")))
        assert first_units | second_units == police_units
