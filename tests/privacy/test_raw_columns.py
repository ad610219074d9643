"""A database dump shows none of the sensitive texts in clear: marker strings written through the
application are read back from the raw columns with a cursor (as pg_dump or sqlite3 would see them)."""

import pytest
from django.db import connection

from casework import services
from casework.models import Assessment, Intervention, Person
from referrals.enums import Answer
from referrals.models import DangerAnswer, Referral, ReferralAddendum, ReferralPerson
from tests.casework.factories import AssessmentFactory, InterventionFactory, PersonFactory
from tests.referrals.factories import DangerAssessmentFactory, ReferralFactory, ReferralPersonFactory

pytestmark = pytest.mark.django_db

MARKER = "CANARY-7f3a9c"


def raw_values(model, field_name: str) -> list[str]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        column, table = quote(model._meta.get_field(field_name).column), quote(model._meta.db_table)
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - quoted identifiers of the model  # nosec B608
        return [row[0] for row in cursor.fetchall()]


def assert_sealed(model, field_name: str, clear: str) -> None:
    values = raw_values(model, field_name)
    assert values, f"no row in {model._meta.db_table}"
    for value in values:
        assert MARKER not in value and clear not in value, f"{model._meta.label}.{field_name} is stored in clear"
        if value:
            assert value.startswith("gAAAAA"), f"{model._meta.label}.{field_name} is not a Fernet token"


def test_intervention_summary_and_private_note_are_encrypted_at_rest():
    intervention = InterventionFactory(summary=f"{MARKER} résumé partagé", private_note=f"{MARKER} note privée")
    assert_sealed(Intervention, "summary", "résumé partagé")
    assert_sealed(Intervention, "private_note", "note privée")
    intervention = Intervention.objects.get(pk=intervention.pk)
    assert (intervention.summary, intervention.private_note) == (f"{MARKER} résumé partagé", f"{MARKER} note privée")


def test_assessment_needs_and_risk_comment_are_encrypted_at_rest():
    assessment = AssessmentFactory(needs=f"{MARKER} besoins", risk_comment=f"{MARKER} risque")
    assert_sealed(Assessment, "needs", "besoins")
    assert_sealed(Assessment, "risk_comment", "risque")
    assert Assessment.objects.values_list("needs", "risk_comment").get(pk=assessment.pk) == (
        f"{MARKER} besoins",
        f"{MARKER} risque",
    )


def test_safe_contact_of_a_person_is_encrypted_and_the_phone_kept_only_as_a_keyed_hash():
    person = PersonFactory(safe_phone="06 71 72 73 74", safe_email="canary.7f3a9c@example.org", best_time=MARKER)
    assert_sealed(Person, "safe_phone", "71 72 73 74")
    assert_sealed(Person, "safe_email", "canary.7f3a9c")
    assert_sealed(Person, "best_time", MARKER)
    (search_phone,) = raw_values(Person, "search_phone")
    assert "0671727374" not in search_phone and len(search_phone) == 64
    person = Person.objects.get(pk=person.pk)
    assert (person.safe_phone, person.safe_email, person.best_time) == (
        "06 71 72 73 74",
        "canary.7f3a9c@example.org",
        MARKER,
    )


def test_referral_description_addendum_and_safe_contacts_are_encrypted_at_rest():
    referral = ReferralFactory(description=f"{MARKER} faits", victim=False)
    ReferralPersonFactory(
        referral=referral, safe_phone="07 81 82 83 84", safe_email="x7f3a9c@example.org", best_time=MARKER
    )
    ReferralAddendum.objects.create(referral=referral, author=referral.author, text=f"{MARKER} nouveau numéro")
    assert_sealed(Referral, "description", "faits")
    assert_sealed(ReferralAddendum, "text", "nouveau numéro")
    assert_sealed(ReferralPerson, "safe_phone", "81 82 83 84")
    assert_sealed(ReferralPerson, "safe_email", "x7f3a9c")
    assert_sealed(ReferralPerson, "best_time", MARKER)
    assert Referral.objects.get(pk=referral.pk).description == f"{MARKER} faits"


def test_danger_grid_answers_are_encrypted_and_give_tokens_of_one_length_while_counts_stay_in_clear():
    grid = DangerAssessmentFactory(yes=5, red=2)  # bulk-created answers
    values = raw_values(DangerAnswer, "answer")
    assert not set(values) & set(Answer.values)
    assert len({len(value) for value in values}) == 1  # "yes", "no" and "not_asked" cannot be told apart
    answers = list(grid.answers.values_list("answer", flat=True))
    assert answers.count(Answer.YES) == 7 and grid.yes_count == 7 and grid.red_yes_count == 2 and grid.is_danger


def test_bulk_create_and_update_encrypt_too():
    """The demo and the imports write with bulk_create and update(): the field encrypts there as well."""
    template = InterventionFactory()
    Intervention.objects.bulk_create(
        [Intervention(followup=template.followup, author=template.author, summary=f"{MARKER} {n}") for n in range(3)]
    )
    Intervention.objects.filter(pk=template.pk).update(private_note=f"{MARKER} mis à jour")
    assert_sealed(Intervention, "summary", MARKER)
    assert_sealed(Intervention, "private_note", "mis à jour")


def test_person_bulk_created_with_a_normalised_phone_stores_its_keyed_hash():
    """demo/casework.py bulk-creates persons with search_phone=normalise_phone(...): the field hashes it."""
    person = PersonFactory(safe_phone="06 11 22 33 44")
    twin = Person.objects.bulk_create(
        [
            Person(
                post=person.post, created_by=person.created_by, safe_phone="06 11 22 33 44", search_phone="0611223344"
            )
        ]
    )[0]
    stored = dict(Person.objects.values_list("pk", "search_phone"))
    assert stored[twin.pk] == stored[person.pk] != "0611223344"
    assert twin in services.person_find_duplicates(post=person.post, safe_phone="+33 6 11 22 33 44")
