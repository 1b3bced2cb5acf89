"""Rows written in bulk with PostgreSQL's COPY, a chunk at a time.

For data that must arrive faster than the ORM can build instances (the benchmark's millions of
rows): a row is a dict of column values; what it leaves out gets the field's default.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.db import connection, models


class TableWriter:
    """Rows of each table, written with COPY, a chunk at a time.

    A row is given by column name; columns it does not name get the field's default, so a column
    added to a model later is filled the way the ORM would fill it. JSON columns take JSON text.
    Rows without an `id` get one from the table's sequence as they are written. Foreign keys are
    checked when the transaction commits (Django declares them deferrable), so chunks may be
    written in any order.
    """

    CHUNK_ROWS = 200_000
    ID_BLOCK = 10_000

    def __init__(self, *, order: list[type[models.Model]] = ()) -> None:
        """`order`: tables whose rows are written first, in this order (the others follow in
        the order of their first row)."""
        self.order = list(order)
        self.rows: dict[type[models.Model], list[dict[str, Any]]] = {m: [] for m in self.order}
        self.buffered = 0
        self.ids: dict[type[models.Model], Iterator[int]] = {}
        self.tables_written: set[str] = set()
        self.formats: dict[type[models.Model], tuple[list[str], str, dict[str, Any]]] = {}

    def reserve(self, model: type[models.Model], count: int) -> range:
        """`count` consecutive ids the table's sequence will never hand out again."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [table, table, count],
            )
            last = cursor.fetchone()[0]
        return range(last - count + 1, last + 1)

    def next_id(self, model: type[models.Model]) -> int:
        """One id, taken from blocks reserved ID_BLOCK at a time (unused ones are left as gaps)."""
        for _ in range(2):
            try:
                return next(self.ids[model])
            except (KeyError, StopIteration):
                self.ids[model] = iter(self.reserve(model, self.ID_BLOCK))
        raise AssertionError("unreachable")

    def add(self, model: type[models.Model], **values: Any) -> None:
        self.rows.setdefault(model, []).append(values)
        self.buffered += 1
        if self.buffered >= self.CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        for model, rows in self.rows.items():
            if rows:
                self._write(model, rows)
                self.tables_written.add(model._meta.db_table)
        self.rows = {model: [] for model in self.order}
        self.buffered = 0

    def _format(self, model: type[models.Model]) -> tuple[list[str], str, dict[str, Any]]:
        """The attribute names in column order, the column list, and each column's default."""
        if model not in self.formats:
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            pk = model._meta.pk
            names = [pk.attname] + [f.attname for f in fields]
            defaults = {f.attname: _column_default(f) for f in fields}
            column_sql = ", ".join(connection.ops.quote_name(f.column) for f in [pk, *fields])
            self.formats[model] = (names, column_sql, defaults)
        return self.formats[model]

    def _write(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        names, column_sql, defaults = self._format(model)
        with_id = "id" in rows[0]
        if not with_id:  # the table's identity/autoincrement column numbers these rows
            names = names[1:]
            column_sql = column_sql.split(", ", 1)[1]
        table = connection.ops.quote_name(model._meta.db_table)

        def values(row: dict[str, Any]) -> tuple[Any, ...]:
            return tuple(row[name] if name in row else defaults[name] for name in names)

        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(values(row))


def _column_default(field: models.Field) -> Any:
    if field.null and not field.has_default():
        return None
    default = field.get_default()
    if isinstance(field, models.JSONField):
        return json.dumps(default)
    return default
