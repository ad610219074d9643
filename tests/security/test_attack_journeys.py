"""Attacks on the pages of issue 17 (take-up, re-read, home pages), made as the attacker would: through
HTTP, signed in as the role. Secrets are random tokens, never Faker names."""

import secrets

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import FollowUp, Person
from referrals.enums import ReferralStatus
from referrals.models import ReferralAddendum
from tests.accounts.factories import UserFactory
from tests.casework.factories import InterventionFactory, PersonFactory
from tests.conftest import sign_in
from tests.referrals.factories import ReferralFactory, ReferralPersonFactory

pytestmark = pytest.mark.django_db


def take_up_url(referral) -> str:
    return reverse("casework:followup_open_from_referral", kwargs={"public_id": referral.public_id})


def filed_url(referral) -> str:
    return reverse("referrals:filed", kwargs={"public_id": referral.public_id})


def test_an_iscg_cannot_attach_a_person_of_another_post_nor_of_another_referral(world, client_for):
    referral = world.a.referral
    victim = referral.persons.get()
    foreign_person = PersonFactory(post=world.b.post, last_name=victim.last_name, first_name=victim.first_name)
    other_referral_person = ReferralPersonFactory(referral=ReferralFactory(unit=world.a.unit, victim=False))
    client = client_for("iscg_a")
    for data in (
        {"referral_person": victim.pk, "post": world.a.post.pk, "existing_person": foreign_person.pk},
        {"referral_person": other_referral_person.pk, "post": world.a.post.pk},
        {"referral_person": victim.pk, "post": world.b.post.pk},
    ):
        response = client.post(take_up_url(referral), data)
        assert response.status_code == 200 and response.context["form"].errors
    assert not FollowUp.objects.filter(referrals=referral).exists()
    assert not Person.objects.filter(post=world.b.post).exclude(pk__in=[foreign_person.pk, world.b.person.pk]).exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_other_roles_cannot_take_a_referral_up(world, client_for):
    victim = world.a.referral.persons.get()
    for persona in ("officer_a", "coordinator_a", "funder_a", "admin", "iscg_b"):
        response = client_for(persona).post(
            take_up_url(world.a.referral), {"referral_person": victim.pk, "post": world.a.post.pk}
        )
        assert response.status_code in (403, 404), persona
    assert not FollowUp.objects.filter(referrals=world.a.referral).exists()


def test_the_re_read_page_shows_nothing_the_iscg_recorded_and_only_to_the_author(world, client_for):
    token, iscg_token = secrets.token_hex(8), secrets.token_hex(8)
    referral = ReferralFactory(unit=world.a.unit, author=world.a.officer, description=f"desc {token}")
    ReferralAddendum.objects.create(referral=referral, author=world.a.officer, text=f"own {token}")
    colleague = UserFactory(police=True, units=[world.a.unit])
    ReferralAddendum.objects.create(referral=referral, author=colleague, text=f"colleague {iscg_token}")
    world.a.followup.referrals.add(referral, through_defaults={"linked_by": world.a.iscg})
    InterventionFactory(followup=world.a.followup, summary=f"summary {iscg_token}", private_note=iscg_token)
    content = client_for("officer_a").get(filed_url(referral)).content.decode()
    assert f"desc {token}" in content and f"own {token}" in content
    assert iscg_token not in content  # neither the ISCG's records nor another officer's addendum
    colleague_client = sign_in(Client(), colleague)
    assert colleague_client.get(filed_url(referral)).status_code == 404
    for persona in ("officer_b", "iscg_b", "coordinator_b"):
        assert client_for(persona).get(filed_url(referral)).status_code in (403, 404), persona


def test_the_police_home_lists_no_referral_of_another_unit_or_author(world, client_for):
    token = secrets.token_hex(4)
    foreign = ReferralFactory(unit=world.b.unit, author=world.b.officer, received=True, number=f"2026-42-{token}")
    client = client_for("officer_a")
    content = client.get(reverse("referrals:home")).content.decode()
    assert foreign.number not in content
    assert client_for("officer_a").get(reverse("casework:home")).status_code in (403, 404)


def test_the_attention_filter_refuses_unknown_values_without_an_error_page(world, client_for):
    response = client_for("iscg_a").get(reverse("casework:followup_list"), {"attention": "<script>"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors
