"""Page 1 of a bilan (issue 20, « Readable »): key-figure tiles and their change, the five-year trend,
the Faits marquants, the coordinator's commentary (edit, conflict, access) and the tagged PDF."""

import datetime
import io
import re
from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from casework.enums import InterventionStatus
from organisation.access import Role
from reporting.bilan import BilanScope, FigureUnit, Indicator, Period, ScopeKind
from reporting.indicators import civil_year, compute_bilan
from reporting.masking import mask_bilan
from reporting.models import COMMENTARY_MAX_CHARS, BilanCommentary
from reporting.overview import key_figures, page_one_context
from reporting.pdf import bilan_pdf
from reporting.summary import MAX_HIGHLIGHTS, highlights, summary_sentences
from reporting.trend import five_year_trend
from tests.accounts.factories import UserFactory
from tests.casework.factories import FollowUpFactory, InterventionFactory
from tests.organisation.factories import PostFactory, UnitFactory, department
from tests.referrals.factories import ReferralFactory
from tests.reporting.samples import sample_bilan

TODAY = timezone.localdate()
LAST_YEAR = {"start": f"{TODAY.year - 1}-01-01", "end": f"{TODAY.year - 1}-12-31"}


def at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date(year, month, day), datetime.time(10)))


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def post_years(db):
    """One post, counted by hand: 2021 one person (2 held); 2024 two persons (2 held), 1 referral;
    2025 three persons (4 held, 1 not honoured), 2 referrals. Nothing in 2022 and 2023."""
    d80 = department("80")
    unit = UnitFactory(department=d80)
    post = PostFactory(department=d80, units=[unit], starts_on=datetime.date(2020, 1, 1))
    iscg = UserFactory(iscg=True)
    first, second, third = (
        FollowUpFactory(post=post, person__post=post, person__created_by=iscg, opened_on=datetime.date(2021, 1, 2))
        for _ in range(3)
    )
    held = InterventionStatus.HELD
    for followup, when, status in (
        (first, at(2021, 3, 1), held),
        (first, at(2021, 4, 1), held),
        (first, at(2024, 3, 1), held),
        (second, at(2024, 5, 1), held),
        (first, at(2025, 2, 3), held),
        (first, at(2025, 3, 3), held),
        (first, at(2025, 4, 3), InterventionStatus.NO_SHOW),
        (second, at(2025, 5, 5), held),
        (third, at(2025, 6, 6), held),
    ):
        InterventionFactory(followup=followup, author=iscg, starts_at=when, status=status)
    ReferralFactory(unit=unit, referred_at=at(2024, 1, 10))
    ReferralFactory(unit=unit, referred_at=at(2025, 1, 10))
    ReferralFactory(unit=unit, referred_at=at(2025, 9, 10))
    scope = BilanScope(ScopeKind.POST, str(post.public_id), post.name)
    return compute_bilan(scope=scope, period=civil_year(2025), include_cofinancing=False)


# ---- Tiles --------------------------------------------------------------------------------------


def test_tiles_give_the_known_counts_and_their_change(post_years, english):
    tiles = {tile.key: tile for tile in key_figures(post_years)}
    assert list(tiles) == ["persons_met", "interventions_held", "referrals_received", "persons_oriented"]
    assert (tiles["persons_met"].value, tiles["persons_met"].previous, tiles["persons_met"].change) == (
        "3",
        "2",
        "+50.0\u00a0%",
    )
    assert (tiles["interventions_held"].value, tiles["interventions_held"].change) == ("4", "+100.0\u00a0%")
    assert (tiles["referrals_received"].value, tiles["referrals_received"].previous) == ("2", "1")


def test_no_cost_tile_without_cofinancing_figures(post_years):
    assert "cost_per_person" not in {tile.key for tile in key_figures(post_years)}


def test_a_cost_tile_when_the_bilan_has_cofinancing_figures(english):
    bilan = sample_bilan(with_previous=True)
    cost = Indicator("I4", "Cost per person met", FigureUnit.CENTS, 32_097)
    tiles = {tile.key: tile for tile in key_figures(replace(bilan, indicators={**bilan.indicators, "I4": cost}))}
    assert "320" in tiles["cost_per_person"].value and "€" in tiles["cost_per_person"].value


def test_tiles_show_no_change_when_the_previous_period_is_incomplete(post_years):
    partial = replace(post_years, incomplete_comparison="période incomplète")
    tiles = key_figures(partial)
    assert all(tile.change == "" for tile in tiles)
    assert all(tile.previous for tile in tiles)  # both figures still side by side


def test_masked_tiles_show_the_masked_strings(post_years):
    masked = mask_bilan(post_years, threshold=11)
    tile = next(tile for tile in key_figures(masked) if tile.key == "persons_met")
    assert (tile.value, tile.previous, tile.change, tile.is_masked) == ("< 11", "< 11", "", True)


# ---- Trend --------------------------------------------------------------------------------------


def test_trend_gives_each_years_persons_met_and_held_interventions(post_years, django_assert_max_num_queries):
    # the post, when its recording started, then one aggregate for the three years not in the bilan
    with django_assert_max_num_queries(3):
        trend = five_year_trend(post_years)
    assert [(row.year, row.persons, row.held) for row in trend] == [
        (2021, 1, 2),
        (2022, 0, 0),
        (2023, 0, 0),
        (2024, 2, 2),
        (2025, 3, 4),
    ]


def test_masked_trend_masks_every_year(post_years):
    trend = five_year_trend(mask_bilan(post_years, threshold=11))
    assert [row.persons for row in trend] == ["< 11", 0, 0, "< 11", "< 11"]
    assert [row.held for row in trend] == [2, 0, 0, 2, 4]  # interventions stay exact, as in C1


def test_the_trend_starts_when_the_scope_started_recording_and_says_so(db, english):
    """A post whose history starts on 2 October 2024: no zeros for 2021–2023 (nothing was recorded,
    nobody « was not met »), and 2024 is said to be incomplete."""
    d80 = department("80")
    unit = UnitFactory(department=d80)
    post = PostFactory(department=d80, units=[unit], starts_on=datetime.date(2019, 1, 1))
    iscg = UserFactory(iscg=True)
    followup = FollowUpFactory(
        post=post, person__post=post, person__created_by=iscg, opened_on=datetime.date(2024, 10, 2)
    )
    InterventionFactory(followup=followup, author=iscg, starts_at=at(2024, 10, 2))
    InterventionFactory(followup=followup, author=iscg, starts_at=at(2025, 3, 3))
    scope = BilanScope(ScopeKind.POST, str(post.public_id), post.name)
    bilan = compute_bilan(scope=scope, period=civil_year(2025), include_cofinancing=False)

    trend = five_year_trend(bilan)
    assert [(row.year, row.persons, row.held) for row in trend] == [(2024, 1, 1), (2025, 1, 1)]
    assert trend[0].recorded_from == datetime.date(2024, 10, 2) and trend[1].recorded_from is None
    context = page_one_context(bilan, trend=trend)
    assert context["trend_note"] == (
        "Activity recorded from Oct. 2, 2024: the years before are not shown and 2024 is incomplete."
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(bilan_pdf(bilan, trend=trend))).pages)
    assert "2021" not in text and "2023" not in text


def test_no_trend_for_a_period_that_is_not_a_civil_year():
    bilan = sample_bilan()
    half = replace(bilan, period=Period(datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)))
    assert five_year_trend(half) == ()


# ---- Faits marquants ----------------------------------------------------------------------------


@pytest.mark.parametrize("masked", [False, True])
def test_at_most_seven_highlights_each_a_sentence_of_the_summary(masked, english):
    bilan = sample_bilan(masked=masked, with_previous=True)
    chosen = highlights(bilan)
    assert 0 < len(chosen) <= MAX_HIGHLIGHTS
    assert set(chosen) <= set(summary_sentences(bilan))


def test_highlights_of_the_known_year_add_up(post_years, english):
    chosen = highlights(post_years)
    assert chosen[0].startswith("During 4 appointments, 3 persons were met")
    assert "the number of persons met went from 2 to 3 (+50.0\u00a0%)" in chosen[1]


# ---- Commentary ---------------------------------------------------------------------------------


def commentary_url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('reporting:bilan_commentary')}?{query}"


def bilan_url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('reporting:bilan')}?{query}"


DEPARTMENT_A = {"scope": "department:80", **LAST_YEAR}


def test_coordinator_writes_the_commentary_and_everyone_who_sees_the_bilan_reads_it(world, client_for):
    coordinator = client_for("coordinator_a")
    page = coordinator.get(bilan_url(**DEPARTMENT_A))
    assert 'name="version" value="0"' in page.content.decode()
    response = coordinator.post(commentary_url(**DEPARTMENT_A), {"text": "Année de montée en charge.", "version": 0})
    assert response.status_code == 302
    commentary = BilanCommentary.objects.get()
    assert (commentary.scope_kind, commentary.scope_key, commentary.version) == ("department", "80", 1)
    funder_page = client_for("funder_a").get(bilan_url(diffusion="", **DEPARTMENT_A)).content.decode()
    assert "Année de montée en charge." in funder_page
    assert 'name="text"' not in funder_page  # read, never edited
    pdf = client_for("funder_a").get(
        reverse("reporting:bilan_export", kwargs={"fmt": "pdf"})
        + "?"
        + "&".join(f"{key}={value}" for key, value in DEPARTMENT_A.items())
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Année de montée en charge." in text


def test_two_editors_do_not_silently_overwrite_each_other(world, client_for):
    first, second = client_for("coordinator_a"), client_for("coordinator_a")
    assert first.post(commentary_url(**DEPARTMENT_A), {"text": "Version A", "version": 0}).status_code == 302
    # The second editor loaded the page before the first saved (version 0): refused, their text kept.
    response = second.post(commentary_url(**DEPARTMENT_A), {"text": "Version B", "version": 0})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Version B" in body and "Version A" in body
    assert BilanCommentary.objects.get().text == "Version A"
    # Saving again from the conflict page (now at version 1) knowingly replaces it.
    assert second.post(commentary_url(**DEPARTMENT_A), {"text": "Version B", "version": 1}).status_code == 302
    assert BilanCommentary.objects.get().text == "Version B"


def test_commentary_is_bounded(world, client_for):
    coordinator = client_for("coordinator_a")
    too_long = coordinator.post(
        commentary_url(**DEPARTMENT_A), {"text": "x" * (COMMENTARY_MAX_CHARS + 1), "version": 0}
    )
    too_many_lines = coordinator.post(commentary_url(**DEPARTMENT_A), {"text": "a\n" * 41, "version": 0})
    bad_version = coordinator.post(commentary_url(**DEPARTMENT_A), {"text": "ok", "version": "x"})
    assert (too_long.status_code, too_many_lines.status_code, bad_version.status_code) == (400, 400, 400)
    assert not BilanCommentary.objects.exists()


def test_who_may_write_the_commentary(world, client_for):
    post = {"text": "Texte", "version": 0}
    assert client_for("coordinator_b").post(commentary_url(**DEPARTMENT_A), post).status_code == 404
    assert client_for("funder_a").post(commentary_url(diffusion="", **DEPARTMENT_A), post).status_code == 403
    assert (
        client_for("iscg_a")
        .post(commentary_url(scope=f"post:{world.a.post.public_id}", **LAST_YEAR), post)
        .status_code
        == 403
    )
    assert client_for("officer_a").post(commentary_url(**DEPARTMENT_A), post).status_code == 404
    assert (
        client_for("admin").post(commentary_url(**DEPARTMENT_A), post).status_code == 403
    )  # a department's: coordinators
    assert client_for("coordinator_a").post(commentary_url(scope="national", **LAST_YEAR), post).status_code == 404
    assert client_for("admin").post(commentary_url(scope="national", **LAST_YEAR), post).status_code == 302
    assert client_for("coordinator_a").get(commentary_url(**DEPARTMENT_A)).status_code == 405
    assert list(BilanCommentary.objects.values_list("scope_kind", flat=True)) == ["national"]
    assert world.users["admin"].role == Role.ADMIN


# ---- The tagged PDF -----------------------------------------------------------------------------


def _alternatives(node, found: list) -> None:
    """The /Alt texts of the Figure elements of a structure tree."""
    node = node.get_object()
    if not hasattr(node, "get"):
        return
    if node.get("/S") == "/Figure" and "/Alt" in node:
        found.append(str(node["/Alt"]))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        if hasattr(kid, "get_object") and not isinstance(kid.get_object(), int):
            _alternatives(kid, found)


def test_the_masked_pdf_chart_alternatives_give_masked_counts_only(post_years):
    masked = mask_bilan(post_years, threshold=11)
    with translation.override("fr"):
        content = bilan_pdf(masked, trend=five_year_trend(masked))
    found: list = []
    _alternatives(PdfReader(io.BytesIO(content)).trailer["/Root"]["/StructTreeRoot"], found)
    trend = next(alt for alt in found if alt.startswith("Évolution sur cinq ans"))
    for year in (2021, 2024, 2025):
        assert f"{year} : personnes rencontrées < 11" in trend
    assert not re.search(r"personnes rencontrées [123]\b", " ".join(found))


def _structure_types(node, seen: set) -> None:
    node = node.get_object()
    if isinstance(node, dict) or hasattr(node, "get"):
        if "/S" in node:
            seen.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                if hasattr(kid, "get_object") and not isinstance(kid.get_object(), int):
                    _structure_types(kid, seen)
    elif isinstance(node, list):
        for kid in node:
            _structure_types(kid, seen)


def test_the_pdf_is_tagged_with_language_title_headings_tables_and_chart_alternatives(post_years):
    with translation.override("fr"):
        content = bilan_pdf(post_years, trend=five_year_trend(post_years), commentary="Texte libre.")
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert str(root["/Lang"]).startswith("fr")
    assert "Bilan d’activité" in str(reader.metadata.title)
    assert root["/MarkInfo"]["/Marked"]
    types: set = set()
    _structure_types(root["/StructTreeRoot"], types)
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Figure"} <= types
    figures: list = []
    _alternatives(root["/StructTreeRoot"], figures)
    assert any("2021 : personnes rencontrées 1, interventions réalisées 2" in alt for alt in figures)


def test_the_pdf_has_a_cover_contents_and_an_annex(post_years):
    with translation.override("fr"):
        content = bilan_pdf(post_years, trend=five_year_trend(post_years), version_label="adoptée le 3 mars 2026")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    assert "RÉPUBLIQUE" in pages[0] and "Adoptée le 3 mars 2026" in pages[0]
    assert "Chiffres exacts — diffusion interne" in pages[0]
    assert "Sommaire" in pages[1] and re.search(r"Chiffres clés[ .]*3", pages[1])
    assert "Chiffres clés" in pages[2]
    assert any("Annexe" in page for page in pages[3:])
