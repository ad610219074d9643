"""Each indicator of docs/domain.md §7.2 against figures computed by hand on a small data set.

Department 80 in 2025 (the scope of most tests):
- post P covers unit U; post Q (same department) covers unit V; post R is in department 42.
- p1 (F, born 15/06/1990): follow-ups f1 (victim; conjugal violence, housing) and f1b (both) on P.
  Held: 20/12/2024 (before the period), 10/03/2025 police station, 02/04/2025 town hall (phone call),
  01/09/2025 police station (f1b). No-show 01/05/2025.
- p2 (M, no birth date, age class 18-25, "does not know"): f2 (accused; other intrafamily violence) on P,
  opened by referral r1. Held 01/06/2025 gendarmerie, closed 01/08/2025 (resolved).
- p3 (F, born 31/12/2010, known to social services): f3 (victim) on Q. Held 30/12/2025 at home:
  the day before her 15th birthday, so 11-14. Closed 10/01/2026 (after the period).
- p4 (anonymous, sex not stated): f4 on P, only a no-show in 2025: not met.
- p5: f5 on R (department 42): never in department 80's figures.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from casework.enums import (
    AgeClass,
    FollowUpClosingReason,
    FollowUpRole,
    InterventionKind,
    InterventionStatus,
    KnownToSocialServices,
    OrientationStatus,
    Place,
    Sex,
)
from casework.models import FollowUpReferral
from conventions import services as convention_services
from conventions.enums import FundingRuleKind
from organisation.models import PartnerType
from referrals.enums import ReferralClosingReason, Source
from referrals.models import Problem
from reporting.bilan import BilanScope, Period, ScopeKind
from reporting.exports import bilan_json
from reporting.indicators import civil_year, compute_bilan, resolve_scope
from tests.accounts.factories import UserFactory
from tests.casework.factories import AssessmentFactory, FollowUpFactory, InterventionFactory, OrientationFactory
from tests.conventions.factories import (
    ConventionFactory,
    ConventionPostFactory,
    FunderFactory,
    PaymentFactory,
    SteeringCommitteeFactory,
)
from tests.organisation.factories import PostFactory, UnitFactory, department
from tests.referrals.factories import DangerAssessmentFactory, ReferralFactory

YEAR_2025 = civil_year(2025)


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


def problems(*codes):
    return list(Problem.objects.filter(code__in=codes))


@pytest.fixture
def data(db):
    d80, d42 = department("80"), department("42")
    u, v, w = UnitFactory(department=d80), UnitFactory(department=d80), UnitFactory(department=d42)
    p = PostFactory(department=d80, name="Poste P", units=[u])
    q = PostFactory(department=d80, name="Poste Q", units=[v])
    r = PostFactory(department=d42, name="Poste R", units=[w])
    iscg = UserFactory(iscg=True)
    opened = datetime.date(2024, 12, 1)

    def followup(post, role=FollowUpRole.VICTIM, problem_codes=("violences_conjugales",), **person):
        return FollowUpFactory(
            post=post,
            person__post=post,
            person__created_by=iscg,
            person_role=role,
            opened_on=opened,
            problems=problems(*problem_codes),
            **{f"person__{key}": value for key, value in person.items()},
        )

    f1 = followup(
        p,
        problem_codes=("violences_conjugales", "logement"),
        sex=Sex.FEMALE,
        birth_date=datetime.date(1990, 6, 15),
        known_to_social_services=KnownToSocialServices.NO,
    )
    p1 = f1.person
    f1b = FollowUpFactory(post=p, person=p1, created_by=iscg, person_role=FollowUpRole.BOTH, opened_on=opened)
    f2 = followup(
        p,
        role=FollowUpRole.ACCUSED,
        problem_codes=("violences_intrafamiliales",),
        sex=Sex.MALE,
        birth_date=None,
        age_class=AgeClass.AGE_18_25,
    )
    f3 = followup(
        q, sex=Sex.FEMALE, birth_date=datetime.date(2010, 12, 31), known_to_social_services=KnownToSocialServices.YES
    )
    f4 = followup(p, anonymous=True, sex=Sex.UNKNOWN)
    f5 = followup(r)

    def held(fu, day, place=Place.POLICE_STATION, kind=InterventionKind.INTERVIEW, status=InterventionStatus.HELD):
        return InterventionFactory(followup=fu, author=iscg, starts_at=at(day), place=place, kind=kind, status=status)

    held(f1, "2024-12-20")
    held(f1, "2025-03-10")
    held(f1, "2025-04-02", place=Place.TOWN_HALL, kind=InterventionKind.PHONE_CALL)
    held(f1, "2025-05-01", status=InterventionStatus.NO_SHOW)
    held(f1b, "2025-09-01")
    held(f2, "2025-06-01", place=Place.GENDARMERIE)
    held(f3, "2025-12-30", place=Place.HOME)
    held(f4, "2025-02-02", status=InterventionStatus.NO_SHOW)
    held(f5, "2025-03-03")
    held(f1, "2026-01-05")  # after the period
    f2.closed_on, f2.closing_reason = datetime.date(2025, 8, 1), FollowUpClosingReason.RESOLVED
    f2.save()
    f3.closed_on, f3.closing_reason = datetime.date(2026, 1, 10), FollowUpClosingReason.MOVED
    f3.save()

    # Referrals of unit U (covered by P): r1 taken up (f2) two days before its first interview,
    # r2 still waiting at the end of 2025, r3 closed (unreachable), r4 withdrawn, r5 of 2024.
    r1 = ReferralFactory(unit=u, referred_at=at("2025-05-30"), taken_up=True, taken_up_at=at("2025-05-30", 12))
    FollowUpReferral.objects.create(followup=f2, referral=r1, linked_by=iscg)
    ReferralFactory(
        unit=u, referred_at=at("2025-11-20"), source=Source.LOGBOOK, received=True, received_at=at("2025-11-21")
    )
    ReferralFactory(
        unit=u,
        referred_at=at("2025-06-20"),
        closed=True,
        closed_at=at("2025-07-01"),
        closing_reason=ReferralClosingReason.UNREACHABLE,
    )
    ReferralFactory(unit=u, referred_at=at("2025-03-01"), withdrawn=True, withdrawn_at=at("2025-03-01", 11))
    ReferralFactory(unit=u, referred_at=at("2024-10-01"), taken_up=True, taken_up_at=at("2024-10-02"))
    ReferralFactory(unit=w, referred_at=at("2025-04-01"))  # department 42
    DangerAssessmentFactory(referral=r1, yes=12, filled_at=at("2025-05-30"))

    AssessmentFactory(
        followup=f1, assessed_on=datetime.date(2025, 3, 15), very_serious_danger=True, children_exposed=2
    )
    AssessmentFactory(followup=f3, assessed_on=datetime.date(2025, 12, 30), children_exposed=0)

    cidff, ccas = PartnerType.objects.get(code="cidff"), PartnerType.objects.get(code="ccas")
    OrientationFactory(
        followup=f1,
        oriented_on=datetime.date(2025, 4, 10),
        partner_type=cidff,
        status=OrientationStatus.DONE,
        outcome_on=datetime.date(2025, 5, 1),
    )
    OrientationFactory(followup=f2, oriented_on=datetime.date(2025, 6, 5), partner_type=ccas)
    OrientationFactory(followup=f2, oriented_on=datetime.date(2025, 6, 6), concern_report=True)
    OrientationFactory(followup=f1, oriented_on=datetime.date(2024, 12, 1), partner_type=cidff)

    # A convention covering P (1 FTE, 40 000 € in 2025) and Q (0.5 FTE, 20 000 €): the State pays 50 %,
    # the Département the balance; the State paid 15 000 € in 2025.
    convention = ConventionFactory(
        department=d80, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2026, 12, 31)
    )
    cp = ConventionPostFactory(convention=convention, post=p, fte_share=Decimal("1.00"))
    cq = ConventionPostFactory(convention=convention, post=q, fte_share=Decimal("1.00"))
    state = FunderFactory(department=d80, state=True, name="Préfecture de la Somme")
    departement = FunderFactory(department=d80, departement=True, name="Département de la Somme")
    convention_services.funding_rules_set_for_year(
        convention=convention,
        year=2025,
        expected_version=convention.version,
        costs={
            cp.pk: convention_services.CostData(salary_cents=40_000_00),
            cq.pk: convention_services.CostData(salary_cents=20_000_00),
        },
        rules=[
            convention_services.RuleData(funder=state, kind=FundingRuleKind.PERCENT_OF_COST, percent=Decimal(50)),
            convention_services.RuleData(funder=departement, kind=FundingRuleKind.BALANCE, rank=1),
        ],
    )
    PaymentFactory(convention=convention, funder=state, amount_cents=15_000_00, dated_on=datetime.date(2025, 7, 1))
    SteeringCommitteeFactory(convention=convention, held_on=datetime.date(2025, 11, 5))
    SteeringCommitteeFactory(convention=convention, held_on=datetime.date(2026, 2, 5))
    return {"p": p, "q": q, "u": u, "d80": d80, "state": state, "departement": departement}


def scope_of(kind, key):
    return BilanScope(kind, str(key), "test")


def department_bilan(**kwargs):
    return compute_bilan(scope=scope_of(ScopeKind.DEPARTMENT, "80"), period=YEAR_2025, **kwargs)


def values(indicator) -> dict:
    return {cell.key: cell.value for cell in indicator.breakdown}


def test_referral_indicators_count_received_closed_and_waiting(data):
    bilan = compute_bilan(scope=scope_of(ScopeKind.POST, data["p"].public_id), period=YEAR_2025)
    a = bilan.indicators
    assert a["A1"].total == 3  # r1, r2, r3: the withdrawn one and the 2024 one do not count
    assert values(a["A1"]) == {str(data["u"].public_id): 3}
    assert values(a["A2"])["complaint"] == 2 and values(a["A2"])["logbook"] == 1 and values(a["A2"])["other"] == 0
    assert a["A3"].total == 1 and values(a["A3"])["unreachable"] == 1 and values(a["A3"])["duplicate"] == 0
    assert a["A4"].total == 2.0  # 30/05 10:00 → 01/06 10:00
    details = {key: value for key, _label, value, _unit in a["A4"].details}
    assert details == {"referrals_with_intervention": 1, "waiting_at_end": 1}


def test_persons_met_count_once_with_attributes_at_first_held_intervention(data):
    b = department_bilan().indicators
    assert b["B1"].total == 3  # p1 (two follow-ups) once, p2, p3; p4 only missed an appointment
    assert b["B2"].total == 2  # p1 was first met in 2024
    assert values(b["B3"]) == {Sex.FEMALE: 2, Sex.MALE: 1, Sex.OTHER: 0, Sex.UNKNOWN: 0}
    ages = values(b["B4"])
    assert ages[AgeClass.AGE_26_40] == 1  # 34 on 10/03/2025
    assert ages[AgeClass.AGE_18_25] == 1  # recorded age class, no birth date
    assert ages[AgeClass.AGE_11_14] == 1  # 14 on 30/12/2025, 15 the next day
    assert sum(ages.values()) == 3 and ages[AgeClass.UNKNOWN] == 0
    # Role of the follow-up of the first held intervention of the period (f1: victim, not f1b: both).
    assert values(b["B5"]) == {
        FollowUpRole.VICTIM: 2,
        FollowUpRole.ACCUSED: 1,
        FollowUpRole.BOTH: 0,
        FollowUpRole.OTHER: 0,
    }
    assert b["B3"].breakdown[0].percent == 66.7
    assert "3" in b["B3"].denominator_label


def test_multi_valued_problems_and_places_count_a_person_once_per_value(data):
    b = department_bilan().indicators
    problems_met = values(b["B6"])
    assert problems_met["violences_conjugales"] == 2  # p1 (both follow-ups: once) and p3
    assert problems_met["logement"] == 1 and problems_met["violences_intrafamiliales"] == 1
    assert problems_met["unknown"] == 0
    assert b["B6"].is_multi_valued
    places = values(b["B9"])
    assert places == {
        Place.POLICE_STATION: 1,
        Place.GENDARMERIE: 1,
        Place.TOWN_HALL: 1,
        Place.HOME: 1,
        Place.OUTSIDE: 0,
        Place.REMOTE: 0,
    }
    assert sum(places.values()) == 4 > b["B9"].total == 3


def test_an_inactive_problem_shows_while_counted_and_a_person_without_problem_is_not_stated(data):
    Problem.objects.filter(code__in=["logement", "fugue"]).update(is_active=False)
    p3 = data["q"].persons.get()
    p3.followups.get().problems.clear()
    problems_met = values(department_bilan().indicators["B6"])
    assert problems_met["logement"] == 1  # inactive, still counted for p1
    assert "fugue" not in problems_met  # inactive and counted for nobody
    assert problems_met["violences_conjugales"] == 1  # p1 only, now
    assert problems_met["unknown"] == 1  # p3, whose follow-up states no problem


def test_known_to_social_services_and_children_exposed(data):
    b = department_bilan().indicators
    assert values(b["B7"]) == {"yes": 1, "no": 1, "unknown": 1}
    assert {key: value for key, _label, value, _unit in b["B7"].details} == {"share_unknown": 33.3}
    assert b["B8"].total == 2 and values(b["B8"]) == {"persons_with_children_exposed": 1}


def test_interventions_exclude_no_shows_from_held(data):
    c = department_bilan().indicators
    assert c["C1"].total == 5
    assert values(c["C1"])[InterventionKind.INTERVIEW] == 4 and values(c["C1"])[InterventionKind.PHONE_CALL] == 1
    assert values(c["C2"]) == {
        InterventionStatus.HELD: 5,
        InterventionStatus.NO_SHOW: 2,
        InterventionStatus.CANCELLED: 0,
    }
    assert values(c["C3"])[Place.POLICE_STATION] == 2 and values(c["C3"])[Place.HOME] == 1
    details = {key: value for key, _label, value, _unit in c["C4"].details}
    assert details == {"mean": 1.67, "median": 1}  # 3, 1 and 1 held interventions


def test_danger_indicators(data):
    d = department_bilan().indicators
    assert d["D1"].total == 1  # p2: a grid with the referral of f2
    assert d["D2"].total == 2  # p2 (danger caractérisé), p1 (très grand danger)
    assert values(d["D2"]) == {"grid_danger": 1, "very_serious_danger": 1}


def test_overlaps_count_a_person_once_and_the_highest_or_first_figure_wins(data):
    """p2 becomes both in characterised danger (grid) and flagged very serious; a second assessment of
    p1 records more children exposed; r1's follow-up gets an earlier held intervention after it."""
    p1 = data["p"].persons.get(sex=Sex.FEMALE)
    p2 = data["p"].persons.get(sex=Sex.MALE)
    f2 = p2.followups.get()
    AssessmentFactory(
        followup=f2, assessed_on=datetime.date(2025, 6, 2), very_serious_danger=True, children_exposed=None
    )
    AssessmentFactory(
        followup=p1.followups.order_by("pk").first(), assessed_on=datetime.date(2025, 9, 1), children_exposed=3
    )
    AssessmentFactory(followup=f2, assessed_on=datetime.date(2026, 1, 2), children_exposed=9)  # after the period
    InterventionFactory(followup=f2, author=f2.created_by, starts_at=at("2025-05-31"))  # r1: 30/05 → 31/05
    InterventionFactory(followup=f2, author=f2.created_by, starts_at=at("2025-05-29"))  # before r1: not its first

    indicators = department_bilan().indicators
    assert indicators["D1"].total == 1
    assert indicators["D2"].total == 2  # p1 flagged; p2 in grid danger and flagged: counted once
    assert values(indicators["D2"]) == {"grid_danger": 1, "very_serious_danger": 2}
    assert indicators["B8"].total == 3  # p1's highest figure (3, not 2 + 3); p2's 2026 figure is after the period
    assert values(indicators["B8"]) == {"persons_with_children_exposed": 1}
    assert indicators["A4"].total == 1.0  # the first held intervention after the referral, not the one before
    details = {key: value for key, _label, value, _unit in indicators["A4"].details}
    assert details["referrals_with_intervention"] == 1
    assert indicators["B2"].total == 2  # p1 was met in 2024; p2's earlier intervention is still in 2025


def test_medians_of_an_even_count_are_the_mean_of_the_two_middle_values(data):
    """A fourth person met (p6, on P, by referral r6) makes every median an even count: on PostgreSQL
    one percentile_cont(0.5) query, elsewhere the two middle rows; the same figures either way."""
    author = data["p"].persons.first().created_by
    f6 = FollowUpFactory(post=data["p"], person__post=data["p"], person__created_by=author, opened_on=at("2025-05-01"))
    r6 = ReferralFactory(unit=data["u"], referred_at=at("2025-05-31"), taken_up=True, taken_up_at=at("2025-05-31", 11))
    FollowUpReferral.objects.create(followup=f6, referral=r6, linked_by=author)
    InterventionFactory(followup=f6, author=author, starts_at=at("2025-06-01"))  # r6: one day
    InterventionFactory(followup=f6, author=author, starts_at=at("2025-06-15"))
    f6.closed_on, f6.closing_reason = datetime.date(2025, 7, 1), FollowUpClosingReason.RESOLVED  # 30 days
    f6.save()

    indicators = department_bilan().indicators
    assert indicators["A4"].total == 1.5  # delays of 2 days (r1) and 1 day (r6)
    assert {key: value for key, _label, value, _unit in indicators["A4"].details}["referrals_with_intervention"] == 2
    c4 = {key: value for key, _label, value, _unit in indicators["C4"].details}
    assert c4 == {"mean": 1.75, "median": 1.5}  # 3, 2, 1 and 1 held interventions
    f2 = {key: value for key, _label, value, _unit in indicators["F2"].details}
    assert f2["measured"] == 2 and f2["median_days"] == f2["mean_days"] == 45.5  # 61 and 30 days
    assert f2["median_months"] == 1.5


def test_a_period_without_activity_has_no_median_and_zero_counts(data):
    indicators = compute_bilan(scope=scope_of(ScopeKind.DEPARTMENT, "80"), period=civil_year(2030)).indicators
    assert indicators["A4"].total is None
    assert {key: value for key, _label, value, _unit in indicators["A4"].details}["referrals_with_intervention"] == 0
    assert {key: value for key, _label, value, _unit in indicators["C4"].details} == {"mean": None, "median": None}
    f2 = {key: value for key, _label, value, _unit in indicators["F2"].details}
    assert f2 == {"measured": 0, "mean_days": None, "median_days": None, "mean_months": None, "median_months": None}
    assert indicators["B1"].total == indicators["C1"].total == 0


def test_orientations_and_child_protection_counted_apart(data):
    e = department_bilan().indicators
    assert e["E1"].total == 2 and values(e["E1"])["cidff"] == 1 and values(e["E1"])["ccas"] == 1
    assert values(e["E2"])[OrientationStatus.DONE] == 1 and values(e["E2"])[OrientationStatus.PROPOSED] == 1
    assert e["E3"].total == 2
    assert e["E4"].total == 1 and values(e["E4"]) == {"concern_report": 1, "prosecutor_report": 0}


def test_followup_indicators(data):
    f = department_bilan().indicators
    assert f["F1"].total == 1 and values(f["F1"])[FollowUpClosingReason.RESOLVED] == 1
    details = {key: value for key, _label, value, _unit in f["F2"].details}
    assert details == {"measured": 1, "mean_days": 61.0, "median_days": 61.0, "mean_months": 2.0, "median_months": 2.0}
    assert f["F3"].total == 4  # f1, f1b, f3 (closed in 2026) and f4; f2 closed in August
    assert f["G1"].total == 1  # the committee of 5 November 2025, not the one of 2026


def test_cofinancing_prorated_by_days_and_shared_by_post(data):
    i = department_bilan().indicators
    assert i["I3"].total == 60_000_00
    committed = values(i["I1"])
    assert committed == {str(data["state"].public_id): 30_000_00, str(data["departement"].public_id): 30_000_00}
    assert values(i["I2"])[str(data["state"].public_id)] == 15_000_00
    assert i["I4"].total == 20_000_00  # 60 000 € for 3 persons met
    assert i["G1"].total == 1
    # The post P: two thirds of the cost and of each funder's share.
    p = compute_bilan(scope=scope_of(ScopeKind.POST, data["p"].public_id), period=YEAR_2025).indicators
    assert p["I3"].total == 40_000_00
    assert values(p["I1"])[str(data["state"].public_id)] == 20_000_00
    assert values(p["I2"])[str(data["state"].public_id)] == 10_000_00
    # Half of 2025: half of the year's commitments.
    half = compute_bilan(
        scope=scope_of(ScopeKind.DEPARTMENT, "80"),
        period=Period(datetime.date(2025, 1, 1), datetime.date(2025, 7, 1)),  # 182 of 365 days
    ).indicators
    assert half["I3"].total == round(60_000_00 * 182 / 365)


def test_cofinancing_left_out_on_request(data):
    bilan = department_bilan(include_cofinancing=False)
    assert not {"I1", "I2", "I3", "I4"} & set(bilan.indicators)


def test_previous_period_is_computed_for_comparison(data):
    bilan = department_bilan()
    assert bilan.previous.period == civil_year(2024)
    assert bilan.previous.indicators["B1"].total == 1  # p1 on 20/12/2024
    assert bilan.previous.previous is None


def test_other_department_and_unit_scopes(data):
    b42 = compute_bilan(scope=scope_of(ScopeKind.DEPARTMENT, "42"), period=YEAR_2025).indicators
    assert b42["B1"].total == 1 and b42["A1"].total == 1
    unit = compute_bilan(scope=scope_of(ScopeKind.UNIT, data["u"].public_id), period=YEAR_2025).indicators
    assert unit["A1"].total == 3
    assert unit["B1"].total == 1  # p2: the only person whose follow-up came from a referral of U
    assert "I1" not in unit  # units are not funded
    national = compute_bilan(scope=BilanScope(ScopeKind.NATIONAL, "national", "France"), period=YEAR_2025)
    assert national.indicators["B1"].total == 4


def test_resolve_scope_reads_every_form_and_refuses_others(data):
    assert resolve_scope("department:80").label == "Somme (80)"
    assert resolve_scope(f"post:{data['p'].public_id}").kind == ScopeKind.POST
    assert resolve_scope("national").kind == ScopeKind.NATIONAL
    for wrong in ("department:00", "post:not-a-uuid", "planet:earth", ""):
        with pytest.raises(ValueError):
            resolve_scope(wrong)


def test_bilan_query_count_does_not_grow_with_the_data(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(100) as small:
        department_bilan()
    iscg = UserFactory(iscg=True)
    for index in range(10):
        fu = FollowUpFactory(
            post=data["p"], person__post=data["p"], person__created_by=iscg, opened_on=datetime.date(2025, 1, 1)
        )
        InterventionFactory(followup=fu, author=iscg, starts_at=at(f"2025-02-{index + 1:02d}"))
        OrientationFactory(followup=fu, oriented_on=datetime.date(2025, 2, 10))
    with django_assert_max_num_queries(len(small.captured_queries)):
        bilan = department_bilan()
    assert bilan.indicators["B1"].total == 13


def test_monthly_activity_counts_held_interventions_and_distinct_persons(data):
    monthly = department_bilan().monthly
    assert [month.month for month in monthly] == [datetime.date(2025, m, 1) for m in range(1, 13)]
    by_month = {month.month.month: (month.held, month.persons) for month in monthly}
    assert by_month[3] == (1, 1) and by_month[4] == (1, 1) and by_month[6] == (1, 1) and by_month[12] == (1, 1)
    assert by_month[5] == (0, 0)  # a no-show only
    assert sum(held for held, _ in by_month.values()) == 5
    from reporting.masking import mask_bilan

    masked = mask_bilan(department_bilan(), threshold=11).monthly
    assert {month.persons for month in masked} == {0, "< 11"}


def test_two_held_interventions_at_the_same_time_still_count_the_person_once(data):
    p1 = data["p"].persons.order_by("pk").first()
    other = FollowUpFactory(
        post=data["p"],
        person=p1,
        created_by=p1.created_by,
        person_role=FollowUpRole.OTHER,
        opened_on=datetime.date(2025, 1, 1),
    )
    InterventionFactory(followup=other, author=p1.created_by, starts_at=at("2025-03-10"))  # same time as f1's
    b = department_bilan().indicators
    assert b["B1"].total == 3
    assert sum(values(b["B4"]).values()) == 3 and sum(values(b["B5"]).values()) == 3


def test_age_and_role_are_read_at_the_first_held_intervention_in_local_time(db):
    """Edge cases of B4 and B5: a birthday on the day of the first intervention, a date of birth after
    it (an entry error: not stated), midnight in Paris when it is still the day before in UTC, and a
    tie between two follow-ups of one person at the same minute (the first recorded wins)."""
    post = PostFactory(department=department("81"))
    iscg = UserFactory(iscg=True)

    def person_followup(role, **person):
        return FollowUpFactory(
            post=post,
            person__post=post,
            person__created_by=iscg,
            person_role=role,
            **{f"person__{key}": value for key, value in person.items()},
        )

    def held(followup, moment):
        InterventionFactory(followup=followup, author=iscg, starts_at=moment, status=InterventionStatus.HELD)

    eighteen_today = person_followup(FollowUpRole.VICTIM, birth_date=datetime.date(2007, 3, 10))
    held(eighteen_today, at("2025-03-10", 9))
    held(eighteen_today, at("2025-11-10", 9))
    born_later = person_followup(FollowUpRole.VICTIM, birth_date=datetime.date(2026, 2, 1))
    held(born_later, at("2025-06-01"))
    # 00:30 on 1 January 2025 in Paris is 23:30 on 31 December 2024 in UTC: 75 in Paris, 74 in UTC.
    new_year = person_followup(FollowUpRole.OTHER, birth_date=datetime.date(1950, 1, 1))
    held(new_year, at("2025-01-01", 0) + datetime.timedelta(minutes=30))
    as_accused = person_followup(FollowUpRole.ACCUSED, birth_date=None, age_class=AgeClass.AGE_41_60)
    as_victim = FollowUpFactory(post=post, person=as_accused.person, created_by=iscg, person_role=FollowUpRole.VICTIM)
    held(as_accused, at("2025-04-04"))  # recorded first: the tie goes to the accused role
    held(as_victim, at("2025-04-04"))
    held(as_victim, at("2025-06-02"))  # later: no bearing on the role

    b = compute_bilan(scope=scope_of(ScopeKind.DEPARTMENT, "81"), period=YEAR_2025, with_previous=False).indicators
    assert b["B1"].total == 4
    ages = values(b["B4"])
    assert ages[AgeClass.AGE_18_25] == 1  # 18 on the day of the first intervention (17 the day before)
    assert ages[AgeClass.AGE_15_17] == 0
    assert ages[AgeClass.UNKNOWN] == 1  # born after the intervention
    assert ages[AgeClass.AGE_75_PLUS] == 1 and ages[AgeClass.AGE_61_74] == 0
    assert ages[AgeClass.AGE_41_60] == 1  # recorded age class, no date of birth
    assert sum(ages.values()) == 4
    assert values(b["B5"]) == {
        FollowUpRole.VICTIM: 2,
        FollowUpRole.ACCUSED: 1,
        FollowUpRole.BOTH: 0,
        FollowUpRole.OTHER: 1,
    }
    details = {key: value for key, _label, value, _unit in b["C4"].details}
    assert details == {"mean": 1.75, "median": 1.5}  # 2, 1, 1 and 3 held interventions


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the person query runs alongside on PostgreSQL only")
def test_the_bilan_computed_alongside_is_the_bilan_computed_at_once(
    committed_db, data, person_query_threads, monkeypatch
):
    # Committed data (committed_db): the person queries of both periods run in threads on their
    # own connections, then, once forced, in the caller's thread: every figure is the same.
    scopes = [scope_of(ScopeKind.DEPARTMENT, "80"), scope_of(ScopeKind.POST, data["p"].public_id)]
    threads = person_query_threads
    alongside = [bilan_json(compute_bilan(scope=scope, period=YEAR_2025)) for scope in scopes]
    assert set(threads) == {YEAR_2025, civil_year(2024)}
    assert all(thread is not threading.main_thread() for thread in threads.values())
    monkeypatch.setattr("reporting.alongside._sees_what_others_see", lambda alias: False)
    at_once = [bilan_json(compute_bilan(scope=scope, period=YEAR_2025)) for scope in scopes]
    assert threads[YEAR_2025] is threading.main_thread()
    assert alongside == at_once
    assert alongside[0]["indicators"]["B1"]["total"] == 3 and alongside[0]["indicators"]["D1"]["total"] > 0
