"""CSV rows of the request list read as plain values, for exports of a million rows.

Through the reading serializer a request costs about a millisecond (fields, nested serializers
and a model instance per row): a national export outlived any sensible web timeout. Here the
rows are the JSON list's own plain rows (serializers.DataRequestRows: the columns a row shows,
read with `.values()`), taken through a server-side cursor a chunk at a time, with each chunk's
sources in one query; so the cells are the JSON list's exactly (tests/api/test_csv_exports.py
compares them for every reader).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet

from requests_tracker.api.serializers import DataRequestRows
from requests_tracker.models import DataRequest


def request_rows(
    queryset: QuerySet[DataRequest], *, reader: Any, today: dt.date, chunk_size: int
) -> Iterator[dict[str, Any]]:
    """Each request of `queryset` (filtered and ordered as the list) as the JSON list's row
    shows it to `reader`: one query per chunk of `chunk_size` rows for the rows (a server-side
    cursor) and one for their sources."""
    rows = DataRequestRows(reader=reader, today=today)
    values = rows.select(queryset).iterator(chunk_size=chunk_size)
    while chunk := list(islice(values, chunk_size)):
        yield from rows.represent(chunk)
