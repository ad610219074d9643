"""The access journal's page: a coordinator searches their departments' entries."""

from django.urls import reverse

from audit.enums import JournalAction
from tests.audit.factories import AccessEntryFactory
from tests.queries import queries_for


def test_coordinators_search_their_departments_journal_in_constant_queries(world, client_for):
    a, b = world.a, world.b
    url = reverse("dataprotection:journal")
    client = client_for("coordinator_a")
    AccessEntryFactory(user=a.iscg, department=a.department)
    AccessEntryFactory(user=b.iscg, department=b.department)
    client.get(url)  # warm caches (content types, session)
    one_count, response = queries_for(client, url)
    assert [entry.department for entry in response.context["page"]] == [a.department]
    for _ in range(9):
        AccessEntryFactory(user=a.iscg, department=a.department, action=JournalAction.EXPORT)
    ten_count, response = queries_for(client, url)
    assert len(response.context["page"]) == 10
    assert ten_count == one_count

    _, response = queries_for(client, f"{url}?action=export&user={a.iscg.pk}&since=2000-01-01")
    assert len(response.context["page"]) == 9
    # Another department's users are not offered in the user filter.
    assert b.iscg not in response.context["filter"].form.fields["user"].queryset
