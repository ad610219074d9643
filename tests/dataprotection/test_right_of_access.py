import datetime
import json

from django.urls import reverse
from django.utils import timezone

from audit.enums import AccessRequestChannel, JournalAction, RecordType
from audit.models import AccessEntry
from tests.reporting.samples import pdf_text

REQUEST = {"received_on": "2026-01-15", "channel": AccessRequestChannel.LETTER}


def export_url(person, fmt="json"):
    return reverse("dataprotection:person_export", kwargs={"public_id": person.public_id, "fmt": fmt})


def test_the_iscg_of_the_post_exports_a_person_found_by_reference_and_the_request_is_journaled(world, client_for):
    a = world.a
    client = client_for("iscg_a")
    response = client.get(reverse("dataprotection:access_request"), {"reference": a.person.reference})
    assert response.context["person"] == a.person
    assert a.person.last_name not in response.content.decode()  # the search page shows the reference only

    assert (
        client_for("iscg_b")
        .get(reverse("dataprotection:access_request"), {"reference": a.person.reference})
        .context["person"]
        is None
    )

    data = json.loads(client.post(export_url(a.person), REQUEST).content)
    assert data["person"]["last_name"] == a.person.last_name
    assert data["person"]["safe_phone"] == a.person.safe_phone
    followup = data["followups"][0]
    assert followup["reference"] == a.followup.reference
    assert followup["interventions"][0]["summary"] == a.intervention.summary
    assert followup["private_notes_count"] == 1
    assert a.intervention.private_note not in json.dumps(data, ensure_ascii=False)  # the author's notes stay theirs
    assert followup["orientations"][0]["reason"] == a.orientation.reason

    entry = AccessEntry.objects.get(action=JournalAction.EXPORT, user=a.iscg)
    assert (entry.record_type, entry.record_public_id, entry.department, entry.post) == (
        RecordType.PERSON,
        a.person.public_id,
        a.department,
        a.post,
    )
    assert (entry.request_received_on, entry.request_channel) == (datetime.date(2026, 1, 15), "letter")

    pdf = client.post(export_url(a.person, "pdf"), {**REQUEST, "channel": AccessRequestChannel.IN_PERSON})
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert a.person.reference in text and a.person.last_name in text
    assert AccessEntry.objects.filter(action=JournalAction.EXPORT, user=a.iscg).count() == 2

    assert client_for("iscg_b").post(export_url(a.person), REQUEST).status_code == 404
    assert AccessEntry.objects.filter(action=JournalAction.REFUSED, user=world.b.iscg).count() == 1


def test_the_export_needs_the_request_date_and_channel_and_refuses_bad_input_in_french(world, client_for):
    client = client_for("iscg_a")
    person = world.a.person
    assert client.get(export_url(person)).status_code == 405  # a GET exports nothing
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for data in ({}, {"received_on": "pas une date", "channel": "letter"}, {**REQUEST, "channel": "pigeon"},
                 {**REQUEST, "received_on": tomorrow}):  # fmt: skip
        response = client.post(export_url(person), data)
        assert response.status_code == 400, data
        assert response["Content-Type"].startswith("text/html")
        assert response.context["request_form"].errors
    assert "futur" in client.post(export_url(person), {**REQUEST, "received_on": tomorrow}).content.decode()
    assert not AccessEntry.objects.filter(action=JournalAction.EXPORT).exists()
