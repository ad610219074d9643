"""Two people editing the same record: the second save is refused, shows what changed, keeps the input."""

import pytest
from django.urls import reverse

from casework import services
from casework.enums import FollowUpRole, InterventionKind
from casework.models import Intervention
from iscg.concurrency import EditConflict
from tests.casework.factories import InterventionFactory
from tests.conftest import sign_in
from tests.organisation.factories import PostAssignmentFactory

pytestmark = pytest.mark.django_db


def test_a_stale_version_raises_a_conflict_naming_the_changed_fields(world):
    intervention = world.a.intervention
    loaded = intervention.version
    services.intervention_update(
        intervention=intervention,
        version=loaded,
        by=world.a.iscg,
        summary="Version de la collègue",
        duration_minutes=60,
    )
    with pytest.raises(EditConflict) as conflict:
        services.intervention_update(
            intervention=intervention, version=loaded, by=world.a.iscg, summary="Ma version", duration_minutes=45
        )
    labels = {str(Intervention._meta.get_field(name).verbose_name) for name in ("summary", "duration_minutes")}
    assert set(conflict.value.changed_fields) == labels
    intervention.refresh_from_db()
    assert intervention.summary == "Version de la collègue"
    assert intervention.version == loaded + 1


def test_the_second_save_of_an_intervention_is_refused_and_keeps_what_was_typed(world, client):
    colleague = PostAssignmentFactory(post=world.a.post).user
    intervention = world.a.intervention
    url = reverse("casework:intervention_update", kwargs={"public_id": intervention.public_id})
    loaded = intervention.version
    data = {
        "version": loaded,
        "starts_at": intervention.starts_at.astimezone().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 50,
        "kind": InterventionKind.PHONE_CALL,
        "place": intervention.place,
        "status": intervention.status,
        "summary": "Compte rendu tapé pendant dix minutes",
    }
    first = sign_in(client, colleague).post(url, {**data, "summary": "Résumé enregistré par la collègue"})
    assert first.status_code == 302

    second = sign_in(client, world.a.iscg).post(url, {**data, "private_note": "ma note"})

    assert second.status_code == 409
    page = second.content.decode()
    assert "Compte rendu tapé pendant dix minutes" in page  # nothing typed is lost
    assert "ma note" in page
    assert str(Intervention._meta.get_field("summary").verbose_name) in page  # the changed field is named
    form = second.context["form"]
    assert form.data["version"] == str(loaded + 1)  # saving again knowingly replaces their version
    intervention.refresh_from_db()
    assert intervention.summary == "Résumé enregistré par la collègue"

    third = client.post(url, {**data, "version": loaded + 1})
    assert third.status_code == 302
    intervention.refresh_from_db()
    assert intervention.summary == "Compte rendu tapé pendant dix minutes"


def test_the_second_save_of_a_followup_is_refused_and_keeps_what_was_typed(world, client_for):
    followup = world.a.followup
    url = reverse("casework:followup_update", kwargs={"public_id": followup.public_id})
    problems = list(followup.problems.values_list("pk", flat=True))
    data = {"version": followup.version, "person_role": FollowUpRole.BOTH, "problems": problems}
    services.followup_update(
        followup=followup,
        version=followup.version,
        by=world.a.iscg,
        person_role=FollowUpRole.OTHER,
        problems=followup.problems.all(),
        assigned_to=world.a.iscg,
    )
    response = client_for("iscg_a").post(url, data)
    assert response.status_code == 409
    assert response.context["form"]["person_role"].value() == FollowUpRole.BOTH
    followup.refresh_from_db()
    assert followup.person_role == FollowUpRole.OTHER


def test_the_second_save_of_a_person_is_refused(world, client_for):
    person = world.a.person
    url = reverse("casework:person_update", kwargs={"public_id": person.public_id})
    services.person_update(person=person, version=person.version, by=world.a.iscg, commune="Abbeville")
    response = client_for("iscg_a").post(
        url,
        {
            "version": person.version - 1,
            "last_name": person.last_name,
            "first_name": "Prénom modifié",
            "sex": person.sex,
            "age_class": person.age_class,
            "family_situation": person.family_situation,
            "known_to_social_services": person.known_to_social_services,
            "commune": "Amiens",
        },
    )
    assert response.status_code == 409
    assert "Prénom modifié" in response.content.decode()
    person.refresh_from_db()
    assert person.commune == "Abbeville"
    assert person.first_name != "Prénom modifié"


def test_an_intervention_saved_twice_by_its_author_in_sequence_is_not_a_conflict(world):
    intervention = InterventionFactory(followup=world.a.followup)
    services.intervention_update(intervention=intervention, version=intervention.version, by=world.a.iscg, summary="1")
    services.intervention_update(intervention=intervention, version=intervention.version, by=world.a.iscg, summary="2")
    intervention.refresh_from_db()
    assert (intervention.summary, intervention.version) == ("2", 3)
