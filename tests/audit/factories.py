import uuid

import factory
from factory.django import DjangoModelFactory

from audit.enums import JournalAction, RecordType
from audit.models import AccessEntry
from tests.accounts.factories import UserFactory


class AccessEntryFactory(DjangoModelFactory):
    class Meta:
        model = AccessEntry

    user = factory.SubFactory(UserFactory, iscg=True)
    role = "iscg"
    record_type = RecordType.FOLLOWUP
    record_public_id = factory.LazyFunction(uuid.uuid4)
    action = JournalAction.READ
    request_id = factory.LazyFunction(lambda: uuid.uuid4().hex)
