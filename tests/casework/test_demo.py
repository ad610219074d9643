import pytest
from django.db.models import Count, F

from casework import services
from casework.enums import InterventionKind, InterventionStatus, OrientationKind, OrientationStatus, Place
from casework.models import Assessment, FollowUp, FollowUpReferral, Intervention, Orientation, Person
from demo.casework import seed_casework
from demo.data import TERRITORY
from demo.referrals import seed_referrals
from demo.seeding import seed_organisation
from referrals.enums import ReferralStatus
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_demo_casework_gives_every_post_two_years_of_work_consistent_with_referrals_and_is_idempotent():
    """Persons carry the search fields casework.services computes; rows pass the models' validation."""
    territory = seed_organisation()
    seed_referrals(territory)
    created = seed_casework(territory)
    assert created == FollowUp.objects.count() > 0
    counts = [model.objects.count() for model in (Person, FollowUp, Intervention, Assessment, Orientation)]
    assert seed_casework(territory) == 0
    assert [model.objects.count() for model in (Person, FollowUp, Intervention, Assessment, Orientation)] == counts

    per_post = dict(FollowUp.objects.values_list("post").annotate(n=Count("pk")).values_list("post", "n"))
    assert len(per_post) == 2 * len(TERRITORY)
    assert min(per_post.values()) >= 100
    taken_up = Referral.objects.filter(status=ReferralStatus.TAKEN_UP)
    assert taken_up.exists()
    assert taken_up.filter(followups__isnull=True).count() == 0  # every taken-up referral has its follow-up
    assert not Referral.objects.exclude(status=ReferralStatus.TAKEN_UP).filter(followups__isnull=False).exists()
    assert FollowUpReferral.objects.count() == taken_up.count()
    for link in FollowUpReferral.objects.select_related("followup", "referral").order_by("pk")[::10]:
        assert link.followup.post.units.filter(pk=link.referral.unit_id).exists()  # the post covers the unit
        followup_problems = set(link.followup.problems.values_list("pk", flat=True))
        assert set(link.referral.problems.values_list("pk", flat=True)) <= followup_problems
    assert set(Intervention.objects.values_list("place", flat=True)) == set(Place.values)
    assert set(Intervention.objects.values_list("kind", flat=True)) == set(InterventionKind.values)
    assert set(Intervention.objects.values_list("status", flat=True)) == set(InterventionStatus.values)
    assert set(Orientation.objects.values_list("status", flat=True)) == set(OrientationStatus.values)
    assert set(Orientation.objects.values_list("kind", flat=True)) == set(OrientationKind.values)
    assert FollowUp.objects.closed().exists() and FollowUp.objects.open().exists()
    assert Person.objects.filter(is_anonymous=True).exists()
    assert Person.objects.annotate(n=Count("followups")).filter(n__gte=2).exists()  # people who came back
    assert not FollowUp.objects.exclude(person__post=F("post")).exists()  # a person belongs to one post
    for person in Person.objects.order_by("pk")[::7]:
        values = services._person_values({name: getattr(person, name) for name in services.PERSON_FIELDS})
        assert (person.search_name, person.name_key, person.search_phone, person.is_anonymous) == (
            values["search_name"],
            values["name_key"],
            values["search_phone"],
            values["is_anonymous"],
        )
    for model in (Person, FollowUp, Intervention, Assessment, Orientation):
        for row in model.objects.order_by("pk")[::40]:
            row.full_clean(validate_unique=False)
