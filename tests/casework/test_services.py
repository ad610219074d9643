import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework import services
from casework.enums import AgeClass, FollowUpClosingReason, FollowUpRole, InterventionStatus, OrientationStatus
from casework.models import FollowUp, Person
from casework.normalise import phone_key
from referrals.enums import ReferralStatus
from referrals.models import Problem
from tests.casework.factories import FollowUpFactory, OrientationFactory, PersonFactory
from tests.organisation.factories import PostAssignmentFactory, PostFactory, UnitFactory
from tests.referrals.factories import ReferralFactory, ReferralPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def post_with_iscg():
    unit = UnitFactory()
    post = PostFactory(units=[unit])
    assignment = PostAssignmentFactory(post=post)
    return post, unit, assignment.user


def test_person_create_computes_search_fields_and_anonymity(post_with_iscg):
    post, _unit, iscg = post_with_iscg
    person = services.person_create(
        post=post, by=iscg, last_name=" Lefèvre ", first_name="Éloïse", safe_phone="+33 6 11 22 33 44"
    )
    assert person.last_name == "Lefèvre"
    assert person.search_name == "lefevre eloise"
    assert person.name_key == "eloise lefevre"
    assert person.search_phone == phone_key("0611223344") != "0611223344"  # a keyed hash, never the number
    assert not person.is_anonymous
    anonymous = services.person_create(post=post, by=iscg, sex="f", age_class=AgeClass.AGE_26_40)
    assert anonymous.is_anonymous
    forced = services.person_create(post=post, by=iscg, is_anonymous=True, last_name="Secret")
    assert forced.is_anonymous and forced.last_name == ""


def test_duplicates_are_found_by_name_and_birth_date_or_by_phone_within_the_post(post_with_iscg):
    post, _unit, _iscg = post_with_iscg
    known = PersonFactory(post=post, last_name="Lefèvre", first_name="Éloïse", birth_date=datetime.date(1985, 3, 2))
    by_phone = PersonFactory(post=post, last_name="Autre", safe_phone="06 99 88 77 66")
    PersonFactory(last_name="Lefèvre", first_name="Éloïse", birth_date=datetime.date(1985, 3, 2))  # another post
    PersonFactory(post=post, last_name="Lefèvre", first_name="Éloïse", birth_date=datetime.date(1990, 1, 1))

    found = services.person_find_duplicates(
        post=post, last_name="LEFEVRE", first_name="eloise", birth_date=datetime.date(1985, 3, 2)
    )
    assert list(found) == [known]
    found = services.person_find_duplicates(post=post, first_name="Eloise", last_name="Lefevre")
    assert list(found) == []  # a name without a birth date is not enough
    found = services.person_find_duplicates(post=post, safe_phone="+33 6 99 88 77 66")
    assert list(found) == [by_phone]
    assert list(services.person_find_duplicates(post=post, safe_phone="06 99 88 77 66", exclude=by_phone)) == []


def test_taking_a_referral_up_creates_the_person_opens_a_followup_and_links_the_referral(post_with_iscg):
    post, unit, iscg = post_with_iscg
    referral = ReferralFactory(unit=unit, victim=False)
    victim = ReferralPersonFactory(referral=referral, last_name="Marchal", first_name="Inès", age=34)
    assert referral.status == ReferralStatus.SUBMITTED

    followup = services.followup_open_from_referral(referral=referral, by=iscg, post=post, referral_person=victim)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TAKEN_UP
    assert referral.received_by == referral.taken_up_by == iscg
    assert list(followup.referrals.all()) == [referral]
    assert followup.post == post and followup.assigned_to == iscg and followup.is_open
    assert followup.person_role == FollowUpRole.VICTIM
    assert set(followup.problems.all()) == set(referral.problems.all())
    person = followup.person
    assert (person.last_name, person.first_name, person.age_class) == ("Marchal", "Inès", AgeClass.AGE_26_40)
    assert person.safe_phone == victim.safe_phone and person.post == post


def test_a_referral_for_a_person_already_followed_joins_their_open_followup(post_with_iscg):
    post, unit, iscg = post_with_iscg
    followup = FollowUpFactory(post=post)
    referral = ReferralFactory(unit=unit, received=True)

    joined = services.followup_open_from_referral(referral=referral, by=iscg, post=post, person=followup.person)

    assert joined == followup
    assert FollowUp.objects.count() == 1
    assert list(followup.referrals.all()) == [referral]


def test_a_referral_already_taken_up_from_the_referral_page_is_only_linked(post_with_iscg):
    post, unit, iscg = post_with_iscg
    referral = ReferralFactory(unit=unit, taken_up=True)
    taken_up_at = referral.taken_up_at
    followup = services.followup_open_from_referral(
        referral=referral, by=iscg, post=post, referral_person=referral.persons.get()
    )
    referral.refresh_from_db()
    assert referral.taken_up_at == taken_up_at
    assert list(followup.referrals.all()) == [referral]


def test_a_referral_cannot_be_taken_up_twice_nor_once_withdrawn(post_with_iscg):
    post, unit, iscg = post_with_iscg
    referral = ReferralFactory(unit=unit)
    services.followup_open_from_referral(referral=referral, by=iscg, post=post, referral_person=referral.persons.get())
    with pytest.raises(services.TransitionError, match=r"déjà|already"):
        services.followup_open_from_referral(
            referral=referral, by=iscg, post=post, referral_person=referral.persons.get()
        )
    withdrawn = ReferralFactory(unit=unit, withdrawn=True)
    with pytest.raises(services.TransitionError):
        services.followup_open_from_referral(
            referral=withdrawn, by=iscg, post=post, referral_person=withdrawn.persons.get()
        )
    assert FollowUp.objects.count() == 1
    assert Person.objects.count() == 1  # the failed attempt created nobody


def test_a_referral_of_a_unit_the_post_does_not_cover_is_refused(post_with_iscg):
    post, _unit, iscg = post_with_iscg
    referral = ReferralFactory()
    with pytest.raises(services.TransitionError):
        services.followup_open_from_referral(
            referral=referral, by=iscg, post=post, referral_person=referral.persons.get()
        )


def test_closing_and_reopening_a_followup_walk_its_lifecycle(post_with_iscg):
    post, _unit, iscg = post_with_iscg
    followup = FollowUpFactory(post=post)
    version = followup.version
    services.followup_close(followup=followup, by=iscg, reason=FollowUpClosingReason.HANDED_OVER)
    assert followup.closed_on == timezone.localdate()
    assert followup.closing_reason == FollowUpClosingReason.HANDED_OVER
    assert followup.version == version + 1
    with pytest.raises(services.TransitionError):
        services.followup_close(followup=followup, by=iscg, reason=FollowUpClosingReason.RESOLVED)
    with pytest.raises(services.TransitionError):
        services.followup_close(followup=FollowUpFactory(post=post), by=iscg, reason="nonsense")
    services.followup_reopen(followup=followup, by=iscg)
    assert followup.is_open and followup.closing_reason == ""
    with pytest.raises(services.TransitionError):
        services.followup_reopen(followup=followup, by=iscg)


def test_a_household_member_must_belong_to_the_same_post(post_with_iscg):
    post, _unit, iscg = post_with_iscg
    followup = FollowUpFactory(post=post)
    child = PersonFactory(post=post, first_name="Léo")
    services.followup_add_member(followup=followup, person=child, by=iscg)
    assert list(followup.household_members.all()) == [child]
    with pytest.raises(ValidationError):
        services.followup_add_member(followup=followup, person=PersonFactory(), by=iscg)
    with pytest.raises(ValidationError):
        services.followup_add_member(followup=followup, person=followup.person, by=iscg)


def test_an_intervention_in_the_future_can_only_be_planned(post_with_iscg):
    post, _unit, iscg = post_with_iscg
    followup = FollowUpFactory(post=post)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.intervention_record(followup=followup, by=iscg, starts_at=tomorrow, status=InterventionStatus.HELD)
    planned = services.intervention_record(
        followup=followup, by=iscg, starts_at=tomorrow, status=InterventionStatus.PLANNED
    )
    assert planned.author == iscg and planned.status == InterventionStatus.PLANNED


def test_an_assessment_adds_its_problems_to_the_followup(post_with_iscg):
    post, _unit, iscg = post_with_iscg
    followup = FollowUpFactory(post=post)
    housing = Problem.objects.get(code="logement")
    assessment = services.assessment_record(
        followup=followup, by=iscg, problems=[housing], is_very_serious_danger=True, children_exposed=2
    )
    assert assessment.is_very_serious_danger and assessment.children_exposed == 2
    assert housing in followup.problems.all()
    assert followup.problems.count() == 2


def test_an_orientation_follows_its_allowed_transitions_and_dates_its_outcome(post_with_iscg):
    post, _unit, iscg = post_with_iscg
    orientation = OrientationFactory(followup=FollowUpFactory(post=post))
    services.orientation_update_status(
        orientation=orientation, version=orientation.version, by=iscg, status=OrientationStatus.ACCEPTED
    )
    assert orientation.status == OrientationStatus.ACCEPTED and orientation.outcome_on is None
    services.orientation_update_status(
        orientation=orientation, version=orientation.version, by=iscg, status=OrientationStatus.DONE
    )
    assert orientation.outcome_on == timezone.localdate()
    with pytest.raises(services.TransitionError):
        services.orientation_update_status(
            orientation=orientation, version=orientation.version, by=iscg, status=OrientationStatus.PROPOSED
        )


def test_an_orientation_goes_to_a_partner_of_the_posts_department(post_with_iscg, world):
    followup = FollowUpFactory(post=world.a.post)
    with pytest.raises(ValidationError):
        services.orientation_record(followup=followup, by=world.a.iscg, partner=world.b.partner)
    orientation = services.orientation_record(followup=followup, by=world.a.iscg, partner=world.a.partner)
    assert orientation.status == OrientationStatus.PROPOSED and orientation.recipient_display == "Partenaire a"


def test_taking_a_referral_up_finds_the_post_of_the_social_worker_when_not_given(post_with_iscg):
    post, unit, iscg = post_with_iscg
    referral = ReferralFactory(unit=unit)
    followup = services.followup_open_from_referral(referral=referral, by=iscg, referral_person=referral.persons.get())
    assert followup.post == post
    stranger = PostAssignmentFactory().user
    other = ReferralFactory(unit=unit)
    with pytest.raises(services.TransitionError):
        services.followup_open_from_referral(referral=other, by=stranger, referral_person=other.persons.get())
