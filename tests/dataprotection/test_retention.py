import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import RetainedRecord
from casework.enums import AgeClass, FollowUpClosingReason, InterventionStatus, Place
from casework.models import Assessment, FollowUpReferral, Intervention, Orientation, Person
from dataprotection.retention import apply_retention
from referrals.models import Referral, ReferralAddendum, ReferralPerson
from reporting.bilan import Period
from reporting.exports import bilan_json
from reporting.indicators import compute_bilan, resolve_scope
from tests.accounts.factories import UserFactory
from tests.casework.factories import AssessmentFactory, FollowUpFactory, InterventionFactory, OrientationFactory
from tests.organisation.factories import PostAssignmentFactory, PostFactory, UnitFactory, department
from tests.referrals.factories import DangerAssessmentFactory, ReferralFactory, ReferralPersonFactory

TODAY = datetime.date(2026, 6, 1)  # two years after the data set's last activity (2023)
CANARY = "canari-retention-41c"
CLOSED = {"closed_on": datetime.date(2023, 11, 20), "closing_reason": FollowUpClosingReason.RESOLVED}


def _at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def _data_set():
    """Two civil years (2022-2023) of one post: persons seen both years (none changing age class between
    their first held interventions of 2022 and 2023: the known limit, docs/privacy.md), a referral taken up, a grid,
    an assessment, orientations, no-shows, closings; and a referral closed without follow-up."""
    dep = department("80")
    unit = UnitFactory(department=dep)
    post = PostFactory(department=dep, units=[unit], starts_on=datetime.date(2021, 1, 1))
    iscg = UserFactory(iscg=True)
    PostAssignmentFactory(post=post, user=iscg, starts_on=datetime.date(2021, 1, 1))
    for index in range(4):
        followup = FollowUpFactory(
            post=post, created_by=iscg, person__created_by=iscg, person__last_name=f"{CANARY}-{index}",
            person__birth_date=datetime.date(1979 + index * 12, 3 + index, 28), person__commune=CANARY,
            opened_on=datetime.date(2022, 2 + index, 3),
            **(CLOSED if index % 2 else {}),
        )  # fmt: skip
        for when, status, place in [
            (_at(2022, 2 + index, 3 + index), InterventionStatus.HELD, Place.POLICE_STATION),
            (_at(2022, 12, 31, 23), InterventionStatus.HELD, Place.HOME),
            (_at(2023, 1, 1, 1), InterventionStatus.NO_SHOW, Place.REMOTE),
            (_at(2023, 6, 15), InterventionStatus.HELD, Place.TOWN_HALL),
        ]:
            InterventionFactory(
                followup=followup, starts_at=when, status=status, place=place, summary=CANARY, private_note=CANARY
            )
        AssessmentFactory(
            followup=followup, assessed_on=datetime.date(2022, 3 + index, 1), needs=CANARY, risk_comment=CANARY
        )
        OrientationFactory(followup=followup, oriented_on=datetime.date(2023, 2, 1), reason=CANARY)
        referral = ReferralFactory(
            unit=unit, referred_at=_at(2022, 2 + index, 1), status_changed_at=_at(2022, 2 + index, 2),
            facts_at=_at(2022, 1 + index, 28), description=CANARY, victim=False, taken_up=True,
            received_at=_at(2022, 2 + index, 2), taken_up_at=_at(2022, 2 + index, 2),
        )  # fmt: skip
        ReferralPersonFactory(referral=referral, last_name=CANARY, safe_phone="06 00 00 00 0" + str(index))
        ReferralAddendum.objects.create(referral=referral, author=referral.author, text=CANARY)
        DangerAssessmentFactory(referral=referral, yes=12 if index == 0 else 3)
        FollowUpReferral.objects.create(followup=followup, referral=referral, linked_by=iscg)
    ReferralFactory(
        unit=unit, referred_at=_at(2023, 3, 1), closed=True, closed_at=_at(2023, 3, 2),
        status_changed_at=_at(2023, 3, 2), description=CANARY,
    )  # fmt: skip
    return dep


def _bilans(dep) -> list[dict]:
    scope = resolve_scope(f"department:{dep.code}")
    results = []
    for year in (2022, 2023):
        bilan = compute_bilan(scope=scope, period=Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
        data = bilan_json(bilan)
        data.pop("generated_at", None)
        results.append(data)
    return results


def _snapshot() -> list:
    return [
        list(Person.objects.order_by("pk").values()),
        list(Intervention.objects.order_by("pk").values()),
        list(Referral.objects.order_by("pk").values()),
        list(ReferralPerson.objects.order_by("pk").values()),
    ]


def test_retention_dry_run_then_anonymises_once_and_keeps_every_bilan(db):
    dep = _data_set()
    bilans_before = _bilans(dep)
    assert bilans_before[0]["indicators"]["B1"]["total"] == 4

    before = _snapshot()
    report = apply_retention(today=TODAY, dry_run=True)
    assert report.counts == {
        "followups": 4, "interventions": 16, "assessments": 4, "orientations": 4, "referrals": 5, "persons": 4,
    }  # fmt: skip
    assert _snapshot() == before
    assert not RetainedRecord.objects.exists()

    report = apply_retention(today=TODAY)
    assert report.counts["persons"] == 4 and report.counts["referrals"] == 5
    for person in Person.objects.all():
        assert (person.last_name, person.first_name, person.birth_name, person.birth_date) == ("", "", "", None)
        assert (person.safe_phone, person.safe_email, person.best_time, person.commune) == ("", "", "", "")
        assert person.is_anonymous and person.search_name == "" and person.search_phone == ""
        assert person.age_class != AgeClass.UNKNOWN  # kept as the class at the first held intervention
        assert person.created_at.day == 1  # record timestamps go to the month
    assert not Intervention.objects.exclude(summary="").exists()
    assert not Intervention.objects.exclude(private_note="").exists()
    assert (
        not Assessment.objects.exclude(needs="").exists() and not Assessment.objects.exclude(risk_comment="").exists()
    )
    assert not Orientation.objects.exclude(reason="").exists()
    assert not Referral.objects.exclude(description="").exists()
    assert not ReferralPerson.objects.exclude(last_name="").exists()
    assert not ReferralPerson.objects.exclude(safe_phone="").exists()
    assert not ReferralAddendum.objects.exclude(text="").exists()
    assert all(referral.facts_at is None or referral.facts_at.day == 1 for referral in Referral.objects.all())

    bilans_after = _bilans(dep)
    for before_year, after_year in zip(bilans_before, bilans_after, strict=True):
        for key, indicator in before_year["indicators"].items():
            assert after_year["indicators"][key] == indicator, key
    assert bilans_after == bilans_before  # every total and breakdown of both civil years

    after = _snapshot()
    assert apply_retention(today=TODAY).counts == {}  # idempotent
    assert _snapshot() == after


def test_recent_activity_is_not_anonymised_and_the_command_logs_counts_only(db, caplog):
    followup = FollowUpFactory(opened_on=timezone.localdate() - datetime.timedelta(days=800))
    InterventionFactory(followup=followup, starts_at=timezone.now() - datetime.timedelta(days=10))
    call_command("apply_retention")
    followup.person.refresh_from_db()
    assert followup.person.last_name
    assert followup.person.last_name not in caplog.text
    assert "apply_retention" in caplog.text


def test_coordinators_are_warned_thirty_days_ahead(world, client_for):
    a = world.a
    today = timezone.localdate()
    soon = today.replace(year=today.year - 2) + datetime.timedelta(days=10)
    FollowUpFactory(
        post=a.post,
        opened_on=soon - datetime.timedelta(days=5),
        closed_on=soon,
        closing_reason=FollowUpClosingReason.RESOLVED,
    )
    url = reverse("organisation:department_detail", kwargs={"code": a.department.code})
    content = client_for("coordinator_a").get(url).content.decode()
    assert "1 suivi du département sera anonymisé dans les 30 jours" in content
    assert a.person.last_name not in content
    assert "anonymised within 30 days" not in client_for("funder_a").get(url).content.decode()
