"""A person asks the ISCG for everything held about them; the coordinator checks it was answered. By
clicks only after sign-in, across casework, dataprotection and organisation, axe on every page.

ISCG: « Personnes » → the person → « Demande de droit d'accès » → the request's channel → « Export (PDF) »:
the PDF holds the person's data. Coordinator: « Départements » → their department → « Demandes de droit
d'accès traitées »: the journal shows who answered, when the request came and how, never the person.
"""

import io
import re
import secrets
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import User
from audit.enums import AccessRequestChannel
from demo.data import DEMO_PASSWORD, demo_email
from organisation.models import PostAssignment
from tests.browser.conftest import sign_in
from tests.browser.test_journey_by_clicks import _restore_casework_reference_data
from tests.browser.test_journey_coordinator_funder import Journey
from tests.casework.factories import PersonFactory


def test_an_iscg_answers_a_right_of_access_request_and_the_coordinator_sees_it_answered(
    demo, page, browser, live_server, axe
):
    _restore_casework_reference_data()
    iscg = User.objects.get(email=demo_email("iscg", "80"))
    post = PostAssignment.objects.current().get(user=iscg).post
    last_name = f"Canari{secrets.token_hex(4)}"  # a unique token: found only where the person's data is
    person = PersonFactory(post=post, created_by=iscg, last_name=last_name, first_name="Maëlle")

    journey = Journey(page, axe, "right-of-access")
    sign_in(page, iscg.email, DEMO_PASSWORD)
    journey.click(page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Personnes"))
    journey.check("persons")
    journey.click(page.locator("main").get_by_role("link", name=re.compile(last_name, re.IGNORECASE)))
    journey.check("person")
    journey.click(page.locator("main").get_by_role("link", name="Demande de droit d’accès"))
    expect(page.locator("main")).to_contain_text(person.reference)
    journey.check("request")
    page.get_by_label("Canal de la demande").select_option(value=AccessRequestChannel.LETTER)
    with page.expect_download() as download_info:
        journey.clicks += 1
        page.locator("main").get_by_role("button", name="Export (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"droit-d-acces-{person.reference}.pdf"
    pdf = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(sheet.extract_text() for sheet in pdf.pages)
    assert last_name.upper() in text.upper() and "Maëlle" in text

    context = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    coordinator_page = context.new_page()
    coordinator = Journey(coordinator_page, axe, "right-of-access-coordinator")
    sign_in(coordinator_page, demo_email("coordinator", "80"), DEMO_PASSWORD)
    menu = coordinator_page.get_by_role("navigation", name="Menu principal")
    coordinator.click(menu.get_by_role("link", name="Départements"))
    coordinator.click(coordinator_page.get_by_role("link", name="Somme (80)"))
    coordinator.check("department")
    coordinator.click(coordinator_page.get_by_role("link", name="Demandes de droit d’accès traitées"))
    journal = coordinator_page.locator("main table").inner_text()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Reçue le {today} (Courrier)" in journal
    assert str(iscg) in journal and "Intervenant·e social·e (ISCG)" in journal
    content = coordinator_page.content().upper()
    assert last_name.upper() not in content and person.reference.upper() not in content
    coordinator.check("journal")
    context.close()
    print(f"\nRight of access: ISCG {journey.clicks} clicks, coordinator {coordinator.clicks}")  # noqa: T201
    assert (journey.clicks, coordinator.clicks) == (4, 3)
