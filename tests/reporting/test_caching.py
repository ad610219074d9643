"""Computed bilans are served again for BILAN_CACHE_SECONDS; the page says when they were computed and
recomputes them on request; masking is applied per viewer after the cache."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from reporting.caching import bilan_for
from reporting.indicators import civil_year, resolve_scope
from tests.casework.factories import InterventionFactory
from tests.reporting.test_views import LAST_YEAR, THIS_YEAR, bilan_url, export_url, met_last_year

YEAR = civil_year(timezone.localdate().year)


def _held_today(world):
    followup = world.a.followup
    return InterventionFactory(followup=followup, author=world.a.iscg, starts_at=timezone.now())


def test_a_bilan_computed_minutes_ago_is_served_without_a_query_until_recomputed(
    world, django_assert_num_queries, settings
):
    settings.BILAN_CACHE_SECONDS = 300
    scope = resolve_scope("department:80")
    first = bilan_for(scope=scope, period=YEAR, include_cofinancing=True)
    with django_assert_num_queries(0):
        again = bilan_for(scope=scope, period=YEAR, include_cofinancing=True)
    assert again.indicators == first.indicators and again.generated_at == first.generated_at
    assert "I1" not in bilan_for(scope=scope, period=YEAR, include_cofinancing=False).indicators  # its own entry

    _held_today(world)  # a new held intervention: the cached figures do not know it yet
    assert bilan_for(scope=scope, period=YEAR, include_cofinancing=True).indicators["C1"].total == (
        first.indicators["C1"].total
    )
    fresh = bilan_for(scope=scope, period=YEAR, include_cofinancing=True, fresh=True)
    assert fresh.indicators["C1"].total == first.indicators["C1"].total + 1
    assert fresh.generated_at > first.generated_at
    with django_assert_num_queries(0):  # the recomputed figures replace the old ones
        assert bilan_for(scope=scope, period=YEAR, include_cofinancing=True).indicators["C1"].total == (
            fresh.indicators["C1"].total
        )


def test_the_language_is_part_of_the_key_and_zero_seconds_switch_the_cache_off(world, settings):
    scope = resolve_scope("department:80")
    with translation.override("fr"):
        french = bilan_for(scope=scope, period=YEAR, include_cofinancing=True)
    with translation.override("en"):
        english = bilan_for(scope=scope, period=YEAR, include_cofinancing=True)
    assert french.indicators["B1"].label != english.indicators["B1"].label

    settings.BILAN_CACHE_SECONDS = 0
    bilan_for(scope=scope, period=YEAR, include_cofinancing=True)
    with CaptureQueriesContext(connection) as queries:
        bilan_for(scope=scope, period=YEAR, include_cofinancing=True)
    assert len(queries) > 30  # computed again


def test_the_page_says_when_figures_were_computed_and_recomputes_on_request(world, client_for):
    client = client_for("coordinator_a")
    url = bilan_url(scope="department:80", **THIS_YEAR)
    page = client.get(url)
    before = page.context["bilan"].indicators["C1"].total
    content = page.content.decode()
    assert "Chiffres calculés le" in content and "Recalculer maintenant" in content
    assert "recalculer=1" in content

    _held_today(world)
    assert client.get(url).context["bilan"].indicators["C1"].total == before  # the same figures, minutes later
    recomputed = client.get(f"{url}&recalculer=1")
    assert recomputed.context["bilan"].indicators["C1"].total == before + 1
    export_links = [line for line in recomputed.content.decode().splitlines() if "/bilans/telecharger." in line]
    assert export_links and not any("recalculer" in line for line in export_links)  # downloads reuse the figures


def test_masking_for_a_funder_never_reaches_the_cached_exact_figures(world, client_for):
    met_last_year(world)  # masked figures: complete civil years only
    funder = client_for("funder_a").get(bilan_url(scope="department:80", **LAST_YEAR)).context["bilan"]
    coordinator = client_for("coordinator_a").get(bilan_url(scope="department:80", **LAST_YEAR)).context["bilan"]
    assert funder.is_masked and not coordinator.is_masked
    assert coordinator.indicators["B1"].total == 1 and funder.indicators["B1"].total != 1
    exported = client_for("coordinator_a").get(export_url("json", scope="department:80", **LAST_YEAR))
    assert exported.status_code == 200


def test_a_pdf_is_rendered_once_per_computed_bilan_and_masking(world, client_for, monkeypatch):
    import reporting.caching

    rendered = []
    real = reporting.caching.bilan_pdf
    monkeypatch.setattr(
        reporting.caching, "bilan_pdf", lambda bilan, **page_one: rendered.append(bilan) or real(bilan, **page_one)
    )
    met_last_year(world)  # masked figures: complete civil years only
    coordinator, funder = client_for("coordinator_a"), client_for("funder_a")
    first = coordinator.get(export_url("pdf", scope="department:80", **LAST_YEAR))
    again = coordinator.get(export_url("pdf", scope="department:80", **LAST_YEAR))
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and len(rendered) == 1
    masked = funder.get(export_url("pdf", scope="department:80", **LAST_YEAR))  # same figures, masked
    assert len(rendered) == 2 and rendered[-1].is_masked and masked.content != first.content
    coordinator.get(bilan_url(scope="department:80", recalculer=1, **LAST_YEAR))  # figures recomputed
    coordinator.get(export_url("pdf", scope="department:80", **LAST_YEAR))
    assert len(rendered) == 3  # a new computation, a new PDF


def test_the_five_year_trend_is_kept_with_the_figures_it_completes(world, client_for, settings):
    """Page 1's trend reads the earlier years (two queries): opening the page again, within the cache
    time, reads no activity table at all; recomputing the figures recomputes the trend."""
    settings.BILAN_CACHE_SECONDS = 300
    met_last_year(world)
    client = client_for("coordinator_a")
    url = bilan_url(scope="department:80", **LAST_YEAR)
    first = client.get(url)
    assert first.context["trend_rows"]
    activity_tables = ("casework_intervention", "casework_followup", "referrals_referral")
    with CaptureQueriesContext(connection) as again:
        second = client.get(url)
    assert [row.year for row in second.context["trend_rows"]] == [row.year for row in first.context["trend_rows"]]
    assert not [query["sql"] for query in again.captured_queries if any(t in query["sql"] for t in activity_tables)]
    with CaptureQueriesContext(connection) as recomputed:
        client.get(bilan_url(scope="department:80", recalculer=1, **LAST_YEAR))
    assert any("casework_intervention" in query["sql"] for query in recomputed.captured_queries)
