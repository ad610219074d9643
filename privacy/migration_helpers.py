"""Column-level encryption for data migrations and key rotation.

Works on raw column values through a cursor (parameterised SQL, quoted names), so that a
migration can read clear values that the encrypted field would refuse to decrypt, and so that
rotation never holds clear values longer than one batch.
"""

from collections.abc import Callable

from privacy import crypto

BATCH_SIZE = 500


def transform_column(
    connection,
    *,
    model,
    column: str,
    transform: Callable[[str], str | None],
    source: str | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Write ``transform(value)`` into ``column`` for every row whose ``source`` column (by default
    ``column`` itself) is not empty; ``None`` leaves the row alone. ``batch_size`` rows at a time in
    primary-key order. Returns the number of rows rewritten."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    target, source = quote(column), quote(source or column)
    # Identifiers come from the models' metadata, quoted; values are parameters.
    select = (
        f"SELECT {pk}, {source}, {target} FROM {table} "  # noqa: S608  # nosec B608
        f"WHERE {pk} > %s AND {source} IS NOT NULL AND {source} <> '' ORDER BY {pk} LIMIT %s"
    )
    update = f"UPDATE {table} SET {target} = %s WHERE {pk} = %s"  # noqa: S608  # nosec B608
    changed, last_id = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last_id, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return changed
            updates = []
            for row_pk, value, current in rows:
                new_value = transform(value)
                if new_value is not None and new_value != current:
                    updates.append((new_value, row_pk))
            if updates:
                cursor.executemany(update, updates)
                changed += len(updates)
            last_id = rows[-1][0]


def encrypt_clear(value: str) -> str | None:
    """For the forward migration: encrypt clear values; a value that already decrypts is left alone."""
    try:
        crypto.decrypt(value)
    except crypto.DecryptionError:
        return crypto.encrypt(value)
    return None


def decrypt_token(value: str) -> str:
    return crypto.decrypt(value)


def encrypt_columns(apps, schema_editor, columns: dict[str, list[str]]):
    """``columns``: {"app_label.Model": [field names]} — forward data migration."""
    for label, names in columns.items():
        model = apps.get_model(label)
        for name in names:
            transform_column(
                schema_editor.connection,
                model=model,
                column=model._meta.get_field(name).column,
                transform=encrypt_clear,
            )


def decrypt_columns(apps, schema_editor, columns: dict[str, list[str]]):
    """The reverse data migration: clear values again."""
    for label, names in columns.items():
        model = apps.get_model(label)
        for name in names:
            transform_column(
                schema_editor.connection,
                model=model,
                column=model._meta.get_field(name).column,
                transform=decrypt_token,
            )
