"""Seed the "2019" danger grid of docs/domain.md §5: 23 questions in three parts, 5 red ones.

Built from the public description of the grid; administrators may correct it while no grid has
been filled with it, and publish a new version afterwards.
"""

from django.db import migrations

VERSION = "2019"
YES_THRESHOLD = 12
RED_THRESHOLD = 2

# (part, text, is_red)
ITEMS = [
    ("victim", "La victime est-elle blessée ?", False),
    ("victim", "La victime craint-elle de nouvelles violences envers elle, ses enfants ou ses proches ?", False),
    ("victim", "La victime se sent-elle isolée ?", False),
    ("victim", "La victime est-elle enceinte ou a-t-elle un enfant de moins de 2 ans ?", False),
    ("victim", "Des enfants sont-ils victimes ou témoins des violences ?", False),
    ("victim", "La victime est-elle empêchée de sortir, de travailler ou de voir ses proches ?", False),
    ("victim", "La victime a-t-elle eu besoin de soins médicaux après des violences ?", False),
    ("author", "L'auteur consomme-t-il de l'alcool ou des stupéfiants ?", False),
    ("author", "L'auteur a-t-il des antécédents psychiatriques ?", False),
    ("author", "L'auteur est-il connu pour des violences envers d'autres personnes ?", False),
    ("author", "L'auteur est-il connu de la justice ?", False),
    ("author", "L'auteur détient-il des armes à feu, déclarées ou non ?", True),
    ("author", "L'auteur a-t-il menacé de se suicider ?", False),
    ("author", "L'auteur a-t-il proféré des menaces de mort contre la victime ou les enfants ?", True),
    ("author", "L'auteur a-t-il tenté d'étrangler la victime ?", True),
    ("author", "L'auteur surveille-t-il ou harcèle-t-il la victime (téléphone, réseaux sociaux) ?", False),
    ("context", "Le couple est-il séparé, ou l'auteur a-t-il connaissance d'un projet de séparation ?", True),
    ("context", "Les violences sont-elles plus fréquentes ces derniers temps ?", True),
    ("context", "Les violences sont-elles plus graves ces derniers temps ?", False),
    ("context", "Les forces de l'ordre sont-elles déjà intervenues au domicile ?", False),
    ("context", "L'auteur utilise-t-il les enfants comme moyen de pression ?", False),
    ("context", "Depuis la séparation, l'auteur cherche-t-il l'adresse de la victime ?", False),
    ("context", "L'auteur a-t-il poussé la victime à se suicider ?", False),
]


def seed(apps, schema_editor):
    GridVersion = apps.get_model("referrals", "GridVersion")
    GridItem = apps.get_model("referrals", "GridItem")
    version, created = GridVersion.objects.get_or_create(
        name=VERSION,
        defaults={"yes_threshold": YES_THRESHOLD, "red_threshold": RED_THRESHOLD, "is_current": True},
    )
    if created:
        GridItem.objects.bulk_create(
            GridItem(version=version, part=part, position=position, text=text, is_red=is_red)
            for position, (part, text, is_red) in enumerate(ITEMS, start=1)
        )


def unseed(apps, schema_editor):
    GridVersion = apps.get_model("referrals", "GridVersion")
    DangerAssessment = apps.get_model("referrals", "DangerAssessment")
    if not DangerAssessment.objects.filter(version__name=VERSION).exists():
        GridVersion.objects.filter(name=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_seed_problems")]

    operations = [migrations.RunPython(seed, unseed)]
