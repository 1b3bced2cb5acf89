"""CSV for the data desk's spreadsheet: the rows of a list, with human column names.

List views stream CSV themselves (every row matching the filters, not one page; see
views/base.py); this renderer makes `?format=csv` and `Accept: text/csv` select that path.
Cells are written by requests_tracker.exchange.csv_export, as in the admin's export.
"""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework import renderers
from rest_framework.utils import encoders

from requests_tracker.exchange.csv_export import csv_lines


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


class OrjsonRenderer(renderers.JSONRenderer):
    """DRF's JSON, byte for byte, encoded by orjson (several times faster on a page of rows).

    Times, dates, decimals and lazy strings go through DRF's own encoder (`default`), and the
    line and paragraph separators are escaped as DRF escapes them. Indented output, settings
    that change DRF's output (UNICODE_JSON, COMPACT_JSON off) and data orjson refuses (integer
    keys, integers past 64 bits) take DRF's own path, so the bytes never differ.
    """

    _encoder = encoders.JSONEncoder()

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is not None or self.ensure_ascii or not self.compact:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(
                data, default=self._encoder.default, option=orjson.OPT_PASSTHROUGH_DATETIME
            )
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
