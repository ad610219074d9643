"""Seed the forms of violence of docs/domain.md §6 (administrators may edit them afterwards)."""

from django.db import migrations

VIOLENCE_FORMS = [
    ("physiques", "Physiques"),
    ("psychologiques", "Psychologiques"),
    ("sexuelles", "Sexuelles"),
    ("economiques", "Économiques"),
    ("administratives", "Administratives"),
]


def seed(apps, schema_editor):
    ViolenceForm = apps.get_model("casework", "ViolenceForm")
    for position, (code, name) in enumerate(VIOLENCE_FORMS, start=1):
        ViolenceForm.objects.get_or_create(code=code, defaults={"name": name, "position": position})


def unseed(apps, schema_editor):
    ViolenceForm = apps.get_model("casework", "ViolenceForm")
    ViolenceForm.objects.filter(code__in=[code for code, _ in VIOLENCE_FORMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_person_followup_intervention_assessment_orientation")]

    operations = [migrations.RunPython(seed, unseed)]
