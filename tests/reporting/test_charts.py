"""SVG charts: accessible, escaped, printable, and free of inline style (strict CSP)."""

import xml.etree.ElementTree as ET
from dataclasses import replace

from django.utils.safestring import SafeString

from conventions.templatetags.money import euros, percent
from reporting.bilan import SECONDARY_MASK, Cell, FigureUnit, Indicator
from reporting.charts import breakdown_svg, comparison_svg
from tests.reporting.samples import MASK, UNIT_LABEL, sample_bilan

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The chart is well-formed XML (the escaping did not break it)."""
    return ET.fromstring(svg)  # noqa: S314 — our own output, not untrusted XML  # nosec B314


def texts(svg: str) -> list[str]:
    return [element.text for element in parse(svg).iter(f"{SVG}text")]


def test_breakdown_chart_is_an_accessible_image_with_a_title():
    indicator = sample_bilan().indicators["B3"]
    svg = breakdown_svg(indicator)
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.get("role") == "img"
    assert "Personnes rencontrées par sexe" in root.get("aria-label")
    assert "Personnes rencontrées par sexe" in root.find(f"{SVG}title").text


def test_breakdown_chart_draws_one_bar_per_non_zero_cell_with_its_value_as_text():
    indicator = sample_bilan().indicators["B3"]  # Femme 60, Homme 30, Autre 0, Non renseigné 8
    svg = breakdown_svg(indicator)
    bars = [rect for rect in parse(svg).iter(f"{SVG}rect") if rect.get("fill") != "none"]
    assert len(bars) == 3
    widths = sorted(float(bar.get("width")) for bar in bars)
    assert widths[2] == 2 * widths[1]  # 60 is twice 30
    labels = texts(svg)
    assert {"Femme", "Homme", "Autre", "Sexe non renseigné"} <= set(labels)
    assert any(text.startswith("60 (61") for text in labels)
    assert "0 (0" in " ".join(labels)


def test_breakdown_chart_escapes_labels():
    indicator = sample_bilan().indicators["A1"]
    svg = breakdown_svg(indicator)
    assert "&lt;Nord&gt; &amp; Sud" in svg
    assert "<Nord>" not in svg
    assert UNIT_LABEL in texts(svg)  # the XML parser reads the label back intact


def test_masked_cells_are_empty_dashed_bars_labelled_with_their_string():
    indicator = sample_bilan(masked=True).indicators["B3"]
    svg = breakdown_svg(indicator)
    empty = [rect for rect in parse(svg).iter(f"{SVG}rect") if rect.get("fill") == "none"]
    assert len(empty) == 2  # "< 11" and "secret"
    assert all(rect.get("stroke-dasharray") for rect in empty)
    assert MASK in texts(svg)
    assert SECONDARY_MASK in texts(svg)
    assert "&lt; 11" in svg


def test_charts_use_no_inline_style():
    bilan = sample_bilan(masked=True, with_previous=True)
    for svg in [
        *(breakdown_svg(indicator) for indicator in bilan.indicators.values()),
        comparison_svg(bilan, bilan.previous, ["A1", "B1", "B2", "E3"]),
    ]:
        assert "style=" not in svg
        assert "<script" not in svg


def test_money_bars_show_euros():
    svg = breakdown_svg(sample_bilan().indicators["I1"])
    assert f"{euros(4_500_000)} ({percent(50.0)})" in texts(svg)
    assert "4500000" not in svg


def test_an_indicator_without_breakdown_has_no_chart():
    assert breakdown_svg(Indicator(id="B1", label="Personnes", unit=FigureUnit.PERSONS, total=3)) == ""


def test_a_missing_value_is_a_dash_without_bar():
    indicator = Indicator(
        id="C4",
        label="Par personne",
        unit=FigureUnit.RATIO,
        total=None,
        breakdown=(Cell("a", "A", None), Cell("b", "B", 2.5)),
    )
    svg = breakdown_svg(indicator)
    assert "—" in texts(svg)
    assert len(list(parse(svg).iter(f"{SVG}rect"))) == 1


def test_comparison_chart_pairs_the_current_and_previous_totals():
    bilan = sample_bilan(with_previous=True)
    svg = comparison_svg(bilan, bilan.previous, ["B1", "A1"])
    root = parse(svg)
    assert root.get("role") == "img"
    assert "2024" in root.find(f"{SVG}title").text and "2023" in root.find(f"{SVG}title").text
    labels = texts(svg)
    assert {"2024", "2023", "Personnes rencontrées", "Saisines reçues", "98", "85", "156", "140"} <= set(labels)
    assert any(text.startswith("+15") for text in labels)  # 85 → 98
    assert "<pattern" in svg  # the previous period is hatched, readable in black and white


def test_comparison_chart_escapes_labels_and_draws_masked_totals_as_empty_bars():
    bilan = sample_bilan(with_previous=True)
    current = bilan.indicators["B1"].with_changes(label="Personnes <b>rencontrées</b> & co", total=MASK)
    bilan = type(bilan)(**{**bilan.__dict__, "indicators": {"B1": current}})
    svg = comparison_svg(bilan, bilan.previous, ["B1", "Z9"])
    assert "&lt;b&gt;rencontrées&lt;/b&gt; &amp; co" in svg
    assert "<b>" not in svg
    assert MASK in texts(svg)
    assert any(rect.get("fill") == "none" for rect in parse(svg).iter(f"{SVG}rect"))


def test_comparison_chart_of_no_known_indicator_is_empty():
    bilan = sample_bilan(with_previous=True)
    assert comparison_svg(bilan, bilan.previous, ["Z9"]) == ""


def test_monthly_chart_draws_two_lines_and_breaks_on_masked_months():
    import datetime

    from reporting.bilan import Month
    from reporting.charts import monthly_svg

    months = tuple(
        Month(datetime.date(2025, m, 1), held=10 * m, persons="< 11" if m == 6 else 3 * m) for m in range(1, 13)
    )
    bilan = sample_bilan()
    svg = str(monthly_svg(replace(bilan, monthly=months)))
    assert svg.count("<polyline") == 3  # interventions, and persons before and after the masked month
    assert "&lt; 11" in svg and "style=" not in svg
    assert monthly_svg(replace(bilan, monthly=())) == ""
