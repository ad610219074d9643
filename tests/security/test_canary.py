"""Canary: markers planted in every sensitive text never reach the police, funders or the admin, in
any page, export, e-mail or log, over a crawl of every URL of the resolver."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from tests.referrals.test_views import form_data
from tests.security.canary import MARKERS, NEEDLES, leaks
from tests.security.crawl import get, text_of, urls

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

OUTSIDERS = [
    "officer_a",
    "officer_b",
    "funder_a",
    "funder_b",
    "admin",
]


def test_the_canary_is_visible_to_the_iscg_so_the_crawl_would_see_a_leak(canary_world, client_for):
    """The markers are really there: the ISCG of the post reads them on the follow-up and referral."""
    client = client_for("iscg_a")
    page = client.get(canary_world.a.followup.get_absolute_url()).content.decode()
    assert MARKERS["summary"] in page and MARKERS["private_note"] in page
    page = client.get(canary_world.a.referral.get_absolute_url()).content.decode()
    assert MARKERS["description"] in page and MARKERS["grid_item"] in page


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_no_page_export_email_or_log_shows_a_canary_to(persona, canary_world, client_for, caplog):
    caplog.set_level(logging.DEBUG)
    mail.outbox = []
    client = client_for(persona)
    leaked, crawled = [], 0
    for url_name, url in urls(canary_world):
        response = get(client, url_name, url)
        crawled += 1
        # officer_a filed side A's referral: they may re-read their own filing, nothing more.
        found = leaks(text_of(response), url_name=url_name, is_author=persona == "officer_a")
        if found:
            leaked.append(f"{url} ({response.status_code}): {found}")
    assert crawled > 80
    assert not leaked, f"{persona} sees:\n" + "\n".join(leaked)
    for message in mail.outbox:
        assert not leaks(f"{message.subject}\n{message.body}\n{message.alternatives}", url_name="")
    assert not leaks(caplog.text, url_name="")


def test_the_new_referral_email_carries_no_description_nor_safe_contact(
    world, client_for, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    mail.outbox = []
    data = form_data(world.a.unit, description=MARKERS["description"])
    data.update({"persons-0-safe_phone": "06 13 57 92 46", "persons-0-best_time": MARKERS["person_best_time"]})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("officer_a").post(reverse("referrals:create"), data)
    assert response.status_code == 302
    assert mail.outbox, "the post's ISCG is notified"
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}\n{message.alternatives}"
        assert not [needle for needle in NEEDLES if needle in text]
    assert not [needle for needle in NEEDLES if needle in caplog.text]


def test_admin_convention_change_page_does_not_crash(world, client_for):
    url = reverse("admin:conventions_convention_change", args=[world.a.convention.pk])
    assert client_for("admin").get(url).status_code == 200
