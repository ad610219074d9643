"""The central journey, reached by clicks only after each sign-in (issue 17): the police file a referral
with a child and the danger grid; the ISCG find it on their home page, take it up, land on the pre-filled
follow-up, record the first interview, an assessment and an orientation, plan then hold an appointment,
and close the follow-up. Every page visited passes axe; each step leaves a screenshot in test-artifacts/.
"""

import datetime
import importlib
import re

from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import expect

from casework.enums import InterventionStatus
from casework.models import FollowUp
from demo.data import DEMO_PASSWORD, demo_email
from referrals.enums import ReferralStatus
from referrals.models import Referral
from tests.browser.conftest import ARTIFACTS, click_and_wait, sign_in

REFERENCE_DATA = (
    "referrals.migrations.0002_seed_problems",
    "referrals.migrations.0003_seed_danger_grid_2019",
    "casework.migrations.0002_seed_violence_forms",
)


def _restore_casework_reference_data():
    for module in REFERENCE_DATA:
        importlib.import_module(module).seed(django_apps, None)


def _label(page, input_id: str) -> None:
    page.locator(f"label[for='{input_id}']").click()  # DSFR hides native radios and checkboxes


def _main(page) -> str:
    """The main content as the person reads it (lower case: the DSFR shows last names in capitals)."""
    return page.locator("main").inner_text().lower()


def test_the_central_journey_by_clicks_only(demo, page, browser, live_server, axe):
    _restore_casework_reference_data()
    ARTIFACTS.mkdir(exist_ok=True)
    step = iter(range(1, 100))
    current = {"page": page}

    def check(name: str) -> None:
        """Zero axe violation on the page, and its screenshot."""
        axe(current["page"])
        current["page"].screenshot(path=str(ARTIFACTS / f"journey-{next(step):02d}-{name}.png"), full_page=True)

    # ---- The officer files a referral with a child and the danger grid -----------------------------
    sign_in(page, demo_email("police", "80"), DEMO_PASSWORD)
    expect(page.locator("h1")).to_contain_text("Bonjour")
    assert "aucun changement depuis votre dernière visite." in _main(page)
    check("police-home")
    click_and_wait(page, page.locator("main").get_by_role("link", name="Nouvelle saisine"))
    _label(page, "id_urgency_0")
    page.select_option("#id_source", "complaint")
    expect(page.locator("#persons-0-legend")).to_have_text("Victime")
    page.fill("#id_persons-0-first_name", "Camille")
    page.fill("#id_persons-0-last_name", "Parcours")
    page.select_option("#id_persons-0-sex", "f")
    page.fill("#id_persons-0-age", "33")
    page.fill("#id_persons-0-safe_phone", "06 10 20 30 40")
    page.fill("#id_persons-0-best_time", "Le matin avant 10 h")
    page.click("#add-person")
    page.select_option("#id_persons-1-role", "household_child")
    expect(page.locator("#persons-1-legend")).to_have_text("Enfant du foyer")  # each card titled by its role
    page.fill("#id_persons-1-first_name", "Léo")
    page.fill("#id_persons-1-last_name", "Parcours")
    page.fill("#id_persons-1-age", "6")
    page.click("#add-person")  # a person added by mistake, removed before sending
    page.locator("#persons .iscg-person").nth(2).get_by_role("button", name="Retirer cette personne").click()
    expect(page.locator("#persons .iscg-person").nth(2)).to_be_hidden()
    _label(page, "id_problems_0")
    page.fill("#id_description", "violences conjugales, un enfant de 6 ans au domicile.")
    _label(page, "id_has_agreement")
    page.click("button[aria-controls='danger-grid']")
    for radio in page.locator("#danger-grid input[value='no']").all():
        _label(page, radio.get_attribute("id"))
    for radio in page.locator("#danger-grid input[value='yes'][data-red='true']").all()[:2]:
        _label(page, radio.get_attribute("id"))
    expect(page.locator("#danger-result")).to_have_class(re.compile(r"\bfr-alert--error\b"))
    check("police-form")
    click_and_wait(page, page.locator("#submit-referral"))
    number = page.inner_text("#referral-number").strip()
    referral = Referral.objects.get(number=number)
    assert [person.role for person in referral.persons.order_by("pk")] == ["victim", "household_child"]
    assert referral.danger_assessments.get().is_danger
    check("police-confirmation")
    click_and_wait(page, page.get_by_role("link", name="Relire ce que j’ai transmis"))
    text = _main(page)
    assert "violences conjugales, un enfant de 6 ans au domicile." in text
    assert "victime" in text and "enfant du foyer" in text and "léo parcours" in text
    expect(page.locator("main form")).to_have_count(0)  # read-only
    check("police-reread")

    # ---- The ISCG, in their own browser ------------------------------------------------------------
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    iscg = context.new_page()
    current["page"] = iscg
    sign_in(iscg, demo_email("iscg", "80"), DEMO_PASSWORD)
    waiting = int(iscg.inner_text("#home-waiting"))
    assert waiting >= 1 and number.lower() in _main(iscg)
    check("iscg-home")
    click_and_wait(iscg, iscg.get_by_role("link", name=f"Prendre en charge {number}"))
    assert "camille parcours" in _main(iscg)
    check("iscg-take-up")
    click_and_wait(iscg, iscg.get_by_role("button", name="Prendre en charge et ouvrir le suivi"))
    followup = FollowUp.objects.get(referrals=referral)
    text = _main(iscg)
    assert "camille parcours" in text and "léo parcours" in text  # pre-filled, child in the household
    assert followup.person.safe_phone == "06 10 20 30 40" and followup.person.best_time == "Le matin avant 10 h"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TAKEN_UP
    first_interview = iscg.get_by_role("link", name="Enregistrer le premier entretien")
    expect(first_interview).to_be_visible()
    check("iscg-followup")

    click_and_wait(iscg, first_interview)
    check("iscg-first-interview-form")
    iscg.fill("#id_summary", "Premier entretien : la personne expose la situation.")
    click_and_wait(iscg, iscg.locator("main form button[type=submit]"))
    assert "premier entretien : la personne expose la situation." in _main(iscg)
    expect(iscg.get_by_role("link", name="Enregistrer le premier entretien")).to_have_count(0)
    check("iscg-after-interview")

    click_and_wait(iscg, iscg.get_by_role("link", name="Enregistrer une évaluation"))
    check("iscg-assessment-form")
    iscg.fill("#id_needs", "Mise à l'abri et accompagnement juridique.")
    click_and_wait(iscg, iscg.locator("main form button[type=submit]"))
    assert "mise à l'abri et accompagnement juridique." in _main(iscg)

    click_and_wait(iscg, iscg.get_by_role("link", name="Enregistrer une orientation"))
    check("iscg-orientation-form")
    iscg.locator("#id_partner").select_option(index=1)
    iscg.fill("#id_reason", "Information juridique sur la séparation.")
    click_and_wait(iscg, iscg.locator("main form button[type=submit]"))
    assert followup.orientations.count() == 1
    check("iscg-after-orientation")

    # Plan an appointment for earlier today (it happened, not yet marked): the agenda flags it.
    click_and_wait(iscg, iscg.get_by_role("link", name="Planifier un rendez-vous"))
    check("iscg-plan-form")
    earlier = timezone.localtime() - datetime.timedelta(minutes=30)
    iscg.fill("#id_starts_at", earlier.strftime("%Y-%m-%dT%H:%M"))
    click_and_wait(iscg, iscg.locator("main form button[type=submit]"))
    appointment = followup.interventions.get(status=InterventionStatus.PLANNED)
    click_and_wait(iscg, iscg.get_by_role("link", name="Mon agenda"))
    flagged = iscg.locator(".fr-alert--warning li")
    expect(flagged).to_have_count(1)
    check("iscg-agenda-flagged")
    click_and_wait(iscg, flagged.get_by_role("link"))
    _label(iscg, "id_status_1")  # held
    click_and_wait(iscg, iscg.locator("main form button[type=submit]"))
    appointment.refresh_from_db()
    assert appointment.status == InterventionStatus.HELD
    check("iscg-after-appointment-held")

    # Close the follow-up.
    click_and_wait(iscg, iscg.get_by_role("link", name="Clôturer le suivi"))
    check("iscg-close-form")
    _label(iscg, "id_reason_0")
    click_and_wait(iscg, iscg.locator("main form button[type=submit]"))
    followup.refresh_from_db()
    assert not followup.is_open
    assert "clôturé le" in _main(iscg)
    check("iscg-closed")

    # Back home by the header: nothing waits any more from this referral.
    click_and_wait(iscg, iscg.locator("header a[href='/']").first)
    assert int(iscg.inner_text("#home-waiting")) == waiting - 1
    assert number.lower() not in _main(iscg)
    check("iscg-home-after")
    context.close()
