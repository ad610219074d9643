"""Demo of the arrangements departments sign (Saône-et-Loire): a framework convention between the State,
the Département and the communes planning 6 FTE, three local conventions creating 0.5 + 0.5, 1 + 0.5 and
1 FTE share by share (3.5 created of 6 planned), a post shared between a commissariat and the gendarmerie
zone, and a post covering every unit of a gendarmerie company. Idempotent. All names are fictional.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from conventions import services
from conventions.enums import ConventionKind
from conventions.models import Convention
from demo.activity import last_complete_year
from organisation import posts as post_arrangements
from organisation.enums import CoverageRule, SplitForce
from organisation.models import Unit

CODE = "71"
EMPLOYER = "Conseil départemental de Saône-et-Loire"
FRAMEWORK_TITLE = "Convention cadre départementale ISCG Saône-et-Loire {first}-{last}"
PLANNED_FTE = Decimal("6")
PLANNED_BY_YEAR = (Decimal("2"), Decimal("4"), Decimal("5"), Decimal("6"))  # years 1 to 4

# (title, starts (years after the last complete year, month, day), ends, [(post index, FTE share)]). The two
# posts of the department (Chalon-Mâcon, Bresse-Morvan) are created post by post, share by share.
LOCAL_CONVENTIONS = (
    ("Convention locale ISCG Grand Chalon", (0, 1, 1), (2, 12, 31), [(0, "0.50"), (1, "0.50")]),
    ("Convention locale ISCG Mâconnais-Charolais", (1, 1, 1), (3, 12, 31), [(0, "1.00"), (1, "0.50")]),
    ("Convention locale ISCG Bresse louhannaise", (1, 7, 1), (3, 12, 31), [(1, "1.00")]),
)


def _date(base_year, when):
    offset, month, day = when
    return datetime.date(base_year + offset, month, day)


def _arrange_posts(posts, units_by_name) -> None:
    """The Chalon-Mâcon post is shared: half in the commissariat of Chalon, half in the gendarmerie zone.
    The Bresse-Morvan post covers every unit of the Charolles company, brigades created later included."""
    shared, gendarmerie = posts[0], posts[1]
    chalon = units_by_name["Commissariat de Chalon-sur-Saône"]
    if not shared.splits.exists():
        post_arrangements.post_arrangement_set(
            post=shared,
            coverage_rule=shared.coverage_rule,
            coverage_group=shared.coverage_group,
            shares=[
                post_arrangements.ShareData(fte=Decimal("0.5"), unit=chalon),
                post_arrangements.ShareData(fte=Decimal("0.5"), zone=SplitForce.GENDARMERIE),
            ],
        )
    if gendarmerie.coverage_rule == CoverageRule.LISTED:
        post_arrangements.post_arrangement_set(
            post=gendarmerie,
            coverage_rule=CoverageRule.GROUP,
            coverage_group=units_by_name["Compagnie de gendarmerie de Charolles"],
            shares=[],
        )


def seed_frameworks(territory: dict) -> int:
    """The Saône-et-Loire framework convention and its local conventions. Returns how many were created."""
    if CODE not in territory:
        return 0
    department = territory[CODE]["department"]
    units_by_name = {unit.name: unit for unit in Unit.objects.filter(department=department)}
    base_year = last_complete_year(timezone.localdate())
    starts_on, ends_on = datetime.date(base_year, 1, 1), datetime.date(base_year + 3, 12, 31)
    title = FRAMEWORK_TITLE.format(first=starts_on.year, last=ends_on.year)
    created = 0
    framework = Convention.objects.filter(department=department, title=title).first()
    if framework is None:
        framework = services.convention_create(
            data=services.ConventionData(
                title=title,
                kind=ConventionKind.FRAMEWORK,
                department=department,
                employer=EMPLOYER,
                starts_on=starts_on,
                ends_on=ends_on,
                signed_on=datetime.date(base_year - 1, 12, 5),
                planned_fte=PLANNED_FTE,
                notes="Six ETP prévus sur le département, créés poste par poste par les conventions locales.",
            ),
            parties=[
                services.PartyData(name="Préfecture de Saône-et-Loire", signatory_name="M. le préfet"),
                services.PartyData(name=EMPLOYER, signatory_name="M. le président du conseil départemental"),
                services.PartyData(
                    name="Association des maires de Saône-et-Loire", signatory_name="Mme la présidente"
                ),
            ],
            planned_years=dict(zip(range(starts_on.year, ends_on.year + 1), PLANNED_BY_YEAR, strict=True)),
        )
        created += 1
    posts = territory[CODE]["posts"]
    _arrange_posts(posts, units_by_name)
    for local_title, starts, ends, shares in LOCAL_CONVENTIONS:
        if Convention.objects.filter(department=department, title=local_title).exists():
            continue
        services.convention_create(
            data=services.ConventionData(
                title=local_title,
                kind=ConventionKind.FUNDING,
                department=department,
                employer=EMPLOYER,
                starts_on=_date(base_year, starts),
                ends_on=_date(base_year, ends),
                framework=framework,
            ),
            parties=[services.PartyData(name=EMPLOYER, signatory_name="M. le président du conseil départemental")],
            posts=[services.PostShareData(post=posts[index], fte_share=Decimal(share)) for index, share in shares],
        )
        created += 1
    return created
