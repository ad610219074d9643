"""The bilan's PDF. Rendering (``render_pdf``, WeasyPrint without network) lives in iscg.pdf, where
every app may use it; it is imported back here for the bilan's callers."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from iscg.pdf import StaticOnlyFetcher, render_pdf, static_root
from reporting.bilan import Bilan, Indicator
from reporting.charts import breakdown_svg, comparison_svg, monthly_svg
from reporting.overview import page_one_context
from reporting.summary import (
    HEADLINE_IDS,
    format_change,
    format_percent,
    format_value,
    is_number,
    masking_notice,
    period_label,
    short_period_label,
    summary_sentences,
)

__all__ = ["StaticOnlyFetcher", "bilan_pdf", "bilan_pdf_context", "render_pdf", "static_root", "summary_sentences"]


# ---- Bilan --------------------------------------------------------------------------------------


def _chart(indicator: Indicator):
    """The breakdown chart of the PDF: zero cells left out (the table lists them), none when nothing is drawn."""
    cells = tuple(cell for cell in indicator.breakdown if not (is_number(cell.value) and cell.value == 0))
    if len(indicator.breakdown) < 2 or not any(cell.value is not None for cell in cells):
        return ""
    return breakdown_svg(indicator.with_changes(breakdown=cells))


def _indicator_context(indicator: Indicator) -> dict:
    rows = [
        {
            "key": cell.key,
            "label": cell.label,
            "value": format_value(cell.value, indicator.unit),
            "percent": format_percent(cell.percent),
            "is_masked": isinstance(cell.value, str),
        }
        for cell in indicator.breakdown
    ]
    has_percent = any(cell.percent is not None for cell in indicator.breakdown) or bool(indicator.denominator_label)
    return {
        "id": indicator.id,
        "label": indicator.label,
        "note": indicator.note,
        "total": format_value(indicator.total, indicator.unit),
        "total_is_masked": isinstance(indicator.total, str),
        "rows": rows,
        "has_percent": has_percent,
        "percent_heading": (
            _("Share %(denominator)s") % {"denominator": indicator.denominator_label}
            if indicator.denominator_label
            else _("Share")
        ),
        "is_multi_valued": indicator.is_multi_valued,
        "details": [
            {"label": label, "value": format_value(value, unit)} for _key, label, value, unit in indicator.details
        ],
        "chart": _chart(indicator),
    }


def _blocks(indicators: list[dict]) -> list[dict]:
    """A group's indicators in order; consecutive ones without a breakdown share one table of key figures."""
    blocks: list[dict] = []
    for indicator in indicators:
        if indicator["rows"]:
            blocks.append({"figures": None, "indicator": indicator})
        elif blocks and blocks[-1]["figures"] is not None:
            blocks[-1]["figures"].append(indicator)
        else:
            blocks.append({"figures": [indicator], "indicator": None})
    return blocks


def _comparison_context(bilan: Bilan) -> dict | None:
    previous = bilan.previous
    if previous is None:
        return None
    rows = []
    for indicator in bilan.indicators.values():
        old = previous.indicators.get(indicator.id)
        if old is None or (indicator.total is None and old.total is None):
            continue
        rows.append(
            {
                "id": indicator.id,
                "label": indicator.label,
                "current": format_value(indicator.total, indicator.unit),
                "previous": format_value(old.total, old.unit),
                "change": "—" if bilan.incomplete_comparison else format_change(indicator.total, old.total) or "—",
            }
        )
    headline = [i for i in HEADLINE_IDS if i in bilan.indicators and i in previous.indicators]
    return {
        "period": period_label(previous.period),
        "current_heading": short_period_label(bilan.period),
        "previous_heading": short_period_label(previous.period),
        "rows": rows,
        "incomplete": bilan.incomplete_comparison,
        "chart": comparison_svg(bilan, previous, headline) if headline else "",
    }


def bilan_pdf_context(bilan: Bilan, *, trend=(), commentary: str = "", version_label: str = "") -> dict:
    """What templates/reporting/pdf/bilan.html shows: every figure already formatted, charts as SVG.
    ``trend`` and ``commentary`` come from reporting.overview.page_one_extras; ``version_label`` names
    an adopted version (« adoptée le … »), else the PDF says « version de travail »."""
    generated_at = bilan.generated_at or timezone.now()
    if timezone.is_aware(generated_at):
        generated_at = timezone.localtime(generated_at)
    title = _("Activity report")
    if bilan.is_masked:
        mention = _("Diffusion — masking threshold: %(threshold)s") % {"threshold": bilan.masking_threshold}
        cover_mention = _("Diffusion version")
    else:
        mention = _("Exact figures — internal document, not for diffusion")
        cover_mention = _("Exact figures — internal diffusion")
    return {
        "document_title": f"{title} — {bilan.scope.label}",
        "document_subtitle": period_label(bilan.period),
        "header_left": f"{title} — {bilan.scope.label}",
        "header_right": period_label(bilan.period),
        "footer_mention": mention,
        "bilan": bilan,
        "title": title,
        "scope_label": bilan.scope.label,
        "period_label": period_label(bilan.period),
        "generated_on": date_format(generated_at, "DATE_FORMAT"),
        "version_label": version_label or _("working version"),
        "cover_mention": cover_mention,
        "sentences": summary_sentences(bilan),
        "masking_notice": masking_notice(bilan.masking_threshold) if bilan.is_masked else "",
        "warnings": list(bilan.warnings),
        "comparison": _comparison_context(bilan),
        "monthly_chart": monthly_svg(bilan),
        "groups": [
            {"letter": letter, "title": title, "blocks": _blocks([_indicator_context(item) for item in items])}
            for letter, title, items in bilan.groups()
        ],
        **page_one_context(bilan, trend=trend, commentary=commentary),
    }


def bilan_pdf(bilan: Bilan, *, trend=(), commentary: str = "", version_label: str = "") -> bytes:
    context = bilan_pdf_context(bilan, trend=trend, commentary=commentary, version_label=version_label)
    return render_pdf("reporting/pdf/bilan.html", context)
