"""CSRF is enforced on every URL that accepts a POST, and no GET changes any data."""

import pytest
from django.test import Client

from tests.conftest import PERSONAS, sign_in
from tests.security.crawl import changed, get, snapshot, urls

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.mark.parametrize("persona", ["officer_a", "iscg_a", "coordinator_a", "admin"])
def test_every_post_without_a_csrf_token_is_refused_and_writes_nothing(persona, world):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.users[persona])
    before = snapshot()
    accepted = []
    for url_name, url in urls(world):
        response = client.post(url, {"version": "1", "confirm": "on"})
        if response.status_code < 400:
            accepted.append(f"{url_name} {url}: {response.status_code}")
    assert not accepted, "POST accepted without a CSRF token:\n" + "\n".join(accepted)
    assert not changed(before, snapshot())


def test_no_get_changes_any_data_whoever_asks(world, client_for):
    before = snapshot()
    for persona in PERSONAS:
        client = client_for(persona)
        for url_name, url in urls(world):
            get(client, url_name, url)
    assert not changed(before, snapshot()), "a GET wrote to the database"
