"""Bilans in the browser: an ISCG reads their post's bilan, a funder downloads the masked PDF."""

import datetime
import io

from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from casework.enums import Place
from demo.data import DEMO_PASSWORD, demo_email
from tests.browser.conftest import click_and_wait, sign_in
from tests.casework.factories import FollowUpFactory, InterventionFactory

LAST_YEAR = timezone.localdate().year - 1


def _activity_last_year(email: str, persons: int) -> None:
    """A few persons met last year on the post of the demo ISCG."""
    iscg = User.objects.get(email=email)
    post = iscg.post_assignments.first().post
    for index in range(persons):
        followup = FollowUpFactory(
            post=post, person__post=post, person__created_by=iscg, opened_on=datetime.date(LAST_YEAR, 2, 1)
        )
        starts_at = datetime.datetime(LAST_YEAR, 3, 1 + index, 10, tzinfo=datetime.UTC)
        InterventionFactory(followup=followup, author=iscg, starts_at=starts_at, place=Place.POLICE_STATION)


def test_iscg_reads_the_bilan_of_their_post(demo, page, axe, screenshot):
    _activity_last_year(demo_email("iscg", "80"), persons=12)
    sign_in(page, demo_email("iscg", "80"), DEMO_PASSWORD)
    click_and_wait(page, page.get_by_role("link", name="Bilans").first)
    main = page.locator("main")
    assert "Bilan —" in main.inner_text()
    assert main.locator("#indicator-B1 .iscg-stat").inner_text() == "12"
    assert main.locator("svg").count() > 3  # charts drawn on the server
    axe(page)
    screenshot("bilan-iscg")


def test_funder_downloads_the_masked_pdf(demo, page, axe, screenshot):
    _activity_last_year(demo_email("iscg", "80"), persons=4)
    sign_in(page, demo_email("funder", "80"), DEMO_PASSWORD)
    click_and_wait(page, page.get_by_role("link", name="Bilans").first)
    assert page.locator("#indicator-B1 .iscg-stat").inner_text() == "< 11"
    axe(page)
    screenshot("bilan-funder")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger (PDF)").click()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages)
    assert "< 11" in text and "Somme (80)" in text


def test_coordinator_writes_the_commentary_of_the_bilan(demo, page, axe, screenshot):
    sign_in(page, demo_email("coordinator", "80"), DEMO_PASSWORD)
    click_and_wait(page, page.get_by_role("link", name="Bilans").first)
    main = page.locator("main")
    assert main.locator("#tile-persons_met").count() == 1
    page.get_by_text("Écrire un commentaire").click()
    page.get_by_label("Commentaire").fill("Une année de montée en charge.\nComité le 12 mars.")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer le commentaire"))
    assert "Le commentaire est enregistré." in page.locator("body").inner_text()
    assert "Une année de montée en charge." in main.locator("#commentary blockquote").inner_text()
    axe(page)
    screenshot("bilan-commentary")
