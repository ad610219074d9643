"""Planner statistics after bulk writes.

PostgreSQL plans each query from per-table statistics that ``ANALYZE`` gathers; autovacuum gathers them
only some time after a bulk load. Until then the planner guesses, and a bilan that takes 74 ms with
statistics took 11.4 s without them (docs/benchmarks.md). Every bulk write path (the volume generator,
the history import, a restore) ends with ``analyze``; ``never_analyzed`` lets a benchmark say when the
tables it reads have no statistics yet.
"""

from collections.abc import Iterable

from django.apps import apps
from django.db import connection


def tables_of(app_labels: Iterable[str] | None = None) -> list[str]:
    """The tables of these apps' models (every app when None), many-to-many tables included."""
    labels = set(app_labels) if app_labels is not None else None
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if labels is None or model._meta.app_label in labels
        }
    )


def analyze(tables: Iterable[str]) -> None:
    """Gather the planner's statistics of these tables (PostgreSQL and SQLite both have ANALYZE)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {quote(table)}")


def never_analyzed(tables: Iterable[str]) -> list[str]:
    """The tables holding rows that PostgreSQL has never analysed (by hand or by autovacuum)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) AND n_live_tup > 0 "
            "AND last_analyze IS NULL AND last_autoanalyze IS NULL ORDER BY relname",
            [list(tables)],
        )
        return [row[0] for row in cursor.fetchall()]
