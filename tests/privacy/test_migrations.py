"""The data migrations are reversible: their functions, run on today's rows, decrypt back to the
clear values and encrypt again (the full migrate/unmigrate round trip on a seeded demo database
is checked by hand, see docs/operations.md)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from casework.models import Person
from casework.normalise import normalise_phone
from tests.casework.factories import InterventionFactory, PersonFactory
from tests.referrals.factories import DangerAssessmentFactory

pytestmark = pytest.mark.django_db

casework_migration = importlib.import_module("casework.migrations.0004_encrypt_existing_texts")
referrals_migration = importlib.import_module("referrals.migrations.0006_encrypt_existing_texts")


class SchemaEditor:
    connection = connection


def raw(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def test_data_migrations_decrypt_back_and_encrypt_again():
    InterventionFactory(summary="Résumé clair")
    person = PersonFactory(safe_phone="06 44 55 66 77")
    DangerAssessmentFactory(yes=1)
    encrypted_phone_key = Person.objects.values_list("search_phone", flat=True).get(pk=person.pk)

    casework_migration.backwards(apps, SchemaEditor())
    referrals_migration.backwards(apps, SchemaEditor())
    assert "Résumé clair" in raw("SELECT summary FROM casework_intervention")
    assert "06 44 55 66 77" in raw("SELECT safe_phone FROM casework_person")
    assert normalise_phone("06 44 55 66 77") in raw("SELECT search_phone FROM casework_person")
    assert set(raw("SELECT answer FROM referrals_dangeranswer")) == {"yes", "no"}

    casework_migration.forwards(apps, SchemaEditor())
    referrals_migration.forwards(apps, SchemaEditor())
    casework_migration.forwards(apps, SchemaEditor())  # idempotent: encrypted values are left alone
    assert "Résumé clair" not in raw("SELECT summary FROM casework_intervention")
    assert not {"yes", "no"} & set(raw("SELECT answer FROM referrals_dangeranswer"))
    assert Person.objects.values_list("search_phone", flat=True).get(pk=person.pk) == encrypted_phone_key
    assert Person.objects.get(pk=person.pk).safe_phone == "06 44 55 66 77"
