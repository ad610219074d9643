import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from conventions import services
from conventions.enums import ConventionKind, FunderKind, FundingRuleKind, PaymentKind
from conventions.models import (
    Convention,
    ConventionDocument,
    ConventionParty,
    ConventionPost,
    Funder,
    FundingRule,
    Payment,
    PostCost,
    SteeringCommittee,
)
from tests.organisation.factories import PostFactory, department

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class FunderFactory(DjangoModelFactory):
    class Meta:
        model = Funder
        django_get_or_create = ["department", "name"]

    department = factory.LazyFunction(lambda: department("80"))
    name = factory.Sequence(lambda n: f"Financeur n° {n}")
    kind = FunderKind.OTHER

    class Params:
        state = factory.Trait(kind=FunderKind.STATE, name=factory.Sequence(lambda n: f"Préfecture n° {n}"))
        departement = factory.Trait(
            kind=FunderKind.DEPARTMENT, name=factory.Sequence(lambda n: f"Conseil départemental n° {n}")
        )
        commune = factory.Trait(kind=FunderKind.COMMUNE, name=factory.Sequence(lambda n: f"Commune n° {n}"))
        caf = factory.Trait(kind=FunderKind.CAF, name=factory.Sequence(lambda n: f"CAF n° {n}"))


class ConventionFactory(DjangoModelFactory):
    class Meta:
        model = Convention

    title = factory.Sequence(lambda n: f"Convention de financement n° {n}")
    kind = ConventionKind.FUNDING
    department = factory.LazyFunction(lambda: department("80"))
    employer = "Conseil départemental"
    starts_on = datetime.date(2025, 1, 1)
    ends_on = datetime.date(2027, 12, 31)

    class Params:
        framework = factory.Trait(
            kind=ConventionKind.FRAMEWORK, title=factory.Sequence(lambda n: f"Convention cadre n° {n}")
        )
        secondment = factory.Trait(kind=ConventionKind.SECONDMENT)
        amendment = factory.Trait(
            kind=ConventionKind.AMENDMENT,
            title=factory.Sequence(lambda n: f"Avenant n° {n}"),
            parent=factory.SubFactory(
                "tests.conventions.factories.ConventionFactory", department=factory.SelfAttribute("..department")
            ),
        )
        ending_soon = factory.Trait(
            starts_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=700)),
            ends_on=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60)),
        )
        ended = factory.Trait(starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2022, 12, 31))


class ConventionPartyFactory(DjangoModelFactory):
    class Meta:
        model = ConventionParty

    convention = factory.SubFactory(ConventionFactory)
    name = factory.Sequence(lambda n: f"Partie n° {n}")
    signatory_name = factory.Faker("name", locale="fr_FR")
    signatory_role = "Directeur général des services"


class ConventionPostFactory(DjangoModelFactory):
    class Meta:
        model = ConventionPost

    convention = factory.SubFactory(ConventionFactory)
    post = factory.SubFactory(PostFactory, department=factory.SelfAttribute("..convention.department"))
    fte_share = Decimal("1.00")

    class Params:
        half_time = factory.Trait(fte_share=Decimal("0.50"))


class PostCostFactory(DjangoModelFactory):
    """Bypasses the services: call services.convention_refresh() before reading computed columns."""

    class Meta:
        model = PostCost

    convention_post = factory.SubFactory(ConventionPostFactory)
    year = 2025
    salary_cents = 30_000_00
    charges_cents = 13_000_00
    running_costs_cents = 2_000_00


class FundingRuleFactory(DjangoModelFactory):
    """Bypasses the services: call services.convention_refresh() before reading computed columns."""

    class Meta:
        model = FundingRule

    convention = factory.SubFactory(ConventionFactory)
    year = 2025
    funder = factory.SubFactory(FunderFactory, department=factory.SelfAttribute("..convention.department"))
    kind = FundingRuleKind.BALANCE
    rank = 0

    class Params:
        fixed = factory.Trait(kind=FundingRuleKind.FIXED, amount_cents=10_000_00)
        of_cost = factory.Trait(kind=FundingRuleKind.PERCENT_OF_COST, percent=Decimal(50))
        of_remainder = factory.Trait(kind=FundingRuleKind.PERCENT_OF_REMAINDER, percent=Decimal(50), rank=1)


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    convention = factory.SubFactory(ConventionFactory)
    funder = factory.SubFactory(FunderFactory, department=factory.SelfAttribute("..convention.department"))
    year = 2025
    kind = PaymentKind.PAYMENT
    amount_cents = 10_000_00
    dated_on = datetime.date(2025, 6, 30)

    class Params:
        call = factory.Trait(kind=PaymentKind.CALL_FOR_FUNDS)


class ConventionDocumentFactory(DjangoModelFactory):
    class Meta:
        model = ConventionDocument

    convention = factory.SubFactory(ConventionFactory)
    title = "Convention signée"
    file = factory.django.FileField(data=PDF_BYTES, filename="convention.pdf")
    size = len(PDF_BYTES)


class SteeringCommitteeFactory(DjangoModelFactory):
    class Meta:
        model = SteeringCommittee

    convention = factory.SubFactory(ConventionFactory)
    held_on = datetime.date(2025, 11, 15)
    attendees = "Préfecture\nConseil départemental\nGendarmerie"
    minutes = "Bilan présenté et approuvé."

    class Params:
        # The diffusion version the application generated (reporting.services.committee_attach_bilan).
        with_bilan = factory.Trait(
            bilan=factory.django.FileField(data=PDF_BYTES, filename="bilan.pdf"), bilan_generated=True
        )
        # A file a coordinator uploaded by hand: it may hold exact figures.
        with_uploaded_bilan = factory.Trait(bilan=factory.django.FileField(data=PDF_BYTES, filename="bilan.pdf"))


def funded_convention(*, department_code="80", post=None, year=2025, yearly_cost_cents=45_000_00, **convention_fields):
    """A convention covering one full-time post, with the State at 50 % and the Département taking the balance.

    Built through the services so that costs and commitments are computed.
    """
    convention = ConventionFactory(department=department(department_code), **convention_fields)
    convention_post = ConventionPostFactory(convention=convention, **({"post": post} if post else {}))
    state = FunderFactory(department=convention.department, state=True)
    departement = FunderFactory(department=convention.department, departement=True)
    services.funding_rules_set_for_year(
        convention=convention,
        year=year,
        expected_version=convention.version,
        costs={convention_post.pk: services.CostData(salary_cents=yearly_cost_cents)},
        rules=[
            services.RuleData(funder=state, kind=FundingRuleKind.PERCENT_OF_COST, percent=Decimal(50)),
            services.RuleData(funder=departement, kind=FundingRuleKind.BALANCE, rank=1),
        ],
    )
    convention.refresh_from_db()
    return convention
