"""Small builders of an indicator's cells and labels: percentages, breakdowns in the order of their
choices, days, "of the N …" denominators."""

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

from reporting.bilan import Cell


def percent(value, denominator) -> float | None:
    if not denominator or value is None:
        return None
    return round(100 * value / denominator, 1)


def breakdown_cells(counts: dict, choices: Iterable[tuple[str, str]], denominator=None) -> tuple[Cell, ...]:
    """Every category in its order (zeros included), then any value missing from the list."""
    cells = []
    seen = set()
    for key, label in choices:
        key = str(key)
        seen.add(key)
        value = counts.get(key, 0)
        cells.append(Cell(key, str(label), value, percent(value, denominator)))
    for key, value in counts.items():
        if str(key) not in seen:
            cells.append(Cell(str(key), str(key), value, percent(value, denominator)))
    return tuple(cells)


def in_days(duration: datetime.timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def denominator_of(count: int, what: str) -> str:
    return _("of the %(count)s %(what)s") % {"count": count, "what": what}
