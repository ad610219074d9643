import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.enums import JournalAction, RecordType
from audit.models import AccessEntry, AppendOnlyError
from audit.services import journal_purge
from tests.accounts.factories import UserFactory
from tests.audit.factories import AccessEntryFactory
from tests.conftest import sign_in
from tests.organisation.factories import PostAssignmentFactory

ENTRY_FIELDS = {
    "id", "user", "role", "at", "record_type", "record_public_id", "action", "request_id", "department", "post",
    "request_received_on", "request_channel",  # a right-of-access request: a date and a channel code
}  # fmt: skip


def test_every_journaled_page_writes_one_entry_with_ids_only(world, client_for):
    a = world.a
    client = client_for("iscg_a")
    pages = [
        (reverse("casework:person_detail", kwargs={"public_id": a.person.public_id}), RecordType.PERSON, a.person),
        (
            reverse("casework:followup_detail", kwargs={"public_id": a.followup.public_id}),
            RecordType.FOLLOWUP,
            a.followup,
        ),
        (reverse("referrals:detail", kwargs={"public_id": a.referral.public_id}), RecordType.REFERRAL, a.referral),
        (reverse("casework:agenda_ics"), RecordType.AGENDA, None),
    ]
    for url, record_type, record in pages:
        before = AccessEntry.objects.count()
        response = client.get(url)
        assert response.status_code == 200, url
        assert AccessEntry.objects.count() == before + 1, url
        entry = AccessEntry.objects.order_by("-pk").first()
        assert entry.user == a.iscg
        assert entry.role == "iscg"
        assert entry.record_type == record_type
        assert entry.record_public_id == (record.public_id if record else None)
        assert entry.action == (JournalAction.EXPORT if record is None else JournalAction.READ)
        assert entry.request_id == response["X-Request-ID"]
        assert entry.department == a.department
        assert timezone.now() - entry.at < datetime.timedelta(minutes=1)
    # Nothing but ids (and a right-of-access request's date and channel code): no other column.
    assert {f.name for f in AccessEntry._meta.concrete_fields} == ENTRY_FIELDS


def test_refused_attempts_are_journaled_but_not_anonymous_ones(world, client_for):
    a = world.a
    followup_url = reverse("casework:followup_detail", kwargs={"public_id": a.followup.public_id})
    assert client_for("iscg_b").get(followup_url).status_code == 404
    refused = AccessEntry.objects.get(action=JournalAction.REFUSED, user=world.b.iscg)
    assert (refused.record_type, refused.record_public_id) == (RecordType.FOLLOWUP, a.followup.public_id)
    assert refused.department == a.department  # the record's department: coordinator A will see it

    referral_url = reverse("referrals:detail", kwargs={"public_id": a.referral.public_id})
    assert client_for("coordinator_a").get(referral_url).status_code == 403
    assert (
        AccessEntry.objects.filter(
            action=JournalAction.REFUSED, user=a.coordinator, record_public_id=a.referral.public_id
        ).count()
        == 1
    )

    unknown = uuid.uuid4()
    assert (
        client_for("funder_b").get(reverse("casework:person_detail", kwargs={"public_id": unknown})).status_code == 404
    )
    probe = AccessEntry.objects.get(record_public_id=unknown)
    assert (probe.action, probe.department) == (JournalAction.REFUSED, world.b.department)

    count = AccessEntry.objects.count()
    assert client_for("anonymous").get(followup_url).status_code == 302
    assert AccessEntry.objects.count() == count


def test_a_change_is_journaled(world, client_for):
    a = world.a
    response = client_for("iscg_a").post(reverse("referrals:receive", kwargs={"public_id": a.referral.public_id}))
    assert response.status_code == 302
    entry = AccessEntry.objects.get(action=JournalAction.CHANGE)
    assert (entry.user, entry.record_type, entry.record_public_id) == (
        a.iscg,
        RecordType.REFERRAL,
        a.referral.public_id,
    )


def test_the_model_refuses_to_change_or_delete_an_entry(db):
    entry = AccessEntryFactory()
    entry.action = JournalAction.EXPORT
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessEntry.objects.filter(pk=entry.pk).update(action=JournalAction.EXPORT)
    with pytest.raises(AppendOnlyError):
        AccessEntry.objects.filter(pk=entry.pk).delete()
    assert AccessEntry.objects.get(pk=entry.pk).action == JournalAction.READ


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_postgresql_trigger_refuses_update_and_delete_outside_the_purge(db):
    entry = AccessEntryFactory(at=timezone.now() - datetime.timedelta(days=400))
    for statement in ("UPDATE audit_accessentry SET action = 'export'", "DELETE FROM audit_accessentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AccessEntry.objects.filter(pk=entry.pk, action=JournalAction.READ).exists()
    assert journal_purge()["access_entries"] == 1  # the purge sets iscg.journal_purge for its transaction only
    assert not AccessEntry.objects.exists()
    AccessEntryFactory()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accessentry")


def test_purge_deletes_entries_older_than_the_retention_only(db, settings, caplog):
    settings.ACCESS_JOURNAL_RETENTION_DAYS = 365
    now = timezone.now()
    old = [AccessEntryFactory(at=now - datetime.timedelta(days=366)) for _ in range(3)]
    recent = AccessEntryFactory(at=now - datetime.timedelta(days=364))

    call_command("purge_access_journal", "--dry-run")
    assert AccessEntry.objects.count() == 4
    call_command("purge_access_journal")
    assert list(AccessEntry.objects.all()) == [recent]
    assert not AccessEntry.objects.filter(pk__in=[entry.pk for entry in old]).exists()
    assert "3 access entries" in caplog.text
    assert str(recent.record_public_id) not in caplog.text  # counts only


def test_the_followup_page_shows_who_consulted_it(world, client_for):
    a = world.a
    url = reverse("casework:followup_detail", kwargs={"public_id": a.followup.public_id})
    client = client_for("iscg_a")
    client.get(url)
    response = client.get(url)
    consultations = response.context["consultations"]
    assert consultations.others == []  # the reader's own visit is counted apart
    assert consultations.own_count == 1
    colleague = UserFactory(iscg=True)
    PostAssignmentFactory(post=a.post, user=colleague)
    sign_in(Client(), colleague).get(url)
    response = client.get(url)
    consultations = response.context["consultations"]
    assert [(entry.user, entry.action) for entry in consultations.others] == [(colleague, JournalAction.READ)]
    assert consultations.own_count == 2
    content = response.content.decode()
    assert content.index(colleague.get_full_name()) < content.index("Vous : 2 consultations")
