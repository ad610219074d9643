import datetime

import factory
from factory.django import DjangoModelFactory

from organisation.enums import UnitKind, Zone
from organisation.models import Department, Partner, PartnerType, Post, PostAssignment, Unit
from tests.accounts.factories import UserFactory


def department(code: str) -> Department:
    """Departments come from the data migration: fetch, never create."""
    return Department.objects.get(code=code)


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    department = factory.LazyFunction(lambda: department("80"))
    kind = UnitKind.COMMISSARIAT
    name = factory.Sequence(lambda n: f"Commissariat n° {n}")
    commune = factory.Faker("city", locale="fr_FR")

    class Params:
        brigade = factory.Trait(kind=UnitKind.BRIGADE, name=factory.Sequence(lambda n: f"Brigade n° {n}"))
        inactive = factory.Trait(is_active=False)


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    department = factory.LazyFunction(lambda: department("80"))
    name = factory.Sequence(lambda n: f"Poste ISCG n° {n}")
    fte = "1.00"
    employer = "Conseil départemental"
    zone = Zone.POLICE
    starts_on = datetime.date(2024, 1, 1)

    class Params:
        ended = factory.Trait(ends_on=datetime.date(2024, 12, 31))

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)


class PostAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = PostAssignment

    post = factory.SubFactory(PostFactory)
    user = factory.SubFactory(UserFactory, iscg=True)
    starts_on = datetime.date(2024, 1, 1)


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    department = factory.LazyFunction(lambda: department("80"))
    partner_type = factory.LazyFunction(lambda: PartnerType.objects.get(code="cidff"))
    name = factory.Sequence(lambda n: f"Partenaire n° {n}")
    commune = factory.Faker("city", locale="fr_FR")
