"""The referral page and the police's re-reading share one list of facts; the decision sits under its heading."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_referral_page_shows_persons_concerned_once_and_the_decision_under_its_heading(world, client_for):
    page = client_for("iscg_a").get(reverse("referrals:detail", kwargs={"public_id": world.a.referral.public_id}))
    html = page.content.decode()

    assert html.count("Personnes concernées") == 1
    heading = html.index('id="decision-title"')
    take_up = reverse("casework:followup_open_from_referral", kwargs={"public_id": world.a.referral.public_id})
    assert heading < html.index(f'href="{take_up}"', heading) < html.index("La saisine</h2>")
    assert world.a.referral.author.get_full_name() in html  # "Filed by": for the ISCG only
    assert f"({world.a.department.code})" in html


def test_the_police_rereading_shows_the_same_facts_with_the_urgency(world, client_for):
    referral = world.a.referral
    response = client_for("officer_a").get(reverse("referrals:filed", kwargs={"public_id": referral.public_id}))
    html = response.content.decode()

    assert response.status_code == 200
    for label in ("Transmise le", "Canal", "Situation", "Accord pour être contacté·e", "Urgence"):
        assert f"<dt>{label}</dt>" in html, label
    assert html.count("Personnes concernées") == 1
    assert referral.description in html
