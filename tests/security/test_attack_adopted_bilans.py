"""A funder, or a coordinator of another department, goes after adopted bilans (issue 20, docs/reporting.md
"Adoption"): the exact figures and the exact PDF of a version are kept, so every URL that serves a version
is tried, as the attacker would, over HTTP.

The data are those of the differencing attack (tests/security/test_attack_differencing.py): last year,
department 80 has 24 persons met, of them 3 men and 7 child-protection transmissions, masked ("< 11").
"""

import csv
import hashlib
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from reporting.bilan import BilanScope, FigureUnit, ScopeKind
from reporting.indicators import civil_year
from reporting.services import bilan_adopt
from reporting.summary import format_value
from tests.security import test_attack_differencing as differencing
from tests.security.test_attack_differencing import YEARS, _meet, _pdf_text, _phrases

pytestmark = pytest.mark.django_db
department_a = differencing.department_a  # the data of the differencing attack (a fixture)

FORMATS = ("pdf", "json", "csv", "xlsx")
AXIS_TICK = r'<text[^>]*text-anchor="end"[^>]*fill="#6a6a6a">\d+</text>'


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _stored(field) -> bytes:
    with field.open("rb") as file:
        return file.read()


def _text(body: bytes) -> str:
    if body.startswith(b"%PDF"):
        return _pdf_text(body)
    if body.startswith(b"PK"):
        workbook = openpyxl.load_workbook(io.BytesIO(body))
        return "\n".join(
            ";".join("" if value is None else str(value) for value in row)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    # The ticks of the month-by-month axis and the cells marked never masked (held interventions, referrals:
    # counts of acts, never of persons) are not places of a person count.
    page = re.sub(AXIS_TICK, "", body.decode("utf-8-sig"))
    return re.sub(r'<td class="fr-cell--right iscg-never-masked">[^<]*</td>', "", page)


@pytest.fixture
def adopted(world, department_a):
    """Department 80's last complete year, adopted by its coordinator (exact PDF and diffusion PDF stored)."""
    return bilan_adopt(
        scope=BilanScope(ScopeKind.DEPARTMENT, "80", "Somme (80)"),
        period=civil_year(YEARS[-1]),
        by=world.a.coordinator,
    )


def _hidden_values(exact: dict, masked: dict) -> dict[int, list[str]]:
    """{exact value: where} for every figure the masked version hides (as the differencing attack does)."""
    hidden = {}
    for key, indicator in masked["indicators"].items():
        figures = [("total", indicator["total"], exact["indicators"][key]["total"])]
        figures += [
            (cell, data["value"], exact["indicators"][key]["breakdown"][cell]["value"])
            for cell, data in indicator["breakdown"].items()
        ]
        for shown_key, shown, truth in figures:
            if isinstance(shown, str) and isinstance(truth, int) and truth > 0:
                hidden.setdefault(truth, []).append(f"{key}.{shown_key}")
    return hidden


def test_a_funder_gets_no_exact_figure_of_an_adopted_version_by_any_url(world, client_for, adopted):
    exact_pdf = _stored(adopted.pdf)
    exact = json.loads(adopted.figures)
    funder = client_for("funder_a")
    export = "reporting:adopted_bilan_export"
    version_urls = [adopted.get_absolute_url() + suffix for suffix in ("", "?diffusion=0", "?diffusion=1", "?exact=1")]
    version_urls += [
        reverse(export, args=[adopted.public_id, fmt]) + suffix
        for fmt in FORMATS
        for suffix in ("", "?diffusion=0", "?diffusion=", "?diffusion=1")
    ]
    params = f"scope=department:80&start={YEARS[-1]}-01-01&end={YEARS[-1]}-12-31"
    bilan_urls = [f"{reverse('reporting:bilan')}?{params}{extra}" for extra in ("", "&diffusion=0", "&threshold=3")]
    bilan_urls += [f"{reverse('reporting:bilan_export', args=[fmt])}?{params}" for fmt in FORMATS]
    bilan_urls += [f"{reverse('reporting:adopted_bilan_list')}", world.a.convention.get_absolute_url()]
    bilan_urls += [f"{reverse('reporting:bilan')}?{params}&actuel=1&recalculer=1"]  # the live figures and the banner
    outputs = {}
    for url in version_urls + bilan_urls:
        response = funder.get(url)
        assert response.status_code in (200, 302), url
        body = _body(response)
        assert body != exact_pdf, url
        assert adopted.pdf_sha256.encode() not in body, url  # not even the exact PDF's fingerprint
        if response.status_code == 200:
            outputs[url] = _text(body)
    for url, text in outputs.items():
        if "json" in url and "adoptes" in url:
            assert json.loads(text)["masking_threshold"] == 11, url
    # The diffusion PDF is the stored one, byte for byte, whichever way it is asked for.
    stored = _stored(adopted.diffusion_pdf)
    assert _body(funder.get(reverse(export, args=[adopted.public_id, "pdf"]))) == stored
    assert _body(funder.get(f"{reverse('reporting:bilan_export', args=['pdf'])}?{params}")) == stored
    assert hashlib.sha256(stored).hexdigest() == adopted.diffusion_pdf_sha256

    masked = json.loads(outputs[reverse(export, args=[adopted.public_id, "json"])])
    hidden = _hidden_values(exact, masked)
    assert 7 in hidden and 3 in hidden, hidden  # E4 and the men of B3 are masked
    for value, where in hidden.items():
        if value < 3:
            continue  # 1 and 2 are everywhere (« page 1 sur 2 »): the data make 3 and 7 hidden
        for url, text in outputs.items():
            for phrase in _phrases(value):
                found = phrase.search(text)
                context = text[max(found.start() - 60, 0) : found.end() + 60] if found else ""
                assert not found, f"{where} hides {value}, printed at {url}: …{context}…"
    rows = list(csv.reader(io.StringIO(outputs[reverse(export, args=[adopted.public_id, "csv"])]), delimiter=";"))
    for row in rows[1:]:
        for value, where in hidden.items():
            if f"{row[0]}.{row[3]}" in where:
                assert row[5] != str(value), row


def test_the_changed_figures_a_funder_reads_are_masked_on_both_sides(world, client_for, adopted):
    """A late entry changes the live figures: each side of a change in the funder's banner is a figure
    the funder is shown anyway (the adopted version masked, the live bilan masked), never an exact one."""
    for _index in range(2):
        _meet(world.a.post, civil_year(YEARS[-1]).start.replace(month=5), male=True)  # men: 3 → 5, still "< 11"
    funder = client_for("funder_a")
    params = f"scope=department:80&start={YEARS[-1]}-01-01&end={YEARS[-1]}-12-31&actuel=1&recalculer=1"
    response = funder.get(f"{reverse('reporting:bilan')}?{params}")
    banner = response.context["adoption"]
    assert banner is not None and not banner.showing_adopted
    version = json.loads(
        funder.get(reverse("reporting:adopted_bilan_export", args=[adopted.public_id, "json"])).content
    )
    live = json.loads(funder.get(f"{reverse('reporting:bilan_export', args=['json'])}?{params}").content)
    changes = {change.indicator_id: change for change in banner.changes}
    assert changes["B1"].adopted == "24" and changes["B1"].current == "26"
    for indicator_id, change in changes.items():
        unit = FigureUnit(version["indicators"][indicator_id]["unit"])
        assert change.adopted == format_value(version["indicators"][indicator_id]["total"], unit), change
        assert change.current == format_value(live["indicators"][indicator_id]["total"], unit), change
    exact_men = json.loads(adopted.figures)["indicators"]["B3"]["breakdown"]
    assert 3 in [cell["value"] for cell in exact_men.values()]  # the men, hidden on both sides
    page = _text(response.content)
    for value in (3, 5):
        for phrase in _phrases(value):
            assert not phrase.search(page), phrase


def test_other_departments_and_other_roles_get_404(world, client_for, adopted):
    urls = [adopted.get_absolute_url(), reverse("reporting:adopted_bilan_export", args=[adopted.public_id, "pdf"])]
    for persona in ("coordinator_b", "funder_b", "iscg_a", "iscg_b", "officer_a"):
        for url in urls:
            assert client_for(persona).get(url).status_code == 404, (persona, url)
    listed = client_for("coordinator_b").get(reverse("reporting:adopted_bilan_list")).context["page"].object_list
    assert adopted not in listed


def test_a_funder_never_reaches_a_post_version_nor_a_version_without_diffusion(world, client_for, department_a):
    post_version = bilan_adopt(
        scope=BilanScope(ScopeKind.POST, str(world.a.post.public_id), "Poste a (80)"),
        period=civil_year(YEARS[-1]),
        by=world.a.coordinator,
    )
    assert not post_version.has_diffusion
    funder = client_for("funder_a")
    assert funder.get(post_version.get_absolute_url()).status_code == 404
    for fmt in FORMATS:
        url = reverse("reporting:adopted_bilan_export", args=[post_version.public_id, fmt])
        assert funder.get(url).status_code == 404
    assert post_version not in funder.get(reverse("reporting:adopted_bilan_list")).context["page"].object_list
    # The coordinator reads it; its diffusion version does not exist (a post's masked figures are never published).
    coordinator = client_for("coordinator_a")
    assert coordinator.get(post_version.get_absolute_url()).status_code == 200
    assert coordinator.get(post_version.get_absolute_url() + "?diffusion=1").status_code == 404
    # Not the post's ISCG either: a version holds cofinancing figures, which are not theirs.
    assert client_for("iscg_a").get(post_version.get_absolute_url()).status_code == 404
