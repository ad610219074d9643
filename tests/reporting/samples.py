"""Bilans built by hand for the output tests: no database, figures chosen to be easy to spot.

``sample_bilan()`` holds exact figures; ``sample_bilan(masked=True)`` the same bilan as a funder sees
it (threshold 11): small counts of persons are "< 11", a neighbour is "secret", their percentages are
gone. The exact figures hidden by masking are chosen so that they appear nowhere else (3, 8, 6).
"""

import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace

from pypdf import PdfReader

from conventions.enums import FunderKind
from conventions.models import Convention
from conventions.summaries import Cell as SummaryCell
from conventions.summaries import ConventionSummary, DepartmentSummary, FunderRow, KindShare, YearTotal
from organisation.models import Department
from reporting.bilan import (
    SECONDARY_MASK,
    Bilan,
    BilanScope,
    Cell,
    FigureUnit,
    Indicator,
    Period,
    ScopeKind,
    primary_mask_label,
)

THRESHOLD = 11
MASK = primary_mask_label(THRESHOLD)  # "< 11"
SCOPE = BilanScope(kind=ScopeKind.DEPARTMENT, key="80", label="Somme (80)")
PERIOD = Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
UNIT_LABEL = "Commissariat d'Amiens <Nord> & Sud"  # to check escaping
FUNDER_LABEL = "Commune d'Amiens"
PERSONS_LABEL = "des 98 personnes rencontrées"


def _indicators(*, masked: bool) -> list[Indicator]:
    def small(value, percent=None, *, secret: bool = False):
        """A cell value and its percentage as the masking leaves them."""
        if not masked:
            return value, percent
        return (SECONDARY_MASK if secret else MASK), None

    unknown_sex, unknown_sex_percent = small(8, 8.2)
    male, male_percent = small(30, 30.6, secret=True)
    oldest, oldest_percent = small(3, 3.1)
    age_60, age_60_percent = small(19, 19.4, secret=True)
    transmissions = MASK if masked else 6
    return [
        Indicator(
            id="A1",
            label="Saisines reçues",
            unit=FigureUnit.REFERRALS,
            total=156,
            breakdown=(
                Cell("3f1c2b9e-0000-4000-8000-000000000001", UNIT_LABEL, 101, 64.7),
                Cell("3f1c2b9e-0000-4000-8000-000000000002", "Brigade de gendarmerie de Doullens", 55, 35.3),
            ),
            denominator_label="des 156 saisines",
        ),
        Indicator(
            id="A2",
            label="Saisines par canal",
            unit=FigureUnit.REFERRALS,
            total=156,
            breakdown=(
                Cell("complaint", "Plainte", 61, 39.1),
                Cell("handrail", "Main courante", 47, 30.1),
                Cell("iscg_detection", "Repérage par l'ISCG", 30, 19.2),
                Cell("spontaneous", "Venue ou appel spontané", 18, 11.5),
            ),
            denominator_label="des 156 saisines",
        ),
        Indicator(
            id="A4",
            label="Délai médian de la saisine au premier rendez-vous",
            unit=FigureUnit.DAYS,
            total=4,
            details=(("waiting", "Saisines en attente à la fin de la période", 12, FigureUnit.REFERRALS),),
        ),
        Indicator(id="B1", label="Personnes rencontrées", unit=FigureUnit.PERSONS, total=98),
        Indicator(id="B2", label="Nouvelles personnes", unit=FigureUnit.PERSONS, total=71),
        Indicator(
            id="B3",
            label="Personnes rencontrées par sexe",
            unit=FigureUnit.PERSONS,
            total=98,
            breakdown=(
                Cell("f", "Femme", 60, 61.2),
                Cell("m", "Homme", male, male_percent),
                Cell("other", "Autre", 0, 0.0),
                Cell("unknown", "Sexe non renseigné", unknown_sex, unknown_sex_percent),
            ),
            denominator_label=PERSONS_LABEL,
        ),
        Indicator(
            id="B4",
            label="Personnes rencontrées par âge",
            unit=FigureUnit.PERSONS,
            total=98,
            breakdown=(
                Cell("18_25", "18 à 25 ans", 14, 14.3),
                Cell("26_40", "26 à 40 ans", 35, 35.7),
                Cell("41_60", "41 à 60 ans", 27, 27.6),
                Cell("61_74", "61 à 74 ans", age_60, age_60_percent),
                Cell("75_plus", "75 ans et plus", oldest, oldest_percent),
            ),
            denominator_label=PERSONS_LABEL,
        ),
        Indicator(
            id="B6",
            label="Personnes rencontrées par problématique",
            unit=FigureUnit.PERSONS,
            total=98,
            breakdown=(
                Cell("conjugal_violence", "Violences conjugales", 70, 71.4),
                Cell("mental_health", "Santé mentale, détresse psychologique", 25, 25.5),
                Cell("housing", "Logement, mise à l'abri", 18, 18.4),
                Cell("minor", "Mineur en danger ou concerné", 12, 12.2),
            ),
            denominator_label=PERSONS_LABEL,
            is_multi_valued=True,
        ),
        Indicator(
            id="B7",
            label="Connues des services sociaux au premier contact",
            unit=FigureUnit.PERSONS,
            total=98,
            breakdown=(
                Cell("yes", "Oui", 50, 51.0),
                Cell("no", "Non", 24, 24.5),
                Cell("unknown", "Ne sait pas", 24, 24.5),
            ),
            denominator_label=PERSONS_LABEL,
        ),
        Indicator(
            id="B9",
            label="Personnes rencontrées par lieu",
            unit=FigureUnit.PERSONS,
            total=98,
            breakdown=(
                Cell("police_station", "Commissariat", 80, 81.6),
                Cell("town_hall", "Mairie ou CCAS", 31, 31.6),
                Cell("home", "Domicile", 0, 0.0),
            ),
            denominator_label=PERSONS_LABEL,
            is_multi_valued=True,
        ),
        Indicator(
            id="C2",
            label="Rendez-vous réalisés et non honorés",
            unit=FigureUnit.INTERVENTIONS,
            total=450,
            breakdown=(Cell("done", "Réalisés", 412, 91.6), Cell("no_show", "Non honorés", 38, 8.4)),
            denominator_label="des 450 rendez-vous prévus",
        ),
        Indicator(
            id="C4",
            label="Interventions par personne",
            unit=FigureUnit.RATIO,
            total=4.2,
            details=(("median", "Médiane", 3, FigureUnit.RATIO),),
        ),
        Indicator(id="D2", label="Personnes en danger caractérisé", unit=FigureUnit.PERSONS, total=14),
        Indicator(id="E3", label="Personnes orientées", unit=FigureUnit.PERSONS, total=45),
        Indicator(
            id="E4",
            label="Transmissions de protection de l'enfance",
            unit=FigureUnit.TRANSMISSIONS,
            total=transmissions,
        ),
        Indicator(
            id="F2",
            label="Durée des suivis clôturés",
            unit=FigureUnit.DAYS,
            total=96,
            details=(
                ("mean_days", "Moyenne", 120.5, FigureUnit.DAYS),
                ("median_months", "Médiane en mois", 3.2, FigureUnit.RATIO),
            ),
        ),
        Indicator(id="F3", label="Suivis ouverts à la fin de la période", unit=FigureUnit.FOLLOWUPS, total=58),
        Indicator(
            id="I1",
            label="Cofinancement engagé par financeur",
            unit=FigureUnit.CENTS,
            total=9_000_000,
            breakdown=(
                Cell("1", "Préfecture de la Somme", 4_500_000, 50.0),
                Cell("2", "Conseil départemental de la Somme", 3_000_000, 33.3),
                Cell("3", FUNDER_LABEL, 1_500_050, 16.7),
            ),
            denominator_label="du coût total",
        ),
        Indicator(id="I3", label="Coût total", unit=FigureUnit.CENTS, total=9_250_075),
    ]


def sample_bilan(*, masked: bool = False, with_previous: bool = False) -> Bilan:
    previous = None
    if with_previous:
        previous = Bilan(
            scope=SCOPE,
            period=PERIOD.previous(),
            indicators={
                "A1": Indicator(id="A1", label="Saisines reçues", unit=FigureUnit.REFERRALS, total=140),
                "B1": Indicator(id="B1", label="Personnes rencontrées", unit=FigureUnit.PERSONS, total=85),
                "B2": Indicator(id="B2", label="Nouvelles personnes", unit=FigureUnit.PERSONS, total=60),
                "E3": Indicator(id="E3", label="Personnes orientées", unit=FigureUnit.PERSONS, total=45),
            },
            masking_threshold=THRESHOLD if masked else None,
        )
    return Bilan(
        scope=SCOPE,
        period=PERIOD,
        indicators={indicator.id: indicator for indicator in _indicators(masked=masked)},
        masking_threshold=THRESHOLD if masked else None,
        generated_at=datetime.datetime(2025, 1, 15, 9, 30, tzinfo=datetime.UTC),
        previous=previous,
        warnings=("Année 2024 : 2 500,75 € ne sont pas financés.",),
    )


def bilan_of(*indicators: Indicator, masked: bool = False) -> Bilan:
    """A bilan holding only the given indicators (edge cases: zeros, missing indicators)."""
    return Bilan(
        scope=SCOPE,
        period=PERIOD,
        indicators={indicator.id: indicator for indicator in indicators},
        masking_threshold=THRESHOLD if masked else None,
    )


# ---- Cofinancing summaries (plain dataclasses of conventions.summaries) -------------------------


def sample_convention_summary() -> ConventionSummary:
    """Two years, two funders; 2025 is exactly funded, 2026 leaves 1 234,56 € unfunded."""
    state = FunderRow(
        funder_id=1,
        name="Préfecture de la Somme",
        kind=FunderKind.STATE,
        cells=[
            SummaryCell(year=2025, committed_cents=4_000_000, called_cents=4_000_000, paid_cents=3_000_000),
            SummaryCell(year=2026, committed_cents=2_500_000, called_cents=0, paid_cents=0),
        ],
    )
    commune = FunderRow(
        funder_id=2,
        name=FUNDER_LABEL,
        kind=FunderKind.COMMUNE,
        cells=[
            SummaryCell(year=2025, committed_cents=1_000_000, called_cents=500_000, paid_cents=500_000),
            SummaryCell(year=2026, committed_cents=2_376_544, called_cents=0, paid_cents=0),
        ],
    )
    for row in (state, commune):
        row.total = SummaryCell(
            committed_cents=sum(cell.committed_cents for cell in row.cells),
            called_cents=sum(cell.called_cents for cell in row.cells),
            paid_cents=sum(cell.paid_cents for cell in row.cells),
        )
    year_totals = [
        YearTotal(
            2025,
            cost_cents=5_000_000,
            committed_cents=5_000_000,
            called_cents=4_500_000,
            paid_cents=3_500_000,
            has_rules=True,
        ),
        YearTotal(2026, cost_cents=6_000_000, committed_cents=4_876_544, called_cents=0, paid_cents=0, has_rules=True),
    ]
    total = YearTotal(
        year=0,
        cost_cents=11_000_000,
        committed_cents=9_876_544,
        called_cents=4_500_000,
        paid_cents=3_500_000,
    )
    return ConventionSummary(years=[2025, 2026], funders=[commune, state], year_totals=year_totals, total=total)


def sample_convention() -> Convention:
    """An unsaved convention row: the exports read its fields only."""
    return Convention(
        title="Convention ISCG Amiens <2025-2026>",
        employer="Association Le Relais",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )


def sample_department_summary() -> DepartmentSummary:
    """Somme 2025: two posts, 1,5 FTE, cost 110 000 €, 100 000 € committed (10 000 € unfunded)."""
    posts = [
        SimpleNamespace(
            name="ISCG Amiens",
            fte=Decimal("1.00"),
            employer="Association Le Relais",
            convention_count=1,
            year_cost=7_000_000,
        ),
        SimpleNamespace(
            name="ISCG Abbeville",
            fte=Decimal("0.50"),
            employer="CCAS d'Abbeville",
            convention_count=2,
            year_cost=4_000_000,
        ),
    ]
    return DepartmentSummary(
        department=Department(code="80", name="Somme"),
        year=2025,
        posts=posts,
        post_count=2,
        total_fte=Decimal("1.50"),
        total_cost_cents=11_000_000,
        committed_cents=10_000_000,
        paid_cents=6_000_000,
        kind_shares=[
            KindShare(kind=FunderKind.STATE, committed_cents=6_000_000, paid_cents=4_000_000, share=54.5454),
            KindShare(kind=FunderKind.COMMUNE, committed_cents=4_000_000, paid_cents=2_000_000, share=36.3636),
        ],
        ending_soon=[SimpleNamespace(title="Convention ISCG Abbeville", ends_on=datetime.date(2025, 6, 30))],
        ending_before=datetime.date(2025, 9, 1),
    )


# ---- PDF text -----------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Spaces of any kind (no-break ones of French formatting, line ends of the PDF) as single spaces."""
    text = re.sub(r"-\n", "-", text)  # a line broken after the hyphen of "rendez-vous"
    return re.sub(r"[\s\xa0\u202f]+", " ", text).strip()


def pdf_pages(content: bytes) -> list[str]:
    assert content.startswith(b"%PDF")
    return [normalize(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    return " ".join(pdf_pages(content))
