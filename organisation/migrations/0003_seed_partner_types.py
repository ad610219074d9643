"""Seed the partner types of docs/domain.md §6 (administrators may edit them afterwards)."""

from django.db import migrations

PARTNER_TYPES = [
    ("service_social_departemental", "Service social départemental"),
    ("ccas", "CCAS"),
    ("pmi", "PMI"),
    ("ase_crip", "Aide sociale à l'enfance / CRIP"),
    ("aide_aux_victimes", "Association d'aide aux victimes (France Victimes…)"),
    ("cidff", "CIDFF"),
    ("violences_conjugales", "Association spécialisée violences conjugales"),
    ("hebergement_urgence", "Hébergement d'urgence / 115 / SIAO"),
    ("bailleur_social", "Bailleur social"),
    ("sante", "Santé (médecin, hôpital, UMJ)"),
    ("sante_mentale", "Santé mentale (CMP, psychologue)"),
    ("addictologie", "Addictologie (CSAPA)"),
    ("acces_au_droit", "Accès au droit (avocat, point-justice, MJD)"),
    ("justice", "Justice (parquet, JAF)"),
    ("caf", "CAF"),
    ("france_travail", "France Travail"),
    ("education_nationale", "Éducation nationale"),
    ("mairie", "Mairie"),
    ("autre", "Autre"),
]


def seed(apps, schema_editor):
    PartnerType = apps.get_model("organisation", "PartnerType")
    for position, (code, name) in enumerate(PARTNER_TYPES, start=1):
        PartnerType.objects.get_or_create(code=code, defaults={"name": name, "position": position})


def unseed(apps, schema_editor):
    PartnerType = apps.get_model("organisation", "PartnerType")
    PartnerType.objects.filter(code__in=[code for code, _ in PARTNER_TYPES], partners__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("organisation", "0002_load_departments")]

    operations = [migrations.RunPython(seed, unseed)]
