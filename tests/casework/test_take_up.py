"""Taking a referral up opens (or joins) the follow-up: issue 17, through HTTP as the ISCG does it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.enums import AgeClass, InterventionKind, InterventionStatus, Place
from casework.models import FollowUp, Person
from referrals.enums import ReferralStatus, Sex
from reporting.bilan import BilanScope, ScopeKind
from reporting.indicators import civil_year, compute_bilan
from tests.casework.factories import PersonFactory
from tests.referrals.factories import ReferralFactory, ReferralPersonFactory

pytestmark = pytest.mark.django_db


def take_up_url(referral) -> str:
    return reverse("casework:followup_open_from_referral", kwargs={"public_id": referral.public_id})


def referral_with_household(world):
    """A referral of unit A: a victim, her child and the accused."""
    referral = ReferralFactory(unit=world.a.unit, author=world.a.officer, victim=False)
    victim = ReferralPersonFactory(
        referral=referral,
        last_name="Verhaeghe",
        first_name="Maëlle",
        sex=Sex.FEMALE,
        age=34,
        safe_phone="06 48 21 77 10",
        best_time="Le matin avant 11 h",
    )
    child = ReferralPersonFactory(referral=referral, child=True, last_name="Verhaeghe", first_name="Noé", sex=Sex.MALE)
    accused = ReferralPersonFactory(referral=referral, accused=True, last_name="Verhaeghe")
    return referral, victim, child, accused


def test_the_referral_page_and_the_queue_row_lead_to_the_take_up_page(world, client_for):
    client = client_for("iscg_a")
    url = take_up_url(world.a.referral)
    detail = client.get(world.a.referral.get_absolute_url())
    assert detail.context["can_take_up"] and url in detail.content.decode()
    queue = client.get(reverse("referrals:queue")).content.decode()
    assert url in queue


def test_the_old_take_up_button_no_longer_takes_up_without_a_follow_up(world, client_for):
    client = client_for("iscg_a")
    response = client.post(reverse("referrals:take_up", kwargs={"public_id": world.a.referral.public_id}))
    assert response.status_code == 302 and response.url == take_up_url(world.a.referral)
    world.a.referral.refresh_from_db()
    assert world.a.referral.status == ReferralStatus.SUBMITTED


def test_a_referral_taken_up_before_follow_ups_existed_can_still_open_one(world, client_for):
    legacy = ReferralFactory(unit=world.a.unit, taken_up=True)
    detail = client_for("iscg_a").get(legacy.get_absolute_url())
    assert detail.context["can_take_up"] and take_up_url(legacy) in detail.content.decode()


def test_taking_up_creates_the_person_from_the_referral_with_the_household(world, client_for):
    referral, victim, _child, accused = referral_with_household(world)
    client = client_for("iscg_a")
    page = client.get(take_up_url(referral))
    assert page.context["candidates_count"] == 0
    assert page.context["form"]["referral_person"].value() == victim.pk
    response = client.post(take_up_url(referral), {"referral_person": victim.pk, "post": world.a.post.pk})
    assert response.status_code == 302

    followup = FollowUp.objects.get(referrals=referral)
    assert response.url == followup.get_absolute_url()
    person = followup.person
    assert (person.last_name, person.first_name, person.sex) == ("Verhaeghe", "Maëlle", Sex.FEMALE)
    assert person.age_class == AgeClass.AGE_26_40
    assert person.safe_phone == "06 48 21 77 10" and person.best_time == "Le matin avant 11 h"
    members = list(followup.household_members.all())
    assert [(m.first_name, m.age_class) for m in members] == [("Noé", AgeClass.AGE_0_10)]  # the accused is left out
    assert not Person.objects.filter(post=world.a.post, first_name=accused.first_name).exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TAKEN_UP and referral.taken_up_by == world.a.iscg

    landing = client.get(response.url)
    content = landing.content.decode()
    assert "Enregistrer le premier entretien" in content
    assert reverse("casework:intervention_create", kwargs={"public_id": followup.public_id}) in content
    # The referral is no longer to take up: neither its page nor the queue offer it again.
    assert not client.get(referral.get_absolute_url()).context["can_take_up"]
    assert take_up_url(referral) not in client.get(reverse("referrals:queue")).content.decode()


def test_taking_up_proposes_the_person_already_known_to_the_post(world, client_for):
    referral, victim, _child, _accused = referral_with_household(world)
    known = PersonFactory(
        post=world.a.post, last_name="VERHAEGHE", first_name="Maelle", birth_date=None, safe_phone="0648217710"
    )
    known_child = PersonFactory(
        post=world.a.post, last_name="Verhaeghe", first_name="Noé", birth_date=None, safe_phone=""
    )
    # The same person known to another post is never proposed.
    PersonFactory(post=world.b.post, last_name="Verhaeghe", first_name="Maëlle", safe_phone="0648217710")
    client = client_for("iscg_a")
    page = client.get(take_up_url(referral))
    assert list(page.context["form"].fields["existing_person"].queryset) == [known]
    content = page.content.decode()
    assert "1 fiche de votre poste correspond peut-être à cette personne" in content

    persons_before = Person.objects.filter(post=world.a.post).count()
    response = client.post(
        take_up_url(referral), {"referral_person": victim.pk, "post": world.a.post.pk, "existing_person": known.pk}
    )
    assert response.status_code == 302
    followup = FollowUp.objects.get(referrals=referral)
    assert followup.person == known
    # The child has no birth date nor phone: no match can be proven, so a record is created for them.
    assert [m.first_name for m in followup.household_members.all()] == ["Noé"]
    assert followup.household_members.get() != known_child
    assert Person.objects.filter(post=world.a.post).count() == persons_before + 1


def test_taking_up_joins_the_open_follow_up_and_reuses_a_known_child(world, client_for):
    referral = ReferralFactory(unit=world.a.unit, victim=False)
    known = world.a.person  # the main person of an open follow-up of post A
    victim = ReferralPersonFactory(
        referral=referral, last_name=known.last_name, first_name=known.first_name, birth_date=known.birth_date
    )
    child = ReferralPersonFactory(
        referral=referral, child=True, last_name="Lambert", first_name="Lou", birth_date=datetime.date(2019, 3, 2)
    )
    known_child = PersonFactory(
        post=world.a.post, last_name="Lambert", first_name="Lou", birth_date=child.birth_date, safe_phone=""
    )
    response = client_for("iscg_a").post(
        take_up_url(referral),
        {"referral_person": victim.pk, "post": world.a.post.pk, "existing_person": known.pk},
    )
    assert response.status_code == 302
    assert FollowUp.objects.get(referrals=referral) == world.a.followup  # joined, not a second follow-up
    assert list(world.a.followup.household_members.all()) == [known_child]


def test_a_referral_taken_up_this_way_counts_in_the_bilans_delay(world, client_for):
    referral, victim, _child, _accused = referral_with_household(world)
    client = client_for("iscg_a")
    client.post(take_up_url(referral), {"referral_person": victim.pk, "post": world.a.post.pk})
    followup = FollowUp.objects.get(referrals=referral)
    scope = BilanScope(ScopeKind.DEPARTMENT, world.a.department.code, "test")
    period = civil_year(timezone.localdate().year)

    def with_intervention() -> int:
        details = compute_bilan(scope=scope, period=period).indicators["A4"].details
        return {key: value for key, _label, value, _unit in details}["referrals_with_intervention"]

    assert with_intervention() == 0
    response = client.post(
        reverse("casework:intervention_create", kwargs={"public_id": followup.public_id}),
        {
            "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "kind": InterventionKind.INTERVIEW,
            "place": Place.POLICE_STATION,
            "status": InterventionStatus.HELD,
            "summary": "Premier entretien",
        },
    )
    assert response.status_code == 302
    assert with_intervention() == 1
    a4 = compute_bilan(scope=scope, period=period).indicators["A4"]
    assert a4.total is not None and a4.total < 1  # filed two hours ago, met now


def test_an_iscg_of_another_department_cannot_take_the_referral_up(world, client_for):
    referral, victim, _child, _accused = referral_with_household(world)
    client = client_for("iscg_b")
    assert client.get(take_up_url(referral)).status_code == 404
    data = {"referral_person": victim.pk, "post": world.b.post.pk}
    assert client.post(take_up_url(referral), data).status_code == 404
    assert not FollowUp.objects.filter(referrals=referral).exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_the_queue_tells_no_grid_from_a_grid_without_danger(world, client_for):
    from tests.referrals.factories import DangerAssessmentFactory

    no_danger = ReferralFactory(unit=world.a.unit)
    DangerAssessmentFactory(referral=no_danger, yes=1)
    danger = ReferralFactory(unit=world.a.unit)
    DangerAssessmentFactory(referral=danger, red=3)
    rows = {r.pk: r for r in client_for("iscg_a").get(reverse("referrals:queue")).context["page"]}
    assert (rows[world.a.referral.pk].has_grid, rows[world.a.referral.pk].has_danger) == (False, False)
    assert (rows[no_danger.pk].has_grid, rows[no_danger.pk].has_danger) == (True, False)
    assert rows[danger.pk].has_danger
    content = client_for("iscg_a").get(reverse("referrals:queue")).content.decode()
    assert "Pas de grille" in content and "Non caractérisé" in content and "Danger caractérisé" in content


def test_the_referral_page_puts_the_decision_heading_first_and_names_the_persons_once(world, client_for):
    content = client_for("iscg_a").get(world.a.referral.get_absolute_url()).content.decode()
    main = content.split('id="content"')[1]
    assert main.index("Décision") < main.index("Prendre en charge") < main.index("Marquer comme reçue")
    assert main.count("Personnes concernées") == 1
