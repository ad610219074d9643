import datetime
import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from referrals.danger import evaluate_danger
from referrals.enums import Answer, FilledBy, PersonRole, ReferralClosingReason, ReferralStatus, Sex, Source, Urgency
from referrals.models import DangerAnswer, DangerAssessment, GridVersion, Problem, Referral, ReferralPerson
from tests.accounts.factories import UserFactory
from tests.canaries import unique_name
from tests.organisation.factories import UnitFactory


def current_grid() -> GridVersion:
    """The 2019 grid comes from the data migration: fetch, never create."""
    return GridVersion.objects.get(is_current=True)


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    author = factory.SubFactory(UserFactory, police=True)
    number = factory.Sequence(lambda n: f"2026-TT-{n:06d}")
    idempotency_key = factory.LazyFunction(uuid.uuid4)
    referred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    status_changed_at = factory.SelfAttribute("referred_at")
    source = Source.COMPLAINT
    urgency = Urgency.NORMAL
    description = "Dispute au domicile, voisins inquiets."
    has_agreement = True
    callback_contact = "03 22 00 00 00 poste 123"

    class Params:
        immediate = factory.Trait(urgency=Urgency.IMMEDIATE)
        within_48h = factory.Trait(urgency=Urgency.WITHIN_48H)
        received = factory.Trait(
            status=ReferralStatus.RECEIVED,
            received_at=factory.LazyFunction(timezone.now),
            received_by=factory.SubFactory(UserFactory, iscg=True),
            status_changed_at=factory.SelfAttribute("received_at"),
        )
        taken_up = factory.Trait(
            received=True,
            status=ReferralStatus.TAKEN_UP,
            taken_up_at=factory.LazyFunction(timezone.now),
            taken_up_by=factory.SelfAttribute("received_by"),
            status_changed_at=factory.SelfAttribute("taken_up_at"),
        )
        closed = factory.Trait(
            received=True,
            status=ReferralStatus.CLOSED,
            closed_at=factory.LazyFunction(timezone.now),
            closed_by=factory.SelfAttribute("received_by"),
            closing_reason=ReferralClosingReason.UNREACHABLE,
            status_changed_at=factory.SelfAttribute("closed_at"),
        )
        withdrawn = factory.Trait(
            status=ReferralStatus.WITHDRAWN,
            withdrawn_at=factory.LazyFunction(timezone.now),
            withdrawn_by=factory.SelfAttribute("author"),
            status_changed_at=factory.SelfAttribute("withdrawn_at"),
        )

    @factory.post_generation
    def problems(self, create, extracted, **kwargs):
        if create:
            self.problems.set(extracted or [Problem.objects.get(code="violences_conjugales")])

    @factory.post_generation
    def victim(self, create, extracted, **kwargs):
        """A victim is created unless victim=False is passed."""
        if create and extracted is not False:
            ReferralPersonFactory(referral=self)


class ReferralPersonFactory(DjangoModelFactory):
    class Meta:
        model = ReferralPerson

    referral = factory.SubFactory(ReferralFactory, victim=False)
    role = PersonRole.VICTIM
    last_name = factory.LazyFunction(lambda: unique_name("last_name"))
    first_name = factory.LazyFunction(lambda: unique_name("first_name_female"))
    sex = Sex.FEMALE
    age = 34
    safe_phone = "06 12 34 56 78"
    best_time = "En semaine, de 9 h à 12 h"

    class Params:
        accused = factory.Trait(role=PersonRole.ACCUSED, sex=Sex.MALE, first_name="Jean", safe_phone="")
        child = factory.Trait(role=PersonRole.HOUSEHOLD_CHILD, age=7, safe_phone="", best_time="")


class DangerAssessmentFactory(DjangoModelFactory):
    """A grid with ``yes`` yes answers on non-red items and ``red`` on red ones, the rest "no"."""

    class Meta:
        model = DangerAssessment
        skip_postgeneration_save = True

    referral = factory.SubFactory(ReferralFactory)
    version = factory.LazyFunction(current_grid)
    filled_by_kind = FilledBy.POLICE
    filled_by = factory.SelfAttribute("referral.author")
    yes_count = 0
    red_yes_count = 0
    is_danger = False

    @classmethod
    def _create(cls, model_class, *args, yes=0, red=0, **kwargs):
        version = kwargs["version"]
        items = list(version.items.order_by("position"))
        red_items = [item for item in items if item.is_red][:red]
        plain_items = [item for item in items if not item.is_red][:yes]
        answers = {item.pk: Answer.NO for item in items}
        answers.update(dict.fromkeys([item.pk for item in red_items + plain_items], Answer.YES))
        outcome = evaluate_danger(
            ((answers[item.pk], item.is_red) for item in items),
            yes_threshold=version.yes_threshold,
            red_threshold=version.red_threshold,
        )
        kwargs.update(yes_count=outcome.yes_count, red_yes_count=outcome.red_yes_count, is_danger=outcome.is_danger)
        assessment = super()._create(model_class, *args, **kwargs)
        DangerAnswer.objects.bulk_create(
            DangerAnswer(assessment=assessment, item=item, answer=answers[item.pk], is_red=item.is_red)
            for item in items
        )
        return assessment
