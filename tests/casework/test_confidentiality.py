"""docs/domain.md §2 and the issue's confidentiality rules, one test per rule."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from casework.models import Assessment, FollowUp, Intervention, Orientation, Person, ViolenceForm
from organisation.models import PostAssignment
from tests.casework.factories import AssessmentFactory, FollowUpFactory, InterventionFactory
from tests.conftest import sign_in
from tests.organisation.factories import PostAssignmentFactory, PostFactory
from tests.test_access import MATRIX, _resolve_kwargs

pytestmark = pytest.mark.django_db

CASEWORK_ROWS = [row for row in MATRIX if row[0].startswith("casework:")]


def test_police_get_404_on_every_casework_page_even_by_guessing_urls(world, client_for):
    officer = client_for("officer_a")
    for url_name, kwargs, _statuses in CASEWORK_ROWS:
        url = reverse(url_name, kwargs=_resolve_kwargs(world, kwargs))
        assert officer.get(url).status_code == 404, url_name
        assert officer.post(url, {}).status_code == 404, url_name
    url = reverse("casework:followup_create") + f"?personne={world.a.person.public_id}"
    assert officer.get(url).status_code == 404


def test_police_posting_an_intervention_create_nothing(world, client_for):
    url = reverse("casework:intervention_create", kwargs={"public_id": world.a.followup.public_id})
    count = Intervention.objects.count()
    response = client_for("officer_a").post(url, {"kind": "interview", "summary": "intrusion"})
    assert response.status_code == 404
    assert Intervention.objects.count() == count


def test_an_iscg_of_another_post_of_the_same_department_gets_404(world, client):
    neighbour = PostAssignmentFactory(post=PostFactory(department=world.a.department)).user
    sign_in(client, neighbour)
    for url_name, kwargs, statuses in CASEWORK_ROWS:
        if kwargs and statuses["iscg_a"] != 302:
            url = reverse(url_name, kwargs=_resolve_kwargs(world, kwargs))
            assert client.get(url).status_code == 404, url_name
    listing = client.get(reverse("casework:followup_list")).content.decode()
    assert world.a.person.last_name not in listing
    search = client.get(reverse("casework:person_list"), {"name": world.a.person.last_name})
    assert list(search.context["page"]) == []


def test_an_iscg_who_left_the_post_loses_access_and_the_followups_stay_with_the_post(world, client):
    followup_url = reverse("casework:followup_detail", kwargs={"public_id": world.a.followup.public_id})
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PostAssignment.objects.filter(user=world.a.iscg, post=world.a.post).update(ends_on=yesterday)
    successor = PostAssignmentFactory(post=world.a.post, starts_on=timezone.localdate()).user

    assert sign_in(client, world.a.iscg).get(followup_url).status_code == 404
    assert client.get(reverse("casework:followup_list")).context["page"].paginator.count == 0
    followup = FollowUp.objects.get(pk=world.a.followup.pk)
    assert followup.post == world.a.post  # nothing moved
    response = sign_in(client, successor).get(followup_url)
    assert response.status_code == 200
    assert world.a.intervention.summary in response.content.decode()


def test_a_private_note_is_shown_to_its_author_only(world, client):
    colleague = PostAssignmentFactory(post=world.a.post).user
    note = world.a.intervention.private_note
    followup_url = reverse("casework:followup_detail", kwargs={"public_id": world.a.followup.public_id})
    edit_url = reverse("casework:intervention_update", kwargs={"public_id": world.a.intervention.public_id})

    author_page = sign_in(client, world.a.iscg).get(followup_url).content.decode()
    assert note in author_page
    assert note in client.get(edit_url).content.decode()

    colleague_page = sign_in(client, colleague).get(followup_url).content.decode()
    assert world.a.intervention.summary in colleague_page  # the summary is shared
    assert note not in colleague_page
    edit_page = client.get(edit_url)
    assert note not in edit_page.content.decode()
    assert "private_note" not in edit_page.context["form"].fields
    assert world.a.intervention.private_note_for(colleague) == ""


def test_a_colleague_editing_an_intervention_never_changes_its_private_note(world, client):
    colleague = PostAssignmentFactory(post=world.a.post).user
    intervention = world.a.intervention
    url = reverse("casework:intervention_update", kwargs={"public_id": intervention.public_id})
    response = sign_in(client, colleague).post(
        url,
        {
            "version": intervention.version,
            "starts_at": timezone.localtime(intervention.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 30,
            "kind": intervention.kind,
            "place": intervention.place,
            "status": intervention.status,
            "summary": "Complété par la collègue",
            "private_note": "tentative d'écraser",
        },
    )
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.summary == "Complété par la collègue"
    assert intervention.private_note == "Note privée : emprise probable, à revoir."


def test_a_coordinator_lists_the_departments_followups_without_any_content(world, client_for):
    AssessmentFactory(followup=world.a.followup, needs="Besoin très confidentiel")
    coordinator = client_for("coordinator_a")
    response = coordinator.get(reverse("casework:department_followups"))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.a.followup.reference in page
    assert world.b.followup.reference not in page
    for secret in (
        world.a.person.last_name,
        world.a.person.first_name,
        world.a.intervention.summary,
        world.a.intervention.private_note,
        "Besoin très confidentiel",
    ):
        assert secret not in page
    for url_name in ("followup_detail", "intervention_create", "assessment_create", "orientation_create"):
        url = reverse(f"casework:{url_name}", kwargs={"public_id": world.a.followup.public_id})
        assert coordinator.get(url).status_code == 404
    assert coordinator.get(reverse("casework:person_list")).status_code == 404


def test_funders_and_the_admin_see_no_casework_at_all(world, client_for):
    for persona in ("funder_a", "admin"):
        client = client_for(persona)
        assert client.get(reverse("casework:department_followups")).status_code == 404, persona
        assert client.get(reverse("casework:followup_list")).status_code == 404, persona
    for model in (Person, FollowUp, Intervention, Assessment, Orientation):
        assert not admin.site.is_registered(model), model
    assert admin.site.is_registered(ViolenceForm)  # reference data only


def test_querysets_give_nothing_to_roles_without_casework(world):
    from organisation.scope import build_scope

    for key in ("officer_a", "funder_a", "admin"):
        scope = build_scope(world.users[key])
        assert not FollowUp.objects.visible_to(scope).exists(), key
        assert not Person.objects.visible_to(scope).exists(), key
        assert not Intervention.objects.visible_to(scope).exists(), key
    coordinator = build_scope(world.users["coordinator_a"])
    assert list(FollowUp.objects.visible_to(coordinator)) == [world.a.followup]
    assert not FollowUp.objects.content_visible_to(coordinator).exists()
    assert not Intervention.objects.visible_to(coordinator).exists()
    iscg = build_scope(world.users["iscg_a"])
    assert list(FollowUp.objects.content_visible_to(iscg)) == [world.a.followup]
    assert InterventionFactory(followup=FollowUpFactory(post=world.b.post)) not in Intervention.objects.visible_to(
        iscg
    )
