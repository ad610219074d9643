"""The ISCG's agenda by clicks: the week, a day, a past appointment still planned and its update link;
then the calendar subscription, whose address answers a calendar app (no session) until revoked."""

import datetime
import re

from django.utils import timezone

from demo.data import DEMO_PASSWORD, demo_email
from tests.browser.conftest import click_and_wait, sign_in
from tests.casework.factories import FollowUpFactory, InterventionFactory


def test_an_iscg_browses_the_week_and_a_day_then_subscribes_and_revokes(demo, page, axe, screenshot, browser):
    iscg = demo["80"]["users"]["iscg"]
    followup = FollowUpFactory(post=demo["80"]["posts"][0], person__created_by=iscg)
    yesterday_ten = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() - datetime.timedelta(days=1), datetime.time(10))
    )
    overdue = InterventionFactory(followup=followup, planned=True, starts_at=yesterday_ten)
    sign_in(page, demo_email("iscg", "80"), DEMO_PASSWORD)

    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name="Mon agenda"))
    click_and_wait(page, page.get_by_role("link", name="Vue de la semaine"))
    if timezone.localdate().weekday() == 0:  # on a Monday, yesterday is last week
        click_and_wait(page, page.get_by_role("link", name="Semaine précédente"))
    axe(page)
    screenshot("agenda-week")
    click_and_wait(page, page.locator(f"main h2 a[href$='?date={yesterday_ten.date():%Y-%m-%d}']"))
    assert "passé, toujours planifié" in page.inner_text("main").lower()  # badges are upper-cased
    axe(page)
    screenshot("agenda-day")
    click_and_wait(page, page.get_by_role("link", name="Indiquer : réalisé, non honoré ou annulé"))
    assert page.url.endswith(overdue.get_absolute_url())

    page.go_back()
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name="Mon agenda"))
    click_and_wait(page, page.get_by_role("link", name="Abonnement au calendrier"))
    click_and_wait(page, page.get_by_role("button", name="Créer mon adresse d’abonnement"))
    feed_url = page.input_value("#feed-url")
    assert re.search(r"/suivis/agenda/abonnement/[\w-]+\.ics$", feed_url)
    axe(page)
    screenshot("agenda-subscription")

    calendar_app = browser.new_context()  # no session: what a calendar app sends
    try:
        response = calendar_app.request.get(feed_url)
        assert response.status == 200
        assert f"UID:{overdue.public_id}@iscg" in response.text()
        click_and_wait(page, page.get_by_role("button", name="Révoquer mon abonnement"))
        assert calendar_app.request.get(feed_url).status == 404
    finally:
        calendar_app.close()
