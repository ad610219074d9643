"""Query helpers shared by the indicator groups, where the databases differ: grouped and crossed
counts, medians (PostgreSQL's ``percentile_cont``, elsewhere the middle rows the database orders),
subqueries that are no grouping key."""

import datetime

from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    FloatField,
    QuerySet,
    Subquery,
)

UNKNOWN = "unknown"


def grouped_counts(queryset: QuerySet, field: str, *, count="pk", distinct=False) -> dict:
    rows = queryset.order_by().values(field).annotate(n=Count(count, distinct=distinct)).values_list(field, "n")
    return {(UNKNOWN if key in (None, "") else str(key)): n for key, n in rows}


def crossed_counts(queryset: QuerySet, *fields: str) -> dict[tuple, int]:
    """Counts of ``queryset`` grouped by several fields at once: one scan for several breakdowns
    (a handful of rows: the product of the fields' choices)."""
    rows = queryset.order_by().values(*fields).annotate(n=Count("pk")).values_list(*fields, "n")
    return {tuple(UNKNOWN if key in (None, "") else str(key) for key in row[:-1]): row[-1] for row in rows}


def margin_counts(crossed: dict[tuple, int], position: int) -> dict:
    """One breakdown of a crossed count: the counts summed over the other fields."""
    counts: dict = {}
    for keys, n in crossed.items():
        counts[keys[position]] = counts.get(keys[position], 0) + n
    return counts


class PostgresMedian(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the mean of the two middle values, as ``middle_median`` reads them."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def middle_median(queryset: QuerySet, field: str, count: int):
    """Median of ``field`` over ``queryset`` (``count`` rows): the database orders, we read the middle rows."""
    if not count:
        return None
    middle = list(queryset.order_by(field).values_list(field, flat=True)[(count - 1) // 2 : count // 2 + 1])
    if not middle:
        return None
    if isinstance(middle[0], datetime.timedelta):
        return sum(middle, datetime.timedelta()) / len(middle)
    return sum(middle) / len(middle)


def with_median(queryset: QuerySet, field: str, **aggregates) -> dict:
    """``aggregates`` over ``queryset``, plus ``count`` (rows where ``field`` is set) and ``median`` of
    ``field``. One query on PostgreSQL (``percentile_cont``); elsewhere the count, then the middle rows.
    A grouped queryset is wrapped in a subquery by ``aggregate()``, so it is computed once."""
    if connections[queryset.db].vendor == "postgresql":
        annotation = queryset.query.annotations.get(field)
        is_duration = annotation is not None and isinstance(annotation.output_field, DurationField)
        median = PostgresMedian(field, output_field=DurationField() if is_duration else FloatField())
        return queryset.aggregate(count=Count(field), median=median, **aggregates)
    figures = queryset.aggregate(count=Count(field), **aggregates)
    figures["median"] = middle_median(queryset, field, figures["count"])
    return figures


class ForGroup:
    """A subquery that only refers to the grouping column of the query (the person): evaluated once
    per group, so it is no grouping key. Django would group by it, and the database would run it
    once per intervention (and sort by it) instead of once per person."""

    def get_group_by_cols(self):
        return []


class ExistsForGroup(ForGroup, Exists):
    pass


class SubqueryForGroup(ForGroup, Subquery):
    pass
