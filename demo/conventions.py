"""Demo conventions and cofinancing (docs/domain.md §8), built through the services, dated from today so
that the last complete civil year and the current one have commitments, payments and steering
committees. Idempotent: a convention that already exists (same department and title) keeps its rules
and payments; only the committees held since are added. All names are fictional.

Among them: a framework convention where the Département pays 50 % of what remains after the State
for the communes (Somme); a triennial convention with a degressive State share 80/50/30 % and its
amendment (Loire); a half-time post shared between commissariats and a gendarmerie brigade
(Alpes-Maritimes); the secondment of a Département social worker to a gendarmerie group
(Saône-et-Loire); a post cofinanced by the State, a commune and the CAF (Val-de-Marne). The
Saône-et-Loire framework convention and its local conventions are in demo/frameworks.py.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from conventions import services
from conventions.enums import ConventionKind, FunderKind, PaymentKind
from conventions.enums import FundingRuleKind as Rule
from conventions.models import Convention, Funder
from demo.activity import last_complete_year

# Yearly cost basis of one FTE, in cents: gross salary, employer charges, running costs.
COST = services.CostData(salary_cents=32_400_00, charges_cents=14_600_00, running_costs_cents=4_000_00)

# code: funders [(key, name, kind)]
FUNDERS = {
    "80": [
        ("state", "Préfecture de la Somme (FIPD)", FunderKind.STATE),
        ("departement", "Conseil départemental de la Somme", FunderKind.DEPARTMENT),
        ("amiens", "Ville d'Amiens", FunderKind.COMMUNE),
        ("abbeville", "Ville d'Abbeville", FunderKind.COMMUNE),
    ],
    "42": [
        ("state", "Préfecture de la Loire (FIPD)", FunderKind.STATE),
        ("departement", "Conseil départemental de la Loire", FunderKind.DEPARTMENT),
        ("metropole", "Saint-Étienne Métropole", FunderKind.EPCI),
    ],
    "06": [
        ("state", "Préfecture des Alpes-Maritimes (FIPD)", FunderKind.STATE),
        ("departement", "Conseil départemental des Alpes-Maritimes", FunderKind.DEPARTMENT),
        ("nice", "Ville de Nice", FunderKind.COMMUNE),
        ("region", "Région Provence-Alpes-Côte d'Azur", FunderKind.REGION),
    ],
    "71": [
        ("state", "Préfecture de Saône-et-Loire (FIPD)", FunderKind.STATE),
        ("departement", "Conseil départemental de Saône-et-Loire", FunderKind.DEPARTMENT),
        ("chalon", "Ville de Chalon-sur-Saône", FunderKind.COMMUNE),
    ],
    "94": [
        ("state", "Préfecture du Val-de-Marne (FIPD)", FunderKind.STATE),
        ("vitry", "Ville de Vitry-sur-Seine", FunderKind.COMMUNE),
        ("caf", "CAF du Val-de-Marne", FunderKind.CAF),
        ("departement", "Conseil départemental du Val-de-Marne", FunderKind.DEPARTMENT),
    ],
}


def _rule(funder, kind, *, rank=0, percent=None, amount_cents=None, cap_cents=None):
    percent = Decimal(percent) if percent is not None else None
    return services.RuleData(
        funder=funder, kind=kind, rank=rank, percent=percent, amount_cents=amount_cents, cap_cents=cap_cents
    )


# Each convention: (title, kind, employer, starts_on, ends_on, signed_on, [(post index, FTE share)],
#                   parties [(funder key or name, signatory, position)], rules(funders, nth year) -> [RuleData]).
# Dates are (years after the last complete civil year, month, day): with today in 2026, (0, 1, 1) is
# 1 January 2025. The title's {first} and {last} are the first and last years of the convention.
CONVENTIONS = {
    "80": [
        (
            "Convention cadre ISCG Somme {first}-{last}",
            ConventionKind.FRAMEWORK,
            "Conseil départemental de la Somme",
            (0, 1, 1),
            (2, 12, 31),
            (-1, 12, 12),
            [(0, "1.00"), (1, "0.80")],
            [
                ("state", "Mme la préfète de la Somme", "Préfète"),
                ("departement", "M. le président du conseil départemental", "Président"),
                ("amiens", "Mme la maire d'Amiens", "Maire"),
                ("abbeville", "M. le maire d'Abbeville", "Maire"),
                ("Groupement de gendarmerie départementale de la Somme", "Colonel Renard", "Commandant"),
                ("Direction interdépartementale de la police nationale", "M. Lemaire", "Directeur"),
            ],
            # The State pays 30 % of the cost; of what remains, the Département pays 50 % and the
            # communes the rest (Amiens 25 %, Abbeville the balance).
            lambda f, nth: [
                _rule(f["state"], Rule.PERCENT_OF_COST, percent="30"),
                _rule(f["departement"], Rule.PERCENT_OF_REMAINDER, rank=1, percent="50"),
                _rule(f["amiens"], Rule.PERCENT_OF_REMAINDER, rank=1, percent="25"),
                _rule(f["abbeville"], Rule.BALANCE, rank=2),
            ],
        ),
    ],
    "42": [
        (
            "Convention triennale ISCG Saint-Étienne {first}-{last}",
            ConventionKind.FUNDING,
            "Association Loire Aide aux victimes",
            (0, 1, 1),
            (2, 12, 31),
            (-1, 11, 28),
            [(0, "1.00")],
            [
                ("state", "M. le préfet de la Loire", "Préfet"),
                ("departement", "M. le président du conseil départemental", "Président"),
                ("metropole", "M. le président de Saint-Étienne Métropole", "Président"),
                ("Association Loire Aide aux victimes", "Mme Vidal", "Directrice"),
            ],
            # A degressive State share: 80 %, 50 %, 30 %; the Métropole adds 5 000 €; the Département
            # takes the balance.
            lambda f, nth: [
                _rule(f["state"], Rule.PERCENT_OF_COST, percent=("80", "50", "30")[nth]),
                _rule(f["metropole"], Rule.FIXED, amount_cents=5_000_00),
                _rule(f["departement"], Rule.BALANCE, rank=1),
            ],
        ),
    ],
    "06": [
        (
            "Convention de financement ISCG Ouest Alpes-Maritimes (mi-temps commissariats et gendarmerie)",
            ConventionKind.FUNDING,
            "Association Azur Victimes",
            (-1, 4, 1),
            (2, 3, 31),
            (-1, 3, 15),
            [(1, "0.50")],
            [
                ("state", "M. le préfet des Alpes-Maritimes", "Préfet"),
                ("region", "M. le président du conseil régional", "Président"),
                ("departement", "M. le président du conseil départemental", "Président"),
                ("Association Azur Victimes", "M. Castellan", "Président"),
            ],
            # Half-time post covering Cannes and Antibes police stations and the Puget-Théniers brigade.
            lambda f, nth: [
                _rule(f["state"], Rule.PERCENT_OF_COST, percent="50", cap_cents=14_000_00),
                _rule(f["region"], Rule.FIXED, amount_cents=3_000_00),
                _rule(f["departement"], Rule.BALANCE, rank=1),
            ],
        ),
        (
            "Convention de financement ISCG Nice Côte d'Azur {first}-{last}",
            ConventionKind.FUNDING,
            "Ville de Nice",
            (0, 1, 1),
            (1, 12, 31),
            (-1, 12, 20),
            [(0, "1.00")],
            [
                ("state", "M. le préfet des Alpes-Maritimes", "Préfet"),
                ("nice", "M. le maire de Nice", "Maire"),
            ],
            # No balance funder: the unfunded part is shown as a warning.
            lambda f, nth: [
                _rule(f["state"], Rule.PERCENT_OF_COST, percent="40"),
                _rule(f["nice"], Rule.FIXED, amount_cents=25_000_00),
            ],
        ),
    ],
    "71": [
        (
            "Convention de mise à disposition d'une travailleuse sociale du Département au groupement de gendarmerie",
            ConventionKind.SECONDMENT,
            "Conseil départemental de Saône-et-Loire",
            (0, 9, 1),
            (3, 8, 31),
            (0, 7, 4),
            [(1, "1.00")],
            [
                ("departement", "M. le président du conseil départemental", "Président"),
                ("Groupement de gendarmerie départementale de Saône-et-Loire", "Colonel Mathieu", "Commandant"),
                ("state", "M. le préfet de Saône-et-Loire", "Préfet"),
            ],
            # The Département keeps paying its agent; the State reimburses a fixed part.
            lambda f, nth: [
                _rule(f["state"], Rule.FIXED, amount_cents=8_000_00),
                _rule(f["departement"], Rule.BALANCE, rank=1),
            ],
        ),
        (
            "Convention de financement ISCG Chalon-Mâcon {first}-{last}",
            ConventionKind.FUNDING,
            "Conseil départemental de Saône-et-Loire",
            (-1, 1, 1),
            (1, 12, 31),
            (-2, 12, 18),
            [(0, "1.00")],
            [
                ("state", "M. le préfet de Saône-et-Loire", "Préfet"),
                ("departement", "M. le président du conseil départemental", "Président"),
                ("chalon", "M. le maire de Chalon-sur-Saône", "Maire"),
            ],
            lambda f, nth: [
                _rule(f["state"], Rule.PERCENT_OF_COST, percent="40"),
                _rule(f["chalon"], Rule.PERCENT_OF_REMAINDER, rank=1, percent="30"),
                _rule(f["departement"], Rule.BALANCE, rank=2),
            ],
        ),
    ],
    "94": [
        (
            "Convention ISCG Vitry-Villejuif — État, Ville et CAF",
            ConventionKind.FUNDING,
            "Ville de Vitry-sur-Seine",
            (0, 1, 1),
            (2, 12, 31),
            (0, 2, 3),
            [(1, "1.00")],
            [
                ("state", "Mme la préfète du Val-de-Marne", "Préfète"),
                ("vitry", "M. le maire de Vitry-sur-Seine", "Maire"),
                ("caf", "Mme la directrice de la CAF du Val-de-Marne", "Directrice"),
            ],
            # A post cofinanced by the State, the commune and the CAF.
            lambda f, nth: [
                _rule(f["state"], Rule.PERCENT_OF_COST, percent="40"),
                _rule(f["caf"], Rule.FIXED, amount_cents=12_000_00, cap_cents=12_000_00),
                _rule(f["vitry"], Rule.BALANCE, rank=1),
            ],
        ),
        (
            "Convention ISCG Créteil-Champigny {first}-{last}",
            ConventionKind.FUNDING,
            "Association Val-de-Marne Médiation",
            (-1, 1, 1),
            (1, 12, 31),
            (-2, 12, 1),
            [(0, "1.00")],
            [
                ("state", "Mme la préfète du Val-de-Marne", "Préfète"),
                ("departement", "M. le président du conseil départemental", "Président"),
            ],
            lambda f, nth: [
                _rule(f["state"], Rule.PERCENT_OF_COST, percent="50"),
                _rule(f["departement"], Rule.BALANCE, rank=1),
            ],
        ),
    ],
}


def _funders(department, code) -> dict[str, Funder]:
    return {
        key: Funder.objects.get_or_create(department=department, name=name, defaults={"kind": kind})[0]
        for key, name, kind in FUNDERS[code]
    }


def _date(base_year: int, when: tuple[int, int, int]) -> datetime.date:
    offset, month, day = when
    return datetime.date(base_year + offset, month, day)


def _seed_convention(spec, department, posts, funders, coordinator, today) -> Convention | None:
    pattern, kind, employer, starts, ends, signed, shares, parties, rules_for = spec
    base_year = last_complete_year(today)
    starts_on, ends_on, signed_on = (_date(base_year, when) for when in (starts, ends, signed))
    title = pattern.format(first=starts_on.year, last=ends_on.year)
    existing = Convention.objects.filter(department=department, title=title).first()
    if existing is not None:
        _seed_committees(existing, today)
        return None
    convention = services.convention_create(
        data=services.ConventionData(
            title=title,
            kind=kind,
            department=department,
            employer=employer,
            starts_on=starts_on,
            ends_on=ends_on,
            signed_on=signed_on,
        ),
        parties=[
            services.PartyData(
                funder=funders.get(party),
                name="" if party in funders else party,
                signatory_name=signatory,
                signatory_role=role,
                signed_on=signed_on,
            )
            for party, signatory, role in parties
        ],
        posts=[services.PostShareData(post=posts[index], fte_share=Decimal(share)) for index, share in shares],
    )
    convention_posts = list(convention.convention_posts.all())
    for nth, year in enumerate(convention.years):
        services.funding_rules_set_for_year(
            convention=convention,
            year=year,
            expected_version=convention.version,
            rules=rules_for(funders, nth),
            costs={cp.pk: COST for cp in convention_posts},
        )
        convention.refresh_from_db()
    _seed_payments(convention, coordinator, today)
    _seed_committees(convention, today)
    return convention


def _seed_payments(convention, coordinator, today) -> None:
    """Past years: called and paid in full. This year: called, half paid (the rest is still due).
    Nothing is dated after today."""
    this_year = today.year
    for rule in convention.funding_rules.select_related("funder").filter(year__lte=this_year):
        if not rule.committed_cents:
            continue
        record = {"convention": convention, "funder": rule.funder, "year": rule.year, "by": coordinator}
        paid = rule.committed_cents if rule.year < this_year else rule.committed_cents // 2
        for kind, amount_cents, month, day, prefix in (
            (PaymentKind.CALL_FOR_FUNDS, rule.committed_cents, 3, 1, "AF"),
            (PaymentKind.PAYMENT, paid, 6, 30, "VIR"),
        ):
            dated_on = max(datetime.date(rule.year, month, day), convention.starts_on)
            if dated_on <= today:
                services.payment_record(
                    **record,
                    kind=kind,
                    amount_cents=amount_cents,
                    dated_on=dated_on,
                    reference=f"{prefix}-{rule.year}-{rule.pk:04d}",
                )


# Steering committees of every convention year, once held: (month, day, minutes).
COMMITTEES = (
    (3, 12, "Présentation et validation du bilan annuel {previous}. Perspectives de l'année {year}."),
    (10, 8, "Point d'étape : activité du premier semestre {year}, préparation du budget {next}."),
)


def _seed_committees(convention: Convention, today: datetime.date) -> None:
    """A COPIL in March presents the bilan of the past year (from the second year of the convention on),
    another in October reviews the first half-year. Idempotent: one committee per convention and date."""
    attendees = "\n".join(
        party.funder.name if party.funder_id else party.name
        for party in convention.parties.select_related("funder").order_by("position")
    )
    held = set(convention.committees.values_list("held_on", flat=True))
    for year in convention.years:
        for month, day, minutes in COMMITTEES:
            held_on = datetime.date(year, month, day)
            is_annual = month == COMMITTEES[0][0]
            if is_annual and year - 1 < convention.starts_on.year:
                continue  # no past year to present yet
            if held_on in held or held_on >= today or not convention.starts_on <= held_on <= convention.ends_on:
                continue
            services.committee_create(
                convention=convention,
                held_on=held_on,
                attendees=attendees,
                minutes=minutes.format(previous=year - 1, year=year, next=year + 1),
            )


def _seed_amendment(department, parent, coordinator, today) -> None:
    title = "Avenant n° 1 — revalorisation des frais de fonctionnement"
    if parent is None or Convention.objects.filter(department=department, title=title).exists():
        return
    second_year = parent.starts_on.year + 1
    services.convention_create(
        data=services.ConventionData(
            title=title,
            kind=ConventionKind.AMENDMENT,
            parent=parent,
            department=department,
            employer=parent.employer,
            starts_on=datetime.date(second_year, 1, 1),
            ends_on=parent.ends_on,
            signed_on=datetime.date(second_year - 1, 12, 10),
            notes=f"Les frais de fonctionnement passent de 4 000 € à 4 500 € par an à compter de {second_year}.",
        ),
        parties=[services.PartyData(name="Signataires de la convention initiale")],
    )


def seed_conventions(territory: dict) -> int:
    """Funders, conventions, rules, payments and steering committees of every demo department.
    Returns how many conventions were created."""
    today = timezone.localdate()
    created = 0
    for code, specs in CONVENTIONS.items():
        if code not in territory:
            continue
        department = territory[code]["department"]
        posts = territory[code]["posts"]
        coordinator = territory[code]["users"].get("coordinator")
        funders = _funders(department, code)
        for spec in specs:
            convention = _seed_convention(spec, department, posts, funders, coordinator, today)
            created += convention is not None
            if code == "42":
                _seed_amendment(department, convention, coordinator, today)
    return created
