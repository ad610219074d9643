"""The « History of changes » of a follow-up reads like the forms (issue 17): French labels, displayed values,
Paris time, no internal column, one entry per save."""

import re

from auditlog.models import LogEntry
from django.urls import reverse


def _history_section(content: str) -> str:
    return content[content.index("Historique des modifications") :]


def _form_data(response) -> dict:
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def test_an_edited_appointment_reads_in_paris_time_with_labels_and_one_entry(world, client_for):
    a = world.a
    client = client_for("iscg_a")
    url = reverse("casework:intervention_update", kwargs={"public_id": a.intervention.public_id})
    data = _form_data(client.get(url))
    data.update(starts_at="2026-03-10T10:30", duration_minutes="45")
    before = LogEntry.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LogEntry.objects.count() > before

    page = client.get(reverse("casework:followup_detail", kwargs={"public_id": a.followup.public_id}))
    history = _history_section(page.content.decode())
    assert "10/03/2026 10:30" in history  # the appointment as typed, in Paris time
    assert "09:30" not in history
    assert "Durée" in history or "durée" in history
    # One save, one entry.
    assert len(re.findall(r"Modification \(intervention\)", history)) == 1
    for internal in ("public id", "public_id", "ID :", "merged_records", "version", "search", "créé·e", "modifié·e"):
        assert internal not in history


def test_a_creation_names_no_internal_field(world, client_for):
    a = world.a
    page = client_for("iscg_a").get(reverse("casework:followup_detail", kwargs={"public_id": a.followup.public_id}))
    history = _history_section(page.content.decode())
    assert "Création (suivi)" in history
    assert f"Poste : — → {a.post.name}" in history  # links named as the forms name them
    assert f"Intervenant·e en charge : — → {a.followup.assigned_to.get_full_name()}" in history
    assert "Suivi :" not in history  # the page's own follow-up goes without saying
    for internal in ("ID :", "Id :", "public id", "Public id", "merged_records", "Version", "—  → "):
        assert internal not in history


def test_one_save_of_a_follow_up_with_its_problems_is_one_entry(world, client_for):
    a = world.a
    client = client_for("iscg_a")
    detail = reverse("casework:followup_detail", kwargs={"public_id": a.followup.public_id})
    before = _history_section(client.get(detail).content.decode()).count("Modification (suivi)")
    url = reverse("casework:followup_update", kwargs={"public_id": a.followup.public_id})
    response = client.get(url)
    form = response.context["form"]
    data = _form_data(response)
    current = {str(pk) for pk in data["problems"]}
    others = [str(value) for value, _label in form.fields["problems"].choices if str(value)]
    added = next(pk for pk in others if pk not in current)
    data["problems"] = [*current, added]
    roles = [value for value, _label in form.fields["person_role"].choices if value and value != data["person_role"]]
    data["person_role"] = roles[0]
    assert client.post(url, data).status_code == 302

    history = _history_section(client.get(detail).content.decode())
    assert history.count("Modification (suivi)") == before + 1  # the row and its problems: one save
    assert "Rôle de la personne" in history and "Problématiques" in history
