import re

from django.db.models import Count, F
from django.utils import timezone

from demo.data import TERRITORY
from demo.referrals import seed_referrals
from demo.seeding import seed_organisation
from referrals.enums import Answer, FilledBy, ReferralClosingReason, ReferralStatus, Source
from referrals.models import DangerAssessment, Referral, ReferralNumberSequence, ReferralPerson


def test_demo_referrals_cover_every_department_channel_status_and_reason_and_seed_idempotently(db):
    territory = seed_organisation()
    created = seed_referrals(territory)
    assert created == Referral.objects.count() > 0
    assert seed_referrals(territory) == 0
    assert Referral.objects.count() == created

    last_year = timezone.localdate().year - 1
    for code, data in territory.items():
        referrals = Referral.objects.filter(unit__department__code=code)
        assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values), code
        of_last_year = referrals.filter(referred_at__year=last_year)
        assert of_last_year.count() >= 100, code
        assert set(of_last_year.values_list("source", flat=True)) == set(Source.values), code
        reasons = set(of_last_year.filter(status=ReferralStatus.CLOSED).values_list("closing_reason", flat=True))
        assert reasons == set(ReferralClosingReason.values), code
        for post in data["posts"]:  # every unit of every post files or receives referrals
            assert set(post.units.values_list("pk", flat=True)) == set(
                of_last_year.filter(unit__posts=post).values_list("unit", flat=True)
            ), post.name
        for key in ("police", "police2"):  # an officer files for their own units only
            officer = data["users"][key]
            assert referrals.filter(author=officer).exists()
            assert not referrals.filter(author=officer).exclude(unit__in=officer.units.all()).exists()
        assert referrals.filter(source=Source.SCREENING).exclude(author__role="iscg").count() == 0


def test_demo_referrals_are_numbered_in_sequence_and_consistent_with_their_workflow_and_danger_grids(db):
    seed_referrals(seed_organisation())
    for sequence in ReferralNumberSequence.objects.select_related("department"):
        prefix = f"{sequence.year}-{sequence.department.code}-"
        of_the_year = Referral.objects.filter(number__startswith=prefix, unit__department=sequence.department)
        numbers = list(of_the_year.order_by("referred_at", "number").values_list("number", flat=True))
        assert numbers == [f"{prefix}{n:06d}" for n in range(1, len(numbers) + 1)]  # in filing order
        assert sequence.last_value == len(numbers)
    for number, referred_at in Referral.objects.values_list("number", "referred_at"):
        assert re.fullmatch(rf"{timezone.localdate(referred_at).year}-\d\d-\d{{6}}", number)

    assert not Referral.objects.filter(status_changed_at__lt=F("referred_at")).exists()
    assert not Referral.objects.filter(received_at__lt=F("referred_at")).exists()
    assert not Referral.objects.filter(taken_up_at__lt=F("received_at")).exists()
    assert not Referral.objects.filter(closed_at__lt=F("received_at")).exists()
    assert not Referral.objects.filter(facts_at__gt=F("referred_at")).exists()
    assert Referral.objects.annotate(n=Count("persons")).filter(n=0).count() == 0
    assert ReferralPerson.objects.filter(first_name="", last_name="").exists()  # anonymous persons

    grids = DangerAssessment.objects.all()
    assert set(grids.values_list("is_danger", flat=True)) == {True, False}
    assert set(grids.values_list("filled_by_kind", flat=True)) == set(FilledBy.values)
    for grid in grids.order_by("pk")[::25]:
        answers = list(grid.answers.values_list("answer", "is_red"))
        assert len(answers) == grid.version.items.count()
        assert grid.yes_count == sum(answer == Answer.YES for answer, _red in answers)
        assert grid.red_yes_count == sum(answer == Answer.YES and red for answer, red in answers)
        assert grid.is_danger == (
            grid.yes_count >= grid.version.yes_threshold or grid.red_yes_count >= grid.version.red_threshold
        )
    for referral in Referral.objects.order_by("pk")[::20]:
        referral.full_clean()  # statuses, timestamps and reasons are consistent
    for person in ReferralPerson.objects.order_by("pk")[::50]:
        person.full_clean()
    assert len(TERRITORY) == Referral.objects.values("unit__department").distinct().count()
