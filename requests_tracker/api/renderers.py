"""CSV for the data desk's spreadsheet: the rows of a list, with human column names.

List views stream CSV themselves (every row matching the filters, not one page; see
views/base.py); this renderer makes `?format=csv` and `Accept: text/csv` select that path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from rest_framework import renderers

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):  # noqa: ANN001, ANN201
        rows = data if isinstance(data, list) else [data]
        if not rows or not isinstance(rows[0], dict):
            return b""
        columns = [(name, name) for name in rows[0]]
        return "".join(csv_lines(columns, rows)).encode()


def cell(value: Any) -> str:
    """One spreadsheet cell: lists joined with "; ", nothing for null, and text that a
    spreadsheet would run as a formula prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(cell(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {cell(item)}" for key, item in value.items())
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def resolve(row: Any, path: str) -> Any:
    """The value at a dotted path of a serialized row; through a list, the values of each item."""
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
    """The header line, then one line per row, each as text ready to send."""
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
