import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from referrals.enums import PersonRole, ReferralClosingReason, ReferralStatus
from referrals.models import Problem, Referral, is_minor
from tests.accounts.factories import UserFactory
from tests.referrals.factories import ReferralFactory, ReferralPersonFactory

TODAY = datetime.date(2026, 6, 15)


def test_problems_of_domain_section_6_are_seeded_in_order(db):
    names = list(Problem.objects.order_by("position").values_list("name", flat=True))
    assert len(names) == 13
    assert names[0] == "Violences conjugales"
    assert names[-1] == "Autre"
    assert "Radicalisation (suspicion)" in names


@pytest.mark.parametrize(
    ("role", "birth_date", "age", "expected"),
    [
        (PersonRole.VICTIM, datetime.date(2008, 6, 16), None, True),  # 18 tomorrow
        (PersonRole.VICTIM, datetime.date(2008, 6, 15), None, False),  # 18 today
        (PersonRole.VICTIM, None, 17, True),
        (PersonRole.VICTIM, None, 18, False),
        (PersonRole.VICTIM, None, None, False),
        (PersonRole.HOUSEHOLD_CHILD, None, None, True),  # presumed minor
        (PersonRole.HOUSEHOLD_CHILD, None, 19, False),
    ],
)
def test_a_person_is_a_minor_from_their_birth_date_or_age(role, birth_date, age, expected):
    assert is_minor(role=role, birth_date=birth_date, age=age, on=TODAY) is expected


def test_a_birth_date_in_the_future_is_refused_with_a_message_on_the_field(db):
    person = ReferralPersonFactory.build(
        referral=ReferralFactory(), birth_date=timezone.localdate() + datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "birth_date" in error.value.message_dict


def test_a_person_may_stay_anonymous(db):
    person = ReferralPersonFactory(last_name="", first_name="")
    person.full_clean()
    assert str(person)  # "Anonymous person", never empty


def _violates(constraint_name, **changes):
    referral = ReferralFactory()
    for name, value in changes.items():
        setattr(referral, name, value)
    with pytest.raises(ValidationError) as error:
        referral.validate_constraints()
    assert error.value.messages  # the constraint's own message, for forms and the admin
    with pytest.raises(IntegrityError, match=constraint_name), transaction.atomic():
        referral.save()


def test_a_received_referral_must_record_who_received_it_and_when(db):
    _violates("referral_received_has_timestamp", status=ReferralStatus.RECEIVED)


def test_a_taken_up_referral_must_record_who_and_when(db):
    iscg = UserFactory(iscg=True)
    _violates(
        "referral_taken_up_iff_timestamp",
        status=ReferralStatus.TAKEN_UP,
        received_at=timezone.now(),
        received_by=iscg,
    )


def test_a_closed_referral_must_have_a_reason(db):
    iscg = UserFactory(iscg=True)
    _violates(
        "referral_closed_iff_reason",
        status=ReferralStatus.CLOSED,
        received_at=timezone.now(),
        received_by=iscg,
        closed_at=timezone.now(),
        closed_by=iscg,
    )


def test_a_closing_reason_on_an_open_referral_is_refused(db):
    _violates("referral_closed_iff_reason", closing_reason=ReferralClosingReason.DUPLICATE)


def test_a_withdrawn_referral_must_record_who_withdrew_it_and_when(db):
    _violates("referral_withdrawn_iff_timestamp", status=ReferralStatus.WITHDRAWN)


def test_facts_cannot_be_later_than_the_referral(db):
    _violates("referral_facts_before_referral", facts_at=timezone.now() + datetime.timedelta(days=1))


def test_every_status_of_the_factory_traits_satisfies_the_constraints(db):
    for trait in ("received", "taken_up", "closed", "withdrawn"):
        referral = ReferralFactory(**{trait: True})
        referral.full_clean()
        assert Referral.objects.get(pk=referral.pk).status == referral.status
