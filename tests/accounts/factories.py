import factory
from factory.django import DjangoModelFactory

from accounts.enums import Role
from accounts.models import User
from tests.canaries import unique_name

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@test.example")
    first_name = factory.LazyFunction(lambda: unique_name("first_name"))
    last_name = factory.LazyFunction(lambda: unique_name("last_name"))
    role = Role.ISCG
    password = factory.django.Password(TEST_PASSWORD)

    class Params:
        police = factory.Trait(role=Role.POLICE)
        iscg = factory.Trait(role=Role.ISCG)
        coordinator = factory.Trait(role=Role.COORDINATOR)
        funder = factory.Trait(role=Role.FUNDER)
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.departments.set(extracted)

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)
