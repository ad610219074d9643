"""Coverage rules as an attacker meets them: through HTTP, signed in as each role.

The units a post's rule covers (units created later included, from their creation date) route
referrals to the post's ISCG and nowhere else; a coordinator cannot arrange another department's post
nor point a rule at another department's company.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from organisation import posts
from organisation.enums import CoverageRule, UnitKind
from tests.conventions.test_views import management_form
from tests.organisation.factories import UnitFactory
from tests.referrals.factories import ReferralFactory

TODAY = timezone.localdate()


def detail(referral):
    return reverse("referrals:detail", kwargs={"public_id": referral.public_id})


@pytest.fixture
def gendarmerie(world):
    """Post A covers every gendarmerie unit of its department; brigades created before, today, later."""
    posts.post_arrangement_set(post=world.a.post, coverage_rule=CoverageRule.DEPARTMENT_GENDARMERIE, shares=[])
    dep = world.a.department
    return {
        "created_today": ReferralFactory(unit=UnitFactory(department=dep, brigade=True, opened_on=TODAY)),
        "not_yet_created": ReferralFactory(
            unit=UnitFactory(department=dep, brigade=True, opened_on=TODAY + datetime.timedelta(days=5))
        ),
        "other_department": ReferralFactory(unit=UnitFactory(department=world.b.department, brigade=True)),
        "inactive": ReferralFactory(unit=UnitFactory(department=dep, brigade=True, inactive=True)),
    }


def test_the_iscg_reaches_referrals_of_a_brigade_created_after_the_rule(gendarmerie, client_for):
    client = client_for("iscg_a")
    assert client.get(detail(gendarmerie["created_today"])).status_code == 200
    queue = client.get(reverse("referrals:queue")).content.decode()
    assert gendarmerie["created_today"].number in queue


@pytest.mark.parametrize("which", ["not_yet_created", "other_department", "inactive"])
def test_units_the_rule_does_not_reach_stay_out_of_sight(gendarmerie, client_for, which):
    client = client_for("iscg_a")
    assert client.get(detail(gendarmerie[which])).status_code == 404
    assert gendarmerie[which].number not in client.get(reverse("referrals:queue")).content.decode()


def test_the_other_department_iscg_never_sees_them(gendarmerie, client_for):
    client = client_for("iscg_b")
    assert client.get(detail(gendarmerie["created_today"])).status_code == 404


def test_a_listed_only_post_does_not_reach_new_brigades(world, client_for):
    referral = ReferralFactory(unit=UnitFactory(department=world.a.department, brigade=True, opened_on=TODAY))
    assert client_for("iscg_a").get(detail(referral)).status_code == 404


def test_a_company_rule_reaches_its_brigades_only(world, client_for):
    dep = world.a.department
    company = UnitFactory(department=dep, kind=UnitKind.COMPANY, name="Compagnie d'Abbeville")
    inside = ReferralFactory(unit=UnitFactory(department=dep, brigade=True, parent=company))
    outside = ReferralFactory(unit=UnitFactory(department=dep, brigade=True))
    posts.post_arrangement_set(post=world.a.post, coverage_rule=CoverageRule.GROUP, coverage_group=company, shares=[])
    client = client_for("iscg_a")
    assert client.get(detail(inside)).status_code == 200
    assert client.get(detail(outside)).status_code == 404


def test_an_iscg_notified_of_a_new_brigade_is_the_rule_post_holder(gendarmerie, world):
    from referrals.services import iscg_recipients

    assert iscg_recipients(unit=gendarmerie["created_today"].unit) == [world.a.iscg.email]
    assert iscg_recipients(unit=gendarmerie["not_yet_created"].unit) == []


@pytest.mark.parametrize("persona", ["coordinator_b", "funder_b", "iscg_b", "officer_a", "officer_b"])
def test_outsiders_cannot_reach_the_arrangement_page(world, client_for, persona):
    url = reverse("organisation:post_arrangement", kwargs={"public_id": world.a.post.public_id})
    assert client_for(persona).get(url).status_code == 404
    data = {"coverage_rule": CoverageRule.DEPARTMENT_GENDARMERIE, **management_form("shares", 0)}
    assert client_for(persona).post(url, data).status_code == 404
    world.a.post.refresh_from_db()
    assert world.a.post.coverage_rule == CoverageRule.LISTED


def test_a_rule_cannot_point_at_another_department_company(world, client_for):
    foreign = UnitFactory(department=world.b.department, kind=UnitKind.COMPANY)
    url = reverse("organisation:post_arrangement", kwargs={"public_id": world.a.post.public_id})
    data = {"coverage_rule": CoverageRule.GROUP, "coverage_group": str(foreign.pk), **management_form("shares", 0)}
    response = client_for("coordinator_a").post(url, data)
    assert response.status_code == 200 and "coverage_group" in response.context["form"].errors
    world.a.post.refresh_from_db()
    assert world.a.post.coverage_group is None


def test_a_share_cannot_name_another_department_unit(world, client_for):
    url = reverse("organisation:post_arrangement", kwargs={"public_id": world.a.post.public_id})
    data = {
        "coverage_rule": CoverageRule.LISTED,
        **management_form("shares", 1),
        "shares-0-unit": str(world.b.unit.pk),
        "shares-0-fte": "1",
    }
    response = client_for("coordinator_a").post(url, data)
    assert response.status_code == 200 and not world.a.post.splits.exists()
