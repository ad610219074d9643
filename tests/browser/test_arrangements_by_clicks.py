"""Conventions as departments sign them, entered by clicks only (issue 18): the coordinator of the Somme
enters a framework convention planning FTE (in total and by year), a local convention creating posts
under it, a post shared between a commissariat and a gendarmerie brigade (0.5 + 0.5) and a post covering
every gendarmerie unit of the department; then finds them on the department page, the cofinancing
summary and the bilan (group I). Every page visited passes axe; each step leaves a screenshot in
test-artifacts/.
"""

from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from conventions.enums import ConventionKind
from conventions.models import Convention
from demo.data import DEMO_PASSWORD, demo_email
from organisation.enums import CoverageRule, SplitForce
from organisation.models import Post
from tests.browser.conftest import ARTIFACTS, click_and_wait, sign_in

FRAMEWORK = "Convention cadre ISCG de la Somme (parcours)"
LOCAL = "Convention locale ISCG Amiens et Est Somme (parcours)"


def _main(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def test_a_coordinator_enters_each_arrangement_by_clicks_and_sees_it_everywhere(demo, page, axe):
    ARTIFACTS.mkdir(exist_ok=True)
    step = iter(range(1, 100))
    year = timezone.localdate().year
    first, last = year - 1, year + 2  # the bilan's last complete year lies within the framework

    def check(name: str) -> None:
        axe(page)
        page.screenshot(path=str(ARTIFACTS / f"arrangements-{next(step):02d}-{name}.png"), full_page=True)

    sign_in(page, demo_email("coordinator", "80"), DEMO_PASSWORD)
    check("home")

    # ---- A framework convention planning 3 FTE: 1,5 the first year, 3 the next -------------------------
    click_and_wait(page, page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Conventions"))
    check("conventions")
    click_and_wait(page, page.get_by_role("link", name="Nouvelle convention"))
    page.get_by_label("Intitulé").fill(FRAMEWORK)
    page.get_by_label("Type de convention").select_option(value=ConventionKind.FRAMEWORK)
    page.get_by_label("Département", exact=True).select_option(label="Somme (80)")
    page.locator("#id_planned_fte").fill("3")
    page.get_by_label("Employeur").fill("Conseil départemental de la Somme")
    page.get_by_label("Date de début").fill(f"{first}-01-01")
    page.get_by_label("Date de fin").fill(f"{last}-12-31")
    page.fill("#id_planned-0-year", str(first))
    page.fill("#id_planned-0-planned_fte", "1,5")
    page.fill("#id_planned-1-year", str(first + 1))
    page.fill("#id_planned-1-planned_fte", "3")
    check("framework-form")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    framework = Convention.objects.get(title=FRAMEWORK)
    assert (framework.kind, framework.planned_fte) == (ConventionKind.FRAMEWORK, Decimal("3"))
    assert {row.year: row.planned_fte for row in framework.planned_years.all()} == {
        first: Decimal("1.5"),
        first + 1: Decimal("3"),
    }
    assert "0 ETP créés sur 3 prévus" in _main(page)
    check("framework-detail")

    # ---- A local convention under it, creating 1 + 0,5 FTE ---------------------------------------------
    click_and_wait(page, page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Conventions"))
    click_and_wait(page, page.get_by_role("link", name="Nouvelle convention"))
    page.get_by_label("Intitulé").fill(LOCAL)
    page.get_by_label("Type de convention").select_option(value=ConventionKind.FUNDING)
    page.get_by_label("Département", exact=True).select_option(label="Somme (80)")
    page.locator("#id_framework").select_option(label=FRAMEWORK)
    page.get_by_label("Employeur").fill("Conseil départemental de la Somme")
    page.get_by_label("Date de début").fill(f"{first}-01-01")
    page.get_by_label("Date de fin").fill(f"{first + 1}-12-31")
    page.locator("#id_posts-0-post").select_option(label="ISCG Amiens Métropole")
    page.fill("#id_posts-0-fte_share", "1")
    page.locator("#id_posts-1-post").select_option(label="ISCG Est Somme")
    page.fill("#id_posts-1-fte_share", "0,5")
    check("local-form")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    local = Convention.objects.get(title=LOCAL)
    assert local.framework == framework
    assert FRAMEWORK in _main(page)
    check("local-detail")

    # ---- The Amiens post shared between the commissariat and a gendarmerie brigade ---------------------
    menu = page.get_by_role("navigation", name="Menu principal")
    click_and_wait(page, menu.get_by_role("link", name="Départements"))
    click_and_wait(page, page.get_by_role("link", name="Somme (80)"))
    click_and_wait(page, page.get_by_role("link", name="ISCG Amiens Métropole"))
    check("shared-post")
    click_and_wait(page, page.get_by_role("link", name="Modifier la couverture et la répartition"))
    page.locator("#id_shares-0-unit").select_option(label="Commissariat d'Amiens")
    page.fill("#id_shares-0-fte", "0,5")
    page.locator("#id_shares-1-zone").select_option(value=SplitForce.GENDARMERIE)
    page.fill("#id_shares-1-fte", "0,5")
    check("shared-post-form")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    shared = Post.objects.get(name="ISCG Amiens Métropole")
    assert sorted(
        (str(split.unit or ""), split.zone, split.fte) for split in shared.splits.select_related("unit")
    ) == [
        ("", SplitForce.GENDARMERIE, Decimal("0.50")),
        ("Commissariat d'Amiens", "", Decimal("0.50")),
    ]
    splits = page.locator("#post-splits").inner_text()
    assert "Commissariat d'Amiens — 0,5 ETP" in splits and "Zone gendarmerie — 0,5 ETP" in splits
    check("shared-post-saved")

    # ---- The Est Somme post covering every gendarmerie unit of the department -------------------------
    click_and_wait(page, page.get_by_role("link", name="Somme (80)").first)
    click_and_wait(page, page.get_by_role("link", name="ISCG Est Somme"))
    click_and_wait(page, page.get_by_role("link", name="Modifier la couverture et la répartition"))
    page.locator("#id_coverage_rule").select_option(label="Toutes les unités de gendarmerie du département")
    check("coverage-form")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    covering = Post.objects.get(name="ISCG Est Somme")
    assert covering.coverage_rule == CoverageRule.DEPARTMENT_GENDARMERIE
    covered = page.locator("#covered-units").inner_text()
    for unit in ("Brigade de gendarmerie de Péronne", "Brigade de gendarmerie d'Albert"):
        assert unit in covered
    check("coverage-saved")

    # ---- The department page: planned against created, the split, the units covered --------------------
    click_and_wait(page, page.get_by_role("link", name="Somme (80)").first)
    text = _main(page)
    assert "1,5 ETP créés sur 3 prévus" in text
    assert LOCAL in text
    expect(page.locator("#fte-police")).to_have_text("0,5")  # Amiens: half police, half gendarmerie
    expect(page.locator("#fte-gendarmerie")).to_have_text("1,3")  # Est Somme 0,8 + half of Amiens
    assert "Toutes les unités de gendarmerie du département" in text
    check("department")

    # ---- The cofinancing summary -------------------------------------------------------------------------
    click_and_wait(page, page.get_by_role("link", name="Cofinancement du département"))
    text = _main(page)
    assert "1,5 ETP créés sur 3 prévus" in text and LOCAL in text
    check("cofinancing")

    # ---- The bilan, group I ------------------------------------------------------------------------------
    click_and_wait(page, page.get_by_role("link", name="Bilan d'activité de l'année"))
    i5 = page.locator("#indicator-I5")
    expect(i5).to_contain_text(f"{FRAMEWORK} (3 ETP prévus)")
    expect(i5).to_contain_text("1,5")
    check("bilan")
