"""An ISCG brings history in: upload a file, read the preview, confirm, read the result; then a
file with errors is shown line by line. Every page has no accessibility violation."""

import io
import re
import zipfile

from accounts.models import User
from casework.models import Intervention, Person
from demo.data import DEMO_PASSWORD, demo_email
from imports.exporting import csv_bytes
from imports.models import ImportBatch
from tests.browser.conftest import click_and_wait, sign_in
from tests.browser.test_casework_journey import _restore_casework_reference_data
from tests.imports.test_formats_and_errors import FOLLOWUPS, INTERVENTIONS, PERSONS, REFERRALS


def _history(unit_name: str) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr(
            "personnes.csv",
            csv_bytes((PERSONS, [["P1", "F", "1985", "", "oui", "non"], ["P2", "M", "", "41-60", "oui", ""]])),
        )
        archive.writestr(
            "suivis.csv",
            csv_bytes(
                (
                    FOLLOWUPS,
                    [
                        ["S1", "P1", "02/11/2024", "10/03/2025", "résolue", "victime", "violences_conjugales"],
                        ["S2", "P2", "05/01/2025", "", "", "mis en cause", ""],
                    ],
                )
            ),
        )
        archive.writestr(
            "saisines.csv",
            csv_bytes(
                (
                    REFERRALS,
                    [
                        [
                            "R1",
                            "01/11/2024",
                            "08:00",
                            unit_name,
                            "plainte",
                            "immédiate",
                            "prise en charge",
                            "02/11/2024",
                            "",
                            "",
                            "P1:victime",
                            "S1",
                        ]
                    ],
                )
            ),
        )
        archive.writestr(
            "interventions.csv",
            csv_bytes(
                (
                    INTERVENTIONS,
                    [
                        ["", "S1", "05/11/2024", "10:00", "45", "entretien", "commissariat", "réalisé"],
                        ["", "S2", "06/01/2025", "", "", "appel", "à distance", "non honoré"],
                    ],
                )
            ),
        )
    return output.getvalue()


def test_an_iscg_uploads_previews_and_confirms_an_import_of_history(demo, page, axe, screenshot, tmp_path):
    _restore_casework_reference_data()
    email = demo_email("iscg", "80")
    post = User.objects.get(email=email).post_assignments.first().post
    path = tmp_path / "historique.zip"
    path.write_bytes(_history(post.units.order_by("name").first().name))
    persons_before = Person.objects.filter(post=post).count()
    sign_in(page, email, DEMO_PASSWORD)

    click_and_wait(page, page.locator("nav a[href='/imports/']"))
    axe(page)
    click_and_wait(page, page.locator("main a[href='/imports/nouvel-import/']").first)
    axe(page)
    page.locator("#id_post").select_option(str(post.pk))
    page.locator("#id_file").set_input_files(str(path))
    screenshot("imports-upload")
    click_and_wait(page, page.locator("main form button[type=submit]"))
    assert re.search(r"/imports/[0-9a-f-]{36}/$", page.url)
    main = page.locator("main")
    assert "historique.zip" in main.inner_text()
    assert Person.objects.filter(post=post).count() == persons_before  # the preview writes nothing
    axe(page)
    screenshot("imports-preview")

    click_and_wait(page, page.locator("main form[data-import-confirm] button[type=submit]"))
    batch = ImportBatch.objects.get()
    assert batch.status == "imported"
    assert Person.objects.filter(post=post).count() == persons_before + 2
    assert Intervention.objects.filter(followup__post=post).count() >= 2
    axe(page)
    screenshot("imports-result")

    bad = tmp_path / "suivis.csv"
    bad.write_bytes(csv_bytes((FOLLOWUPS, [["S9", "P404", "31/02/2025", "", "", "", ""]])))
    page.goto("/imports/nouvel-import/")
    page.locator("#id_file").set_input_files(str(bad))
    click_and_wait(page, page.locator("main form button[type=submit]"))
    assert re.search(r"/imports/[0-9a-f-]{36}/$", page.url)
    assert "31/02/2025" in page.locator("main table").last.inner_text()
    assert page.locator("form[data-import-confirm]").count() == 0
    axe(page)
    screenshot("imports-preview-errors")
