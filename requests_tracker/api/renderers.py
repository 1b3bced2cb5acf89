"""CSV for the data desk's spreadsheet: the rows of a list, with human column names.

List views stream CSV themselves (every row matching the filters, not one page; see
views/base.py); this renderer makes `?format=csv` and `Accept: text/csv` select that path.
Cells are written by requests_tracker.csv_export, as in the admin's export.
"""

from __future__ import annotations

from typing import Any

from rest_framework import renderers

from requests_tracker.csv_export import csv_lines


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        rows = data if isinstance(data, list) else [data]
        if not rows or not isinstance(rows[0], dict):
            return b""
        columns = [(name, name) for name in rows[0]]
        return "".join(csv_lines(columns, rows)).encode()
