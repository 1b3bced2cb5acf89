"""CSV for the data desk's spreadsheet, written one way for the API lists and the admin export.

A sheet is a list of columns, each (header, key): the key is a dotted path into a row (a dict,
such as an API representation), so `county.name` reads `row["county"]["name"]`. Every value goes
through `cell`, which also defuses text a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""First characters that make a spreadsheet read a cell as a formula. The fullwidth forms count:
some spreadsheets (and input methods) fold them into their ASCII twins."""

PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
"""A signed number in ASCII digits: a spreadsheet reads it as that number, never as a formula."""


def cell(value: Any) -> str:
    """One spreadsheet cell: lists joined with "; ", nothing for null, true/false for booleans,
    and text that would start a formula prefixed with an apostrophe (shown, never run)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(cell(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {cell(item)}" for key, item in value.items())
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
    for row in rows:
        yield line([cell(resolve(row, path)) for _, path in columns])
