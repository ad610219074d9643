"""Each demo role signs in through the real form and lands on its home, with no accessibility violation."""

import pytest
from playwright.sync_api import expect

from demo.data import ADMIN_EMAIL, DEMO_PASSWORD, demo_email
from tests.browser.conftest import click_and_wait, sign_in

HOMES = [
    ("police", demo_email("police", "80"), "Bonjour Julien"),
    ("iscg", demo_email("iscg", "80"), "Bonjour Claire"),
    ("coordinator", demo_email("coordinator", "80"), "Somme (80)"),
    ("funder", demo_email("funder", "42"), "Loire (42)"),
]


def test_sign_in_page_has_no_accessibility_violation(demo, page, axe, screenshot):
    page.goto("/connexion/")
    assert page.title().startswith("Se connecter")
    axe(page)
    screenshot("sign-in")


def test_wrong_password_shows_a_french_error(demo, page, axe):
    sign_in(page, demo_email("iscg", "80"), "not the password")
    assert page.content().count("Adresse électronique ou mot de passe incorrect.") == 1
    assert page.url.endswith("/connexion/")
    axe(page)


@pytest.mark.parametrize(("role", "email", "expected"), HOMES, ids=[row[0] for row in HOMES])
def test_demo_role_signs_in_and_sees_its_home(demo, page, axe, screenshot, role, email, expected):
    sign_in(page, email, DEMO_PASSWORD)
    assert expected in page.locator("main").inner_text()
    assert page.locator("#navigation").count() == 1
    axe(page)
    screenshot(f"home-{role}")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")


def test_admin_signs_in_and_reaches_the_administration(demo, page, screenshot):
    sign_in(page, ADMIN_EMAIL, DEMO_PASSWORD)
    assert "/admin/" in page.url
    assert "Données de référence et utilisateurs" in page.content()
    screenshot("home-admin")
    # From the administration to the application's pages, and its menu (the team, the national bilan).
    click_and_wait(page, page.get_by_role("link", name="Voir le site"))
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link", name="Équipe")).to_be_visible()
    click_and_wait(page, menu.get_by_role("link", name="Bilans"))
    assert "/admin/" not in page.url
    screenshot("admin-app-bilan")


def test_mobile_menu_opens_the_navigation(demo, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, demo_email("iscg", "80"), DEMO_PASSWORD)
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
