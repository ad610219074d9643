import pytest
from django.db.models import Count

from casework.enums import InterventionStatus, OrientationKind, OrientationStatus, Place
from casework.models import FollowUp, Intervention, Orientation, Person
from demo.casework import seed_casework
from demo.data import TERRITORY
from demo.referrals import seed_referrals
from demo.seeding import seed_organisation
from referrals.enums import Status
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_demo_casework_gives_every_post_a_year_of_work_consistent_with_referrals_and_is_idempotent():
    territory = seed_organisation()
    seed_referrals(territory)
    created = seed_casework(territory)
    assert created == FollowUp.objects.count() > 0
    assert seed_casework(territory) == 0
    counts = (Person.objects.count(), FollowUp.objects.count(), Intervention.objects.count())
    seed_casework(territory)
    assert (Person.objects.count(), FollowUp.objects.count(), Intervention.objects.count()) == counts

    per_post = dict(FollowUp.objects.values_list("post").annotate(n=Count("pk")).values_list("post", "n"))
    assert len(per_post) == 2 * len(TERRITORY)
    taken_up = Referral.objects.filter(status=Status.TAKEN_UP)
    assert taken_up.exists()
    assert taken_up.filter(followups__isnull=True).count() == 0  # every taken-up referral has its follow-up
    assert set(Intervention.objects.values_list("place", flat=True)) == set(Place.values)
    assert set(Intervention.objects.values_list("status", flat=True)) == set(InterventionStatus.values)
    assert set(Orientation.objects.values_list("status", flat=True)) == set(OrientationStatus.values)
    assert set(Orientation.objects.values_list("kind", flat=True)) == set(OrientationKind.values)
    assert FollowUp.objects.closed().exists() and FollowUp.objects.open().exists()
    assert Person.objects.filter(is_anonymous=True).exists()
    for model in (FollowUp, Orientation):
        for row in model.objects.all():
            row.full_clean(validate_unique=False)
    for followup in FollowUp.objects.all():
        assert followup.person.post_id == followup.post_id
