"""The synthetic organisation: units, posts, users (ISCG, officers, coordinators, funders), partners,
then one convention per department with its funding rules (through conventions.services, since
they are few), payments and steering committees.

Every bench user signs in with ``BENCH_PASSWORD``; e-mail addresses follow fixed patterns (see
``iscg_email`` and friends) so that the benchmarks and the load test can find them.
"""

import datetime
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from accounts.enums import Role
from accounts.models import User
from conventions import services as convention_services
from conventions.enums import ConventionKind, FunderKind, FundingRuleKind, PaymentKind
from conventions.models import Convention, Funder, Payment, SteeringCommittee
from demo.activity import PostDescription, UnitDescription, UserDescription
from organisation.enums import UNIT_KIND_FORCE, Force, UnitKind, Zone
from organisation.models import Partner, PartnerType, Post, PostAssignment, Unit

BENCH_PASSWORD = "bench-Mot-de-passe-2025"  # noqa: S105 - synthetic accounts of a local benchmark
EMAIL_DOMAIN = "bench.iscg.test"

DIRECTORY_TYPES = (
    "service_social_departemental",
    "ccas",
    "aide_aux_victimes",
    "cidff",
    "violences_conjugales",
    "hebergement_urgence",
    "sante",
    "acces_au_droit",
)


def iscg_email(seed: int, post_number: int) -> str:
    return f"iscg-{post_number:04d}.s{seed}@{EMAIL_DOMAIN}"


def police_email(seed: int, post_number: int) -> str:
    return f"police-{post_number:04d}.s{seed}@{EMAIL_DOMAIN}"


def coordinator_email(seed: int, code: str) -> str:
    return f"coordination-{code.lower()}.s{seed}@{EMAIL_DOMAIN}"


def funder_email(seed: int, code: str) -> str:
    return f"financeur-{code.lower()}.s{seed}@{EMAIL_DOMAIN}"


def new_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass
class BenchPost:
    number: int  # 1-based, national
    pk: int
    department: object
    fte: Decimal
    name: str
    commune: str
    police_units: list[int]  # unit pks where officers file referrals
    iscg: int  # user pk
    officer: int  # user pk
    partners: dict[str, int] = field(default_factory=dict)  # partner type code → partner pk
    units: list[UnitDescription] = field(default_factory=list)  # every unit of the post, reception included

    def description(self) -> PostDescription:
        """The post as the activity planner (demo.activity) sees it."""
        officer = UserDescription(self.officer)
        return PostDescription(
            post=self.number,
            fte=self.fte,
            units=self.units,
            officers=dict.fromkeys(self.police_units, officer),
            iscg=UserDescription(self.iscg),
        )


class OrganisationWriter:
    """Declares the organisation tables of a Writer and queues one department's rows."""

    def __init__(self, writer, *, seed: int, start: datetime.date):
        self.writer, self.seed, self.start = writer, seed, start
        self.password = make_password(BENCH_PASSWORD)  # hashed once (Argon2 is slow on purpose)
        writer.table(
            User,
            ["password", "email", "first_name", "last_name", "role", "public_id", "session_salt", "date_joined"],
        )
        writer.table(User.departments.through, ["user", "department"])
        writer.table(Unit, ["public_id", "department", "kind", "name", "commune"])
        writer.table(User.units.through, ["user", "unit"])
        writer.table(Post, ["public_id", "department", "name", "fte", "employer", "zone", "starts_on"])
        writer.table(Post.units.through, ["post", "unit"])
        writer.table(PostAssignment, ["post", "user", "starts_on"])
        writer.table(Partner, ["public_id", "department", "partner_type", "name", "commune"])
        self.partner_types = {t.code: t.pk for t in PartnerType.objects.all()}
        self.joined = datetime.datetime(start.year, 1, 1, tzinfo=datetime.UTC)

    def _user(self, rng, email, first, last, role) -> int:
        return self.writer.add(
            User,
            None,
            self.password,
            email,
            first,
            last,
            role,
            new_uuid(rng),
            f"{rng.getrandbits(64):016x}",
            self.joined,
        )

    def department(self, department, post_numbers: list[int], rng: random.Random) -> list[BenchPost]:
        w, code = self.writer, department.code
        for email, role, first in (
            (coordinator_email(self.seed, code), Role.COORDINATOR, "Coordination"),
            (funder_email(self.seed, code), Role.FUNDER, "Financeur"),
        ):
            user = self._user(rng, email, first, f"Banc {code}", role)
            w.add(User.departments.through, None, user, department.pk)
        partners = {}
        for kind in DIRECTORY_TYPES:
            if kind in self.partner_types:
                partners[kind] = w.add(
                    Partner,
                    None,
                    new_uuid(rng),
                    department.pk,
                    self.partner_types[kind],
                    f"Banc {code} — {kind.replace('_', ' ')}",
                    f"Commune {code}",
                )
        posts = []
        for number in post_numbers:
            commune = f"Commune {code}-{number:04d}"
            zone = rng.choices([Zone.POLICE, Zone.GENDARMERIE, Zone.MIXED], [45, 35, 20])[0]
            kinds = {
                Zone.POLICE: [UnitKind.COMMISSARIAT],
                Zone.GENDARMERIE: [UnitKind.BRIGADE, UnitKind.COMPANY],
                Zone.MIXED: [UnitKind.COMMISSARIAT, UnitKind.BRIGADE],
            }[zone]
            units = [
                w.add(Unit, None, new_uuid(rng), department.pk, kind, f"Banc {number:04d} — {kind} {index}", commune)
                for index, kind in enumerate(kinds, start=1)
            ]
            reception = w.add(
                Unit, None, new_uuid(rng), department.pk, UnitKind.CCAS, f"Banc {number:04d} — CCAS", commune
            )
            descriptions = [
                UnitDescription(pk, kind, UNIT_KIND_FORCE.get(kind, Force.OTHER), commune)
                for pk, kind in [*zip(units, kinds, strict=True), (reception, UnitKind.CCAS)]
            ]
            fte = rng.choices([Decimal("0.50"), Decimal("0.80"), Decimal("1.00")], [15, 15, 70])[0]
            name = f"Poste ISCG banc {number:04d}"
            post = w.add(
                Post, None, new_uuid(rng), department.pk, name, fte, f"Association banc {code}", zone, self.start
            )
            for unit in [*units, reception]:
                w.add(Post.units.through, None, post, unit)
            iscg = self._user(rng, iscg_email(self.seed, number), "Intervenante", f"Banc {number:04d}", Role.ISCG)
            w.add(PostAssignment, None, post, iscg, self.start)
            officer = self._user(rng, police_email(self.seed, number), "Agent", f"Banc {number:04d}", Role.POLICE)
            for unit in units:
                w.add(User.units.through, None, officer, unit)
            posts.append(
                BenchPost(number, post, department, fte, name, commune, units, iscg, officer, partners, descriptions)
            )
        return posts


def write_conventions(department, posts: list[BenchPost], *, first_year: int, last_year: int, rng) -> int:
    """One funding convention per department covering its posts, with three funders per year (the
    State a fixed amount, the Département a share of the cost, the commune the balance), two
    payments per funder and year and one steering committee a year. Returns the payments written."""
    funders = {
        kind: convention_services.funder_create(department=department, name=f"{label} {department.code}", kind=kind)
        for kind, label in (
            (FunderKind.STATE, "Préfecture banc"),
            (FunderKind.DEPARTMENT, "Conseil départemental banc"),
            (FunderKind.COMMUNE, "Commune banc"),
        )
    }
    for funder in funders.values():  # the services draw a random public id: the seed's instead, for the same figures
        funder.public_id = new_uuid(rng)
        Funder.objects.filter(pk=funder.pk).update(public_id=funder.public_id)
    post_rows = {p.pk: p for p in Post.objects.filter(pk__in=[p.pk for p in posts])}
    convention = convention_services.convention_create(
        data=convention_services.ConventionData(
            title=f"Convention ISCG banc {department.code}",
            kind=ConventionKind.FUNDING,
            department=department,
            employer=f"Association banc {department.code}",
            starts_on=datetime.date(first_year, 1, 1),
            ends_on=datetime.date(last_year, 12, 31),
            signed_on=datetime.date(first_year - 1, 12, 1),
        ),
        parties=[convention_services.PartyData(funder=funder) for funder in funders.values()],
        posts=[convention_services.PostShareData(post=post_rows[p.pk], fte_share=p.fte) for p in posts],
    )
    convention.public_id = new_uuid(rng)
    Convention.objects.filter(pk=convention.pk).update(public_id=convention.public_id)
    convention_posts = list(convention.convention_posts.values_list("pk", flat=True))
    payments, committees = [], []
    for year in range(first_year, last_year + 1):
        salary = 3_400_000 + 60_000 * (year - first_year)
        costs = {
            cp: convention_services.CostData(
                salary_cents=salary, charges_cents=salary * 45 // 100, running_costs_cents=450_000
            )
            for cp in convention_posts
        }
        rules = [
            convention_services.RuleData(
                funder=funders[FunderKind.STATE],
                kind=FundingRuleKind.FIXED,
                rank=0,
                amount_cents=rng.randrange(1_500_000, 2_500_000, 10_000) * len(posts),
            ),
            convention_services.RuleData(
                funder=funders[FunderKind.DEPARTMENT],
                kind=FundingRuleKind.PERCENT_OF_REMAINDER,
                rank=1,
                percent=Decimal("50.00"),
            ),
            convention_services.RuleData(funder=funders[FunderKind.COMMUNE], kind=FundingRuleKind.BALANCE, rank=2),
        ]
        allocation = convention_services.funding_rules_set_for_year(
            convention=convention, year=year, expected_version=convention.version, rules=rules, costs=costs
        )
        for funder in funders.values():
            amount = allocation.amounts.get(funder.pk, 0)
            if amount <= 0:
                continue
            for month, share, kind in (
                (3, 2, PaymentKind.CALL_FOR_FUNDS),
                (6, 2, PaymentKind.PAYMENT),
                (11, 2, PaymentKind.PAYMENT),
            ):
                payments.append(
                    Payment(
                        public_id=new_uuid(rng),
                        convention=convention,
                        funder=funder,
                        year=year,
                        kind=kind,
                        amount_cents=max(1, amount // share) if kind == PaymentKind.PAYMENT else amount,
                        dated_on=datetime.date(year, month, 10 + rng.randrange(10)),
                        reference=f"BANC-{department.code}-{year}-{month:02d}",
                    )
                )
        committees.append(
            SteeringCommittee(
                public_id=new_uuid(rng),
                convention=convention,
                held_on=datetime.date(year, 6, 20),
                attendees="Préfecture\nConseil départemental\nCommune",
            )
        )
    Payment.objects.bulk_create(payments)
    SteeringCommittee.objects.bulk_create(committees)
    return len(payments)
