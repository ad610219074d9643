"""A coordinator asks for the department's PDF: the worker prepares it while the page shows the
progress, then the page offers the file (issue 19)."""

import io
import re

from pypdf import PdfReader

from demo.data import DEMO_PASSWORD, demo_email
from tests.background.worker import run_worker
from tests.browser.conftest import click_and_wait, sign_in


def test_coordinator_asks_for_the_department_pdf_sees_the_progress_and_downloads_it(
    demo, page, axe, screenshot, huey_queue, settings
):
    settings.BILAN_PDF_IN_BACKGROUND = True
    sign_in(page, demo_email("coordinator", "80"), DEMO_PASSWORD)
    click_and_wait(page, page.get_by_role("link", name="Bilans").first)
    click_and_wait(page, page.get_by_role("link", name="Télécharger (PDF)"))
    progress = page.get_by_role("status")
    assert "Le document est en préparation : 0 %" in progress.inner_text()
    axe(page)
    screenshot("bilan-document-progress")

    run_worker(huey_queue)  # the worker prepares the file; the page refreshes by itself
    link = page.get_by_role("link", name=re.compile(r"bilan-department-80-.*\.pdf"))
    link.wait_for(timeout=15_000)
    assert "Le document est prêt." in page.locator("main").inner_text()
    axe(page)
    screenshot("bilan-document-ready")
    with page.expect_download() as download:
        link.click()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages)
    assert "Somme (80)" in text
