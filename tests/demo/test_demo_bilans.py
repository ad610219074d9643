"""The demo gives every demo department a meaningful bilan (docs/domain.md §7.2) for the last complete
civil year and for the current year so far. Every date is computed from today."""

from collections import Counter

import pytest
from django.db.models import Count, F
from django.utils import timezone

from casework.enums import (
    AgeClass,
    FollowUpClosingReason,
    FollowUpRole,
    InterventionStatus,
    KnownToSocialServices,
    OrientationKind,
    OrientationStatus,
    Place,
    Sex,
    age_class_for,
    age_on,
)
from casework.models import Assessment, FollowUp, FollowUpReferral, Intervention, Orientation, Person
from conventions.enums import PaymentKind
from conventions.models import FundingRule, Payment, SteeringCommittee
from demo.data import DEMO_EMAIL_DOMAIN, TERRITORY
from organisation.models import Post
from referrals.enums import ReferralClosingReason, ReferralStatus
from referrals.models import DangerAssessment, Referral, ReferralPerson

pytestmark = pytest.mark.usefixtures("seeded_demo", "db")


def held(period, **scope):
    return Intervention.objects.held().filter(starts_at__date__range=period, **scope)


def persons_met(period, **scope):
    return Person.objects.filter(
        followups__interventions__status=InterventionStatus.HELD,
        followups__interventions__starts_at__date__range=period,
        **{f"followups__{key}": value for key, value in scope.items()},
    ).distinct()


def test_every_department_met_at_least_fifty_persons_last_year(last_year):
    for code in TERRITORY:
        met = held(last_year, followup__post__department__code=code).values("followup__person").distinct()
        assert met.count() >= 50, code


def test_every_post_had_a_full_year_of_work_last_year_and_this_year(last_year, this_year):
    for post in Post.objects.filter(department__code__in=TERRITORY):
        for period in (last_year, this_year):
            met = held(period, followup__post=post).values("followup__person").distinct().count()
            interventions = Intervention.objects.filter(followup__post=post, starts_at__date__range=period).count()
            # Roughly 60 to 120 persons and 200 to 400 interventions a year; fewer early in the year.
            share = ((period[1] - period[0]).days + 1) / 365
            assert 40 * share <= met <= 150, (post.name, period, met)
            assert 150 * share <= interventions <= 500, (post.name, period, interventions)


def test_held_interventions_took_place_in_every_place_in_every_department_last_year(last_year):
    for code in TERRITORY:
        places = set(held(last_year, followup__post__department__code=code).values_list("place", flat=True))
        assert places == set(Place.values), code


def test_some_persons_were_seen_in_two_places_last_year(last_year):
    for code in TERRITORY:
        several = (
            held(last_year, followup__post__department__code=code)
            .values("followup__person")
            .annotate(places=Count("place", distinct=True))
            .filter(places__gte=2)
        )
        assert several.count() >= 10, code


def test_every_department_has_no_shows_and_cancellations_and_interventions_planned_ahead(last_year):
    now = timezone.now()
    for code in TERRITORY:
        interventions = Intervention.objects.filter(followup__post__department__code=code)
        statuses = set(interventions.filter(starts_at__date__range=last_year).values_list("status", flat=True))
        assert {InterventionStatus.NO_SHOW, InterventionStatus.CANCELLED} <= statuses, code
        assert interventions.planned().filter(starts_at__gt=now).exists(), code


def test_orientations_reach_every_status_in_every_department_last_year(last_year):
    for code in TERRITORY:
        orientations = Orientation.objects.filter(
            followup__post__department__code=code, kind=OrientationKind.ORIENTATION, oriented_on__range=last_year
        )
        assert set(orientations.values_list("status", flat=True)) == set(OrientationStatus.values), code
        partner_types = set(orientations.values_list("partner__partner_type", flat=True))
        partner_types |= set(orientations.values_list("partner_type", flat=True))
        assert len(partner_types - {None}) >= 10, code


def test_every_department_made_child_protection_transmissions_last_year(last_year):
    transmissions = Orientation.objects.child_protection().filter(oriented_on__range=last_year)
    for code in TERRITORY:
        assert transmissions.filter(followup__post__department__code=code).exists(), code
    assert set(transmissions.values_list("kind", flat=True)) == {
        OrientationKind.CONCERN_REPORT,
        OrientationKind.PROSECUTOR_REPORT,
    }


def test_follow_ups_were_closed_last_year_for_every_reason_in_every_department(last_year):
    for code in TERRITORY:
        closed = FollowUp.objects.filter(post__department__code=code, closed_on__range=last_year)
        assert set(closed.values_list("closing_reason", flat=True)) == set(FollowUpClosingReason.values), code
        opened_before_end = FollowUp.objects.filter(post__department__code=code, opened_on__lte=last_year[1])
        still_open = opened_before_end.exclude(closed_on__lte=last_year[1])
        assert still_open.count() > 10, code  # F3: follow-ups open at the end of the period


def test_follow_ups_were_closed_this_year_for_every_reason(this_year):
    if this_year[1] < this_year[0].replace(month=4):
        pytest.skip("Too early in the year for every closing reason to have occurred.")
    closed = FollowUp.objects.filter(closed_on__range=this_year)
    assert set(closed.values_list("closing_reason", flat=True)) == set(FollowUpClosingReason.values)
    assert FollowUp.objects.open().count() > 10 * len(TERRITORY)


def test_referrals_reach_every_status_and_closing_reason_in_every_department(last_year):
    for code in TERRITORY:
        referrals = Referral.objects.filter(unit__department__code=code)
        assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values), code
        closed = referrals.filter(referred_at__date__range=last_year, status=ReferralStatus.CLOSED)
        assert set(closed.values_list("closing_reason", flat=True)) == set(ReferralClosingReason.values), code
        assert referrals.filter(referred_at__date__range=last_year).count() >= 100, code


def test_taken_up_referrals_are_linked_to_the_follow_ups_they_opened():
    taken_up = Referral.objects.filter(status=ReferralStatus.TAKEN_UP)
    assert taken_up.filter(followups__isnull=True).count() == 0
    assert FollowUp.objects.annotate(n=Count("referrals")).filter(n__gte=2).exists()  # referred again
    assert FollowUp.objects.filter(referrals__isnull=True).exists()  # came on their own
    assert not FollowUpReferral.objects.filter(followup__opened_on__gt=F("referral__taken_up_at__date")).exists()
    assert not FollowUpReferral.objects.filter(followup__closed_on__lt=F("referral__taken_up_at__date")).exists()


def test_persons_met_last_year_cover_every_sex_age_class_role_and_knowledge_of_social_services(last_year):
    met = persons_met(last_year, post__department__code__in=list(TERRITORY))
    assert set(met.values_list("sex", flat=True)) == set(Sex.values)
    assert set(met.values_list("known_to_social_services", flat=True)) == set(KnownToSocialServices.values)
    assert met.filter(is_anonymous=True).count() >= len(TERRITORY)
    assert met.filter(birth_date__isnull=True).exclude(age_class=AgeClass.UNKNOWN).count() > 50  # age class only
    classes = Counter(
        age_class_for(age_on(birth_date, last_year[0])) if birth_date else age_class
        for birth_date, age_class in met.values_list("birth_date", "age_class")
    )
    assert set(classes) == set(AgeClass.values)
    roles = FollowUp.objects.filter(person__in=met).values_list("person_role", flat=True)
    assert set(roles) == set(FollowUpRole.values)
    assert FollowUp.objects.annotate(n=Count("problems")).filter(n__gte=2).count() > 200


def test_assessments_count_children_exposed_and_flag_a_few_very_serious_dangers(last_year):
    for code in TERRITORY:
        assessments = Assessment.objects.filter(followup__post__department__code=code, assessed_on__range=last_year)
        assert assessments.filter(children_exposed__gt=0).exists(), code
        very_serious = assessments.filter(is_very_serious_danger=True).count()
        assert 1 <= very_serious <= assessments.count() // 10, code


def test_some_referrals_carry_a_danger_grid_some_in_danger_characterised(last_year):
    for code in TERRITORY:
        grids = DangerAssessment.objects.filter(referral__unit__department__code=code)
        grids = grids.filter(filled_at__date__range=last_year)
        assert set(grids.values_list("is_danger", flat=True)) == {True, False}, code


def test_every_department_held_steering_committees_and_received_payments_last_year(last_year):
    for code in TERRITORY:
        assert SteeringCommittee.objects.filter(
            convention__department__code=code, held_on__range=last_year
        ).exists(), code
        payments = Payment.objects.filter(convention__department__code=code, dated_on__range=last_year)
        assert payments.filter(kind=PaymentKind.PAYMENT).exists(), code
        assert FundingRule.objects.filter(
            convention__department__code=code, year=last_year[0].year, committed_cents__gt=0
        ).exists(), code


def test_someone_is_followed_in_both_posts_of_every_department():
    for code in TERRITORY:
        in_both_posts = (
            Person.objects.filter(post__department__code=code, birth_date__isnull=False)
            .exclude(name_key="")
            .values("name_key", "birth_date")
            .annotate(posts=Count("post", distinct=True))
            .filter(posts=2)
        )
        assert in_both_posts.exists(), code


def test_breakdowns_have_large_cells_and_cells_that_masking_hides(last_year):
    """Many counts of persons exceed 10, and a few cells stay between 1 and 10 (docs/domain.md §7.3)."""
    for code in TERRITORY:
        met = persons_met(last_year, post__department__code=code)
        cells = list(Counter(met.values_list("sex", flat=True)).values())
        cells += Counter(FollowUp.objects.filter(person__in=met).values_list("person_role", flat=True)).values()
        for place in Place.values:
            cells.append(persons_met(last_year, post__department__code=code, interventions__place=place).count())
        assert sum(count > 10 for count in cells) >= 5, code
        assert any(1 <= count <= 10 for count in cells), code


def test_the_calendar_is_respected():
    now = timezone.now()
    assert not Intervention.objects.exclude(status=InterventionStatus.PLANNED).filter(starts_at__gt=now).exists()
    assert not Intervention.objects.planned().filter(starts_at__lte=now).exists()
    assert not Intervention.objects.planned().filter(followup__closed_on__isnull=False).exists()
    assert not Intervention.objects.filter(starts_at__date__lt=F("followup__opened_on")).exists()
    assert not Intervention.objects.filter(starts_at__date__gt=F("followup__closed_on")).exists()
    assert not Referral.objects.filter(referred_at__gt=now).exists()
    assert not Referral.objects.filter(status_changed_at__lt=F("referred_at")).exists()
    assert not Orientation.objects.filter(oriented_on__lt=F("followup__opened_on")).exists()
    assert not Orientation.objects.filter(outcome_on__gt=timezone.localdate()).exists()
    assert not Payment.objects.filter(dated_on__gt=timezone.localdate()).exists()
    assert not SteeringCommittee.objects.filter(held_on__gt=timezone.localdate()).exists()


def test_the_demo_people_are_fictional():
    for model, phone, email in ((Person, "safe_phone", "safe_email"), (ReferralPerson, "safe_phone", "safe_email")):
        # Safe contacts are encrypted at rest: they are compared once decrypted.
        rows = list(model.objects.values_list(phone, email))
        assert any(phone_value for phone_value, _email in rows)
        assert all(phone_value.startswith("06 00 00 ") for phone_value, _email in rows if phone_value)
        assert all(email_value.endswith(f"@{DEMO_EMAIL_DOMAIN}") for _phone, email_value in rows if email_value)
