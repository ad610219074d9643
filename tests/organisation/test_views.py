from decimal import Decimal

from django.urls import reverse

from tests.organisation.factories import PartnerFactory, PostAssignmentFactory, PostFactory, UnitFactory
from tests.queries import queries_for


def test_coordinator_reaches_their_department_overview_from_their_home(world, client_for):
    client = client_for("coordinator_a")
    home = client.get(reverse("home"), follow=True)
    assert home.redirect_chain[-1][0] == reverse("dashboards:coordinator_home")
    department_url = reverse("organisation:department_detail", args=["80"])
    assert department_url in home.content.decode()
    response = client.get(department_url)
    content = response.content.decode()
    assert "Somme (80)" in content
    assert "Poste a" in content and "Poste b" not in content
    assert response.context["active_post_count"] == 1
    assert response.context["social_worker_count"] == 1


def test_department_overview_counts_only_active_posts(world, client_for):
    PostFactory(department=world.a.department, ended=True, fte="0.50")
    PostFactory(department=world.a.department, fte="0.80")
    response = client_for("coordinator_a").get(reverse("organisation:department_detail", args=["80"]))
    assert response.context["active_post_count"] == 2
    assert response.context["total_fte"] == Decimal("1.80")


def test_iscg_home_shows_their_post_and_units(world, client_for):
    content = client_for("iscg_a").get(reverse("home"), follow=True).content.decode()  # the triage queue
    assert "Poste a" in content
    assert "Commissariat a" in content
    assert "Poste b" not in content


def test_admin_home_is_the_administration(world, client_for):
    response = client_for("admin").get(reverse("home"))
    assert response.url == reverse("admin:index")


def test_partner_list_filters_by_type_and_search(world, client_for):
    PartnerFactory(department=world.a.department, name="CCAS de Péronne", commune="Péronne")
    client = client_for("iscg_a")
    response = client.get(reverse("organisation:partner_list"), {"q": "ccas Péronne"})
    assert [partner.name for partner in response.context["page"]] == ["CCAS de Péronne"]
    response = client.get(reverse("organisation:partner_list"), {"q": "Péronne"})
    assert [partner.name for partner in response.context["page"]] == ["CCAS de Péronne"]
    response = client.get(reverse("organisation:partner_list"))
    assert [partner.name for partner in response.context["page"]] == ["CCAS de Péronne", "Partenaire a"]


def test_partner_list_department_choices_are_scoped(world, client_for):
    response = client_for("coordinator_a").get(reverse("organisation:partner_list"))
    choices = list(response.context["filter"].form.fields["department"].queryset)
    assert choices == [world.a.department]
    response = client_for("coordinator_a").get(
        reverse("organisation:partner_list"), {"department": world.b.department.pk}
    )
    assert response.status_code == 200
    assert "department" in response.context["filter"].errors


def test_partner_list_runs_a_constant_number_of_queries(world, client_for, django_assert_max_num_queries):
    client = client_for("iscg_a")
    url = reverse("organisation:partner_list")
    client.get(url)  # the first request of a session also writes the session
    with django_assert_max_num_queries(11):
        one, _ = queries_for(client, url)
    PartnerFactory.create_batch(9, department=world.a.department)
    ten, response = queries_for(client, url)
    assert len(response.context["page"]) == 10
    assert ten == one


def test_department_overview_runs_a_constant_number_of_queries(world, client_for, django_assert_max_num_queries):
    client = client_for("coordinator_a")
    url = reverse("organisation:department_detail", args=["80"])
    client.get(url)  # the first request of a session also writes the session
    # 14 + the retention warning of audit (coordinators) + FTE by force + the framework conventions in force
    # + the shared posts and posts covering by rule (their splits are prefetched only when there are some)
    with django_assert_max_num_queries(18):
        one, _ = queries_for(client, url)
    for _ in range(9):
        unit = UnitFactory(department=world.a.department)
        PostAssignmentFactory(post=PostFactory(department=world.a.department, units=[unit]))
    ten, response = queries_for(client, url)
    assert response.context["active_post_count"] == 10
    assert ten == one
