"""The police re-read what they filed, search their list, remove a person before sending (issue 17)."""

import secrets

import pytest
from django.urls import reverse

from referrals.models import Referral, ReferralAddendum
from tests.casework.factories import InterventionFactory
from tests.referrals.factories import ReferralFactory, ReferralPersonFactory
from tests.referrals.test_views import form_data

pytestmark = pytest.mark.django_db


def confirmation_url(referral) -> str:
    return reverse("referrals:confirmation", kwargs={"public_id": referral.public_id})


def filed_url(referral) -> str:
    return reverse("referrals:filed", kwargs={"public_id": referral.public_id})


def test_the_author_re_reads_their_text_and_persons_but_nothing_the_iscg_recorded(world, client_for):
    their_text, iscg_text = secrets.token_hex(8), secrets.token_hex(8)
    referral = ReferralFactory(unit=world.a.unit, author=world.a.officer, description=their_text)
    ReferralPersonFactory(referral=referral, child=True, first_name="Noé")
    ReferralAddendum.objects.create(referral=referral, author=world.a.officer, text=f"ajout {their_text}")
    world.a.followup.referrals.add(referral, through_defaults={"linked_by": world.a.iscg})
    InterventionFactory(followup=world.a.followup, summary=iscg_text)
    client = client_for("officer_a")
    assert filed_url(referral) in client.get(confirmation_url(referral)).content.decode()
    assert their_text not in client.get(confirmation_url(referral)).content.decode()  # the number page stays bare
    response = client.get(filed_url(referral))
    content = response.content.decode()
    assert their_text in content and f"ajout {their_text}" in content
    assert "Enfant du foyer" in content and "Victime" in content  # each person card titled by its role
    assert iscg_text not in content and world.a.person.last_name not in content
    assert "<form" not in content.split("Ce que vous avez transmis")[1].split("</main>")[0]  # read-only
    assert client_for("iscg_a").get(filed_url(referral)).status_code == 404  # the author's page only


def test_another_officer_of_the_unit_sees_the_status_but_not_the_content(world, client_for):
    from django.test import Client

    from tests.accounts.factories import UserFactory
    from tests.conftest import sign_in

    secret = secrets.token_hex(8)
    referral = ReferralFactory(unit=world.a.unit, author=world.a.officer, description=secret)
    colleague = sign_in(Client(), UserFactory(police=True, units=[world.a.unit]))
    response = colleague.get(confirmation_url(referral))
    assert response.status_code == 200 and referral.number in response.content.decode()
    assert secret not in response.content.decode() and filed_url(referral) not in response.content.decode()
    assert colleague.get(filed_url(referral)).status_code == 404
    assert client_for("officer_b").get(filed_url(referral)).status_code == 404


def test_the_police_search_and_filter_their_list(world, client_for):
    received = ReferralFactory(unit=world.a.unit, author=world.a.officer, received=True)
    client = client_for("officer_a")
    url = reverse("referrals:unit_list")
    assert {r.pk for r in client.get(url).context["page"]} == {world.a.referral.pk, received.pk}
    assert [r.pk for r in client.get(url, {"status": "received"}).context["page"]] == [received.pk]
    assert [r.pk for r in client.get(url, {"number": received.number[-4:]}).context["page"]] == [received.pk]
    response = client.get(url, {"number": "rien-de-tel"})
    assert list(response.context["page"]) == []
    assert "Aucune saisine ne correspond à ces critères." in response.content.decode()
    assert client.get(url, {"referred_after": "pas une date"}).status_code == 200


def test_a_person_added_by_mistake_is_removed_before_sending(world, client_for):
    data = form_data(world.a.unit)
    data.update(
        {
            "persons-TOTAL_FORMS": "2",
            "persons-1-role": "witness",
            "persons-1-last_name": "Erreur",
            "persons-1-sex": "unknown",
            "persons-1-DELETE": "on",
        }
    )
    response = client_for("officer_a").post(reverse("referrals:create"), data)
    assert response.status_code == 302
    referral = Referral.objects.get(idempotency_key=data["idempotency_key"])
    assert [person.role for person in referral.persons.all()] == ["victim"]


def test_the_form_titles_each_person_card_by_its_role_and_the_consent_box_is_consistent(world, client_for):
    content = client_for("officer_a").get(reverse("referrals:create")).content.decode()
    assert "Supprimer cette personne" in content or "Retirer cette personne" in content
    assert "data-person-title>Victime<" in content
    assert "La personne accepte d’être contactée par l’ISCG" in content
    assert "Obligatoire, sauf si l’une des personnes concernées est mineure." in content
    label = content.split('for="id_has_agreement"')[1].split("</label>")[0]
    assert "Optionnel" not in label and "repérage" not in label  # no "optional" next to "required unless…"
    assert 'name="has_agreement" required' not in content
