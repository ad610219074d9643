"""The coordinator's and the funder's days by clicks only after sign-in (issue 17).

Coordinator: lands on their home, reads a post's waiting referrals; a referral is then filed for that post
(through the service, as the police would) and the coordinator clicks the home link of the header and sees
the figure move, clicks through to the filtered list, then opens the bilan and reads a figure.
Funder: lands on their home, reads the masked key figures, clicks to the bilan and downloads the masked PDF,
whose text carries the masking notice and not the hidden count. Every page visited passes axe; each step
leaves a screenshot in test-artifacts/; the number of clicks of each journey is printed.
"""

import datetime
import io
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import User
from demo.data import DEMO_PASSWORD, demo_email
from organisation.models import Post
from referrals.models import Problem
from tests.browser.conftest import ARTIFACTS, click_and_wait, sign_in
from tests.browser.test_journey_by_clicks import _restore_casework_reference_data
from tests.casework.factories import FollowUpFactory, InterventionFactory
from tests.referrals.test_services import file

LAST_YEAR = timezone.localdate().year - 1
PERSONS_MET = 4  # in the last complete year: below the masking threshold (11)


def _persons_met_last_year(post: Post, iscg: User) -> None:
    when = timezone.make_aware(datetime.datetime.combine(datetime.date(LAST_YEAR, 4, 14), datetime.time(10)))
    for _index in range(PERSONS_MET):
        followup = FollowUpFactory(post=post, person__created_by=iscg, opened_on=when.date())
        InterventionFactory(followup=followup, author=iscg, starts_at=when)


class Journey:
    """Clicks counted, axe on every page, a screenshot per step."""

    def __init__(self, page, axe, name: str):
        self.page, self.axe, self.name = page, axe, name
        self.clicks, self.step = 0, 0
        ARTIFACTS.mkdir(exist_ok=True)

    def click(self, locator) -> None:
        self.clicks += 1
        click_and_wait(self.page, locator)

    def check(self, step: str) -> None:
        self.axe(self.page)
        self.step += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{self.step:02d}-{step}.png"), full_page=True)


def _home_on_a_phone(journey: Journey) -> None:
    """The home at 390 px: reached from the menu, readable without horizontal scrolling."""
    page = journey.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#menu-button").click()
    journey.click(page.locator("#menu-modal").get_by_role("link", name="Accueil"))
    journey.check("home-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _count(page, selector: str) -> int:
    return int(re.match(r"\s*(\d+)", page.inner_text(selector)).group(1))


def test_the_coordinator_sees_a_post_move_and_opens_the_bilan_by_clicks_only(demo, page, axe):
    _restore_casework_reference_data()
    post = Post.objects.filter(department__code="80").order_by("pk").first()
    iscg = User.objects.get(email=demo_email("iscg", "80"))
    _persons_met_last_year(post, iscg)
    journey = Journey(page, axe, "coordinator")
    sign_in(page, demo_email("coordinator", "80"), DEMO_PASSWORD)
    expect(page.locator("h1")).to_contain_text("Bonjour")
    waiting_link = f"#waiting-{post.public_id}"
    before = _count(page, waiting_link)
    assert post.name in page.locator("main").inner_text()
    journey.check("home")

    # A referral is filed for a unit the post covers, as the police would file it.
    referral, _created = file(
        User.objects.get(email=demo_email("police", "80")),
        post.units.order_by("pk").first(),
        problems=[Problem.objects.get(code="violences_conjugales")],
        notify=False,
    )
    journey.click(page.locator(".fr-header__service a"))  # the header's home link
    assert _count(page, waiting_link) == before + 1
    journey.check("home-after-referral")

    journey.click(page.locator(waiting_link))
    assert referral.number in page.locator("main").inner_text()
    expect(page.locator("#id_post")).to_have_value(str(post.pk))
    assert page.locator("main tbody tr").count() == before + 1
    journey.check("filtered-referrals")

    journey.click(page.locator("#navigation").get_by_role("link", name="Bilans"))
    persons_met = page.locator("#indicator-B1 .iscg-stat").inner_text().strip()
    assert persons_met == str(PERSONS_MET)  # the coordinator's bilan is exact
    assert str(LAST_YEAR) in page.locator("h1").inner_text() + page.locator("main").inner_text()
    journey.check("bilan")
    print(f"\nCoordinator journey: {journey.clicks} clicks after sign-in")  # noqa: T201 (the closing note reports it)
    assert journey.clicks == 3
    _home_on_a_phone(journey)


def test_the_funder_reads_masked_figures_and_downloads_the_masked_bilan_by_clicks_only(demo, page, axe):
    _restore_casework_reference_data()
    post = Post.objects.filter(department__code="80").order_by("pk").first()
    _persons_met_last_year(post, User.objects.get(email=demo_email("iscg", "80")))
    journey = Journey(page, axe, "funder")
    sign_in(page, demo_email("funder", "80"), DEMO_PASSWORD)
    expect(page.locator("h1")).to_contain_text("Bonjour")
    expect(page.locator("#figure-80-1-B1")).to_have_text("< 11")
    expect(page.locator("#figure-80-1-C1")).to_have_text(str(PERSONS_MET))  # interventions: exact
    assert str(LAST_YEAR + 1) in page.locator("main").inner_text()  # the year to date: published next year
    journey.check("home")

    journey.click(page.locator("main").get_by_role("link", name=re.compile(f"Ouvrir le bilan.*{LAST_YEAR}")))
    expect(page.locator("#indicator-B1 .iscg-stat")).to_have_text("< 11")
    journey.check("bilan")

    with page.expect_download() as download_info:
        journey.clicks += 1
        page.locator("main").get_by_role("link", name="Télécharger (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-diffusion.pdf")
    text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages)
    text = re.sub(r"\s+", " ", text)
    (ARTIFACTS / "funder-bilan-pdf.txt").write_text(text)
    assert "Diffusion" in text and "< 11" in text
    # Every line of B1 (the table and the summary) says « < 11 »; the exact count is printed nowhere for B1.
    persons_met = re.findall(r"B1 Personnes rencontrées (?:— [^<]*?)?(< 11|\d+)", text)
    assert persons_met and set(persons_met) == {"< 11"}, persons_met
    assert f"B1 Personnes rencontrées {PERSONS_MET}" not in text
    print(f"\nFunder journey: {journey.clicks} clicks after sign-in")  # noqa: T201 (the closing note reports it)
    assert journey.clicks == 2
    _home_on_a_phone(journey)
