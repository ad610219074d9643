import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.enums import InterventionKind, InterventionStatus, OrientationKind, OrientationStatus, Place
from casework.models import Assessment, FollowUp, Intervention, Orientation, Person, ViolenceForm
from referrals.enums import ReferralStatus
from referrals.models import Problem
from tests.casework.factories import (
    AssessmentFactory,
    FollowUpFactory,
    InterventionFactory,
    OrientationFactory,
    PersonFactory,
)
from tests.queries import queries_for
from tests.referrals.factories import DangerAssessmentFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def test_person_search_ignores_accents_and_case_and_finds_by_phone_or_birth_date(world, client_for):
    eloise = PersonFactory(
        post=world.a.post,
        last_name="Lefèvre",
        first_name="Éloïse",
        birth_date=datetime.date(1979, 4, 9),
        safe_phone="06 55 44 33 22",
    )
    client = client_for("iscg_a")
    url = reverse("casework:person_list")
    assert list(client.get(url, {"name": "ELOISE lefevre"}).context["page"]) == [eloise]
    assert list(client.get(url, {"phone": "+33 6 55 44 33 22"}).context["page"]) == [eloise]
    assert list(client.get(url, {"birth_date": "1979-04-09"}).context["page"]) == [eloise]
    assert list(client.get(url, {"name": "inconnu"}).context["page"]) == []
    assert set(client.get(url).context["page"]) == {eloise, world.a.person}


def test_creating_a_person_who_looks_known_proposes_the_existing_record_first(world, client_for):
    client = client_for("iscg_a")
    url = reverse("casework:person_create")
    known = world.a.person
    data = {
        "post": world.a.post.pk,
        "last_name": known.last_name.upper(),
        "first_name": known.first_name,
        "birth_date": known.birth_date.isoformat(),
        "sex": "f",
        "age_class": "unknown",
        "family_situation": "unknown",
        "known_to_social_services": "no",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["duplicates"] == [known]
    assert known.get_absolute_url() in response.content.decode()
    assert Person.objects.filter(post=world.a.post).count() == 1

    response = client.post(url, {**data, "create_anyway": "on"})
    assert response.status_code == 302
    assert Person.objects.filter(post=world.a.post).count() == 2


def test_an_anonymous_person_is_recorded_without_any_name(world, client_for):
    response = client_for("iscg_a").post(
        reverse("casework:person_create"),
        {
            "post": world.a.post.pk,
            "is_anonymous": "on",
            "sex": "m",
            "age_class": "41_60",
            "family_situation": "unknown",
            "known_to_social_services": "unknown",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(post=world.a.post, is_anonymous=True)
    assert (person.last_name, person.first_name, person.age_class) == ("", "", "41_60")


def test_person_form_offers_only_the_users_posts(world, client_for):
    form = client_for("iscg_a").get(reverse("casework:person_create")).context["form"]
    assert list(form.fields["post"].queryset) == [world.a.post]


def test_the_followup_list_filters_are_scoped_and_closed_followups_hidden_by_default(world, client_for):
    closed = FollowUpFactory(post=world.a.post, closed=True)
    client = client_for("iscg_a")
    response = client.get(reverse("casework:followup_list"))
    assert list(response.context["filter"].form.fields["post"].queryset) == [world.a.post]
    assert list(response.context["page"]) == [world.a.followup]
    response = client.get(reverse("casework:followup_list"), {"state": "closed"})
    assert list(response.context["page"]) == [closed]
    response = client.get(reverse("casework:followup_list"), {"q": world.a.person.last_name.upper()})
    assert list(response.context["page"]) == [world.a.followup]


def test_the_followup_list_costs_the_same_queries_for_1_and_10_followups(
    world, client_for, django_assert_max_num_queries
):
    client = client_for("iscg_a")
    url = reverse("casework:followup_list")
    client.get(url)  # warm caches (session)
    one, _ = queries_for(client, url)
    for _index in range(9):
        followup = FollowUpFactory(post=world.a.post)
        InterventionFactory(followup=followup)
        InterventionFactory(followup=followup, planned=True)
    ten, response = queries_for(client, url)
    assert response.context["page"].paginator.count == 10
    assert one == ten
    with django_assert_max_num_queries(one):
        client.get(url, {"state": "all", "mine": "on"})


def test_the_timeline_shows_everything_newest_first_with_the_next_appointment(world, client_for):
    followup = world.a.followup
    referral = ReferralFactory(
        unit=world.a.unit, taken_up=True, referred_at=timezone.now() - datetime.timedelta(days=40)
    )
    followup.referrals.add(referral, through_defaults={"linked_by": world.a.iscg})
    DangerAssessmentFactory(referral=referral, red=2, filled_at=referral.referred_at + datetime.timedelta(hours=1))
    AssessmentFactory(followup=followup, assessed_on=timezone.localdate() - datetime.timedelta(days=10))
    planned = InterventionFactory(followup=followup, planned=True)
    response = client_for("iscg_a").get(followup.get_absolute_url())
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert kinds == ["intervention", "intervention", "orientation", "assessment", "danger_grid", "referral"]
    moments = [entry.at for entry in response.context["timeline"]]
    assert moments == sorted(moments, reverse=True)
    assert response.context["next_intervention"] == planned
    page = response.content.decode()
    assert referral.number in page


def test_the_timeline_costs_the_same_queries_for_1_and_10_records_of_each_kind(
    world, client_for, django_assert_max_num_queries
):
    followup = world.a.followup
    client = client_for("iscg_a")
    client.get(followup.get_absolute_url())  # warm caches (session)

    def add_records(count):
        for _index in range(count):
            referral = ReferralFactory(unit=world.a.unit, taken_up=True)
            followup.referrals.add(referral, through_defaults={"linked_by": world.a.iscg})
            DangerAssessmentFactory(referral=referral)
            InterventionFactory(followup=followup)
            AssessmentFactory(followup=followup)
            OrientationFactory(followup=followup)

    add_records(1)
    one, _ = queries_for(client, followup.get_absolute_url())
    add_records(9)
    ten, response = queries_for(client, followup.get_absolute_url())
    assert len(response.context["timeline"]) > 40
    assert one == ten
    with django_assert_max_num_queries(one):
        client.get(followup.get_absolute_url())


def test_an_intervention_is_recorded_in_under_a_minute_with_sensible_defaults(world, client_for):
    client = client_for("iscg_a")
    url = reverse("casework:intervention_create", kwargs={"public_id": world.a.followup.public_id})
    form = client.get(url).context["form"]
    assert form["kind"].value() == InterventionKind.INTERVIEW
    assert form["place"].value() == Place.POLICE_STATION
    assert form["status"].value() == InterventionStatus.HELD
    assert form["duration_minutes"].value() == 30
    response = client.post(
        url,
        {
            "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 30,
            "kind": InterventionKind.INTERVIEW,
            "place": Place.POLICE_STATION,
            "status": InterventionStatus.HELD,
            "summary": "Premier entretien",
        },
    )
    assert response.status_code == 302
    intervention = Intervention.objects.latest("pk")  # the summary is encrypted: it cannot be looked up
    assert intervention.summary == "Premier entretien"
    assert intervention.author == world.a.iscg and intervention.followup == world.a.followup
    planning = client.get(url, {"planifier": "1"}).context["form"]
    assert planning["status"].value() == InterventionStatus.PLANNED


def test_an_iscg_takes_a_referral_up_from_its_page(world, client_for):
    client = client_for("iscg_a")
    url = reverse("casework:followup_open_from_referral", kwargs={"public_id": world.a.referral.public_id})
    response = client.get(url)
    victim = world.a.referral.persons.get()
    assert response.context["form"]["referral_person"].value() == victim.pk
    response = client.post(url, {"referral_person": victim.pk, "post": world.a.post.pk, "existing_person": ""})
    assert response.status_code == 302
    world.a.referral.refresh_from_db()
    assert world.a.referral.status == ReferralStatus.TAKEN_UP
    followup = world.a.referral.followups.get()
    assert response.url == followup.get_absolute_url()
    again = client.get(url)
    assert again.context["linked"] == followup
    response = client.post(url, {"referral_person": victim.pk, "post": world.a.post.pk})
    assert response.status_code == 200
    assert FollowUp.objects.filter(referrals=world.a.referral).count() == 1


def test_a_referral_that_cannot_be_taken_up_shows_a_clear_message(world, client_for):
    withdrawn = ReferralFactory(unit=world.a.unit, withdrawn=True)
    url = reverse("casework:followup_open_from_referral", kwargs={"public_id": withdrawn.public_id})
    response = client_for("iscg_a").post(url, {"referral_person": withdrawn.persons.get().pk, "post": world.a.post.pk})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not FollowUp.objects.filter(referrals=withdrawn).exists()


def test_an_assessment_records_problems_violence_forms_and_the_danger_flag(world, client_for):
    url = reverse("casework:assessment_create", kwargs={"public_id": world.a.followup.public_id})
    problem = Problem.objects.get(code="violences_conjugales")
    forms = list(ViolenceForm.objects.filter(code__in=["physiques", "economiques"]))
    response = client_for("iscg_a").post(
        url,
        {
            "assessed_on": timezone.localdate().isoformat(),
            "problems": [problem.pk],
            "violence_forms": [form.pk for form in forms],
            "needs": "Hébergement",
            "risk_level": "high",
            "is_very_serious_danger": "on",
            "children_exposed": 2,
            "known_to_social_services": "no",
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(followup=world.a.followup)
    assert assessment.is_very_serious_danger and assessment.children_exposed == 2
    assert set(assessment.violence_forms.all()) == set(forms)


def test_orientation_partners_come_from_the_departments_directory_only(world, client_for):
    client = client_for("iscg_a")
    url = reverse("casework:orientation_create", kwargs={"public_id": world.a.followup.public_id})
    partners = client.get(url).context["form"].fields["partner"].queryset
    assert list(partners) == [world.a.partner]
    response = client.post(
        url,
        {
            "kind": OrientationKind.ORIENTATION,
            "oriented_on": timezone.localdate().isoformat(),
            "partner": world.b.partner.pk,
            "status": "proposed",
        },
    )
    assert response.status_code == 200
    response = client.post(
        url,
        {
            "kind": OrientationKind.CONCERN_REPORT,
            "oriented_on": timezone.localdate().isoformat(),
            "recipient": "CRIP de la Somme",
            "status": OrientationStatus.DONE,
        },
    )
    assert response.status_code == 302
    transmission = Orientation.objects.child_protection().get(followup=world.a.followup)
    assert transmission.outcome_on == timezone.localdate()


def test_an_orientation_is_followed_to_its_outcome(world, client_for):
    orientation = world.a.orientation
    url = reverse("casework:orientation_update_status", kwargs={"public_id": orientation.public_id})
    client = client_for("iscg_a")
    response = client.post(url, {"version": orientation.version, "status": OrientationStatus.REFUSED_BY_PARTNER})
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.status == OrientationStatus.REFUSED_BY_PARTNER and orientation.outcome_on is not None
    response = client.post(url, {"version": orientation.version, "status": OrientationStatus.ACCEPTED})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_a_followup_is_closed_with_a_reason_then_reopened(world, client_for):
    client = client_for("iscg_a")
    followup = world.a.followup
    close_url = reverse("casework:followup_close", kwargs={"public_id": followup.public_id})
    assert client.post(close_url, {"closed_on": timezone.localdate().isoformat()}).status_code == 200
    response = client.post(close_url, {"reason": "moved", "closed_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.closing_reason == "moved"
    reopen_url = reverse("casework:followup_reopen", kwargs={"public_id": followup.public_id})
    assert client.post(reopen_url).status_code == 302
    followup.refresh_from_db()
    assert followup.is_open


def test_a_household_member_is_added_from_existing_persons_or_created(world, client_for):
    client = client_for("iscg_a")
    child = PersonFactory(post=world.a.post, first_name="Noé", birth_date=datetime.date(2016, 2, 3))
    url = reverse("casework:followup_add_member", kwargs={"public_id": world.a.followup.public_id})
    assert list(client.get(url).context["form"].fields["person"].queryset) == [child]
    assert client.post(url, {"person": child.pk}).status_code == 302
    create_url = reverse("casework:person_create") + f"?foyer={world.a.followup.public_id}"
    response = client.post(
        create_url,
        {
            "post": world.a.post.pk,
            "first_name": "Lina",
            "sex": "f",
            "age_class": "0_10",
            "family_situation": "unknown",
            "known_to_social_services": "unknown",
        },
    )
    assert response.status_code == 302
    assert {person.first_name for person in world.a.followup.household_members.all()} == {"Noé", "Lina"}


def test_a_followup_is_opened_directly_for_a_person(world, client_for):
    person = PersonFactory(post=world.a.post)
    url = reverse("casework:followup_create") + f"?personne={person.public_id}"
    response = client_for("iscg_a").post(
        url, {"person_role": "victim", "opened_on": timezone.localdate().isoformat(), "problems": []}
    )
    assert response.status_code == 302
    followup = FollowUp.objects.get(person=person)
    assert followup.post == world.a.post and followup.assigned_to == world.a.iscg
    outsider = PersonFactory(post=world.b.post)
    bad = reverse("casework:followup_create") + f"?personne={outsider.public_id}"
    assert client_for("iscg_a").get(bad).status_code == 404
    assert client_for("iscg_a").get(reverse("casework:followup_create") + "?personne=nope").status_code == 404
