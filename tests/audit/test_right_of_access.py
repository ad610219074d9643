import json

from django.urls import reverse

from audit.enums import JournalAction, RecordType
from audit.models import AccessEntry
from tests.reporting.samples import pdf_text


def test_a_coordinator_exports_a_person_found_by_reference_and_the_export_is_journaled(world, client_for):
    a = world.a
    client = client_for("coordinator_a")
    response = client.get(reverse("audit:access_request"), {"reference": a.person.reference})
    assert response.context["person"] == a.person
    page = response.content.decode()
    assert a.person.last_name not in page  # the search page shows the reference, not the content

    assert (
        client_for("coordinator_b")
        .get(reverse("audit:access_request"), {"reference": a.person.reference})
        .context["person"]
        is None
    )

    url = reverse("audit:person_export", kwargs={"public_id": a.person.public_id, "fmt": "json"})
    data = json.loads(client.get(url).content)
    assert data["person"]["last_name"] == a.person.last_name
    assert data["person"]["safe_phone"] == a.person.safe_phone
    followup = data["followups"][0]
    assert followup["reference"] == a.followup.reference
    assert followup["interventions"][0]["summary"] == a.intervention.summary
    assert followup["private_notes_count"] == 1
    assert a.intervention.private_note not in json.dumps(data, ensure_ascii=False)  # the author's notes stay theirs
    assert followup["orientations"][0]["reason"] == a.orientation.reason

    entry = AccessEntry.objects.get(action=JournalAction.EXPORT, user=a.coordinator)
    assert (entry.record_type, entry.record_public_id, entry.department) == (
        RecordType.PERSON,
        a.person.public_id,
        a.department,
    )

    pdf = client_for("iscg_a").get(
        reverse("audit:person_export", kwargs={"public_id": a.person.public_id, "fmt": "pdf"})
    )
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert a.person.reference in text and a.person.last_name in text
    assert AccessEntry.objects.filter(action=JournalAction.EXPORT, user=a.iscg).count() == 1

    assert client_for("coordinator_b").get(url).status_code == 404
    assert AccessEntry.objects.filter(action=JournalAction.REFUSED, user=world.b.coordinator).count() == 1
