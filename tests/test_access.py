"""The access matrix: every URL of the application × every persona → expected status.

A meta-test walks the URL resolver and fails when a named URL is missing here, so a new view
cannot ship without its line. Objects belong to department A; the B personas must get 404.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS

SIGN_IN = 302  # anonymous visitors are sent to the sign-in page


def expect(default=404, **overrides):
    statuses = dict.fromkeys(PERSONAS, default)
    statuses["anonymous"] = SIGN_IN
    statuses.update(overrides)
    return statuses


PUBLIC = dict.fromkeys(PERSONAS, 200)

MATRIX = [
    ("home", {}, expect(302)),  # every role is sent to the page it works from
    ("accounts:login", {}, expect(302, anonymous=200)),
    ("accounts:logout", {}, expect(405)),  # sign-out is POST only
    ("accounts:verify", {}, expect(302)),  # every persona's session is already verified
    ("accounts:enrol", {}, expect(302)),  # a second factor is already enrolled
    ("accounts:security", {}, expect(200)),
    ("accounts:backup_codes_regenerate", {}, expect(405)),  # POST only
    ("accounts:second_factor_reset", {}, expect(405)),  # POST only
    ("accounts:password_change", {}, expect(200)),
    ("accounts:password_reset", {}, PUBLIC),
    ("accounts:password_reset_done", {}, PUBLIC),
    ("accounts:password_reset_confirm", {"uidb64": "=MQ", "token": "=bad-token"}, PUBLIC),  # "link no longer works"
    ("accounts:password_reset_complete", {}, PUBLIC),
    ("accounts:invitation", {"token": "=forged"}, dict.fromkeys(PERSONAS, 400)),
    ("organisation:staff_list", {}, expect(coordinator_a=200, coordinator_b=200, admin=200)),
    ("organisation:staff_create", {}, expect(coordinator_a=200, coordinator_b=200, admin=200)),
    ("organisation:staff_detail", {"public_id": "a.officer.public_id"}, expect(coordinator_a=200, admin=200)),
    ("organisation:staff_action", {"public_id": "a.officer.public_id", "action": "=unlock"}, expect(405)),  # POST only: see tests/organisation/test_staff.py
    ("organisation:staff_assignment_confirm", {"public_id": "a.iscg.public_id", "assignment_id": "=1"}, expect(405)),  # POST only: see tests/security/test_attack_roles.py
    ("pages:accessibility", {}, PUBLIC),
    ("pages:legal", {}, PUBLIC),
    ("pages:privacy", {}, PUBLIC),
    # Home pages of coordinators and funders (dashboards); payments due: every reader of conventions.
    ("dashboards:coordinator_home", {}, expect(coordinator_a=200, coordinator_b=200)),
    ("dashboards:funder_home", {}, expect(funder_a=200, funder_b=200)),
    ("dashboards:payments_due", {}, expect(coordinator_a=200, funder_a=200, coordinator_b=200, funder_b=200, admin=200)),
    ("organisation:department_list", {}, expect(coordinator_a=200, funder_a=200, coordinator_b=200, funder_b=200, admin=200)),
    ("organisation:department_detail", {"code": "a.department.code"}, expect(coordinator_a=200, funder_a=200, admin=200)),
    ("organisation:post_detail", {"public_id": "a.post.public_id"}, expect(iscg_a=200, coordinator_a=200, funder_a=200, admin=200)),
    ("organisation:post_arrangement", {"public_id": "a.post.public_id"}, expect(coordinator_a=200, admin=200, iscg_a=403, funder_a=403)),
    ("organisation:partner_list", {}, expect(iscg_a=200, coordinator_a=200, iscg_b=200, coordinator_b=200, admin=200)),
    ("organisation:partner_detail", {"public_id": "a.partner.public_id"}, expect(iscg_a=200, coordinator_a=200, admin=200)),
    ("organisation:partner_create", {}, expect(iscg_a=200, coordinator_a=200, iscg_b=200, coordinator_b=200, admin=200)),
    ("organisation:partner_update", {"public_id": "a.partner.public_id"}, expect(iscg_a=200, coordinator_a=200, admin=200)),
    # Referrals (objects of side A: a submitted referral filed by officer_a). The admin lists metadata only:
    # content pages answer 403 on a referral they can see, 404 where the page does not exist for them.
    ("referrals:unit_list", {}, expect(officer_a=200, officer_b=200, admin=200)),
    ("referrals:home", {}, expect(officer_a=200, officer_b=200)),
    ("referrals:create", {}, expect(officer_a=200, iscg_a=200, officer_b=200, iscg_b=200)),
    ("referrals:queue", {}, expect(iscg_a=200, iscg_b=200)),
    ("referrals:overview", {}, expect(coordinator_a=200, coordinator_b=200, admin=200)),
    ("referrals:detail", {"public_id": "a.referral.public_id"}, expect(iscg_a=200, admin=403, officer_a=403, coordinator_a=403)),
    ("referrals:confirmation", {"public_id": "a.referral.public_id"}, expect(officer_a=200, iscg_a=200, admin=403, coordinator_a=403)),
    ("referrals:filed", {"public_id": "a.referral.public_id"}, expect(officer_a=200, admin=403, coordinator_a=403)),
    ("referrals:withdraw", {"public_id": "a.referral.public_id"}, expect(officer_a=200, admin=403, iscg_a=403, coordinator_a=403)),
    ("referrals:add_information", {"public_id": "a.referral.public_id"}, expect(officer_a=200, admin=403, iscg_a=403, coordinator_a=403)),
    ("referrals:receive", {"public_id": "a.referral.public_id"}, expect(iscg_a=405, admin=403, officer_a=403, coordinator_a=403)),
    ("referrals:take_up", {"public_id": "a.referral.public_id"}, expect(iscg_a=405, admin=403, officer_a=403, coordinator_a=403)),
    ("referrals:close", {"public_id": "a.referral.public_id"}, expect(iscg_a=405, admin=403, officer_a=403, coordinator_a=403)),
    ("referrals:grid_create", {"public_id": "a.referral.public_id"}, expect(iscg_a=200, admin=403, officer_a=403, coordinator_a=403)),
    # Conventions (objects of side A: a funded convention with a document and a committee with its bilan)
    ("conventions:convention_list", {}, expect(coordinator_a=200, funder_a=200, coordinator_b=200, funder_b=200, admin=200)),
    ("conventions:convention_create", {}, expect(coordinator_a=200, coordinator_b=200, admin=200, funder_a=403, funder_b=403)),
    ("conventions:funder_list", {}, expect(coordinator_a=200, funder_a=200, coordinator_b=200, funder_b=200, admin=200)),
    ("conventions:funder_create", {}, expect(coordinator_a=200, coordinator_b=200, admin=200, funder_a=403, funder_b=403)),
    ("conventions:department_summary", {"code": "a.department.code"}, expect(coordinator_a=200, funder_a=200, admin=200)),
    ("conventions:convention_detail", {"public_id": "a.convention.public_id"}, expect(coordinator_a=200, funder_a=200, admin=200)),
    ("conventions:convention_update", {"public_id": "a.convention.public_id"}, expect(coordinator_a=200, admin=200, funder_a=403)),
    ("conventions:funding_year", {"public_id": "a.convention.public_id", "year": "a.convention.starts_on.year"}, expect(coordinator_a=200, admin=200, funder_a=403)),
    ("conventions:funding_year_copy", {"public_id": "a.convention.public_id", "year": "a.convention.starts_on.year"}, expect(coordinator_a=405, admin=405, funder_a=403)),
    ("conventions:payment_create", {"public_id": "a.convention.public_id"}, expect(coordinator_a=200, admin=200, funder_a=403)),
    ("conventions:payment_delete", {"public_id": "a.convention.public_id", "payment_id": "a.payment.public_id"}, expect(coordinator_a=405, admin=405, funder_a=403)),
    ("conventions:document_create", {"public_id": "a.convention.public_id"}, expect(coordinator_a=200, admin=200, funder_a=403)),
    ("conventions:document_download", {"public_id": "a.convention.public_id", "document_id": "a.document.public_id"}, expect(coordinator_a=200, funder_a=200, admin=200)),
    ("conventions:document_delete", {"public_id": "a.convention.public_id", "document_id": "a.document.public_id"}, expect(coordinator_a=405, admin=405, funder_a=403)),
    ("conventions:committee_create", {"public_id": "a.convention.public_id"}, expect(coordinator_a=200, admin=200, funder_a=403)),
    ("conventions:committee_bilan_download", {"public_id": "a.convention.public_id", "committee_id": "a.committee.public_id"}, expect(coordinator_a=200, funder_a=200, admin=200)),
    # Reporting: bilans are aggregates (each role's default scope without a query string); funders get them masked.
    ("reporting:bilan", {}, expect(iscg_a=200, coordinator_a=200, funder_a=200, iscg_b=200, coordinator_b=200, funder_b=200, admin=200)),
    ("reporting:bilan_export", {"fmt": "=json"}, expect(iscg_a=200, coordinator_a=200, funder_a=200, iscg_b=200, coordinator_b=200, funder_b=200, admin=200)),
    # The coordinator's commentary of a bilan (POST only): coordinators (their scopes), the admin (national, its default scope).
    ("reporting:bilan_commentary", {}, expect(coordinator_a=405, coordinator_b=405, admin=405, iscg_a=403, iscg_b=403, funder_a=403, funder_b=403)),
    # Bilan PDFs prepared by the worker: their requester's only (tests/security/test_background_documents.py); an unknown id here.
    ("reporting:document_detail", {"public_id": "=00000000-0000-4000-8000-000000000000"}, expect()),
    ("reporting:document_download", {"public_id": "=00000000-0000-4000-8000-000000000000"}, expect()),
    ("reporting:convention_summary_export", {"public_id": "a.convention.public_id", "fmt": "=xlsx"}, expect(coordinator_a=200, funder_a=200, admin=200)),
    ("reporting:department_summary_export", {"code": "a.department.code", "fmt": "=xlsx"}, expect(coordinator_a=200, funder_a=200, admin=200)),
    # Adopted bilans (docs/reporting.md, "Adoption"): side A's department bilan of two years ago, with its
    # diffusion version; funders get it masked only (tests/security/test_attack_adopted_bilans.py).
    ("reporting:adopted_bilan_list", {}, expect(iscg_a=200, coordinator_a=200, funder_a=200, iscg_b=200, coordinator_b=200, funder_b=200, admin=200)),
    ("reporting:adopted_bilan_detail", {"public_id": "a.adopted.public_id"}, expect(coordinator_a=200, funder_a=200, admin=200)),
    ("reporting:adopted_bilan_export", {"public_id": "a.adopted.public_id", "fmt": "=json"}, expect(coordinator_a=200, funder_a=200, admin=200)),
    ("reporting:bilan_adopt", {}, expect(coordinator_a=200, coordinator_b=200, admin=200)),  # confirmation of the default bilan
    ("reporting:committee_bilan_generate", {"public_id": "a.convention.public_id", "committee_id": "a.committee.public_id"}, expect(coordinator_a=405, admin=405, funder_a=403)),  # POST only
    # Casework (objects of side A: a follow-up of post A with its person, an intervention and an orientation).
    # Only the ISCG of the post reach them; police, funders and the admin get 404 everywhere.
    ("casework:followup_list", {}, expect(iscg_a=200, iscg_b=200)),
    ("casework:home", {}, expect(iscg_a=200, iscg_b=200)),
    ("casework:followup_create", {}, expect(iscg_a=302, iscg_b=302)),  # sent to the person search first
    ("casework:followup_open_from_referral", {"public_id": "a.referral.public_id"}, expect(iscg_a=200)),
    ("casework:department_followups", {}, expect(coordinator_a=200, coordinator_b=200)),
    ("casework:agenda", {}, expect(iscg_a=200, iscg_b=200)),
    ("casework:agenda_ics", {}, expect(iscg_a=200, iscg_b=200)),
    ("casework:agenda_day", {}, expect(iscg_a=200, iscg_b=200)),
    ("casework:agenda_week", {}, expect(iscg_a=200, iscg_b=200)),
    ("casework:agenda_subscription", {}, expect(iscg_a=200, iscg_b=200)),
    ("casework:agenda_feed", {"token": "=0123456789abcdefforged-secret"}, expect(404, anonymous=404)),  # see tests/casework/test_agenda_views.py
    ("casework:person_list", {}, expect(iscg_a=200, iscg_b=200)),
    ("casework:person_create", {}, expect(iscg_a=200, iscg_b=200)),
    ("casework:person_detail", {"public_id": "a.person.public_id"}, expect(iscg_a=200)),
    ("casework:person_update", {"public_id": "a.person.public_id"}, expect(iscg_a=200)),
    ("casework:person_merge", {"public_id": "a.person.public_id"}, expect(iscg_a=200)),
    ("casework:intervention_update", {"public_id": "a.intervention.public_id"}, expect(iscg_a=200)),
    ("casework:orientation_update_status", {"public_id": "a.orientation.public_id"}, expect(iscg_a=200)),
    ("casework:followup_detail", {"public_id": "a.followup.public_id"}, expect(iscg_a=200)),
    ("casework:followup_update", {"public_id": "a.followup.public_id"}, expect(iscg_a=200)),
    ("casework:followup_close", {"public_id": "a.followup.public_id"}, expect(iscg_a=200)),
    ("casework:followup_reopen", {"public_id": "a.followup.public_id"}, expect(iscg_a=405)),  # POST only
    ("casework:followup_add_member", {"public_id": "a.followup.public_id"}, expect(iscg_a=200)),
    ("casework:intervention_create", {"public_id": "a.followup.public_id"}, expect(iscg_a=200)),
    ("casework:assessment_create", {"public_id": "a.followup.public_id"}, expect(iscg_a=200)),
    ("casework:orientation_create", {"public_id": "a.followup.public_id"}, expect(iscg_a=200)),
    # Imports
    # ISCG into their posts, coordinators into their departments' posts; no batch exists in the world
    # (tests/imports/test_views.py checks real batches persona by persona); confirm and cancel are POST only.
    ("imports:batch_list", {}, expect(iscg_a=200, coordinator_a=200, iscg_b=200, coordinator_b=200)),
    ("imports:upload", {}, expect(iscg_a=200, coordinator_a=200, iscg_b=200, coordinator_b=200)),
    ("imports:template", {"fmt": "=xlsx"}, expect(iscg_a=200, coordinator_a=200, iscg_b=200, coordinator_b=200)),
    ("imports:batch_detail", {"public_id": "=00000000-0000-4000-8000-000000000000"}, expect(404)),
    ("imports:batch_confirm", {"public_id": "=00000000-0000-4000-8000-000000000000"}, expect(405)),
    ("imports:batch_cancel", {"public_id": "=00000000-0000-4000-8000-000000000000"}, expect(405)),
    # Data protection
    # The journal of a department for its coordinators (no record identifiers); the right-of-access export
    # of a person for the ISCG of the post only, POST with the request's date and channel (never a
    # coordinator nor the admin: person-level data; tests/dataprotection/test_right_of_access.py).
    ("dataprotection:journal", {}, expect(coordinator_a=200, coordinator_b=200)),
    ("dataprotection:access_request", {}, expect(iscg_a=200, iscg_b=200)),
    ("dataprotection:person_export", {"public_id": "a.person.public_id", "fmt": "=json"}, expect(iscg_a=405)),  # POST only
]  # fmt: skip

IGNORED_NAMESPACES = {"admin"}


def _resolve_kwargs(world, kwargs):
    resolved = {}
    for key, path in kwargs.items():
        if path.startswith("="):  # a literal value
            resolved[key] = path[1:]
            continue
        value = world
        for attr in path.split("."):
            value = getattr(value, attr)
        resolved[key] = value
    return resolved


@pytest.mark.parametrize(("url_name", "kwargs", "statuses"), MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(world, client_for, url_name, kwargs, statuses):
    url = reverse(url_name, kwargs=_resolve_kwargs(world, kwargs))
    failures = []
    for persona in PERSONAS:
        response = client_for(persona).get(url)
        if response.status_code != statuses[persona]:
            failures.append(f"{persona}: expected {statuses[persona]}, got {response.status_code}")
    assert not failures, f"{url_name} ({url}):\n" + "\n".join(failures)


def _named_urls(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in IGNORED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from _named_urls(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_access_matrix():
    in_matrix = {row[0] for row in MATRIX}
    missing = set(_named_urls(get_resolver().url_patterns)) - in_matrix
    assert not missing, f"URLs missing from the access matrix: {sorted(missing)}"


def test_admin_site_is_for_administrators_only(world, client_for):
    url = reverse("admin:index")
    for persona in PERSONAS:
        response = client_for(persona).get(url)
        expected = 200 if persona == "admin" else 302
        assert response.status_code == expected, persona
