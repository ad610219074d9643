"""A new social worker joins a post: requested by one coordinator, confirmed by a second person, and at
work the same day. By clicks only after each sign-in (the invitation link comes by e-mail), axe on every
page, across organisation, accounts and referrals.

Coordinator: « Équipe » → « Créer un compte » → the ISCG and their post → the account's page says the
assignment waits. Second coordinator of the department: their home says an assignment awaits them → the
team page → the account → « Confirmer l'affectation ». New ISCG: the invitation's link → a password →
« Saisines à traiter » of the post.
"""

import re

from django.core import mail
from playwright.sync_api import expect

from demo.data import DEMO_PASSWORD, demo_email
from organisation.models import PostAssignment
from tests.accounts.factories import UserFactory
from tests.browser.conftest import sign_in
from tests.browser.test_journey_coordinator_funder import Journey

NEW_EMAIL = "ines.nouvelle@iscg-demo.example"
NEW_PASSWORD = "Une-phrase-de-passe-solide-2026"


def _new_context_page(browser, live_server):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context, context.new_page()


def test_a_social_worker_is_requested_confirmed_and_at_work_by_clicks(demo, page, browser, live_server, axe):
    colleague = UserFactory(
        coordinator=True, email="coordination.bis@iscg-demo.example", first_name="Lucie", last_name="Martel"
    )
    colleague.set_password(DEMO_PASSWORD)
    colleague.save()
    colleague.departments.set([demo["80"]["department"]])

    # ---- The coordinator asks for the account --------------------------------------------------------
    requester = Journey(page, axe, "staff-request")
    sign_in(page, demo_email("coordinator", "80"), DEMO_PASSWORD)
    requester.click(page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Équipe"))
    requester.check("team")
    requester.click(page.locator("main").get_by_role("link", name="Créer un compte"))
    page.get_by_label("Adresse électronique professionnelle").fill(NEW_EMAIL)
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Nom", exact=True).fill("Nouvelle")
    page.locator("label", has_text="Intervenant·e social·e (ISCG)").click()
    page.get_by_label("Poste (ISCG)").select_option(label="ISCG Amiens Métropole")
    requester.check("form")
    requester.click(page.get_by_role("button", name="Créer et envoyer l’invitation"))
    expect(page.locator("main")).to_contain_text("Affectations en attente de confirmation")
    expect(page.locator("main")).to_contain_text("une autre personne doit la confirmer")
    requester.check("account")
    assignment = PostAssignment.objects.get(user__email=NEW_EMAIL)
    assert assignment.confirmed_at is None

    # ---- The second coordinator confirms it ------------------------------------------------------------
    context, second_page = _new_context_page(browser, live_server)
    confirmer = Journey(second_page, axe, "staff-confirm")
    sign_in(second_page, colleague.email, DEMO_PASSWORD)
    confirmer.check("home")
    confirmer.click(second_page.get_by_role("link", name=re.compile("attend votre confirmation")))
    expect(second_page.locator("#assignments-to-confirm")).to_contain_text("Inès Nouvelle")
    confirmer.check("team")
    confirmer.click(second_page.locator("#assignments-to-confirm").get_by_role("link", name="Inès Nouvelle"))
    confirmer.click(second_page.get_by_role("button", name="Confirmer l’affectation"))
    expect(second_page.locator("body")).to_contain_text("a désormais accès au poste")
    confirmer.check("confirmed")
    assignment.refresh_from_db()
    assert assignment.confirmed_by == colleague
    context.close()

    # ---- The new social worker accepts the invitation and sees the post's referrals --------------------
    invitation = next(m for m in mail.outbox if NEW_EMAIL in m.to and "/invitation/" in m.body)
    link = re.search(r"https?://\S+(/invitation/\S+)", invitation.body).group(1)
    context, iscg_page = _new_context_page(browser, live_server)
    newcomer = Journey(iscg_page, axe, "staff-newcomer")
    iscg_page.goto(link)  # the link of the e-mail
    newcomer.check("invitation")
    iscg_page.locator("#id_new_password1").fill(NEW_PASSWORD)
    iscg_page.locator("#id_new_password2").fill(NEW_PASSWORD)
    newcomer.click(iscg_page.get_by_role("button", name="Enregistrer mon mot de passe"))
    newcomer.check("after-password")
    newcomer.click(
        iscg_page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Saisines à traiter")
    )
    expect(iscg_page.locator("main")).to_contain_text("ISCG Amiens Métropole")
    newcomer.check("queue")
    context.close()
    print(f"\nNew social worker: {requester.clicks} + {confirmer.clicks} + {newcomer.clicks} clicks")  # noqa: T201
