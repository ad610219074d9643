"""An ISCG takes a referral up, records a first interview, an assessment and an orientation;
every page on the way has no accessibility violation."""

import importlib

from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import Assessment, FollowUp, Intervention, Orientation
from demo.data import DEMO_PASSWORD, demo_email
from referrals.enums import ReferralStatus
from tests.browser.conftest import sign_in
from tests.referrals.factories import ReferralFactory

REFERENCE_DATA = (
    "referrals.migrations.0002_seed_problems",
    "referrals.migrations.0003_seed_danger_grid_2019",
    "casework.migrations.0002_seed_violence_forms",
)


def _restore_casework_reference_data():
    """Problems, the danger grid and violence forms come from data migrations that a flush empties."""
    for module in REFERENCE_DATA:
        importlib.import_module(module).seed(django_apps, None)


def test_an_iscg_takes_a_referral_up_and_records_the_first_interview_assessment_and_orientation(
    demo, page, axe, screenshot
):
    _restore_casework_reference_data()
    post = demo["80"]["posts"][0]
    referral = ReferralFactory(unit=post.units.order_by("name").first(), author=demo["80"]["users"]["police"])
    sign_in(page, demo_email("iscg", "80"), DEMO_PASSWORD)

    page.goto(f"/suivis/saisine/{referral.public_id}/")
    axe(page)
    screenshot("casework-take-up")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/suivis/*/")
    followup = FollowUp.objects.get(referrals=referral)
    assert referral.number in page.locator("main").inner_text()
    axe(page)

    page.goto(f"/suivis/{followup.public_id}/interventions/nouvelle/")
    axe(page)
    page.locator("#id_summary").fill("Premier entretien : la personne expose la situation et ses craintes.")
    page.locator("#id_private_note").fill("Impression personnelle à vérifier.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/suivis/{followup.public_id}/")
    assert "Premier entretien" in page.locator("main").inner_text()

    page.goto(f"/suivis/{followup.public_id}/evaluations/nouvelle/")
    axe(page)
    page.locator("#id_needs").fill("Mise à l'abri et accompagnement juridique.")
    page.locator("label[for=id_is_very_serious_danger]").click()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/suivis/{followup.public_id}/")

    page.goto(f"/suivis/{followup.public_id}/orientations/nouvelle/")
    axe(page)
    expect(page.locator("#id_recipient")).to_be_hidden()  # the recipient is for transmissions only
    page.locator("label[for=id_kind_1]").click()
    expect(page.locator("#id_recipient")).to_be_visible()
    expect(page.locator("#id_partner")).to_be_hidden()
    page.locator("label[for=id_kind_0]").click()
    page.locator("#id_partner").select_option(index=1)
    page.locator("#id_reason").fill("Information juridique sur la séparation.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/suivis/{followup.public_id}/")
    axe(page)
    screenshot("casework-followup-timeline")

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TAKEN_UP
    intervention = Intervention.objects.get(followup=followup)
    assert intervention.starts_at <= timezone.now() and intervention.private_note
    assert Assessment.objects.get(followup=followup).is_very_serious_danger
    assert Orientation.objects.get(followup=followup).partner is not None

    page.goto("/suivis/")
    axe(page)
    page.goto("/suivis/agenda/")
    axe(page)
    page.goto("/suivis/personnes/")
    axe(page)
