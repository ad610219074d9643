"""Bilan pages and downloads through the real views: scope, masking, formats, journal, query counts."""

import datetime
import io
import json
import logging
import threading

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.casework.factories import FollowUpFactory, InterventionFactory

TODAY = timezone.localdate()
THIS_YEAR = {"start": f"{TODAY.year}-01-01", "end": f"{TODAY.year}-12-31"}
LAST_YEAR = {"start": f"{TODAY.year - 1}-01-01", "end": f"{TODAY.year - 1}-12-31"}  # masked bilans: past years


def met_last_year(world):
    """The world's person of department A met once in the last complete civil year too."""
    return InterventionFactory(
        followup=world.a.followup, starts_at=timezone.now().replace(year=TODAY.year - 1, month=6, day=15)
    )


def bilan_url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('reporting:bilan')}?{query}"


def export_url(fmt, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('reporting:bilan_export', kwargs={'fmt': fmt})}?{query}"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_iscg_sees_exact_figures_of_their_post_without_financial_data(world, client_for):
    response = client_for("iscg_a").get(bilan_url(scope=f"post:{world.a.post.public_id}", **THIS_YEAR))
    assert response.status_code == 200
    bilan = response.context["bilan"]
    assert bilan.indicators["B1"].total == 1  # the person of the world's follow-up, met yesterday
    assert not bilan.is_masked
    assert "I1" not in bilan.indicators  # financial data is not for the ISCG
    content = response.content.decode()
    assert "Personnes rencontrées" in content and "Poste a" in content
    assert "<svg" in content  # charts rendered on the server


def test_a_scope_outside_the_users_answers_404(world, client_for):
    other_post = f"post:{world.b.post.public_id}"
    assert client_for("iscg_a").get(bilan_url(scope=other_post)).status_code == 404
    assert client_for("iscg_a").get(bilan_url(scope="department:80")).status_code == 404  # not for the ISCG
    assert client_for("coordinator_a").get(bilan_url(scope="department:42")).status_code == 404
    assert client_for("funder_a").get(export_url("json", scope=other_post)).status_code == 404
    assert client_for("coordinator_a").get(bilan_url(scope="national")).status_code == 404
    assert client_for("admin").get(bilan_url(scope="national")).status_code == 200
    assert client_for("officer_a").get(bilan_url()).status_code == 404


def test_funder_gets_masked_figures_whatever_they_ask(world, client_for):
    met_last_year(world)
    response = client_for("funder_a").get(bilan_url(scope="department:80", diffusion="", **LAST_YEAR))
    bilan = response.context["bilan"]
    assert bilan.is_masked and bilan.masking_threshold == 11
    assert bilan.indicators["B1"].total == "< 11"
    assert "I1" in bilan.indicators  # funders read the cofinancing of their department
    assert "diffusion" not in response.context["form"].fields
    data = json.loads(client_for("funder_a").get(export_url("json", scope="department:80", **LAST_YEAR)).content)
    assert data["masking_threshold"] == 11
    assert data["indicators"]["B1"]["total"] == "< 11"


def test_funder_cannot_lower_the_masking_threshold(world, client_for):
    response = client_for("funder_a").get(bilan_url(scope="department:80", threshold=2, **LAST_YEAR))
    assert response.context["bilan"] is None
    assert "threshold" in response.context["form"].errors
    raised = client_for("funder_a").get(bilan_url(scope="department:80", threshold=20, **LAST_YEAR))
    assert raised.context["bilan"].masking_threshold == 20


def test_masked_figures_only_for_a_department_and_a_complete_civil_year(world, client_for):
    funder = client_for("funder_a")
    for period in (THIS_YEAR, {"start": LAST_YEAR["start"], "end": f"{TODAY.year - 1}-12-30"}):
        response = funder.get(bilan_url(scope="department:80", **period))
        assert response.status_code == 200 and response.context["bilan"] is None
        assert "année civile complète" in response.content.decode()
    post = funder.get(bilan_url(scope=f"post:{world.a.post.public_id}", **LAST_YEAR))
    assert post.context["bilan"] is None and "pour un département entier" in post.content.decode()
    offered = dict(post.context["form"].fields["scope"].widget.choices)
    assert "Postes" not in offered and "Unités" not in offered  # the list offers departments only
    coordinator = client_for("coordinator_a")
    diffusion = coordinator.get(bilan_url(scope=f"post:{world.a.post.public_id}", diffusion="on", **LAST_YEAR))
    assert diffusion.context["bilan"] is None  # the diffusion version follows the same rule
    assert coordinator.get(bilan_url(scope=f"post:{world.a.post.public_id}", **THIS_YEAR)).context["bilan"]


def test_coordinator_chooses_the_diffusion_version_and_its_threshold(world, client_for):
    met_last_year(world)
    client = client_for("coordinator_a")
    exact = client.get(bilan_url(scope="department:80", **LAST_YEAR)).context["bilan"]
    assert exact.indicators["B1"].total == 1 and not exact.is_masked
    masked = client.get(bilan_url(scope="department:80", diffusion="on", threshold=5, **LAST_YEAR)).context["bilan"]
    assert masked.masking_threshold == 5 and masked.indicators["B1"].total == "< 5"


def test_a_wrong_period_gets_a_french_message_and_keeps_what_was_typed(world, client_for):
    response = client_for("coordinator_a").get(bilan_url(scope="department:80", start="2025-06-01", end="2025-01-01"))
    assert response.status_code == 200
    assert response.context["bilan"] is None
    content = response.content.decode()
    assert "La fin de la période doit être égale ou postérieure à son début." in content
    assert 'value="2025-06-01"' in content
    not_a_date = client_for("coordinator_a").get(bilan_url(start="31/02/2025"))
    assert not_a_date.status_code == 200 and not_a_date.context["bilan"] is None


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("json", "application/json"),
    ],
)
def test_each_format_downloads_the_bilan(world, client_for, fmt, content_type):
    response = client_for("coordinator_a").get(export_url(fmt, scope="department:80", **THIS_YEAR))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith('attachment; filename="bilan-department-80-')
    match fmt:
        case "pdf":
            text = pdf_text(response.content)
            assert "Somme (80)" in text and "Personnes rencontrées" in text
        case "csv":
            assert "B1" in response.content.decode("utf-8-sig")
        case "xlsx":
            assert len(openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames) > 2
        case "json":
            data = json.loads(response.content)
            assert set(data) >= {"scope", "period", "masking_threshold", "indicators"}
            assert data["indicators"]["B1"]["total"] == 1


def test_masked_pdf_never_shows_the_exact_small_count(world, client_for):
    met_last_year(world)
    response = client_for("funder_a").get(export_url("pdf", scope="department:80", **LAST_YEAR))
    text = pdf_text(response.content)
    assert "< 11" in text
    assert response["Content-Disposition"].endswith('-diffusion.pdf"')


def test_download_is_journaled_without_personal_data(world, client_for, caplog):
    with caplog.at_level(logging.INFO, logger="reporting.services"):
        client_for("coordinator_a").get(export_url("csv", scope="department:80", **THIS_YEAR))
    message = caplog.messages[-1]
    assert "scope=department:80" in message and "format=csv" in message
    assert world.a.person.last_name not in message


def test_unknown_format_is_404(world, client_for):
    assert client_for("coordinator_a").get(reverse("reporting:bilan_export", kwargs={"fmt": "exe"})).status_code == 404


def test_invalid_download_goes_back_to_the_form(world, client_for):
    response = client_for("coordinator_a").get(export_url("pdf", start="2025-06-01", end="2025-01-01"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("reporting:bilan"))


def test_bilan_page_query_count_does_not_depend_on_volume(world, client_for, django_assert_max_num_queries):
    client = client_for("iscg_a")
    # recalculer=1: the figures are computed each time, not taken from the minutes-old cache
    url = bilan_url(scope=f"post:{world.a.post.public_id}", recalculer=1, **THIS_YEAR)
    with django_assert_max_num_queries(120) as one:
        client.get(url)
    for index in range(10):
        followup = FollowUpFactory(post=world.a.post, person__post=world.a.post, person__created_by=world.a.iscg)
        InterventionFactory(followup=followup, starts_at=timezone.now() - datetime.timedelta(days=index + 2))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.context["bilan"].indicators["B1"].total == 11


def test_coordinator_attaches_the_bilan_to_a_steering_committee(world, client_for):
    committee = world.a.committee
    url = reverse(
        "reporting:committee_bilan_generate",
        kwargs={"public_id": world.a.convention.public_id, "committee_id": committee.public_id},
    )
    response = client_for("coordinator_a").post(url)
    assert response.status_code == 302
    committee.refresh_from_db()
    with committee.bilan.open("rb") as file:
        text = pdf_text(file.read())
    assert "Bilan" in text and "diffusion" in text.lower()
    assert client_for("funder_a").post(url).status_code == 403
    assert client_for("coordinator_b").post(url).status_code == 404


def test_a_committee_bilan_waits_for_the_end_of_its_year(world, client_for):
    """A committee held next year presents this year: masked figures of a year in progress are refused."""
    committee = world.a.committee
    committee.held_on = TODAY.replace(year=TODAY.year + 1, month=1, day=15)
    committee.bilan = None
    committee.save()
    url = reverse(
        "reporting:committee_bilan_generate",
        kwargs={"public_id": world.a.convention.public_id, "committee_id": committee.public_id},
    )
    response = client_for("coordinator_a").post(url, follow=True)
    assert "année civile complète" in response.content.decode()
    committee.refresh_from_db()
    assert not committee.bilan


def test_cofinancing_summaries_download(world, client_for):
    client = client_for("funder_a")
    convention_pdf = client.get(
        reverse(
            "reporting:convention_summary_export", kwargs={"public_id": world.a.convention.public_id, "fmt": "pdf"}
        )
    )
    assert convention_pdf.status_code == 200 and world.a.convention.title in pdf_text(convention_pdf.content)
    department_xlsx = client.get(
        reverse("reporting:department_summary_export", kwargs={"code": "80", "fmt": "xlsx"}) + "?year=2025"
    )
    assert department_xlsx.status_code == 200
    summary_sheet = openpyxl.load_workbook(io.BytesIO(department_xlsx.content)).worksheets[0]
    rows = {row[0]: row[1] for row in summary_sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["Personnes rencontrées"] == 0  # nobody met in 2025 in the world: nothing to mask
    met_last_year(world)
    last_year = client.get(
        reverse("reporting:department_summary_export", kwargs={"code": "80", "fmt": "pdf"}) + f"?year={TODAY.year - 1}"
    )
    text = pdf_text(last_year.content)
    assert "< 11" in text and "Coût par personne" in " ".join(text.split())  # one person met: masked for a funder
    this_year = client.get(
        reverse("reporting:department_summary_export", kwargs={"code": "80", "fmt": "pdf"}) + f"?year={TODAY.year}"
    )
    # A year in progress: no count of persons for a funder (two downloads a day apart would be subtracted).
    assert "Coût par personne" not in " ".join(pdf_text(this_year.content).split())
    other = reverse("reporting:department_summary_export", kwargs={"code": "42", "fmt": "pdf"})
    assert client.get(other).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the person query runs alongside on PostgreSQL only")
def test_the_bilan_page_runs_its_person_queries_alongside(committed_db, world, client_for, person_query_threads):
    # The request's transaction (ATOMIC_REQUESTS) has written nothing when the bilan is computed, so
    # the person queries of both periods run on their own connections (reporting/alongside.py).
    response = client_for("coordinator_a").get(bilan_url(scope="department:80", **THIS_YEAR))
    assert response.status_code == 200
    assert response.context["bilan"].indicators["B1"].total == 1
    assert len(person_query_threads) == 2  # this year and the year before
    assert threading.current_thread() not in person_query_threads.values()
