import datetime

import pytest
from django.core.exceptions import ValidationError

from casework import services
from casework.models import Assessment, FollowUp, Intervention, Orientation, Person
from casework.normalise import phone_key
from tests.casework.factories import (
    AssessmentFactory,
    FollowUpFactory,
    InterventionFactory,
    OrientationFactory,
    PersonFactory,
)
from tests.organisation.factories import PostFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_merging_two_records_keeps_every_followup_intervention_referral_and_household_link():
    post = PostFactory()
    kept = PersonFactory(post=post, last_name="Garnier", first_name="Léa", safe_phone="", commune="")
    merged = PersonFactory(
        post=post, last_name="GARNIER", first_name="Lea", safe_phone="06 01 02 03 04", commune="Amiens"
    )
    kept_followup = FollowUpFactory(post=post, person=kept)
    merged_followup = FollowUpFactory(post=post, person=merged)
    other_followup = FollowUpFactory(post=post)
    other_followup.household_members.add(merged)
    kept_followup.household_members.add(merged)  # listed in the household of her own follow-up
    InterventionFactory.create_batch(3, followup=merged_followup)
    InterventionFactory(followup=kept_followup)
    AssessmentFactory(followup=merged_followup)
    OrientationFactory(followup=merged_followup)
    referral = ReferralFactory(taken_up=True)
    merged_followup.referrals.add(referral, through_defaults={"linked_by": merged.created_by})
    counts = (
        FollowUp.objects.count(),
        Intervention.objects.count(),
        Assessment.objects.count(),
        Orientation.objects.count(),
    )

    result = services.person_merge(kept=kept, merged=merged, by=kept.created_by)

    assert result == kept
    merged.refresh_from_db()
    assert merged.merged_into == kept and merged.merged_at is not None
    assert set(kept.followups.all()) == {kept_followup, merged_followup}
    assert list(other_followup.household_members.all()) == [kept]
    assert list(kept_followup.household_members.all()) == []  # she is its main person
    assert Intervention.objects.filter(followup__person=kept).count() == 4
    assert list(referral.followups.get().person.merged_records.all()) == [merged]
    counts_after = (
        FollowUp.objects.count(),
        Intervention.objects.count(),
        Assessment.objects.count(),
        Orientation.objects.count(),
    )
    assert counts_after == counts
    assert Person.objects.count() == 3  # nothing deleted: the merged record stays, marked
    assert (result.safe_phone, result.commune, result.search_phone) == (
        "06 01 02 03 04",
        "Amiens",
        phone_key("0601020304"),
    )
    assert result.last_name == "Garnier"  # the kept record's own values win


def test_a_merged_record_is_no_longer_proposed_as_a_duplicate_nor_merged_again():
    post = PostFactory()
    birth = datetime.date(1980, 1, 1)
    kept = PersonFactory(post=post, last_name="Vidal", first_name="Sarah", birth_date=birth)
    merged = PersonFactory(post=post, last_name="Vidal", first_name="Sarah", birth_date=birth)
    before = services.person_find_duplicates(post=post, last_name="Vidal", first_name="Sarah", birth_date=birth)
    assert set(before) == {kept, merged}
    services.person_merge(kept=kept, merged=merged, by=kept.created_by)
    found = services.person_find_duplicates(post=post, last_name="vidal", first_name="sarah", birth_date=birth)
    assert list(found) == [kept]
    with pytest.raises(ValidationError):
        services.person_merge(kept=kept, merged=merged, by=kept.created_by)
    with pytest.raises(ValidationError):
        services.person_merge(kept=kept, merged=kept, by=kept.created_by)


def test_records_of_different_posts_cannot_be_merged():
    first, second = PersonFactory(), PersonFactory()
    with pytest.raises(ValidationError):
        services.person_merge(kept=first, merged=second, by=first.created_by)
    second.refresh_from_db()
    assert second.merged_into is None


def test_the_merge_page_merges_the_chosen_record_into_this_one(world, client_for):
    duplicate = PersonFactory(post=world.a.post, last_name=world.a.person.last_name)
    FollowUpFactory(post=world.a.post, person=duplicate)
    url = f"/suivis/personnes/{world.a.person.public_id}/fusion/"
    response = client_for("iscg_a").post(url, {"person": duplicate.pk})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == world.a.person
    assert world.a.person.followups.count() == 2
    outsider = PersonFactory(post=world.b.post)
    response = client_for("iscg_a").post(url, {"person": outsider.pk})
    assert response.status_code == 200  # not a choice: the form refuses it
    outsider.refresh_from_db()
    assert outsider.merged_into is None
