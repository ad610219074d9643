"""An officer files a referral from a phone, danger grid included, with no accessibility violation.

Selectors are ids and names, not labels, so the test holds whatever the language of the page.
"""

import re

from playwright.sync_api import expect

from demo.data import DEMO_PASSWORD, demo_email
from referrals.models import Referral
from tests.browser.conftest import sign_in

PHONE = {"width": 390, "height": 844}


def _click_label(page, input_id: str) -> None:
    # DSFR hides the native radio and checkbox inputs behind their labels.
    page.locator(f"label[for='{input_id}']").click()


def test_officer_files_a_referral_on_a_phone(demo, page, axe, screenshot):
    page.set_viewport_size(PHONE)
    sign_in(page, demo_email("police", "80"), DEMO_PASSWORD)
    assert page.url.endswith("/saisines/accueil/")
    axe(page)
    page.goto("/saisines/nouvelle/")
    axe(page)

    _click_label(page, "id_urgency_0")
    page.select_option("#id_source", "complaint")
    page.fill("#id_persons-0-first_name", "Camille")
    page.fill("#id_persons-0-last_name", "Exemple")
    page.select_option("#id_persons-0-sex", "f")
    page.fill("#id_persons-0-age", "33")
    page.fill("#id_persons-0-safe_phone", "06 00 00 00 00")
    page.fill("#id_persons-0-best_time", "Le matin")
    page.click("#add-person")
    page.select_option("#id_persons-1-role", "accused")
    page.fill("#id_persons-1-first_name", "Dominique")
    _click_label(page, "id_problems_0")
    page.fill("#id_description", "Dispute violente au domicile, voisins inquiets.")
    _click_label(page, "id_has_agreement")

    # The danger grid: the page shows "danger caractérisé" as soon as two red items are answered yes.
    page.click("button[aria-controls='danger-grid']")
    for radio in page.locator("#danger-grid input[value='no']").all():
        _click_label(page, radio.get_attribute("id"))
    expect(page.locator("#danger-result")).to_have_class(re.compile(r"\bfr-alert--info\b"))
    for radio in page.locator("#danger-grid input[value='yes'][data-red='true']").all()[:2]:
        _click_label(page, radio.get_attribute("id"))
    expect(page.locator("#danger-result")).to_have_class(re.compile(r"\bfr-alert--error\b"))
    axe(page)
    screenshot("referral-form-phone")

    page.click("#submit-referral")
    page.wait_for_url(re.compile(r".*/saisines/[0-9a-f-]{36}/confirmation/$"))
    number = page.inner_text("#referral-number").strip()
    assert re.fullmatch(r"\d{4}-80-\d{6}", number)
    referral = Referral.objects.get(number=number)
    assert referral.persons.count() == 2
    assert referral.danger_assessments.get().is_danger
    axe(page)
    screenshot("referral-confirmation-phone")
