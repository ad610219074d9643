"""Fast row writer for the synthetic volume: PostgreSQL ``COPY`` (psycopg 3), batched INSERTs elsewhere.

Rows are plain tuples in the order of the columns a table was declared with; primary keys are
allocated here (``next_id``), so that rows can reference each other before anything is written.
Columns left out of a declaration get the field's default once (a constant); a unique field left
out is a programming error. Values go through the field's own ``get_db_prep_save`` whenever the
field is not one of Django's plain fields (an encrypted field, for instance) — and always on SQLite,
where Django adapts dates and UUIDs itself.
"""

import itertools
from collections import defaultdict

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone


def _is_plain(field) -> bool:
    return type(field).__module__.startswith("django.")


class Table:
    def __init__(self, model, columns: list[str]):
        self.model = model
        meta = model._meta
        self.fields = [meta.get_field(name) for name in columns]
        provided = {field.attname for field in self.fields}
        self.constants = []
        now = timezone.now()
        for field in meta.concrete_fields:
            if field.attname in provided:
                continue
            if field.primary_key or field.has_db_default():
                continue  # the database fills a column with a database default (e.g. an assignment's confirmation)
            if field.unique:
                raise ValueError(f"{meta.label}.{field.name} is unique: give it a value per row.")
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()  # "" for a blank text field without a default
                if value is None and not field.null:
                    raise ValueError(f"{meta.label}.{field.name} has no default: give it a value.")
            self.constants.append((field, value))
        pk = meta.pk
        self.all_fields = [pk, *self.fields, *(field for field, _value in self.constants)]
        self.constant_values = tuple(value for _field, value in self.constants)
        self.rows: list[tuple] = []
        self.written = 0

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table


class Writer:
    """Collects rows per table and writes them (``flush``) in one COPY or a few INSERTs per table."""

    def __init__(self, using=None):
        self.connection = connection
        self.is_postgresql = connection.vendor == "postgresql"
        self.tables: dict = {}
        self.order: list = []
        self._ids: dict = {}
        self.counts: dict[str, int] = defaultdict(int)

    def table(self, model, columns: list[str]) -> Table:
        table = Table(model, columns)
        self.tables[model] = table
        self.order.append(model)
        return table

    def next_id(self, model) -> int:
        if model not in self._ids:
            start = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
            self._ids[model] = itertools.count(start)
        return next(self._ids[model])

    def add(self, model, pk, *values) -> int:
        """Queue a row; ``pk`` None allocates one. Returns the primary key."""
        if pk is None:
            pk = self.next_id(model)
        self.tables[model].rows.append((pk, *values))
        return pk

    def flush(self) -> None:
        """Write every queued row, tables in their declaration order (referenced tables first)."""
        for model in self.order:
            table = self.tables[model]
            if not table.rows:
                continue
            if self.is_postgresql:
                self._copy(table)
            else:
                self._insert(table)
            self.counts[model._meta.label] += len(table.rows)
            table.rows = []

    def _prepared(self, table: Table, always: bool):
        conn = self.connection
        converters = [(index, field) for index, field in enumerate(table.all_fields) if always or not _is_plain(field)]
        constants = tuple(
            field.get_db_prep_save(value, conn) if (always or not _is_plain(field)) else value
            for field, value in table.constants
        )
        width = len(table.fields) + 1
        converters = [(index, field) for index, field in converters if index < width]
        # Fields that are not Django's own (encrypted, keyed hash) are prepared once per distinct value
        # and flush: synthetic texts repeat, and a Fernet token costs ~30 µs. Equal clear values of a
        # department therefore share a token — a benchmark shortcut that changes no read cost.
        cache: dict = {}
        for row in table.rows:
            if converters:
                row = list(row)
                for index, field in converters:
                    value = row[index]
                    if always and _is_plain(field):
                        row[index] = field.get_db_prep_save(value, conn)
                        continue
                    key = (index, value)
                    prepared = cache.get(key)
                    if prepared is None:
                        prepared = cache[key] = field.get_db_prep_save(value, conn)
                    row[index] = prepared
            yield (*row, *constants)

    def _copy(self, table: Table) -> None:
        columns = ", ".join(self.connection.ops.quote_name(f.column) for f in table.all_fields)
        self.connection.ensure_connection()
        with self.connection.connection.cursor() as cursor:
            sql = f"COPY {self.connection.ops.quote_name(table.db_table)} ({columns}) FROM STDIN"
            with cursor.copy(sql) as copy:
                for row in self._prepared(table, always=False):
                    copy.write_row(row)

    def _insert(self, table: Table) -> None:
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in table.all_fields)
        marks = ", ".join(["%s"] * len(table.all_fields))
        sql = f"INSERT INTO {quote(table.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec B608 - names from the models
        rows = list(self._prepared(table, always=True))
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[start : start + 5000])

    def reset_sequences(self) -> None:
        statements = self.connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
