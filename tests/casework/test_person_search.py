"""The person search (PersonQuerySet.search, fed by PersonSearchForm.criteria) and the candidates a
referral's persons may already be (services.referral_person_candidates), out of the views."""

import datetime

import pytest

from casework import services
from casework.forms import PersonSearchForm
from casework.models import Person
from tests.casework.factories import PersonFactory
from tests.organisation.factories import PostFactory
from tests.referrals.factories import ReferralPersonFactory

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1985, 2, 3)


def criteria(**data) -> dict:
    form = PersonSearchForm({"name": "", "birth_date": "", "phone": "", **data})
    assert form.is_valid(), form.errors
    return form.criteria()


def test_the_criteria_are_normalised_and_empty_when_nothing_is_searched():
    assert criteria() == {}
    assert criteria(name="  ") == {}
    assert criteria(name="Hélène  LEFÈVRE", phone="06 11 22 33 44") == {
        "terms": ["helene", "lefevre"],
        "phone": "0611223344",
    }
    assert criteria(birth_date="1985-02-03") == {"birth_date": BIRTH}


def test_the_search_finds_every_name_term_in_any_order_accents_and_case_ignored():
    post = PostFactory()
    wanted = PersonFactory(post=post, last_name="Lefèvre", first_name="Hélène")
    PersonFactory(post=post, last_name="Lefèvre", first_name="Marie")
    found = Person.objects.search(**criteria(name="HELENE lefevre"))
    assert list(found) == [wanted]


def test_the_search_by_birth_date_and_whole_phone():
    post = PostFactory()
    born = PersonFactory(post=post, birth_date=BIRTH, safe_phone="")
    called = PersonFactory(post=post, safe_phone="06 11 22 33 44")
    assert list(Person.objects.search(**criteria(birth_date="1985-02-03"))) == [born]
    assert list(Person.objects.search(**criteria(phone="0611223344"))) == [called]
    assert not Person.objects.search(**criteria(phone="11 22 33")).exists()  # a part of the number finds nobody


def test_a_search_without_criteria_keeps_every_person():
    post = PostFactory()
    PersonFactory.create_batch(2, post=post)
    assert Person.objects.search().count() == 2


def test_the_candidates_of_a_referral_are_the_duplicates_of_its_persons_in_the_given_posts():
    post, other_post = PostFactory(), PostFactory()
    victim = ReferralPersonFactory(last_name="Moreau", first_name="Inès", birth_date=BIRTH, safe_phone="")
    ReferralPersonFactory(referral=victim.referral, last_name="Garnier", first_name="Luc", safe_phone="07 99 88 77 66")
    same_name = PersonFactory(post=post, last_name="MOREAU", first_name="ines", birth_date=BIRTH, safe_phone="")
    same_phone = PersonFactory(post=post, last_name="Autre", first_name="Nom", safe_phone="0799887766")
    PersonFactory(post=other_post, safe_phone="0799887766")  # a post not given
    PersonFactory(post=post, last_name="Moreau", first_name="Sarah", birth_date=BIRTH, safe_phone="")  # another
    persons = list(victim.referral.persons.order_by("pk"))
    found = services.referral_person_candidates(referral_persons=persons, posts=[post])
    assert set(found) == {same_name, same_phone}
