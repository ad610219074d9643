import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from casework import services
from casework.enums import (
    FollowUpClosingReason,
    FollowUpRole,
    InterventionKind,
    InterventionStatus,
    OrientationKind,
    OrientationStatus,
    Place,
    RiskLevel,
    Sex,
)
from casework.models import Assessment, FollowUp, Intervention, Orientation, Person
from organisation.models import PartnerType
from referrals.models import Problem
from tests.accounts.factories import UserFactory
from tests.canaries import unique_name
from tests.organisation.factories import PostFactory


class PersonFactory(DjangoModelFactory):
    """Created through casework.services.person_create, so the search fields are computed as in the app."""

    class Meta:
        model = Person

    post = factory.SubFactory(PostFactory)
    created_by = factory.SubFactory(UserFactory, iscg=True)
    last_name = factory.LazyFunction(lambda: unique_name("last_name"))
    first_name = factory.LazyFunction(lambda: unique_name("first_name_female"))
    sex = Sex.FEMALE
    birth_date = datetime.date(1990, 5, 17)
    safe_phone = factory.Sequence(lambda n: f"06 10 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}")

    class Params:
        anonymous = factory.Trait(last_name="", first_name="", birth_date=None, safe_phone="")
        male = factory.Trait(sex=Sex.MALE, first_name=factory.LazyFunction(lambda: unique_name("first_name_male")))

    @classmethod
    def _create(cls, model_class, *args, post, created_by, **kwargs):
        return services.person_create(post=post, by=created_by, **kwargs)


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp
        skip_postgeneration_save = True

    post = factory.SubFactory(PostFactory)
    person = factory.SubFactory(PersonFactory, post=factory.SelfAttribute("..post"))
    created_by = factory.SelfAttribute("person.created_by")
    assigned_to = factory.SelfAttribute("created_by")
    person_role = FollowUpRole.VICTIM
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))

    class Params:
        closed = factory.Trait(
            closed_on=factory.LazyFunction(timezone.localdate), closing_reason=FollowUpClosingReason.RESOLVED
        )

    @factory.post_generation
    def problems(self, create, extracted, **kwargs):
        if create:
            self.problems.set(extracted or [Problem.objects.get(code="violences_conjugales")])


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = Intervention

    followup = factory.SubFactory(FollowUpFactory)
    author = factory.SelfAttribute("followup.created_by")
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    duration_minutes = 45
    kind = InterventionKind.INTERVIEW
    place = Place.POLICE_STATION
    status = InterventionStatus.HELD
    summary = "Premier entretien : la personne expose la situation."
    private_note = ""

    class Params:
        planned = factory.Trait(
            status=InterventionStatus.PLANNED,
            starts_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2)),
        )
        no_show = factory.Trait(status=InterventionStatus.NO_SHOW)
        cancelled = factory.Trait(status=InterventionStatus.CANCELLED)
        with_private_note = factory.Trait(private_note="Note privée : emprise probable, à revoir.")


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    followup = factory.SubFactory(FollowUpFactory)
    author = factory.SelfAttribute("followup.created_by")
    assessed_on = factory.LazyFunction(timezone.localdate)
    needs = "Mise à l'abri, accompagnement au dépôt de plainte."
    risk_level = RiskLevel.HIGH
    children_exposed = 1

    class Params:
        very_serious_danger = factory.Trait(is_very_serious_danger=True)

    @factory.post_generation
    def problems(self, create, extracted, **kwargs):
        if create:
            self.problems.set(extracted or [Problem.objects.get(code="violences_conjugales")])


class OrientationFactory(DjangoModelFactory):
    class Meta:
        model = Orientation

    followup = factory.SubFactory(FollowUpFactory)
    author = factory.SelfAttribute("followup.created_by")
    kind = OrientationKind.ORIENTATION
    oriented_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    partner_type = factory.LazyFunction(lambda: PartnerType.objects.get(code="cidff"))
    reason = "Information juridique sur la séparation."
    status = OrientationStatus.PROPOSED

    class Params:
        done = factory.Trait(status=OrientationStatus.DONE, outcome_on=factory.LazyFunction(timezone.localdate))
        concern_report = factory.Trait(
            kind=OrientationKind.CONCERN_REPORT, partner_type=None, recipient="CRIP du département"
        )
        prosecutor_report = factory.Trait(
            kind=OrientationKind.PROSECUTOR_REPORT, partner_type=None, recipient="Procureur de la République"
        )
