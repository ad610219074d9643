"""Duplicate detection and the person search still find a safe phone, through its keyed hash."""

import pytest
from django.urls import reverse

from casework import services
from tests.casework.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_duplicates_are_found_by_the_safe_phone_whatever_its_spelling(world):
    person = PersonFactory(post=world.a.post, last_name="Martin", safe_phone="06 98 76 54 32")
    for typed in ("0698765432", "+33 6 98 76 54 32", "06.98.76.54.32", "0033698765432"):
        assert person in services.person_find_duplicates(post=world.a.post, safe_phone=typed)
    assert not services.person_find_duplicates(post=world.b.post, safe_phone="0698765432").exists()


def test_the_person_search_finds_the_whole_number_only(world, client_for):
    PersonFactory(post=world.a.post, last_name="Rousseau", safe_phone="06 98 76 54 31")
    client = client_for("iscg_a")
    url = reverse("casework:person_list")
    found = client.get(url, {"phone": "+33 6 98 76 54 31"})
    assert [person.last_name for person in found.context["page"]] == ["Rousseau"]
    assert not list(client.get(url, {"phone": "54 31"}).context["page"])  # a part of the number is not enough
