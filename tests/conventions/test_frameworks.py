"""Framework conventions: FTE planned département-wide, created post by post by local conventions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from conventions import services, summaries
from conventions.enums import ConventionKind
from conventions.models import Convention, PlannedYear
from tests.conventions.factories import ConventionFactory, ConventionPostFactory
from tests.conventions.test_views import convention_data, management_form
from tests.organisation.factories import department

pytestmark = pytest.mark.django_db


def framework(**fields):
    return ConventionFactory(
        framework=True,
        planned_fte=Decimal("6"),
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2028, 12, 31),
        **fields,
    )


def local(framework_convention, shares, **fields):
    # (The factory's ``framework`` is the trait making a framework convention: the link is set afterwards.)
    convention = ConventionFactory(
        department=framework_convention.department,
        starts_on=fields.pop("starts_on", datetime.date(2025, 1, 1)),
        ends_on=fields.pop("ends_on", datetime.date(2027, 12, 31)),
        **fields,
    )
    convention.framework = framework_convention
    convention.save(update_fields=["framework"])
    for share in shares:
        ConventionPostFactory(convention=convention, fte_share=Decimal(share))
    return convention


def header(**overrides):
    values = {
        "title": "Convention locale",
        "kind": ConventionKind.FUNDING,
        "department": department("80"),
        "employer": "Commune",
        "starts_on": datetime.date(2025, 1, 1),
        "ends_on": datetime.date(2026, 12, 31),
    }
    values.update(overrides)
    return services.ConventionData(**values)


# ---- Constraints --------------------------------------------------------------------------------


def test_planned_fte_must_be_positive_in_the_database():
    convention = framework()
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.filter(pk=convention.pk).update(planned_fte=Decimal("-1"))


def test_planned_fte_of_a_year_must_be_positive_with_a_french_message():
    convention = framework()
    row = PlannedYear(convention=convention, year=2025, planned_fte=Decimal("0"))
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "Les ETP prévus doivent être positifs." in str(error.value)


def test_only_a_framework_plans_fte():
    with pytest.raises(ValidationError) as error:
        services.convention_create(data=header(planned_fte=Decimal("2")))
    assert "Seule une convention cadre prévoit des ETP." in str(error.value)


def test_a_local_convention_lies_within_its_framework_dates():
    cadre = framework()
    with pytest.raises(ValidationError) as error:
        services.convention_create(data=header(framework=cadre, ends_on=datetime.date(2029, 6, 30)))
    assert "doivent se situer dans celles de sa convention cadre" in str(error.value)
    assert not Convention.objects.filter(title="Convention locale").exists()


def test_a_framework_cannot_shrink_below_its_local_conventions():
    cadre = framework()
    local(cadre, ["1"], title="Convention locale de Mâcon")
    data = header(
        title=cadre.title,
        kind=ConventionKind.FRAMEWORK,
        planned_fte=Decimal("6"),
        starts_on=cadre.starts_on,
        ends_on=datetime.date(2026, 12, 31),
    )
    with pytest.raises(ValidationError) as error:
        services.convention_update(convention=cadre, expected_version=cadre.version, data=data, parties=[], posts=[])
    assert "Convention locale de Mâcon" in str(error.value)


def test_the_framework_must_be_of_the_same_department():
    cadre = framework()
    with pytest.raises(ValidationError):
        services.convention_create(data=header(framework=cadre, department=department("42")))


# ---- Progress -----------------------------------------------------------------------------------


def test_progress_counts_created_fte_by_local_convention_and_by_year():
    cadre = framework()
    services.convention_update(
        convention=cadre,
        expected_version=cadre.version,
        data=header(
            title=cadre.title,
            kind=ConventionKind.FRAMEWORK,
            planned_fte=Decimal("6"),
            starts_on=cadre.starts_on,
            ends_on=cadre.ends_on,
        ),
        parties=[],
        posts=[],
        planned_years={2025: Decimal("2"), 2026: Decimal("4")},
    )
    first = local(cadre, ["0.5", "0.5"], title="A")
    second = local(cadre, ["1", "0.5"], title="B", starts_on=datetime.date(2026, 1, 1))
    local(cadre, ["1"], title="C", starts_on=datetime.date(2027, 1, 1))
    progress = summaries.framework_progress(cadre)
    assert progress.planned_fte == Decimal("6") and progress.created_fte == Decimal("3.5")
    assert [(row.convention, row.created_fte) for row in progress.local_conventions][:2] == [
        (first, Decimal("1")),
        (second, Decimal("1.5")),
    ]
    by_year = {row.year: (row.planned_fte, row.created_fte) for row in progress.years}
    assert by_year[2025] == (Decimal("2"), Decimal("1"))
    assert by_year[2026] == (Decimal("4"), Decimal("2.5"))
    assert by_year[2027] == (None, Decimal("3.5"))
    assert by_year[2028] == (None, Decimal("0"))


def test_a_non_framework_has_no_progress():
    assert summaries.framework_progress(ConventionFactory()) is None


# ---- Pages --------------------------------------------------------------------------------------


@pytest.fixture
def saone(world):
    """A framework of the side A department with three local conventions creating 3.5 FTE of 6."""
    cadre = framework(department=world.a.department, title="Convention cadre ISCG")
    local(cadre, ["0.5", "0.5"], title="Convention locale de Chalon")
    local(cadre, ["1", "0.5"], title="Convention locale de Mâcon")
    local(cadre, ["1"], title="Convention locale du Creusot")
    return cadre


def test_the_convention_page_shows_planned_against_created(saone, client_for):
    response = client_for("coordinator_a").get(saone.get_absolute_url())
    content = response.content.decode()
    assert "3,5 ETP créés sur 6 prévus" in content
    for title in ("Convention locale de Chalon", "Convention locale de Mâcon", "Convention locale du Creusot"):
        assert title in content


def test_a_local_convention_page_links_its_framework(saone, client_for):
    local_convention = saone.local_conventions.get(title="Convention locale de Chalon")
    content = client_for("funder_a").get(local_convention.get_absolute_url()).content.decode()
    assert saone.get_absolute_url() in content


@pytest.mark.parametrize("persona", ["coordinator_a", "funder_a"])
def test_the_department_pages_show_planned_against_created(saone, world, client_for, persona):
    client = client_for(persona)
    summary = client.get(
        reverse("conventions:department_summary", kwargs={"code": world.a.department.code}), {"year": 2026}
    )
    assert "3,5 ETP créés sur 6 prévus" in summary.content.decode()
    assert "Convention locale du Creusot" in summary.content.decode()
    page = client.get(reverse("organisation:department_detail", kwargs={"code": world.a.department.code}))
    assert "3,5 ETP créés sur 6 prévus" in page.content.decode()


def test_another_department_does_not_see_the_framework(saone, world, client_for):
    client = client_for("coordinator_b")
    assert client.get(saone.get_absolute_url()).status_code == 404
    page = client.get(reverse("organisation:department_detail", kwargs={"code": world.b.department.code}))
    assert "Convention cadre ISCG" not in page.content.decode()


def test_a_coordinator_creates_a_framework_then_a_local_convention(world, client_for):
    client = client_for("coordinator_a")
    data = convention_data(
        world,
        title="Convention cadre départementale",
        kind=ConventionKind.FRAMEWORK,
        planned_fte="6",
        starts_on="2026-01-01",
        ends_on="2029-12-31",
        **{"posts-0-post": "", "posts-0-fte_share": "", "parties-0-name": "Préfecture"},
        **management_form("planned", 2),
        **{
            "planned-0-year": "2026",
            "planned-0-planned_fte": "2",
            "planned-1-year": "2027",
            "planned-1-planned_fte": "4",
        },
    )
    response = client.post(reverse("conventions:convention_create"), data)
    assert response.status_code == 302
    cadre = Convention.objects.get(title="Convention cadre départementale")
    assert cadre.planned_fte == Decimal("6")
    assert dict(cadre.planned_years.values_list("year", "planned_fte")) == {2026: Decimal("2"), 2027: Decimal("4")}
    outside = convention_data(world, title="Locale hors cadre", framework=str(cadre.pk), ends_on="2030-12-31")
    response = client.post(reverse("conventions:convention_create"), outside)
    assert response.status_code == 200
    assert "doivent se situer dans celles de sa convention cadre" in str(response.context["form"].errors["framework"])
    inside = convention_data(world, title="Locale dans le cadre", framework=str(cadre.pk))
    assert client.post(reverse("conventions:convention_create"), inside).status_code == 302
    created = Convention.objects.get(title="Locale dans le cadre")
    assert created.framework == cadre
    assert "0,5 ETP créés sur 6 prévus" in client.get(cadre.get_absolute_url()).content.decode()


def test_a_framework_of_another_department_cannot_be_chosen(world, client_for):
    other = framework(department=world.b.department)
    data = convention_data(world, title="Locale", framework=str(other.pk))
    response = client_for("coordinator_a").post(reverse("conventions:convention_create"), data)
    assert response.status_code == 200 and "framework" in response.context["form"].errors


@pytest.mark.parametrize("planned", ["-2", "0", "beaucoup"])
def test_bad_planned_fte_gets_a_clear_error(world, client_for, planned):
    data = convention_data(world, kind=ConventionKind.FRAMEWORK, planned_fte=planned, **{"posts-0-post": ""})
    response = client_for("coordinator_a").post(reverse("conventions:convention_create"), data)
    assert response.status_code == 200 and "planned_fte" in response.context["form"].errors


def test_planned_years_outside_the_framework_are_refused(world, client_for):
    data = convention_data(
        world,
        kind=ConventionKind.FRAMEWORK,
        planned_fte="6",
        **{"posts-0-post": ""},
        **management_form("planned", 1),
        **{"planned-0-year": "2035", "planned-0-planned_fte": "2"},
    )
    response = client_for("coordinator_a").post(reverse("conventions:convention_create"), data)
    assert response.status_code == 200
    assert "2035" in response.content.decode()


def test_department_summary_of_a_year_without_framework_shows_none(world, client_for):
    ConventionFactory(department=world.a.department)
    response = client_for("coordinator_a").get(
        reverse("conventions:department_summary", kwargs={"code": world.a.department.code})
    )
    assert response.context["summary"].frameworks == []


def test_a_framework_with_local_conventions_stays_a_framework():
    cadre = framework()
    local(cadre, ["1"])
    data = header(title=cadre.title, starts_on=cadre.starts_on, ends_on=cadre.ends_on)
    with pytest.raises(ValidationError) as error:
        services.convention_update(convention=cadre, expected_version=cadre.version, data=data, parties=[], posts=[])
    assert "elle reste une convention cadre" in str(error.value)
