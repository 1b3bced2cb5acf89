"""CSV for the data desk's spreadsheet, written one way for the API lists and the admin export.

A sheet is a list of columns, each (header, key): the key is a dotted path into a row (a dict,
such as an API representation), so `county.name` reads `row["county"]["name"]`. Every value goes
through `cell`, which also defuses text a spreadsheet would run as a formula.

An export of any size is streamed (`Snapshot`): its rows are read from a server-side cursor and
sent in chunks of about CHUNK_BYTES, and the number of rows is counted in the same snapshot of
the database before the first byte, so the client can check that it got every row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

CHUNK_BYTES = 64 * 1024
"""About how much CSV text goes out in one write (one HTTP chunk): a write per row would cost a
system call per row."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""First characters that make a spreadsheet read a cell as a formula. The fullwidth forms count:
some spreadsheets (and input methods) fold them into their ASCII twins."""

PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
"""A signed number in ASCII digits: a spreadsheet reads it as that number, never as a formula."""


def cell(value: Any) -> str:
    """One spreadsheet cell: lists joined with "; ", nothing for null, true/false for booleans,
    and text that would start a formula prefixed with an apostrophe (shown, never run)."""
    kind = type(value)
    if kind is str:  # the commonest cell, checked first: exports call this tens of times a row
        text = value
    elif value is None:
        return ""
    elif kind is int:  # never a formula (a negative number is a plain number)
        return str(value)
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif isinstance(value, list | tuple):
        return "; ".join(cell(item) for item in value)
    elif isinstance(value, dict):
        return "; ".join(f"{key}: {cell(item)}" for key, item in value.items())
    else:
        text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def resolve(row: Any, path: str) -> Any:
    """The value at a dotted path of a row; through a list, the values of each item."""
    value = row
    parts = path.split(".")
    for index, part in enumerate(parts):
        if value is None:
            return None
        if isinstance(value, list):
            rest = ".".join(parts[index:])
            return [resolve(item, rest) for item in value]
        value = value.get(part) if isinstance(value, dict) else None
    return value


def reader_of_path(path: str) -> Callable[[dict], Any]:
    """`resolve(row, path)` as a function of the row, quicker where the path allows."""
    if "." not in path:
        return lambda row: row.get(path)
    first, rest = path.split(".", 1)
    if "." not in rest:

        def read(row: dict) -> Any:
            value = row.get(first)
            if isinstance(value, dict):
                return value.get(rest)
            return None if value is None else resolve(value, rest)

        return read
    return lambda row: resolve(row, path)


def csv_lines(columns: Sequence[tuple[str, str]], rows: Iterable[dict]) -> Iterable[str]:
    """The header line, then one line per row, each as text ready to send (streamed: a row is
    read only when its line is wanted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line([header for header, _ in columns])
    readers = [reader_of_path(path) for _, path in columns]
    for row in rows:
        yield line([cell(read(row)) for read in readers])


def chunks(lines: Iterable[str], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Lines joined into UTF-8 chunks of about `size` bytes (the last one shorter)."""
    batch: list[str] = []
    length = 0
    for line in lines:
        batch.append(line)
        length += len(line)
        if length >= size:
            yield "".join(batch).encode()
            batch, length = [], 0
    if batch:
        yield "".join(batch).encode()


class Snapshot:
    """The bytes of one export, with `row_count` known before the first byte.

    Outside any transaction, the export holds one REPEATABLE READ transaction from the count to
    the last row, so the count and the rows come from the same snapshot
    however many writes happen meanwhile, and the rows come through a cursor without HOLD (a
    held cursor would make PostgreSQL compute every row before sending the first). The
    transaction ends when the body has been sent or the response is closed (the WSGI server
    calls close() even when the client went away), never later. Inside a transaction already,
    the rows are read in that one.
    """

    def __init__(self, queryset: QuerySet, lines: Callable[[QuerySet], Iterable[str]]) -> None:
        self._atomic: Any = None
        if not connection.in_atomic_block:
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                # JIT compiling the export's query took longer than reading 100k rows of it
                # (docs/performance.md): the rows go out as soon as they are found instead.
                cursor.execute("SET LOCAL jit = off")
        try:
            self.row_count = queryset.count()
        except BaseException:
            self.close(failed=True)
            raise
        self._lines = lines(queryset)

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from chunks(self._lines)
        except BaseException:
            self.close(failed=True)
            raise
        self.close()

    def close(self, *, failed: bool = False) -> None:
        atomic, self._atomic = self._atomic, None
        if atomic is not None:
            if failed:
                transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
