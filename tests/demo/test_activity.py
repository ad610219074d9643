"""The demo's activity plan (demo.activity) is deterministic and meaningful whatever the day it is drawn."""

import datetime

import pytest
from django.utils import timezone

from casework.enums import InterventionStatus
from demo.activity import plan_department
from demo.seeding import seed_organisation
from referrals.enums import ReferralStatus


def _digest(plans) -> list:
    referrals = [
        (r.key, r.referred_at, r.source, r.status, r.closing_reason, [(p.role, p.identity) for p in r.persons])
        for plan in plans
        for r in plan.referrals
    ]
    cases = [
        (c.key, c.person.identity, c.opened_on, c.closed_on, c.closing_reason, [vars(i) for i in c.interventions])
        for plan in plans
        for c in plan.cases
    ]
    return [referrals, cases]


def test_the_plan_is_the_same_every_time_it_is_drawn_for_a_day(db):
    data = seed_organisation()["80"]
    today = timezone.localdate()
    assert _digest(plan_department(data, today)) == _digest(plan_department(data, today))


@pytest.mark.parametrize("days_ahead", [32, 215])
def test_the_plan_drawn_on_another_day_still_gives_a_meaningful_last_year(db, days_ahead):
    today = timezone.localdate() + datetime.timedelta(days=days_ahead)
    cutoff = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    for data in seed_organisation().values():
        plans = plan_department(data, today)
        interventions = [i for plan in plans for case in plan.cases for i in case.interventions]
        assert all((i.status == InterventionStatus.PLANNED) == (i.starts_at >= cutoff) for i in interventions)
        met = {
            id(case.person)
            for plan in plans
            for case in plan.cases
            for i in case.interventions
            if i.status == InterventionStatus.HELD and i.day.year == today.year - 1
        }
        assert len(met) >= 50
        referrals = [r for plan in plans for r in plan.referrals]
        assert all(r.referred_at < cutoff and r.status_changed_at < cutoff for r in referrals)
        assert {r.status for r in referrals} == set(ReferralStatus.values)
        assert all((r.case is not None) == (r.status == ReferralStatus.TAKEN_UP) for r in referrals)
