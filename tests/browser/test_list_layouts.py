"""The triage queue, the department's referral list and the police referral form read without horizontal
scrolling at 1280 px and on a 390 px phone: their key columns stay visible (stacked rows on phones).

Pages are reached by clicks from each role's landing page; every layout passes axe and leaves a screenshot.
"""

import re

import pytest

from demo.data import DEMO_PASSWORD, demo_email
from referrals.enums import PersonRole
from referrals.models import Problem
from tests.browser.conftest import click_and_wait, sign_in
from tests.browser.test_casework_journey import _restore_casework_reference_data
from tests.referrals.factories import DangerAssessmentFactory, ReferralFactory, ReferralPersonFactory

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LAYOUTS = [("desktop", DESKTOP), ("phone", PHONE)]


def _assert_no_horizontal_overflow(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths[0]} px of content for {widths[1]} px"


def _assert_fully_visible(page, locator) -> None:
    """The element is displayed and lies within the viewport's width (no cut-off column)."""
    assert locator.is_visible()
    box = locator.bounding_box()
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (box, width)
    assert locator.inner_text().strip()


def _seed_referrals(demo) -> None:
    """Referrals waiting in the Somme: several persons and situations each (long cells), every danger state."""
    _restore_casework_reference_data()
    unit = demo["80"]["posts"][0].units.order_by("name").first()
    problems = list(Problem.objects.order_by("position")[:3])
    for index in range(4):
        referral = ReferralFactory(unit=unit, author=demo["80"]["users"]["police"], problems=problems)
        ReferralPersonFactory(referral=referral, role=PersonRole.HOUSEHOLD_CHILD, age=7)
        if index == 1:
            DangerAssessmentFactory(referral=referral)
        elif index == 2:
            DangerAssessmentFactory(referral=referral, red=2)


def _check_layouts(page, axe, screenshot, name: str, key_cells) -> None:
    for layout, viewport in LAYOUTS:
        page.set_viewport_size(viewport)
        page.wait_for_timeout(100)  # the new layout settles
        _assert_no_horizontal_overflow(page)
        for cell in key_cells(page):
            _assert_fully_visible(page, cell)
        axe(page)
        screenshot(f"{name}-{layout}")


def test_the_triage_queue_shows_persons_situation_and_status_at_1280_and_390_px(demo, page, axe, screenshot):
    _seed_referrals(demo)
    sign_in(page, demo_email("iscg", "80"), DEMO_PASSWORD)
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name=re.compile("Saisines à traiter")))
    rows = page.locator(".iscg-stack tbody tr")
    assert rows.count() >= 1
    assert rows.count() == 4
    queue = page.locator(".iscg-stack table")
    assert queue.get_by_text("Pas de grille", exact=True).count() == 2  # no grid, distinct from a grid without danger
    assert queue.get_by_text("Non caractérisé", exact=True).count() == 1
    assert queue.get_by_text("Danger caractérisé", exact=True).count() == 1

    def key_cells(page):
        first = page.locator(".iscg-stack tbody tr").first
        return [first.locator(f"td[data-label='{label}']") for label in ("Personnes", "Situation", "Statut")]

    _check_layouts(page, axe, screenshot, "triage-queue", key_cells)


def test_the_department_referral_list_fits_at_1280_and_390_px(demo, page, axe, screenshot):
    _seed_referrals(demo)
    sign_in(page, demo_email("coordinator", "80"), DEMO_PASSWORD)
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name="Saisines", exact=True))

    def key_cells(page):
        first = page.locator(".iscg-stack tbody tr").first
        return [first.locator(f"td[data-label='{label}']") for label in ("Unité", "Urgence", "Statut")]

    _check_layouts(page, axe, screenshot, "department-referrals", key_cells)


@pytest.mark.parametrize(("layout", "viewport"), LAYOUTS)
def test_the_police_referral_form_fits_at_1280_and_390_px(demo, page, axe, screenshot, layout, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, demo_email("police", "80"), DEMO_PASSWORD)
    if layout == "phone":  # the menu folds behind its button on phones
        page.get_by_role("button", name="Menu").click()
    click_and_wait(page, page.get_by_role("link", name="Nouvelle saisine").locator("visible=true").first)
    assert page.url.endswith("/saisines/nouvelle/")
    _assert_no_horizontal_overflow(page)
    for selector in ("#id_persons-0-first_name", "#id_description", "#submit-referral"):
        locator = page.locator(selector)
        assert locator.is_visible()
        box = locator.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    axe(page)
    screenshot(f"police-form-{layout}")
