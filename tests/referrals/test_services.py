import datetime
import re
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals import services
from referrals.enums import (
    TRANSITIONS,
    Answer,
    FilledBy,
    PersonRole,
    ReferralClosingReason,
    ReferralStatus,
    Source,
    Urgency,
)
from referrals.models import Problem, Referral
from tests.accounts.factories import UserFactory
from tests.organisation.factories import PostAssignmentFactory, PostFactory, UnitFactory
from tests.referrals.factories import ReferralFactory, current_grid

VICTIM = {
    "role": PersonRole.VICTIM,
    "last_name": "Martinez",
    "first_name": "Inès",
    "sex": "f",
    "birth_date": None,
    "age": 31,
    "safe_phone": "06 98 76 54 32",
    "safe_email": "ines.refuge@example.org",
    "best_time": "Mardi matin",
}
DESCRIPTION = "Coups portés par le conjoint le 3 au soir, deux enfants présents."


def file(author, unit, **overrides):
    kwargs = {
        "author": author,
        "unit": unit,
        "idempotency_key": uuid.uuid4(),
        "source": Source.COMPLAINT,
        "urgency": Urgency.WITHIN_48H,
        "description": DESCRIPTION,
        "has_agreement": True,
        "persons": [VICTIM],
        "problems": [Problem.objects.get(code="violences_conjugales")],
    }
    kwargs.update(overrides)
    return services.referral_file(**kwargs)


def test_filing_creates_the_referral_its_persons_and_categories_with_a_readable_number(world):
    referred_at = datetime.datetime(2026, 3, 2, 14, 30, tzinfo=datetime.UTC)
    referral, created = file(world.a.officer, world.a.unit, referred_at=referred_at)
    assert created
    assert referral.number == "2026-80-000001"
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.status_changed_at == referred_at
    assert referral.author == world.a.officer
    assert [p.last_name for p in referral.persons.all()] == ["Martinez"]
    assert [p.code for p in referral.problems.all()] == ["violences_conjugales"]
    second, _ = file(world.a.officer, world.a.unit, referred_at=referred_at)
    assert second.number == "2026-80-000002"
    other_department, _ = file(world.b.officer, world.b.unit, referred_at=referred_at)
    assert other_department.number == "2026-42-000001"


def test_submitting_the_same_form_twice_files_one_referral(world):
    key = uuid.uuid4()
    first, created_first = file(world.a.officer, world.a.unit, idempotency_key=key)
    again, created_again = file(world.a.officer, world.a.unit, idempotency_key=key, description="Autre texte")
    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert Referral.objects.filter(idempotency_key=key).count() == 1
    assert Referral.objects.get(pk=first.pk).description == DESCRIPTION


def test_someone_else_reusing_a_form_key_is_refused(world):
    key = uuid.uuid4()
    file(world.a.officer, world.a.unit, idempotency_key=key)
    with pytest.raises(ValidationError):
        file(world.a.iscg, world.a.unit, idempotency_key=key)


def test_the_agreement_is_required_for_an_adult_outside_screening(world):
    with pytest.raises(ValidationError) as error:
        file(world.a.officer, world.a.unit, has_agreement=False)
    assert "has_agreement" in error.value.message_dict
    assert not Referral.objects.filter(author=world.a.officer).exclude(pk=world.a.referral.pk).exists()


def test_the_agreement_is_not_required_when_a_person_is_a_minor(world):
    minor = {**VICTIM, "age": None, "birth_date": timezone.localdate() - datetime.timedelta(days=365 * 15)}
    referral, created = file(world.a.officer, world.a.unit, has_agreement=False, persons=[minor])
    assert created and referral.has_agreement is False


def test_the_agreement_is_not_required_when_a_child_of_the_household_is_listed(world):
    child = {"role": PersonRole.HOUSEHOLD_CHILD, "sex": "unknown"}
    referral, created = file(world.a.officer, world.a.unit, has_agreement=False, persons=[VICTIM, child])
    assert created and referral.persons.count() == 2


def test_the_agreement_is_not_required_for_a_screening(world):
    referral, created = file(world.a.iscg, world.a.unit, has_agreement=False, source=Source.SCREENING)
    assert created and referral.source == Source.SCREENING


def test_a_grid_filed_with_the_referral_is_recorded_with_its_author_kind(world):
    version = current_grid()
    answers = dict.fromkeys(version.items.values_list("pk", flat=True), Answer.NOT_ASKED)
    for item in version.items.filter(is_red=True)[:2]:
        answers[item.pk] = Answer.YES
    referral, _ = file(world.a.officer, world.a.unit, grid_version=version, grid_answers=answers)
    assessment = referral.danger_assessments.get()
    assert assessment.is_danger and assessment.red_yes_count == 2
    assert assessment.filled_by_kind == FilledBy.POLICE
    brigade = UnitFactory(brigade=True)
    gendarme = UserFactory(police=True, units=[brigade])
    referral, _ = file(gendarme, brigade, grid_version=version, grid_answers=answers)
    assert referral.danger_assessments.get().filled_by_kind == FilledBy.GENDARMERIE


def test_a_half_filled_grid_is_refused_and_nothing_is_filed(world):
    version = current_grid()
    half = dict.fromkeys(version.items.values_list("pk", flat=True)[:10], Answer.YES)
    count = Referral.objects.count()
    with pytest.raises(ValidationError):
        file(world.a.officer, world.a.unit, grid_version=version, grid_answers=half)
    assert Referral.objects.count() == count


# ---- Workflow -----------------------------------------------------------------------------------

SERVICES = {
    ReferralStatus.RECEIVED: lambda referral, user: services.referral_mark_received(referral=referral, by=user),
    ReferralStatus.TAKEN_UP: lambda referral, user: services.referral_take_up(referral=referral, by=user),
    ReferralStatus.CLOSED: lambda referral, user: services.referral_close_without_followup(
        referral=referral, by=user, reason=ReferralClosingReason.REFUSED
    ),
    ReferralStatus.WITHDRAWN: lambda referral, user: services.referral_withdraw(referral=referral, by=referral.author),
}
TRAITS = {
    ReferralStatus.SUBMITTED: {},
    ReferralStatus.RECEIVED: {"received": True},
    ReferralStatus.TAKEN_UP: {"taken_up": True},
    ReferralStatus.CLOSED: {"closed": True},
    ReferralStatus.WITHDRAWN: {"withdrawn": True},
}
ALL_PAIRS = [(current, target) for current in ReferralStatus.values for target in SERVICES]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=[f"{c}->{t}" for c, t in ALL_PAIRS])
def test_each_transition_is_applied_when_allowed_and_refused_otherwise(world, current, target):
    referral = ReferralFactory(unit=world.a.unit, author=world.a.officer, **TRAITS[current])
    before = timezone.now()
    if target in TRANSITIONS[current]:
        SERVICES[target](referral, world.a.iscg)
        referral = Referral.objects.get(pk=referral.pk)
        assert referral.status == target
        assert referral.status_changed_at >= before
        referral.full_clean()  # timestamps and reasons are consistent with the status
    else:
        with pytest.raises(services.TransitionError):
            SERVICES[target](referral, world.a.iscg)
        assert Referral.objects.get(pk=referral.pk).status == current


def test_each_transition_records_who_and_when(world):
    referral = ReferralFactory(unit=world.a.unit, author=world.a.officer)
    services.referral_mark_received(referral=referral, by=world.a.iscg)
    services.referral_close_without_followup(
        referral=referral, by=world.a.iscg, reason=ReferralClosingReason.DUPLICATE
    )
    referral.refresh_from_db()
    assert referral.received_by == world.a.iscg and referral.received_at
    assert referral.closed_by == world.a.iscg and referral.closed_at
    assert referral.closing_reason == ReferralClosingReason.DUPLICATE
    assert referral.status_changed_at == referral.closed_at

    other = ReferralFactory(unit=world.a.unit, author=world.a.officer, received=True)
    services.referral_take_up(referral=other, by=world.a.iscg)
    other.refresh_from_db()
    assert (other.status, other.taken_up_by) == (ReferralStatus.TAKEN_UP, world.a.iscg)


def test_only_the_author_can_withdraw_a_referral(world):
    colleague = UserFactory(police=True, units=[world.a.unit])
    with pytest.raises(services.TransitionError):
        services.referral_withdraw(referral=world.a.referral, by=colleague)
    services.referral_withdraw(referral=world.a.referral, by=world.a.officer)
    world.a.referral.refresh_from_db()
    assert world.a.referral.status == ReferralStatus.WITHDRAWN
    assert world.a.referral.withdrawn_by == world.a.officer
    assert world.a.referral.withdrawn_at is not None


def test_closing_needs_a_known_reason(world):
    referral = ReferralFactory(unit=world.a.unit, received=True)
    with pytest.raises(services.TransitionError):
        services.referral_close_without_followup(referral=referral, by=world.a.iscg, reason="because")
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.RECEIVED


# ---- Notification -------------------------------------------------------------------------------


def test_a_new_referral_emails_the_posts_iscg_without_any_personal_data(world, django_capture_on_commit_callbacks):
    colleague = UserFactory(iscg=True, email="iscg.colleague@test.example")
    PostAssignmentFactory(post=world.a.post, user=colleague)
    former = UserFactory(iscg=True, email="iscg.former@test.example")
    PostAssignmentFactory(post=world.a.post, user=former, ends_on=datetime.date(2024, 6, 30))
    with django_capture_on_commit_callbacks(execute=True):
        referral, _ = file(world.a.officer, world.a.unit, urgency=Urgency.IMMEDIATE)
    # One message per recipient: the ISCG do not see each other's addresses, each is retried on its own.
    assert sorted(message.to for message in mail.outbox) == [["iscg.a@test.example"], ["iscg.colleague@test.example"]]
    message = mail.outbox[0]
    text = f"{message.subject}\n{message.body}"
    assert referral.number in text
    assert str(Urgency.IMMEDIATE.label) in text
    assert f"http://testserver-site/saisines/{referral.public_id}/" in text
    for personal in ("Martinez", "Inès", "06 98 76 54 32", "ines.refuge", "Mardi", "Coups portés", "conjoint"):
        assert personal not in text, personal
    assert world.a.officer.last_name not in text
    assert not re.search(r"\b0\d( ?\d\d){4}\b", text)  # no phone number at all


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver-site"


def test_no_email_is_sent_when_no_iscg_covers_the_unit(world, django_capture_on_commit_callbacks):
    lonely_unit = UnitFactory()
    officer = UserFactory(police=True, units=[lonely_unit])
    with django_capture_on_commit_callbacks(execute=True):
        file(officer, lonely_unit)
    assert mail.outbox == []


def test_an_ended_post_does_not_receive_notifications(world, django_capture_on_commit_callbacks):
    unit = UnitFactory()
    ended = PostFactory(ended=True, units=[unit])
    PostAssignmentFactory(post=ended, user=UserFactory(iscg=True))
    with django_capture_on_commit_callbacks(execute=True):
        file(UserFactory(police=True, units=[unit]), unit)
    assert mail.outbox == []


def test_an_iscg_recording_a_referral_is_not_emailed_about_it_but_colleagues_are(
    world, django_capture_on_commit_callbacks
):
    colleague = UserFactory(iscg=True, email="iscg.colleague@test.example")
    PostAssignmentFactory(post=world.a.post, user=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        file(world.a.iscg, world.a.unit, source=Source.SCREENING, has_agreement=False)
    assert [message.to for message in mail.outbox] == [["iscg.colleague@test.example"]]
