"""Held interventions and persons met per month (the line chart of a bilan)."""

import datetime

from django.db.models import (
    Count,
)
from django.db.models.functions import (
    TruncMonth,
)

from reporting.bilan import Month, Period
from reporting.indicators.scope import Bounds, Filters, held_interventions


def _months(period: Period) -> list[datetime.date]:
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def monthly_figures(filters: Filters, bounds: Bounds) -> tuple[Month, ...]:
    """Held interventions and distinct persons met per month (one grouped query); empty months are zeros."""
    months = _months(bounds.period)
    if len(months) > 36:  # a line of more than three years of months says nothing more
        return ()
    held = held_interventions(filters, bounds)
    rows = (
        held.order_by()
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(held=Count("pk"), persons=Count("followup__person", distinct=True))
        .values_list("month", "held", "persons")
    )
    by_month = {}
    for month, count, persons in rows:
        day = month.date() if isinstance(month, datetime.datetime) else month
        by_month[day.replace(day=1)] = (count, persons)
    return tuple(Month(month, *by_month.get(month, (0, 0))) for month in months)
