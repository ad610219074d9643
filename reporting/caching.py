"""Bilans computed a few minutes ago, served again: the figures of a department-year cost a few
hundred milliseconds of database time, and the same bilan is opened, exported and printed several
times in a row (on screen, then PDF, then XLSX), often by several people of the same department.

Kept for BILAN_CACHE_SECONDS (5 minutes by default, 0 = always recompute) in Django's cache, keyed by
scope, period, language and whether cofinancing figures are included. Only exact aggregates are
kept — never a person's data — and masking is applied after, for each viewer. The page says when
the figures were computed and offers to recompute them at once.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from reporting.bilan import Bilan, BilanScope, Period
from reporting.indicators import compute_bilan
from reporting.pdf import bilan_pdf
from reporting.trend import TrendYear, five_year_trend

KEY_VERSION = 1  # bump when the shape of Bilan changes: older cached values are then ignored


def _key(scope: BilanScope, period: Period, *, include_cofinancing: bool) -> str:
    return ":".join(
        (
            "bilan",
            str(KEY_VERSION),
            translation.get_language() or settings.LANGUAGE_CODE,
            scope.kind,
            scope.key,
            period.start.isoformat(),
            period.end.isoformat(),
            "cofinancing" if include_cofinancing else "activity",
        )
    )


def bilan_for(*, scope: BilanScope, period: Period, include_cofinancing: bool, fresh: bool = False) -> Bilan:
    """The bilan with its previous period, from the cache when it was computed less than
    BILAN_CACHE_SECONDS ago (unless ``fresh``), else computed now and kept."""
    seconds = settings.BILAN_CACHE_SECONDS
    key = _key(scope, period, include_cofinancing=include_cofinancing)
    if seconds and not fresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    bilan = compute_bilan(scope=scope, period=period, include_cofinancing=include_cofinancing)
    if seconds:
        cache.set(key, bilan, seconds)
    return bilan


def bilan_keep(*, scope: BilanScope, period: Period, include_cofinancing: bool, seconds: int) -> Bilan:
    """Compute a bilan now and keep it ``seconds`` (the worker's nightly preparation of last year's
    department bilans, reporting/tasks.py): the pages then open it from the cache."""
    bilan = compute_bilan(scope=scope, period=period, include_cofinancing=include_cofinancing)
    cache.set(_key(scope, period, include_cofinancing=include_cofinancing), bilan, seconds)
    return bilan


def _computation_key(kind: str, bilan: Bilan) -> str:
    """The key of something derived from one computation of a bilan's figures, as masked for the viewer."""
    return ":".join(
        (
            kind,
            _key(bilan.scope, bilan.period, include_cofinancing="I1" in bilan.indicators),
            bilan.generated_at.isoformat(),
            str(bilan.masking_threshold or "exact"),
        )
    )


def trend_for(bilan: Bilan) -> tuple[TrendYear, ...]:
    """The five-year trend of page 1 (its earlier years cost two queries), kept with the figures it
    completes: computed again when they are."""
    seconds = settings.BILAN_CACHE_SECONDS
    if not seconds or bilan.generated_at is None:
        return five_year_trend(bilan)
    key = _computation_key("trend", bilan)
    trend = cache.get(key)
    if trend is None:
        trend = five_year_trend(bilan)
        cache.set(key, trend, seconds)
    return trend


def pdf_for(bilan: Bilan, **page_one) -> bytes:
    """The PDF of a bilan (as masked for the viewer): rendered once per computed bilan, masking
    threshold and page-1 extras (trend, commentary: reporting.overview.page_one_extras) while the
    figures are kept, since rendering costs seconds of CPU (docs/benchmarks.md)."""
    seconds = settings.BILAN_CACHE_SECONDS
    if not seconds or bilan.generated_at is None:
        return bilan_pdf(bilan, **page_one)
    page_one_digest = hashlib.sha256(repr(sorted(page_one.items())).encode()).hexdigest()[:16]
    key = f"{_computation_key('pdf', bilan)}:{page_one_digest}"  # a new commentary: a new PDF
    content = cache.get(key)
    if content is None:
        content = bilan_pdf(bilan, **page_one)
        cache.set(key, content, seconds)
    return content
