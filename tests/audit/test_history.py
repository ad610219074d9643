import json

from auditlog.models import LogEntry
from django.urls import reverse

from audit.history import MASK, record_update, tracked_models
from casework import services
from casework.models import Person
from tests.casework.factories import AssessmentFactory, InterventionFactory
from tests.queries import queries_for

CANARY_NAME = "Zorglubienne"
CANARY_TEXT = "canari-resume-7f3a"


def _history_dump() -> str:
    rows = LogEntry.objects.values("object_repr", "changes", "changes_text", "serialized_data", "additional_data")
    return json.dumps(list(rows), default=str, ensure_ascii=False)


def test_every_required_model_is_tracked():
    assert set(tracked_models()) == {
        "casework.Person", "casework.FollowUp", "casework.Intervention", "casework.Assessment",
        "casework.Orientation", "referrals.Referral", "conventions.Convention", "conventions.FundingRule",
    }  # fmt: skip


def test_changes_are_recorded_with_sensitive_fields_masked(world):
    a = world.a
    person = a.person
    before = Person.objects.get(pk=person.pk)
    services.person_update(
        person=person, version=person.version, by=a.iscg, last_name=CANARY_NAME, safe_phone="06 99 88 77 66",
        commune="Amiens", sex=person.sex,
    )  # fmt: skip
    # casework.services writes with QuerySet.update(): the change reaches the history through record_update.
    record_update(before, Person.objects.get(pk=person.pk))
    intervention = InterventionFactory(followup=a.followup, summary=CANARY_TEXT, private_note=CANARY_TEXT)
    AssessmentFactory(followup=a.followup, needs=CANARY_TEXT, risk_comment=CANARY_TEXT)
    a.referral.description = CANARY_TEXT
    a.referral.save()

    dump = _history_dump()
    assert CANARY_NAME not in dump
    assert CANARY_TEXT not in dump
    assert "06 99 88 77 66" not in dump and "Amiens" not in dump
    assert a.person.first_name not in dump  # not even in the stored object representation

    person_change = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert person_change.changes_dict["last_name"][1] == MASK  # the history says it changed, not to what
    created = LogEntry.objects.get_for_object(intervention).get(action=LogEntry.Action.CREATE)
    assert created.changes_dict["summary"] == ["", MASK]
    assert created.changes_dict["kind"][1] == "interview"  # non-sensitive values stay readable


def test_the_followup_page_shows_its_history_in_constant_queries(world, client_for):
    a = world.a
    url = reverse("casework:followup_detail", kwargs={"public_id": a.followup.public_id})
    client = client_for("iscg_a")
    client.get(url)
    _, response = queries_for(client, url)
    rows = response.context["history"]
    assert rows and all(CANARY_TEXT not in str(row) for row in rows)
    for _ in range(9):
        InterventionFactory(followup=a.followup, summary=CANARY_TEXT)
    # The exact count of the history's queries: next test (the timeline has its own query guard).
    _, response = queries_for(client, url)
    assert len(response.context["history"]) > len(rows)
    content = response.content.decode()
    assert "content not kept in the history" in content or "contenu" in content
    assert CANARY_TEXT in content  # the timeline shows the summaries to the ISCG…
    assert CANARY_TEXT not in str(response.context["history"])  # …the history never does


def test_history_queries_do_not_grow_with_entries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.history import followup_history

    a = world.a
    followup_history(a.followup)
    with CaptureQueriesContext(connection) as few:
        followup_history(a.followup)
    for _ in range(10):
        InterventionFactory(followup=a.followup)
    with CaptureQueriesContext(connection) as many:
        rows = followup_history(a.followup)
    assert len(rows) >= 10
    assert len(many) == len(few)


def test_versioned_edits_close_and_reopen_reach_the_history(world):
    from auditlog.models import LogEntry

    from casework import services
    from casework.enums import FollowUpClosingReason

    followup = world.a.followup
    before = LogEntry.objects.get_for_object(followup).count()
    services.followup_close(followup=followup, by=world.a.iscg, reason=FollowUpClosingReason.RESOLVED)
    services.followup_reopen(followup=followup, by=world.a.iscg)
    entries = list(LogEntry.objects.get_for_object(followup).order_by("pk")[before:])
    assert len(entries) == 2
    assert "closing_reason" in entries[0].changes_dict and "closed_on" in entries[1].changes_dict
