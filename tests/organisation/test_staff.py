import re

from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from accounts.models import User
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.queries import queries_for


def action_url(user, action):
    return reverse("organisation:staff_action", kwargs={"public_id": user.public_id, "action": action})


def test_coordinator_creates_an_officer_who_receives_an_invitation(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("coordinator_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisation:staff_create"),
            {
                "email": "Nouvel.Agent@Test.example",
                "first_name": "Paul",
                "last_name": "Nouveau",
                "role": Role.POLICE,
                "units": [world.a.unit.pk],
            },
        )
    user = User.objects.get(email="nouvel.agent@test.example")
    assert response.url == reverse("organisation:staff_detail", kwargs={"public_id": user.public_id})
    assert user.role == Role.POLICE
    assert list(user.units.all()) == [world.a.unit]
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert "/invitation/" in mail.outbox[0].body
    assert "Paul" not in mail.outbox[0].body and "Nouveau" not in mail.outbox[0].body


def test_coordinator_creates_an_iscg_assigned_to_a_post_of_their_department(world, client_for):
    client = client_for("coordinator_a")
    client.post(
        reverse("organisation:staff_create"),
        {"email": "iscg.new@test.example", "first_name": "A", "last_name": "B", "role": Role.ISCG,
         "post": world.a.post.pk, "starts_on": "2026-01-05"},
    )  # fmt: skip
    user = User.objects.get(email="iscg.new@test.example")
    assignment = user.post_assignments.get()
    assert assignment.post == world.a.post
    assert str(assignment.starts_on) == "2026-01-05"


def test_staff_form_refuses_scope_outside_the_department_and_missing_scope(world, client_for):
    client = client_for("coordinator_a")
    url = reverse("organisation:staff_create")
    base = {"email": "x@test.example", "first_name": "A", "last_name": "B"}
    response = client.post(url, {**base, "role": Role.POLICE, "units": [world.b.unit.pk]})
    assert response.status_code == 200
    assert "units" in response.context["form"].errors
    response = client.post(url, {**base, "role": Role.ISCG})
    assert "Choisissez le poste" in response.content.decode()
    response = client.post(url, {**base, "role": Role.FUNDER, "departments": [world.b.department.pk]})
    assert "departments" in response.context["form"].errors
    response = client.post(url, {**base, "email": world.a.iscg.email, "role": Role.FUNDER,
                                 "departments": [world.a.department.pk]})  # fmt: skip
    assert "déjà cette adresse" in response.content.decode()
    assert response.context["form"].data["first_name"] == "A"  # nothing typed is lost
    assert not User.objects.filter(email="x@test.example").exists()


def test_coordinator_sees_only_the_accounts_of_their_department(world, client_for):
    response = client_for("coordinator_a").get(reverse("organisation:staff_list"))
    emails = {member.email for member in response.context["page"]}
    assert {world.a.officer.email, world.a.iscg.email, world.a.funder.email, world.a.coordinator.email} <= emails
    assert not emails & {world.b.officer.email, world.b.iscg.email, world.b.coordinator.email}
    assert "admin@test.example" not in emails


def test_staff_list_runs_a_constant_number_of_queries(world, client_for, django_assert_max_num_queries):
    client = client_for("coordinator_a")
    url = reverse("organisation:staff_list")
    client.get(url)
    with django_assert_max_num_queries(13):  # 12, and the assignments awaiting this user's confirmation
        one, _ = queries_for(client, url)
    for _ in range(10):
        UserFactory(police=True, units=[world.a.unit])
    ten, response = queries_for(client, url)
    assert len(response.context["page"]) > 10
    assert ten == one


def test_coordinator_deactivates_an_account_and_its_sessions_end(world, client_for):
    from tests.conftest import sign_in

    officer_session = sign_in(Client(), world.a.officer)
    response = client_for("coordinator_a").post(action_url(world.a.officer, "deactivate"))
    assert response.status_code == 302
    world.a.officer.refresh_from_db()
    assert not world.a.officer.is_active
    assert officer_session.get(reverse("accounts:security")).status_code == 302


def test_coordinator_unlocks_a_locked_account(world, client_for):
    for _ in range(5):
        Client().post(reverse("accounts:login"), {"username": world.a.officer.email, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=world.a.officer.email).exists()
    detail = client_for("coordinator_a").get(
        reverse("organisation:staff_detail", kwargs={"public_id": world.a.officer.public_id})
    )
    assert detail.context["member"].is_locked_out
    client_for("coordinator_a").post(action_url(world.a.officer, "unlock"))
    response = Client().post(reverse("accounts:login"), {"username": world.a.officer.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_other_departments_and_other_roles_cannot_act_on_an_account(world, client_for):
    url = action_url(world.a.officer, "deactivate")
    for persona in ("coordinator_b", "officer_a", "iscg_a", "funder_a"):
        assert client_for(persona).post(url).status_code == 404, persona
    assert client_for("coordinator_a").post(action_url(world.a.officer, "explode")).status_code == 404
    world.a.officer.refresh_from_db()
    assert world.a.officer.is_active


def test_coordinator_cannot_deactivate_themselves(world, client_for):
    client_for("coordinator_a").post(action_url(world.a.coordinator, "deactivate"))
    world.a.coordinator.refresh_from_db()
    assert world.a.coordinator.is_active


def test_new_invitation_link_replaces_the_old_one(world, client_for, django_capture_on_commit_callbacks):
    client = client_for("coordinator_a")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(world.a.officer, "invite"))
        client.post(action_url(world.a.officer, "invite"))
    first, second = (re.search(r"/invitation/\S+", m.body).group(0) for m in mail.outbox[-2:])
    assert Client().get(first).status_code == 400
    assert Client().get(second).status_code == 200


def test_in_a_department_with_one_coordinator_the_administrator_is_asked_to_confirm_and_finds_it(
    world, client_for, django_capture_on_commit_callbacks
):
    """The common case: one coordinator per department. The request reaches the national administrator
    (by e-mail, and on their team page), who confirms it; the requester sees it but cannot confirm."""
    with django_capture_on_commit_callbacks(execute=True):
        client_for("coordinator_a").post(
            reverse("organisation:staff_create"),
            {"email": "iscg.seule@test.example", "first_name": "Inès", "last_name": "Seule", "role": Role.ISCG,
             "post": world.a.post.pk},
        )  # fmt: skip
    assignment = User.objects.get(email="iscg.seule@test.example").post_assignments.get()
    to_confirm = [m for m in mail.outbox if m.subject == "Une affectation attend votre confirmation"]
    assert [m.to for m in to_confirm] == [["admin@test.example"]]
    admin_page = client_for("admin").get(reverse("organisation:staff_list"))
    assert list(admin_page.context["to_confirm"]) == [assignment]
    assert "Inès Seule" in admin_page.content.decode()
    requester_page = client_for("coordinator_a").get(reverse("organisation:staff_list"))
    assert not requester_page.context["to_confirm"]
    assert not client_for("coordinator_b").get(reverse("organisation:staff_list")).context["to_confirm"]


def test_another_coordinator_of_the_department_is_asked_first_and_sees_it_on_their_home(
    world, client_for, django_capture_on_commit_callbacks
):
    colleague = UserFactory(coordinator=True, email="coordination.bis@test.example")
    colleague.departments.set([world.a.department])
    with django_capture_on_commit_callbacks(execute=True):
        client_for("coordinator_a").post(
            reverse("organisation:staff_create"),
            {"email": "iscg.bis@test.example", "first_name": "Inès", "last_name": "Bis", "role": Role.ISCG,
             "post": world.a.post.pk},
        )  # fmt: skip
    to_confirm = [m for m in mail.outbox if m.subject == "Une affectation attend votre confirmation"]
    assert [m.to for m in to_confirm] == [["coordination.bis@test.example"]]
    world.users["coordinator_bis"] = colleague
    home = client_for("coordinator_bis").get(reverse("dashboards:coordinator_home")).content.decode()
    assert "1 affectation d’intervenant·e social·e attend votre confirmation" in home
