"""Adopted bilans (issue 20, docs/reporting.md "Adoption"): adopting, frozen versions, what changed since,
the version page and its files, the committee's list, funders served the adopted version."""

import datetime
import hashlib
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.enums import RecordType
from audit.models import AccessEntry
from reporting import adoption, exports
from reporting.adoption import Change, changed_figures
from reporting.bilan import BilanScope, ScopeKind
from reporting.indicators import civil_year, compute_bilan
from reporting.masking import mask_bilan
from reporting.models import AdoptedBilan
from reporting.services import bilan_adopt
from tests.casework.factories import FollowUpFactory, InterventionFactory
from tests.reporting.samples import bilan_of, pdf_text, sample_bilan
from tests.reporting.test_views import LAST_YEAR, TODAY, bilan_url, export_url, met_last_year

DEPARTMENT_LAST_YEAR = {"scope": "department:80", **LAST_YEAR}


def adopt_url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('reporting:bilan_adopt')}?{query}"


def meet_late(world, *, count=1):
    """Persons of post A met last year, recorded after the adoption (late entries)."""
    for index in range(count):
        followup = FollowUpFactory(post=world.a.post, person__post=world.a.post, person__created_by=world.a.iscg)
        moment = datetime.datetime(TODAY.year - 1, 1 + index % 12, 10, 10, tzinfo=timezone.get_current_timezone())
        InterventionFactory(followup=followup, starts_at=moment)


def adopt(world, client, params=DEPARTMENT_LAST_YEAR, **extra) -> AdoptedBilan:
    response = client.post(reverse("reporting:bilan_adopt"), {**params, **extra})
    assert response.status_code == 302, response.content.decode()[:500]
    return AdoptedBilan.objects.order_by("-pk").first()


def stored(field) -> bytes:
    with field.open("rb") as file:
        return file.read()


# ---- The frozen figures -------------------------------------------------------------------------


@pytest.mark.parametrize("masked", [False, True])
def test_stored_figures_give_back_the_same_outputs(masked):
    bilan = sample_bilan(masked=masked, with_previous=True)
    frozen = adoption.bilan_from_text(adoption.bilan_text(bilan))
    assert exports.bilan_json(frozen) == exports.bilan_json(bilan)
    assert exports.bilan_csv(frozen) == exports.bilan_csv(bilan)
    assert frozen.previous is not None
    assert exports.bilan_json(frozen.previous) == exports.bilan_json(bilan.previous)
    assert frozen.monthly == bilan.monthly and frozen.warnings == bilan.warnings


def test_masking_the_stored_figures_masks_them_as_the_live_ones(world):
    met_last_year(world)
    live = compute_bilan(scope=BilanScope(ScopeKind.DEPARTMENT, "80", "Somme (80)"), period=civil_year(TODAY.year - 1))
    frozen = adoption.bilan_from_text(adoption.bilan_text(live))
    assert exports.bilan_json(frozen) == exports.bilan_json(live)
    for threshold in (11, 20):
        assert exports.bilan_json(mask_bilan(frozen, threshold=threshold)) == exports.bilan_json(
            mask_bilan(live, threshold=threshold)
        )
    assert mask_bilan(frozen).indicators["B1"].total == "< 11"


def test_changed_figures_compare_the_printed_totals():
    from reporting.bilan import FigureUnit, Indicator

    adopted = bilan_of(Indicator("B1", "Personnes rencontrées", FigureUnit.PERSONS, 137))
    current = bilan_of(Indicator("B1", "Personnes rencontrées", FigureUnit.PERSONS, 139))
    assert changed_figures(adopted, current) == [Change("B1", "Personnes rencontrées", "137", "139")]
    assert changed_figures(adopted, adopted) == []


def test_changed_figures_of_masked_bilans_never_show_a_hidden_value():
    """« < 11 → 12 » is what the viewer sees on both sides; 9 → 10, both masked, is no change at all."""
    from reporting.bilan import FigureUnit, Indicator

    def persons(value):
        return bilan_of(Indicator("B1", "Personnes rencontrées", FigureUnit.PERSONS, value))

    assert changed_figures(mask_bilan(persons(9)), mask_bilan(persons(10))) == []
    changes = changed_figures(mask_bilan(persons(9)), mask_bilan(persons(12)))
    assert changes == [Change("B1", "Personnes rencontrées", "< 11", "12")]
    with pytest.raises(ValueError, match="masked the same way"):
        changed_figures(persons(9), mask_bilan(persons(12)))


# ---- Adopting -----------------------------------------------------------------------------------


def test_coordinator_adopts_a_department_bilan_with_its_pdfs_and_their_sha256(world, client_for):
    met_last_year(world)
    client = client_for("coordinator_a")
    page = client.get(bilan_url(**DEPARTMENT_LAST_YEAR))
    assert reverse("reporting:bilan_adopt") in page.content.decode()  # reached by a click on the bilan page
    confirm = client.get(adopt_url(**DEPARTMENT_LAST_YEAR))
    assert confirm.status_code == 200
    assert 'name="_submission"' in confirm.content.decode()

    adopted = adopt(world, client, committee=world.a.committee.public_id)
    assert (adopted.version, adopted.scope_kind, adopted.scope_key) == (1, "department", "80")
    assert adopted.department == world.a.department and adopted.adopted_by == world.a.coordinator
    assert adopted.committee == world.a.committee
    figures = json.loads(adopted.figures)
    assert figures["masking_threshold"] is None and figures["indicators"]["B1"]["total"] == 1  # exact
    exact, diffusion = stored(adopted.pdf), stored(adopted.diffusion_pdf)
    assert hashlib.sha256(exact).hexdigest() == adopted.pdf_sha256
    assert hashlib.sha256(diffusion).hexdigest() == adopted.diffusion_pdf_sha256
    assert "diffusion interne" in pdf_text(exact).lower() or "chiffres exacts" in pdf_text(exact).lower()
    assert "seuil" in pdf_text(diffusion).lower()
    assert AccessEntry.objects.filter(record_type=RecordType.ADOPTED_BILAN, record_public_id=adopted.public_id).count()

    second = adopt(world, client)
    assert second.version == 2 and adopted.version == 1
    assert AdoptedBilan.objects.filter(period_start=adopted.period_start).count() == 2


def test_an_adopted_bilan_never_changes(world):
    met_last_year(world)
    adopted = bilan_adopt(
        scope=BilanScope(ScopeKind.POST, str(world.a.post.public_id), "Poste a (80)"),
        period=civil_year(TODAY.year - 1),
        by=world.a.coordinator,
    )
    assert not adopted.has_diffusion  # a post's masked figures are never published
    adopted.figures = "{}"
    with pytest.raises(ValueError, match="never changes"):
        adopted.save()
    adopted.refresh_from_db()
    assert json.loads(adopted.figures)["indicators"]


def test_the_figures_are_computed_afresh_not_from_the_cache(world, client_for, settings):
    settings.BILAN_CACHE_SECONDS = 300
    client = client_for("coordinator_a")
    client.get(bilan_url(**DEPARTMENT_LAST_YEAR))  # cached: nobody met
    met_last_year(world)
    adopted = adopt(world, client)
    assert json.loads(adopted.figures)["indicators"]["B1"]["total"] == 1


def test_who_may_adopt(world, client_for):
    met_last_year(world)
    post = {"scope": f"post:{world.a.post.public_id}", **LAST_YEAR}
    assert client_for("coordinator_a").get(adopt_url(**post)).status_code == 200  # a post of their department
    assert client_for("coordinator_b").get(adopt_url(**DEPARTMENT_LAST_YEAR)).status_code == 404
    assert client_for("funder_a").post(reverse("reporting:bilan_adopt"), DEPARTMENT_LAST_YEAR).status_code == 404
    assert client_for("iscg_a").post(reverse("reporting:bilan_adopt"), post).status_code == 404
    assert client_for("admin").post(reverse("reporting:bilan_adopt"), DEPARTMENT_LAST_YEAR).status_code == 403
    assert not AdoptedBilan.objects.filter(period_start=LAST_YEAR["start"]).exists()
    national = adopt(world, client_for("admin"), {"scope": "national", **LAST_YEAR})
    assert national.scope_kind == "national" and national.department is None and not national.has_diffusion


def test_a_committee_of_another_department_cannot_be_linked(world, client_for):
    response = client_for("coordinator_a").post(
        reverse("reporting:bilan_adopt"), {**DEPARTMENT_LAST_YEAR, "committee": world.b.committee.public_id}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not AdoptedBilan.objects.filter(period_start=LAST_YEAR["start"]).exists()


def test_adopting_twice_with_the_same_submission_token_makes_one_version(world, client_for):
    client = client_for("coordinator_a")
    data = {**DEPARTMENT_LAST_YEAR, "_submission": "token-of-one-form"}
    first = client.post(reverse("reporting:bilan_adopt"), data)
    again = client.post(reverse("reporting:bilan_adopt"), data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert AdoptedBilan.objects.filter(period_start=LAST_YEAR["start"]).count() == 1


# ---- Reading ------------------------------------------------------------------------------------


def test_bilan_page_shows_the_adopted_version_and_what_changed_since(world, client_for):
    met_last_year(world)
    client = client_for("coordinator_a")
    adopted = adopt(world, client)
    page = client.get(bilan_url(recalculer=1, **DEPARTMENT_LAST_YEAR)).content.decode()
    assert "Version adoptée le" in page and adopted.get_absolute_url() in page
    assert "Aucun chiffre n’a changé depuis l’adoption" in page or "aucun chiffre" in page.lower()

    meet_late(world)
    page = client.get(bilan_url(recalculer=1, **DEPARTMENT_LAST_YEAR)).content.decode()
    day = timezone.localtime(adopted.adopted_at)
    assert f"Personnes rencontrées : 1 → 2 depuis l’adoption du {day.day}" in page.replace("'", "’")


def test_version_page_and_files_come_from_the_stored_version(world, client_for):
    met_last_year(world)
    client = client_for("coordinator_a")
    adopted = adopt(world, client)
    meet_late(world, count=2)  # the live bilan moves on; the version does not
    page = client.get(adopted.get_absolute_url())
    assert page.status_code == 200
    assert adopted.pdf_sha256 in page.content.decode()
    assert page.context["bilan"].indicators["B1"].total == 1

    pdf = client.get(reverse("reporting:adopted_bilan_export", args=[adopted.public_id, "pdf"]))
    assert pdf.content == stored(adopted.pdf)
    data = json.loads(client.get(reverse("reporting:adopted_bilan_export", args=[adopted.public_id, "json"])).content)
    assert data["indicators"]["B1"]["total"] == 1 and data["masking_threshold"] is None
    csv_text = client.get(reverse("reporting:adopted_bilan_export", args=[adopted.public_id, "csv"])).content.decode()
    assert "B1;" in csv_text
    xlsx = client.get(reverse("reporting:adopted_bilan_export", args=[adopted.public_id, "xlsx"]))
    assert xlsx.content.startswith(b"PK")

    diffusion = client.get(reverse("reporting:adopted_bilan_export", args=[adopted.public_id, "pdf"]) + "?diffusion=1")
    assert diffusion.content == stored(adopted.diffusion_pdf)
    masked = client.get(reverse("reporting:adopted_bilan_export", args=[adopted.public_id, "json"]) + "?diffusion=1")
    assert json.loads(masked.content)["indicators"]["B1"]["total"] == "< 11"
    assert client.get(reverse("reporting:adopted_bilan_export", args=[adopted.public_id, "docx"])).status_code == 404


def test_committee_page_lists_its_adopted_bilans(world, client_for):
    adopted = adopt(world, client_for("coordinator_a"), committee=world.a.committee.public_id)
    for persona in ("coordinator_a", "funder_a", "admin"):
        page = client_for(persona).get(world.a.convention.get_absolute_url()).content.decode()
        assert adopted.get_absolute_url() in page, persona


def test_funder_gets_the_latest_adopted_version_by_default(world, client_for):
    met_last_year(world)
    coordinator = client_for("coordinator_a")
    adopt(world, coordinator)
    latest = adopt(world, coordinator)
    meet_late(world, count=12)  # live: 13 persons, visible to the funder; the adopted version: "< 11"
    funder = client_for("funder_a")
    response = funder.get(bilan_url(**DEPARTMENT_LAST_YEAR))
    assert response.context["bilan"].indicators["B1"].total == "< 11"
    content = response.content.decode()
    assert "Voir les chiffres actuels" in content and "actuel=1" in content
    assert latest.get_absolute_url() in content

    pdf = funder.get(export_url("pdf", **DEPARTMENT_LAST_YEAR))
    assert pdf.content == stored(latest.diffusion_pdf)
    data = json.loads(funder.get(export_url("json", **DEPARTMENT_LAST_YEAR)).content)
    assert data["indicators"]["B1"]["total"] == "< 11"

    current = funder.get(bilan_url(actuel=1, recalculer=1, **DEPARTMENT_LAST_YEAR))
    assert current.context["bilan"].indicators["B1"].total == 13
    assert "Personnes rencontrées : &lt; 11 → 13" in current.content.decode().replace("'", "’")
    live_json = json.loads(funder.get(export_url("json", actuel=1, **DEPARTMENT_LAST_YEAR)).content)
    assert live_json["indicators"]["B1"]["total"] == 13


def test_funder_at_a_higher_threshold_gets_the_adopted_version_masked_at_it(world, client_for):
    meet_late(world, count=12)
    adopted = adopt(world, client_for("coordinator_a"))
    data = json.loads(client_for("funder_a").get(export_url("json", threshold=20, **DEPARTMENT_LAST_YEAR)).content)
    assert data["masking_threshold"] == 20 and data["indicators"]["B1"]["total"] == "< 20"
    pdf = client_for("funder_a").get(export_url("pdf", threshold=20, **DEPARTMENT_LAST_YEAR))
    assert pdf.content != stored(adopted.diffusion_pdf) and "< 20" in pdf_text(pdf.content)


def test_adopted_versions_list_query_count_does_not_depend_on_volume(
    world, client_for, django_assert_num_queries, django_assert_max_num_queries
):
    AdoptedBilan.objects.exclude(pk=world.a.adopted.pk).delete()  # side B's: not coordinator A's
    client = client_for("coordinator_a")
    url = reverse("reporting:adopted_bilan_list")
    client.get(url)  # the session and the first-request work
    with django_assert_max_num_queries(30) as one:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 1
    first = world.a.adopted
    for year in range(2, 11):
        AdoptedBilan.objects.bulk_create(
            [
                AdoptedBilan(
                    **{
                        field.name: getattr(first, field.name)
                        for field in AdoptedBilan._meta.concrete_fields
                        if field.name not in ("id", "public_id", "period_start", "period_end")
                    },
                    period_start=datetime.date(2000 + year, 1, 1),
                    period_end=datetime.date(2000 + year, 12, 31),
                )
            ]
        )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 10
