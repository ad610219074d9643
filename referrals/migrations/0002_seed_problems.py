"""Seed the situation categories of docs/domain.md §6 (administrators may edit them afterwards)."""

from django.db import migrations

PROBLEMS = [
    ("violences_conjugales", "Violences conjugales"),
    ("violences_intrafamiliales", "Autres violences intrafamiliales"),
    ("violences_sexuelles", "Violences sexuelles"),
    ("mineur", "Mineur en danger ou concerné"),
    ("adulte_vulnerable", "Adulte vulnérable / personne âgée"),
    ("sante_mentale", "Santé mentale, détresse psychologique"),
    ("addictions", "Addictions"),
    ("logement", "Logement, mise à l'abri"),
    ("precarite", "Précarité, accès aux droits"),
    ("voisinage", "Conflit de voisinage"),
    ("fugue", "Fugue, disparition"),
    ("radicalisation", "Radicalisation (suspicion)"),
    ("autre", "Autre"),
]


def seed(apps, schema_editor):
    Problem = apps.get_model("referrals", "Problem")
    for position, (code, name) in enumerate(PROBLEMS, start=1):
        Problem.objects.get_or_create(code=code, defaults={"name": name, "position": position})


def unseed(apps, schema_editor):
    Problem = apps.get_model("referrals", "Problem")
    Problem.objects.filter(code__in=[code for code, _ in PROBLEMS], referrals__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_referral_and_danger_grid")]

    operations = [migrations.RunPython(seed, unseed)]
