import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from casework.enums import AgeClass, FollowUpClosingReason, OrientationKind, OrientationStatus, age_class_for
from casework.models import FollowUp, FollowUpReferral, Orientation, Person
from casework.normalise import name_key, normalise_phone, normalise_text
from tests.casework.factories import FollowUpFactory, OrientationFactory, PersonFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _violates(constraint_name, update, queryset):
    with pytest.raises(IntegrityError, match=constraint_name) as error, transaction.atomic():
        queryset.update(**update)
    return error


def test_names_and_phones_are_normalised_for_search():
    assert normalise_text("  Éloïse D'ARC-Lefèvre ") == "eloise d arc lefevre"
    assert name_key("Dupont", "Marie") == name_key("marie", "DUPONT") == "dupont marie"
    assert normalise_phone("+33 6 12 34 56 78") == "0612345678"
    assert normalise_phone("+33 (0)6 12-34-56-78") == "0612345678"
    assert normalise_phone("06.12.34.56.78") == "0612345678"
    assert normalise_phone("") == ""


def test_age_classes_follow_the_domain_bounds():
    assert age_class_for(None) == AgeClass.UNKNOWN
    assert age_class_for(0) == age_class_for(10) == AgeClass.AGE_0_10
    assert age_class_for(11) == AgeClass.AGE_11_14
    assert age_class_for(17) == AgeClass.AGE_15_17
    assert age_class_for(18) == AgeClass.AGE_18_25
    assert age_class_for(40) == AgeClass.AGE_26_40
    assert age_class_for(74) == AgeClass.AGE_61_74
    assert age_class_for(75) == age_class_for(102) == AgeClass.AGE_75_PLUS


def test_an_anonymous_person_cannot_carry_a_name():
    person = PersonFactory(anonymous=True)
    assert person.is_anonymous
    assert person.reference in person.display_name
    assert person.search_name == person.name_key == ""
    _violates("person_anonymous_has_no_name", {"last_name": "Durand"}, Person.objects.filter(pk=person.pk))


def test_the_person_fields_counted_by_the_bilans_only_take_their_listed_values():
    """The bilan counts sex, age class and "known to social services" one listed value at a time: the
    database refuses any other value, so that no person falls out of a breakdown."""
    person = PersonFactory()
    queryset = Person.objects.filter(pk=person.pk)
    _violates("person_sex_valid", {"sex": "x"}, queryset)
    _violates("person_age_class_valid", {"age_class": "99_plus"}, queryset)
    _violates("person_known_to_social_services_valid", {"known_to_social_services": ""}, queryset)
    queryset.update(known_to_social_services="no")  # a listed value passes


def test_a_closed_followup_has_both_a_date_and_a_reason():
    followup = FollowUpFactory()
    queryset = FollowUp.objects.filter(pk=followup.pk)
    _violates("followup_closed_iff_reason", {"closed_on": timezone.localdate()}, queryset)
    _violates("followup_closed_iff_reason", {"closing_reason": FollowUpClosingReason.MOVED}, queryset)
    _violates(
        "followup_closed_after_opened",
        {"closed_on": followup.opened_on - datetime.timedelta(days=1), "closing_reason": FollowUpClosingReason.MOVED},
        queryset,
    )
    queryset.update(closed_on=followup.opened_on, closing_reason=FollowUpClosingReason.MOVED)
    assert not FollowUp.objects.get(pk=followup.pk).is_open


def test_an_orientation_names_a_partner_or_a_type_and_a_transmission_its_recipient():
    orientation = OrientationFactory()
    queryset = Orientation.objects.filter(pk=orientation.pk)
    _violates("orientation_has_partner_or_type", {"partner_type": None}, queryset)
    transmission = OrientationFactory(concern_report=True)
    assert transmission.is_child_protection
    _violates(
        "orientation_transmission_has_recipient", {"recipient": ""}, Orientation.objects.filter(pk=transmission.pk)
    )
    assert Orientation.objects.child_protection().get() == transmission
    assert transmission.kind == OrientationKind.CONCERN_REPORT


def test_an_orientation_has_an_outcome_date_if_and_only_if_it_has_an_outcome():
    orientation = OrientationFactory()
    queryset = Orientation.objects.filter(pk=orientation.pk)
    _violates("orientation_outcome_iff_date", {"status": OrientationStatus.DONE}, queryset)
    _violates("orientation_outcome_iff_date", {"outcome_on": timezone.localdate()}, queryset)
    _violates(
        "orientation_outcome_after_date",
        {"status": OrientationStatus.DONE, "outcome_on": orientation.oriented_on - datetime.timedelta(days=1)},
        queryset,
    )


def test_a_referral_is_linked_to_one_followup_at_most():
    referral = ReferralFactory(taken_up=True)
    first, second = FollowUpFactory(), FollowUpFactory()
    FollowUpReferral.objects.create(followup=first, referral=referral, linked_by=first.created_by)
    with (
        pytest.raises(IntegrityError, match=r"followupreferral_one_followup_per_referral|referral_id"),
        transaction.atomic(),
    ):
        FollowUpReferral.objects.create(followup=second, referral=referral, linked_by=second.created_by)
    assert list(referral.followups.all()) == [first]
