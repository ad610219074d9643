"""An id beyond what the database column holds, typed into any field that takes ids, gets the form's French
error: never a 500 (SQLite raised OverflowError on ``pk__in``; iscg/lookups.py). Both databases.

Found by the fuzzing of tests/security/test_fuzzing.py on /equipe/nouveau/ and /saisines/nouvelle/; the
cases are kept here explicitly so that they run on every database at every session."""

import pytest
from django.urls import reverse

from organisation.models import Unit
from tests.conventions.test_views import convention_data
from tests.referrals.test_views import form_data

pytestmark = pytest.mark.django_db

HUGE = [str(2**64), str(2**70), str(-(2**64)), str(2**63)]


def _staff(world):
    return {
        "email": "nouvelle@test.example",
        "first_name": "Anne",
        "last_name": "Neuve",
        "role": "police",
        "units": world.a.unit.pk,
        "post": "",
        "departments": "",
    }


def _orientation(world):
    return {
        "kind": "orientation",
        "oriented_on": "2026-01-10",
        "partner": world.a.partner.pk,
        "reason": "Aide",
        "status": "proposed",
    }


def _assessment(world):
    return {"assessed_on": "2026-01-10", "problems": "1", "needs": "Abri", "risk_level": "high"}


def _payment(world):
    return {
        "funder": world.a.payment.funder_id,
        "year": world.a.convention.starts_on.year,
        "kind": "payment",
        "amount": "100",
        "dated_on": "2026-01-15",
    }


CASES = [
    ("coordinator_a", lambda w: reverse("organisation:staff_create"), _staff, ["units", "departments", "post"]),
    ("officer_a", lambda w: reverse("referrals:create"), lambda w: form_data(w.a.unit), ["problems", "unit"]),
    (
        "iscg_a",
        lambda w: reverse("casework:orientation_create", kwargs={"public_id": w.a.followup.public_id}),
        _orientation,
        ["partner"],
    ),
    (
        "iscg_a",
        lambda w: reverse("casework:assessment_create", kwargs={"public_id": w.a.followup.public_id}),
        _assessment,
        ["problems"],
    ),
    (
        "coordinator_a",
        lambda w: reverse("conventions:payment_create", kwargs={"public_id": w.a.convention.public_id}),
        _payment,
        ["funder"],
    ),
    (
        "coordinator_a",
        lambda w: reverse("conventions:convention_create"),
        convention_data,
        ["department", "posts-0-post", "parties-0-funder"],
    ),
]


@pytest.mark.parametrize(
    ("persona", "url", "valid", "fields"),
    CASES,
    ids=["staff", "referral", "orientation", "assessment", "payment", "convention"],
)
def test_an_id_beyond_64_bits_is_a_form_error(persona, url, valid, fields, world, client_for):
    client = client_for(persona)
    for field in fields:
        for value in HUGE:
            data = {**valid(world), field: value}
            if field in {"post", "departments"}:
                data["role"] = "iscg" if field == "post" else "coordinator"
            response = client.post(url(world), data)
            assert response.status_code == 200, (field, value, response.status_code)
            assert "fr-error-text" in response.content.decode() or "fr-alert--error" in response.content.decode()


def test_out_of_range_ids_match_nothing_and_keep_the_others(world):
    unit = world.a.unit
    assert list(Unit.objects.filter(pk__in=[2**70])) == []
    assert list(Unit.objects.filter(pk__in=[2**70, -(2**70), unit.pk])) == [unit]
    assert Unit.objects.exclude(pk__in=[2**70]).filter(pk=unit.pk).exists()
