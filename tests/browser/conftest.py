"""Browser harness: Playwright for Python driving Debian's Chromium (never a downloaded browser).

Without /usr/bin/chromium (apt-get install chromium) every browser test is skipped with a message.
Screenshots of each journey land in test-artifacts/ (ignored by git) for people to look at.
"""

import os
import shutil
from pathlib import Path

import pytest

from demo.seeding import seed_organisation
from tests.conftest import restore_reference_data

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: `apt-get install chromium` to run the browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # tests themselves (seeding data) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db, settings):
    """The demo data set, served as `make run` serves it: second factor switched off."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REQUIRE_2FA = False
    restore_reference_data()
    return seed_organisation()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    checker = Axe()

    def check(page):
        results = checker.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check


def sign_in(page, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique professionnelle").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    click_and_wait(page, page.get_by_role("button", name="Se connecter"))


def click_and_wait(page, locator) -> None:
    """Click something that loads a new page, and return once that page has loaded.

    A bare click() returns as soon as the click is dispatched: reading the page right after can
    read the old one, or a blank one mid-navigation.
    """
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state("networkidle")
