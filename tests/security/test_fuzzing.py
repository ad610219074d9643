"""Property-based fuzzing of the forms people type into, and of the bilan query string: whatever is posted, the
answer is never a server error (the test client re-raises any exception a view lets through).

Each property starts from a valid submission and mutates it: values replaced by hostile strings,
fields dropped, unknown fields added. 200 examples per form, derandomised (tests/conftest.py): the same
examples at every run, so a finding fails the change that causes it. Examples that once found a bug are
kept as explicit ``example`` cases.

Found so far: an id beyond 64 bits in a field that takes ids (OverflowError on SQLite; iscg/lookups.py,
tests/security/test_id_overflow.py)."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conventions.test_views import convention_data
from tests.referrals.test_views import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

hostile = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda day: day.strftime("%Y-%m-%d")),
    st.sampled_from(
        ["", " ", "0", "-1", "1e309", "NaN", "2026-02-30", "2026-13-01T25:61", "\x00", "<script>", "' OR 1=1 --"]
    ),
    st.uuids().map(str),
)


@st.composite
def mutated(draw, valid: dict):
    data = {}
    for key, value in valid.items():
        action = draw(st.sampled_from(["keep", "keep", "replace", "drop"]))
        if action == "keep":
            data[key] = value
        elif action == "replace":
            data[key] = draw(hostile)
    data.update(draw(st.dictionaries(st.text(min_size=1, max_size=20), hostile, max_size=3)))
    return data


def _check(response):
    assert response.status_code < 500


def _fuzz_form(client, url, valid, *, found=()):
    """POST mutations of a valid form: never a 500, whatever is typed. found: submissions that once did."""

    @FUZZ
    @given(data=mutated(valid))
    def property_(data):
        _check(client.post(url, data))

    for data in found:
        property_ = example(data=data)(property_)
    property_()


def test_fuzz_referral_create(world, client_for):
    client, url = client_for("officer_a"), reverse("referrals:create")

    valid = form_data(world.a.unit)
    _fuzz_form(client, url, valid, found=[{**valid, "problems": str(2**64)}])


def test_fuzz_person_create(world, client_for):
    client, url = client_for("iscg_a"), reverse("casework:person_create")
    valid = {
        "post": world.a.post.pk,
        "last_name": "Durand",
        "first_name": "Inès",
        "birth_date": "1985-03-02",
        "sex": "f",
        "age_class": "unknown",
        "safe_phone": "06 12 12 12 12",
        "family_situation": "unknown",
        "known_to_social_services": "unknown",
        "create_anyway": "on",
    }

    _fuzz_form(client, url, valid)


def test_fuzz_intervention_create(world, client_for):
    client = client_for("iscg_a")
    url = reverse("casework:intervention_create", kwargs={"public_id": world.a.followup.public_id})
    valid = {
        "starts_at": "2026-03-02T10:00",
        "duration_minutes": "30",
        "kind": "interview",
        "place": "police_station",
        "status": "done",
        "summary": "Entretien",
        "private_note": "",
    }

    _fuzz_form(client, url, valid)


def test_fuzz_convention_create(world, client_for):
    client, url = client_for("coordinator_a"), reverse("conventions:convention_create")

    _fuzz_form(client, url, convention_data(world))


@pytest.mark.parametrize("persona", ["coordinator_a", "funder_a"])
def test_fuzz_bilan_query_string(persona, world, client_for):
    client, url = client_for(persona), reverse("reporting:bilan")
    valid = {
        "scope": f"department:{world.a.department.pk}",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "diffusion": "on",
        "threshold": "11",
    }

    @FUZZ
    @given(data=mutated(valid))
    def property_(data):
        _check(client.get(url, data))

    property_()


def test_fuzz_orientation_create(world, client_for):
    url = reverse("casework:orientation_create", kwargs={"public_id": world.a.followup.public_id})
    valid = {
        "kind": "orientation",
        "oriented_on": "2026-01-10",
        "partner": world.a.partner.pk,
        "reason": "Aide",
        "status": "proposed",
        "outcome_on": "",
        "recipient": "",
    }
    _fuzz_form(client_for("iscg_a"), url, valid)


def test_fuzz_assessment_create(world, client_for):
    url = reverse("casework:assessment_create", kwargs={"public_id": world.a.followup.public_id})
    valid = {
        "assessed_on": "2026-01-10",
        "problems": "1",
        "needs": "Mise à l'abri",
        "risk_level": "high",
        "risk_comment": "",
        "children_exposed": "2",
        "known_to_social_services": "no",
    }
    _fuzz_form(client_for("iscg_a"), url, valid)


def test_fuzz_followup_close(world, client_for):
    url = reverse("casework:followup_close", kwargs={"public_id": world.a.followup.public_id})
    _fuzz_form(client_for("iscg_a"), url, {"reason": "resolved", "closed_on": "2026-11-30"})


def test_fuzz_partner_create(world, client_for):
    valid = {
        "department": world.a.department.pk,
        "partner_type": "1",
        "name": "CIDFF",
        "address": "1 rue",
        "commune": "Amiens",
        "phone": "03 22 00 00 00",
        "email": "contact@cidff.example",
        "website": "https://cidff.example",
        "opening_hours": "9h-12h",
        "accepts": "Tous publics",
    }
    _fuzz_form(client_for("coordinator_a"), reverse("organisation:partner_create"), valid)


def test_fuzz_staff_create(world, client_for):
    valid = {
        "email": "nouvelle@test.example",
        "first_name": "Anne",
        "last_name": "Neuve",
        "role": "police",
        "units": world.a.unit.pk,
        "post": "",
        "departments": "",
    }
    found = [{**valid, "units": str(2**64)}, {**valid, "role": "coordinator", "departments": str(-(2**70))}]
    _fuzz_form(client_for("coordinator_a"), reverse("organisation:staff_create"), valid, found=found)


def test_fuzz_payment_create(world, client_for):
    url = reverse("conventions:payment_create", kwargs={"public_id": world.a.convention.public_id})
    valid = {
        "funder": world.a.payment.funder_id,
        "year": world.a.convention.starts_on.year,
        "kind": "payment",
        "amount": "1 234,56",
        "dated_on": "2026-01-15",
        "reference": "AF-1",
    }
    _fuzz_form(client_for("coordinator_a"), url, valid)
