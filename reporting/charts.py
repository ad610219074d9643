"""Server-rendered SVG charts of a bilan: no JavaScript, no library, printable in black and white.

Colours are the State design system's (DSFR): bars in « bleu France », text in its grey. Series are
solid or hatched so that a black-and-white print still tells them apart, every bar carries its value
as text, masked cells are drawn as an empty dashed bar labelled with their string ("< 11"). Only SVG
presentation attributes are used (no ``style=``: the Content-Security-Policy allows no inline
style). Every label is escaped. Every chart has its data table beside it (screen and PDF).
"""

import itertools

from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reporting.bilan import Bilan, FigureUnit, Indicator, Value
from reporting.summary import format_change, format_percent, format_value, is_number, short_period_label

WIDTH = 640
FONT = "Marianne, Arial, Helvetica, sans-serif"
FONT_SIZE = 11
INK = "#161616"  # text and axes (DSFR grey-50 on white: 17.9:1)
BAR = "#000091"  # bars and lines: DSFR « bleu France » (blue-france-sun-113), dark enough for a grey print
GREY = "#6a6a6a"  # secondary text and grid lines (5.4:1 on white)
LABEL_WIDTH = 220  # left column of category labels
VALUE_WIDTH = 150  # room kept at the right of the longest bar for its value
MASKED_BAR = 28  # width of the empty bar of a masked or unknown cell
CHAR_WIDTH = 0.52 * FONT_SIZE  # average glyph width, to shorten labels that would not fit

_pattern_ids = itertools.count(1)


def _shorten(label: str, width: float) -> str:
    limit = max(4, int(width / CHAR_WIDTH))
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _text(x: float, y: float, text: str, *, anchor: str = "start", bold: bool = False, fill: str = INK) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" font-size="{}" text-anchor="{}" font-weight="{}" fill="{}">{}</text>',
        _n(x),
        _n(y),
        FONT_SIZE,
        anchor,
        "bold" if bold else "normal",
        fill,
        escape(text),
    )


def _n(number: float) -> str:
    """Coordinates with at most one decimal, dot-separated whatever the locale."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _svg(width: float, height: float, title: str, body: list[SafeString], defs: SafeString | str = "") -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="iscg-chart" role="img" aria-label="{title}" '
        'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{font}">'
        "<title>{title}</title>{defs}{body}</svg>",
        title=escape(title),
        width=_n(width),
        height=_n(height),
        font=FONT,
        defs=defs,
        body=format_html_join("", "{}", ((part,) for part in body)),
    )


def _bar(x: float, y: float, length: float, height: float, *, fill: str) -> SafeString:
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="0.8"/>',
        _n(x),
        _n(y),
        _n(max(length, 0.0)),
        _n(height),
        fill,
        BAR,
    )


def _hatch() -> tuple[SafeString, str]:
    """A hatched fill (white with « bleu France » diagonals): the second series, told apart in grey print."""
    pattern = f"iscg-hatch-{next(_pattern_ids)}"
    defs = format_html(
        '<defs><pattern id="{}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{}" stroke-width="2.2"/></pattern></defs>',
        pattern,
        BAR,
    )
    return defs, f"url(#{pattern})"


def _empty_bar(x: float, y: float, height: float) -> SafeString:
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}" stroke-width="1" stroke-dasharray="3 2"/>',
        _n(x),
        _n(y),
        MASKED_BAR,
        _n(height),
        INK,
    )


def _value_text(value: Value, unit: FigureUnit, percent: float | None = None) -> str:
    text = format_value(value, unit)
    if percent is not None:
        text = f"{text} ({format_percent(percent)})"
    return text


def breakdown_svg(indicator: Indicator) -> SafeString:
    """Horizontal bars, one per cell of the indicator's breakdown, each labelled with its value."""
    cells = indicator.breakdown
    if not cells:
        return SafeString("")
    row, bar_height, top = 22, 14, 6
    bar_x = LABEL_WIDTH + 8
    span = WIDTH - bar_x - VALUE_WIDTH
    largest = max((cell.value for cell in cells if is_number(cell.value)), default=0) or 1
    body = [
        format_html(
            '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{ink}" stroke-width="1"/>',
            x=bar_x,
            top=top - 2,
            bottom=top + row * len(cells) - 4,
            ink=INK,
        )
    ]
    for i, cell in enumerate(cells):
        y = top + i * row
        middle = y + bar_height / 2 + FONT_SIZE * 0.35
        body.append(_text(LABEL_WIDTH, middle, _shorten(cell.label, LABEL_WIDTH), anchor="end"))
        value = _value_text(cell.value, indicator.unit, cell.percent)
        if is_number(cell.value):
            length = span * cell.value / largest
            if length > 0:
                body.append(_bar(bar_x, y, length, bar_height, fill=BAR))
            body.append(_text(bar_x + length + 5, middle, value))
        elif isinstance(cell.value, str):  # masked: an empty bar labelled with its string
            body.append(_empty_bar(bar_x, y, bar_height))
            body.append(_text(bar_x + MASKED_BAR + 5, middle, value))
        else:
            body.append(_text(bar_x + 5, middle, value))
    height = top + row * len(cells) + 2
    title = _("%(indicator)s: chart of the breakdown") % {"indicator": indicator.label}
    return _svg(WIDTH, height, title, body)


def comparison_svg(current: Bilan, previous: Bilan, ids: list[str]) -> SafeString:
    """Paired bars of headline totals: the current period (solid) above the previous one (hatched)."""
    ids = [indicator_id for indicator_id in ids if indicator_id in current.indicators]
    if not ids:
        return SafeString("")
    defs, hatched = _hatch()
    current_label, previous_label = short_period_label(current.period), short_period_label(previous.period)
    bar_height, legend = 12, 24
    body = [
        _bar(0, 4, 14, 12, fill=BAR),
        _text(20, 14, current_label),
        _bar(150, 4, 14, 12, fill=hatched),
        _text(170, 14, previous_label),
    ]
    bar_x = LABEL_WIDTH + 8
    span = WIDTH - bar_x - VALUE_WIDTH
    group = 2 * bar_height + 14
    for i, indicator_id in enumerate(ids):
        indicator = current.indicators[indicator_id]
        old = previous.indicators.get(indicator_id)
        values = [indicator.total, old.total if old is not None else None]
        y = legend + i * group
        body.append(_text(LABEL_WIDTH, y + bar_height + 4, _shorten(indicator.label, LABEL_WIDTH), anchor="end"))
        change = "" if current.incomplete_comparison else format_change(*values)  # no trend from a partial period
        if change:
            body.append(_text(LABEL_WIDTH, y + 2 * bar_height + 6, change, anchor="end", fill=GREY))
        largest = max((value for value in values if is_number(value)), default=0) or 1
        for j, (value, fill) in enumerate(zip(values, (BAR, hatched), strict=True)):
            bar_y = y + j * (bar_height + 2)
            middle = bar_y + bar_height / 2 + FONT_SIZE * 0.35
            text = format_value(value, indicator.unit)
            if is_number(value):
                length = span * value / largest
                if length > 0:
                    body.append(_bar(bar_x, bar_y, length, bar_height, fill=fill))
                body.append(_text(bar_x + length + 5, middle, text))
            elif isinstance(value, str):
                body.append(_empty_bar(bar_x, bar_y, bar_height))
                body.append(_text(bar_x + MASKED_BAR + 5, middle, text))
            else:
                body.append(_text(bar_x + 5, middle, text))
    height = legend + group * len(ids)
    title = _("Comparison of %(current)s with %(previous)s") % {"current": current_label, "previous": previous_label}
    return _svg(WIDTH, height, title, body, defs)


def _polyline(points: list[tuple[float, float]], *, dashed: bool) -> SafeString:
    return format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{}/>',
        " ".join(f"{_n(x)},{_n(y)}" for x, y in points),
        BAR,
        format_html(' stroke-dasharray="{}"', "5 3") if dashed else "",
    )


def _marker(x: float, y: float, *, square: bool) -> SafeString:
    if square:
        return format_html(
            '<rect x="{}" y="{}" width="6" height="6" fill="#ffffff" stroke="{}" stroke-width="1.5"/>',
            _n(x - 3),
            _n(y - 3),
            BAR,
        )
    return format_html('<circle cx="{}" cy="{}" r="3" fill="{}"/>', _n(x), _n(y), BAR)


def monthly_svg(bilan: Bilan) -> SafeString:
    """Lines month by month: held interventions (solid, dots) and persons met (dashed, squares).
    A masked month of persons breaks its line and shows its string under the axis."""
    months = bilan.monthly
    if len(months) < 2 or not any(month.held for month in months):
        return SafeString("")
    left, right, top, legend, axis = 44, 12, 34, 20, 34
    plot_height = 150
    height = top + plot_height + axis
    step = (WIDTH - left - right) / (len(months) - 1)
    largest = max(max(month.held for month in months), 1)
    scale = plot_height / largest
    body = [
        _marker(6, 10, square=False),
        _text(16, 14, _("Held interventions")),
        _marker(206, 10, square=True),
        _text(216, 14, _("Persons met")),
    ]
    baseline = top + plot_height
    for tick in (0, largest // 2, largest):
        y = baseline - tick * scale
        body.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="0.5"/>',
                left,
                _n(y),
                WIDTH - right,
                _n(y),
                GREY,
            )
        )
        body.append(_text(left - 6, y + 4, format_value(tick, FigureUnit.INTERVENTIONS), anchor="end", fill=GREY))
    held_points, person_lines, line = [], [], []
    for index, month in enumerate(months):
        x = left + index * step
        held_points.append((x, baseline - month.held * scale))
        if is_number(month.persons):
            line.append((x, baseline - month.persons * scale))
        else:
            if line:
                person_lines.append(line)
            line = []
            body.append(_text(x, baseline + 28, str(month.persons), anchor="middle", fill=GREY))
        label = date_format(month.month, "M") if len(months) <= 24 else date_format(month.month, "m/y")
        body.append(_text(x, baseline + 15, label, anchor="middle"))
    if line:
        person_lines.append(line)
    body.append(_polyline(held_points, dashed=False))
    body.extend(_marker(x, y, square=False) for x, y in held_points)
    for points in person_lines:
        if len(points) > 1:
            body.append(_polyline(points, dashed=True))
        body.extend(_marker(x, y, square=True) for x, y in points)
    title = _("Held interventions and persons met, month by month, %(period)s") % {
        "period": short_period_label(bilan.period)
    }
    return _svg(WIDTH, height + legend - 20, title, body)


def trend_svg(rows, *, title: str) -> SafeString:
    """Two panels of vertical bars by civil year, each labelled with its value: persons met (solid) and
    interventions held (hatched), each on its own scale (the two counts differ by an order of
    magnitude). ``rows`` are reporting.overview.TrendRow; a masked year is an empty dashed bar
    labelled with its string."""
    if not rows:
        return SafeString("")
    defs, hatched = _hatch()
    panel, gap, top, plot = (WIDTH - 24) / 2, 24, 34, 110
    baseline = top + plot
    body = []
    series = (
        (_("Persons met"), [(row.persons_value, row.persons) for row in rows], BAR),
        (_("Held interventions"), [(row.held_value, row.held) for row in rows], hatched),
    )
    for index, (name, values, fill) in enumerate(series):
        left = index * (panel + gap)
        body.append(_text(left, 14, name, bold=True))
        body.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                _n(left),
                _n(baseline),
                _n(left + panel),
                _n(baseline),
                INK,
            )
        )
        largest = max((value for value, _text_value in values if is_number(value)), default=0) or 1
        slot = panel / len(values)
        width = min(36, slot * 0.6)
        for position, ((value, text), row) in enumerate(zip(values, rows, strict=True)):
            x = left + position * slot + (slot - width) / 2
            middle = x + width / 2
            if is_number(value):
                height = plot * value / largest
                if height > 0:
                    body.append(
                        format_html(
                            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="0.8"/>',
                            _n(x),
                            _n(baseline - height),
                            _n(width),
                            _n(height),
                            fill,
                            BAR,
                        )
                    )
                body.append(_text(middle, baseline - height - 4, text, anchor="middle"))
            else:
                body.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}" stroke-width="1" '
                        'stroke-dasharray="3 2"/>',
                        _n(x),
                        _n(baseline - 20),
                        _n(width),
                        20,
                        INK,
                    )
                )
                body.append(_text(middle, baseline - 24, text, anchor="middle"))
            body.append(_text(middle, baseline + 15, str(row.year), anchor="middle"))
    return _svg(WIDTH, baseline + 22, title, body, defs)
