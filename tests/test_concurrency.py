"""The one optimistic-locking mechanism (iscg.concurrency), used by casework, partners and conventions.
Each app's pages are proven in tests/casework/test_locking.py, tests/organisation/test_partners.py,
tests/organisation/test_post_arrangements.py and tests/conventions/test_views.py; here the mechanism itself."""

import pytest
from django.http import QueryDict

from conventions.models import Convention
from iscg.concurrency import (
    EditConflict,
    changed_fields,
    claim_version,
    conflict_message,
    save_with_version,
    with_current_version,
)
from organisation.models import Partner
from tests.conventions.factories import ConventionFactory
from tests.organisation.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_a_save_with_the_loaded_version_writes_and_bumps_it():
    partner = PartnerFactory(phone="01 00 00 00 01")
    loaded = partner.version
    save_with_version(partner, version=loaded, values={"phone": "01 00 00 00 02"})
    assert (partner.phone, partner.version) == ("01 00 00 00 02", loaded + 1)


def test_a_save_with_a_stale_version_writes_nothing_and_names_what_differs():
    partner = PartnerFactory(phone="01 00 00 00 01")
    loaded = partner.version
    save_with_version(partner, version=loaded, values={"phone": "01 00 00 00 02"})
    with pytest.raises(EditConflict) as conflict:
        save_with_version(partner, version=loaded, values={"phone": "01 00 00 00 03", "name": partner.name})
    assert conflict.value.changed_fields == [str(Partner._meta.get_field("phone").verbose_name)]
    assert Partner.objects.get(pk=partner.pk).phone == "01 00 00 00 02"


def test_claiming_a_version_of_a_record_spanning_several_tables():
    convention = ConventionFactory(title="Avant")
    loaded = convention.version
    claim_version(convention, version=loaded)
    assert convention.version == Convention.objects.get(pk=convention.pk).version == loaded + 1
    with pytest.raises(EditConflict) as conflict:
        claim_version(Convention.objects.get(pk=convention.pk), version=loaded, values={"title": "Après"})
    assert conflict.value.changed_fields == [str(Convention._meta.get_field("title").verbose_name)]


def test_the_changed_fields_are_empty_when_nothing_typed_differs():
    partner = PartnerFactory()
    assert changed_fields(partner, {"name": partner.name}) == []


def test_the_posted_data_keeps_everything_typed_and_carries_the_current_version():
    posted = QueryDict("version=3&title=Mon+titre&rules-0-version=3&rules-0-rank=1")
    data = with_current_version(posted, 5)
    assert data["version"] == "5" and data["rules-0-version"] == "5"
    assert data["title"] == "Mon titre" and data["rules-0-rank"] == "1"
    assert posted["version"] == "3"  # the request's own data is left alone


def test_the_message_names_the_changed_fields_or_a_dash():
    assert "téléphone, nom" in conflict_message(EditConflict(["téléphone", "nom"]))
    assert "—" in conflict_message(EditConflict())
