"""Referral pages never print an undefined template variable (STYLE.md §7)."""

import copy

from django.conf import settings as dj_settings
from django.urls import reverse

from tests.referrals.factories import DangerAssessmentFactory


def test_referral_pages_use_no_undefined_template_variable(world, client_for, settings):
    templates = copy.deepcopy(dj_settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = "INVALID[%s]"
    settings.TEMPLATES = templates
    DangerAssessmentFactory(referral=world.a.referral, red=2)
    world.a.referral.addenda.create(author=world.a.officer, text="x")
    pid = {"public_id": world.a.referral.public_id}
    pages = [
        ("iscg_a", reverse("referrals:queue")),
        ("iscg_a", reverse("referrals:detail", kwargs=pid)),
        ("iscg_a", reverse("referrals:grid_create", kwargs=pid)),
        ("iscg_a", reverse("referrals:create")),
        ("officer_a", reverse("referrals:create")),
        ("officer_a", reverse("referrals:unit_list")),
        ("officer_a", reverse("referrals:confirmation", kwargs=pid)),
        ("officer_a", reverse("referrals:withdraw", kwargs=pid)),
        ("officer_a", reverse("referrals:add_information", kwargs=pid)),
        ("coordinator_a", reverse("referrals:overview")),
    ]
    bad = []
    for persona, url in pages:
        content = client_for(persona).get(url).content.decode()
        if "INVALID[" in content:
            start = content.index("INVALID[")
            bad.append((url, content[start - 100 : start + 60]))
    assert not bad, bad
