"""The funder's home page (issue 17): the key figures of the last complete year and of the year to date,
masked as every funder output, each linking to the bilan; the department's cofinancing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.casework.factories import FollowUpFactory, InterventionFactory
from tests.organisation.factories import PostFactory, UnitFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def held_in_last_year(post, persons: int) -> None:
    """``persons`` persons met in the last complete civil year, one interview each; a referral per person."""
    last_year = timezone.localdate().year - 1
    moment = timezone.make_aware(datetime.datetime.combine(datetime.date(last_year, 5, 12), datetime.time(10)))
    for _index in range(persons):
        followup = FollowUpFactory(post=post, opened_on=moment.date())
        InterventionFactory(followup=followup, starts_at=moment)
        ReferralFactory(unit=post.units.first(), referred_at=moment)


def _figures(response, period_index: int) -> dict[str, str]:
    (board,) = response.context["boards"]
    return {figure.id: figure.value for figure in board.periods[period_index].figures}


def test_the_last_complete_year_shows_masked_key_figures_linking_to_the_bilan(world, client_for):
    held_in_last_year(world.a.post, 3)
    response = client_for("funder_a").get(reverse("dashboards:funder_home"))
    figures = _figures(response, 0)
    assert figures["B1"] == "< 11"  # three persons met: masked
    assert figures["E3"] in ("0", "< 11")
    assert figures["A1"] == "3"  # referrals are not counts of persons: exact, as in the bilan
    assert figures["C1"] == "3"
    assert "I4" in figures  # funders may see cofinancing figures
    (board,) = response.context["boards"]
    last_year = timezone.localdate().year - 1
    url = board.periods[0].bilan_url
    assert url == f"{reverse('reporting:bilan')}?scope=department%3A80&start={last_year}-01-01&end={last_year}-12-31"
    assert url.replace("&", "&amp;") in response.content.decode()
    assert client_for("funder_a").get(url).status_code == 200


def test_persons_met_show_once_they_reach_the_threshold(world, client_for):
    held_in_last_year(world.a.post, 11)
    figures = _figures(client_for("funder_a").get(reverse("dashboards:funder_home")), 0)
    assert figures["B1"] == "11"


def test_the_year_to_date_is_not_published_to_funders_as_on_their_bilan_page(world, client_for):
    client = client_for("funder_a")
    response = client.get(reverse("dashboards:funder_home"))
    (board,) = response.context["boards"]
    year_to_date = board.periods[1]
    assert year_to_date.figures == [] and year_to_date.refusal
    assert str(timezone.localdate().year + 1) in year_to_date.refusal[0]
    assert str(timezone.localdate().year + 1) in response.content.decode()
    # The funder's own bilan page refuses the same period.
    bilan = client.get(year_to_date.bilan_url)
    assert bilan.status_code == 200 and bilan.context["bilan"] is None


def test_the_cofinancing_is_that_of_the_department_summary(world, client_for):
    client = client_for("funder_a")
    (board,) = client.get(reverse("dashboards:funder_home")).context["boards"]
    summary = client.get(reverse("conventions:department_summary", args=["80"])).context["summary"]
    assert board.cofinancing.committed_cents == summary.committed_cents
    assert board.cofinancing.paid_cents == summary.paid_cents
    assert board.due_cents == summary.committed_cents - summary.paid_cents


def test_a_funder_sees_only_their_department(world, client_for):
    held_in_last_year(world.a.post, 3)
    content = client_for("funder_b").get(reverse("dashboards:funder_home")).content.decode()
    assert "Loire (42)" in content and "Somme (80)" not in content


def test_the_home_is_for_funders_only(world, client_for):
    for persona in ("iscg_a", "officer_a", "coordinator_a", "admin"):
        assert client_for(persona).get(reverse("dashboards:funder_home")).status_code == 404


def test_the_home_costs_the_same_queries_with_one_post_and_with_many(world, client_for, django_assert_max_num_queries):
    from tests.queries import queries_for

    client = client_for("funder_a")
    client.get(reverse("dashboards:funder_home"))
    before, _response = queries_for(client, reverse("dashboards:funder_home"))
    for index in range(6):
        unit = UnitFactory(department=world.a.department, name=f"Brigade {index}")
        held_in_last_year(PostFactory(department=world.a.department, name=f"Poste {index}", units=[unit]), 2)
    with django_assert_max_num_queries(before):
        client.get(reverse("dashboards:funder_home"))
