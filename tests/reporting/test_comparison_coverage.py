"""A comparison with a previous period whose activity was recorded over less of it is no trend (issue 20):
the bilan says so next to the figures and never prints the ratio."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reporting.bilan import BilanScope, ScopeKind
from reporting.charts import comparison_svg
from reporting.indicators import civil_year, compute_bilan
from reporting.pdf import bilan_pdf_context
from reporting.summary import summary_sentences
from tests.accounts.factories import UserFactory
from tests.casework.factories import FollowUpFactory, InterventionFactory
from tests.conftest import sign_in
from tests.organisation.factories import PostFactory, UnitFactory, department

OCTOBER_NOTE = "période de comparaison incomplète : activité enregistrée à partir du 1er octobre 2024"


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def activity(post, *days):
    iscg = UserFactory(iscg=True)
    for day in days:
        followup = FollowUpFactory(post=post, person__post=post, person__created_by=iscg, opened_on=day)
        InterventionFactory(followup=followup, author=iscg, starts_at=at(day))


def post_scope(post) -> BilanScope:
    return BilanScope(ScopeKind.POST, str(post.public_id), post.name)


def bilan_2025(scope):
    with translation.override("fr"):
        return compute_bilan(scope=scope, period=civil_year(2025))


@pytest.fixture
def from_october(db):
    """A post whose activity is recorded from 1 October 2024 (its history imported from that date)."""
    post = PostFactory(department=department("80"), starts_on=datetime.date(2020, 1, 1))
    activity(post, datetime.date(2024, 10, 1), datetime.date(2024, 11, 4))
    activity(post, *(datetime.date(2025, month, 3) for month in range(1, 12)))
    return post


def test_history_recorded_from_october_makes_the_previous_year_incomplete(from_october):
    bilan = bilan_2025(post_scope(from_october))
    assert bilan.incomplete_comparison == OCTOBER_NOTE
    assert bilan.previous.indicators["B1"].total == 2 and bilan.indicators["B1"].total == 11


def test_the_summary_gives_both_figures_and_the_note_but_no_ratio(from_october):
    bilan = bilan_2025(post_scope(from_october))
    with translation.override("fr"):
        sentences = summary_sentences(bilan)
    compared = next(sentence for sentence in sentences if sentence.startswith("Période précédente"))
    assert (
        compared
        == f"Période précédente (2024, {OCTOBER_NOTE}) : 2 personnes rencontrées, contre 11 sur cette période."
    )
    assert not any("+450" in sentence or ("%" in sentence and "2024" in sentence) for sentence in sentences)


def test_the_pdf_and_the_chart_show_the_note_and_no_change(from_october):
    bilan = bilan_2025(post_scope(from_october))
    with translation.override("fr"):
        comparison = bilan_pdf_context(bilan)["comparison"]
        chart = comparison_svg(bilan, bilan.previous, ["B1"])
    assert comparison["incomplete"] == OCTOBER_NOTE
    assert {row["change"] for row in comparison["rows"]} == {"—"}
    assert "%" not in chart


def test_the_bilan_page_shows_the_note_next_to_the_figures(from_october, client):
    sign_in(client, UserFactory(admin=True))
    response = client.get(
        reverse("reporting:bilan"),
        {"scope": f"post:{from_october.public_id}", "start": "2025-01-01", "end": "2025-12-31"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Période de comparaison incomplète : activité enregistrée à partir du 1er octobre 2024." in page
    assert f"({OCTOBER_NOTE})" in page  # next to each indicator's previous figure


def test_a_fully_recorded_previous_period_keeps_its_trend(db):
    post = PostFactory(department=department("80"), starts_on=datetime.date(2020, 1, 1))
    activity(
        post,
        datetime.date(2023, 12, 1),
        datetime.date(2024, 3, 1),
        datetime.date(2024, 4, 1),
        datetime.date(2025, 3, 1),
    )
    bilan = bilan_2025(post_scope(post))
    assert bilan.incomplete_comparison == ""
    with translation.override("fr"):
        assert any("−50" in sentence for sentence in summary_sentences(bilan))


def test_a_post_opened_during_the_previous_period_makes_it_incomplete(db):
    d80 = department("80")
    for post in PostFactory.create_batch(2, department=d80, starts_on=datetime.date(2020, 1, 1)):
        activity(post, datetime.date(2023, 6, 1), datetime.date(2025, 6, 1))
    late = PostFactory(department=d80, starts_on=datetime.date(2024, 7, 1))
    activity(late, datetime.date(2024, 7, 1), datetime.date(2025, 6, 1))
    bilan = bilan_2025(BilanScope(ScopeKind.DEPARTMENT, "80", "Somme (80)"))
    # Three posts all of 2025; in 2024, two all year and one from 1 July (184 of 366 days).
    assert bilan.incomplete_comparison == (
        "période de comparaison incomplète : les postes ont enregistré de l’activité pendant 83 % de celle-ci, "
        "contre 100 % de la période étudiée"
    )


def test_a_post_opened_later_than_its_recorded_history_counts_from_its_opening(db):
    post = PostFactory(department=department("80"), starts_on=datetime.date(2024, 10, 1))
    activity(post, datetime.date(2024, 12, 2), datetime.date(2025, 2, 2))
    assert bilan_2025(post_scope(post)).incomplete_comparison == OCTOBER_NOTE.replace("1er octobre", "2 décembre")


def test_a_unit_counts_from_its_first_referral(db):
    from tests.referrals.factories import ReferralFactory

    unit = UnitFactory(department=department("80"))
    ReferralFactory(unit=unit, referred_at=at(datetime.date(2024, 10, 1)))
    ReferralFactory(unit=unit, referred_at=at(datetime.date(2025, 1, 6)))
    assert bilan_2025(BilanScope(ScopeKind.UNIT, str(unit.public_id), "U")).incomplete_comparison == OCTOBER_NOTE


def test_one_person_in_the_incomplete_previous_period_is_singular(db):
    post = PostFactory(department=department("80"), starts_on=datetime.date(2020, 1, 1))
    activity(post, datetime.date(2024, 10, 1), datetime.date(2025, 1, 6), datetime.date(2025, 2, 3))
    bilan = bilan_2025(post_scope(post))
    with translation.override("fr"):
        sentences = summary_sentences(bilan)
    assert (
        f"Période précédente (2024, {OCTOBER_NOTE}) : 1 personne rencontrée, contre 2 sur cette période." in sentences
    )
