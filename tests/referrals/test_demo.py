from django.db.models import Count

from demo.data import TERRITORY
from demo.referrals import seed_referrals
from demo.seeding import seed_organisation
from referrals.enums import Status
from referrals.models import DangerAssessment, Referral


def test_demo_referrals_cover_every_department_and_status_and_seed_idempotently(db):
    territory = seed_organisation()
    assert seed_referrals(territory) == 12 * len(TERRITORY)
    assert seed_referrals(territory) == 0
    per_department = dict(
        Referral.objects.values_list("unit__department__code")
        .annotate(n=Count("pk"))
        .values_list("unit__department__code", "n")
    )
    assert per_department == dict.fromkeys(TERRITORY, 12)
    assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)
    assert DangerAssessment.objects.filter(is_danger=True).exists()
    for referral in Referral.objects.all():
        referral.full_clean()  # statuses, timestamps and reasons are consistent
        assert referral.status_changed_at >= referral.referred_at
