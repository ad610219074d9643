"""Adopted bilans (docs/reporting.md, "Adoption"): the frozen figures as data, and what changed since.

The figures of an adopted bilan are kept as the JSON export writes them (``exports.bilan_json``),
completed with what the other outputs and masking need (the headers of percentages, whether a
breakdown is multi-valued, the notes, the months, the warnings, the previous period for the
comparison). ``bilan_from_data`` gives back a ``Bilan`` every output reads as it reads a live one:
``mask_bilan`` applied to it masks the adopted figures exactly as the live ones are masked.
"""

import datetime
import json
from dataclasses import dataclass

from django.utils.dateparse import parse_datetime

from reporting.bilan import Bilan, BilanScope, Cell, FigureUnit, Indicator, Month, Period, ScopeKind
from reporting.exports import bilan_json
from reporting.summary import format_value

DATA_VERSION = 1  # bump when the shape below changes; bilan_from_data reads every version it knows


def bilan_data(bilan: Bilan) -> dict:
    """The bilan as JSON-ready data: the JSON export, plus what rebuilding it needs."""
    data = bilan_json(bilan)
    data["data_version"] = DATA_VERSION
    for indicator in bilan.indicators.values():
        data["indicators"][indicator.id].update(
            denominator_label=str(indicator.denominator_label),
            is_multi_valued=indicator.is_multi_valued,
            note=str(indicator.note),
        )
    data["generated_at"] = bilan.generated_at.isoformat() if bilan.generated_at else None
    data["warnings"] = [str(warning) for warning in bilan.warnings]
    data["incomplete_comparison"] = str(bilan.incomplete_comparison)
    data["monthly"] = [
        {"month": month.month.isoformat(), "held": month.held, "persons": month.persons} for month in bilan.monthly
    ]
    data["previous"] = bilan_data(bilan.previous) if bilan.previous is not None else None
    return data


def bilan_text(bilan: Bilan) -> str:
    """What is stored: the data as JSON text, in the order of the bilan (text keeps the order, jsonb would not)."""
    return json.dumps(bilan_data(bilan), ensure_ascii=False, indent=1)


def bilan_from_data(data: dict) -> Bilan:
    scope = data["scope"]
    indicators = {
        indicator_id: Indicator(
            id=indicator_id,
            label=item["label"],
            unit=FigureUnit(item["unit"]),
            total=item["total"],
            breakdown=tuple(
                Cell(key=key, label=cell["label"], value=cell["value"], percent=cell["percent"])
                for key, cell in item["breakdown"].items()
            ),
            denominator_label=item.get("denominator_label", ""),
            is_multi_valued=item.get("is_multi_valued", False),
            details=tuple(
                (key, detail["label"], detail["value"], FigureUnit(detail["unit"]))
                for key, detail in item["details"].items()
            ),
            note=item.get("note", ""),
        )
        for indicator_id, item in data["indicators"].items()
    }
    return Bilan(
        scope=BilanScope(ScopeKind(scope["kind"]), scope["key"], scope["label"]),
        period=Period(
            datetime.date.fromisoformat(data["period"]["start"]), datetime.date.fromisoformat(data["period"]["end"])
        ),
        indicators=indicators,
        masking_threshold=data.get("masking_threshold"),
        generated_at=parse_datetime(data["generated_at"]) if data.get("generated_at") else None,
        previous=bilan_from_data(data["previous"]) if data.get("previous") else None,
        warnings=tuple(data.get("warnings", ())),
        monthly=tuple(
            Month(month=datetime.date.fromisoformat(month["month"]), held=month["held"], persons=month["persons"])
            for month in data.get("monthly", ())
        ),
        incomplete_comparison=data.get("incomplete_comparison", ""),
    )


def bilan_from_text(text: str) -> Bilan:
    return bilan_from_data(json.loads(text))


@dataclass(frozen=True)
class Change:
    """A figure of the adopted version that the live bilan no longer gives: « 137 → 139 »."""

    indicator_id: str
    label: str
    adopted: str
    current: str


def changed_figures(adopted: Bilan, current: Bilan) -> list[Change]:
    """The indicators whose total, as printed, differs between the adopted version and the live bilan.

    Both must be masked the same way (or both exact): the caller masks them for the viewer, so that
    each side of a change is a figure the viewer is shown anyway, never an exact value behind a mask."""
    if adopted.masking_threshold != current.masking_threshold:
        raise ValueError("Compare an adopted version and a live bilan masked the same way.")
    changes = []
    for indicator_id, old in adopted.indicators.items():
        new = current.indicators.get(indicator_id)
        if new is None:
            continue
        before, after = format_value(old.total, old.unit), format_value(new.total, new.unit)
        if before != after:
            changes.append(Change(indicator_id, str(new.label), before, after))
    return changes
