"""CSV rows of the request list read as plain values, for exports of a million rows.

Through the reading serializer a request costs about a millisecond (fields, nested serializers
and a model instance per row): a national export outlived any sensible web timeout. Here the
columns the CSV shows are read with `values_list` through a server-side cursor and each chunk's
sources come in one query; every rule that decides what a cell says is the serializer's own
(which sources the reader is shown, days overdue, how a time is written), so the cells are the
JSON list's exactly (tests/api/test_csv_exports.py compares them for every reader).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any, NamedTuple

from django.db.models import QuerySet
from rest_framework.serializers import BaseSerializer

from requests_tracker import selectors
from requests_tracker.models import DataRequest
from requests_tracker.selectors import documents

REQUEST_VALUES = (
    "id",
    "county__name",
    "county__state",
    "county__fips",
    "campaign__title",
    "issuing_agency__name",
    "addressee",
    "issued_on",
    "due_on",
    "due_basis",
    "due_rule",
    "data_sought",
    "legal_authority",
    "status",
    "overdue_since",
    "latest_response_kind",
    "latest_response_on",
    "summary",
    "internal_note",
    "created_by__username",
    "updated_at",
)
"""What a request's CSV row shows (selectors.data_requests annotates the latest response)."""


class CitedSource(NamedTuple):
    """A source cited on a request, with what sources_shown_to and the CSV read of it."""

    pk: int
    url: str
    sensitive: bool


def sources_cited_on(request_ids: list[int]) -> dict[int, list[CitedSource]]:
    """The sources cited on each request, by id (the order the JSON lists them in)."""
    through = DataRequest.sources.through
    cited: dict[int, list[CitedSource]] = defaultdict(list)
    rows = (
        through.objects.filter(datarequest_id__in=request_ids)
        .order_by("source_id")
        .values_list("datarequest_id", "source_id", "source__url", "source__sensitive")
    )
    for request_id, source_id, url, sensitive in rows:
        cited[request_id].append(CitedSource(source_id, url, sensitive))
    return cited


def request_rows(
    queryset: QuerySet[DataRequest],
    *,
    serializer: BaseSerializer,
    reader: Any,
    today: dt.date,
    chunk_size: int,
) -> Iterator[dict[str, Any]]:
    """Each request of `queryset` (filtered and ordered as the list) as the JSON list's row
    shows it to `reader`, limited to what the CSV's columns read: one query per chunk of
    `chunk_size` rows for the rows (a server-side cursor) and one for their sources."""
    updated_at = serializer.fields.get("updated_at")
    values = (
        queryset.select_related(None)
        .prefetch_related(None)
        .values_list(*REQUEST_VALUES, named=True)
        .iterator(chunk_size=chunk_size)
    )
    while chunk := list(islice(values, chunk_size)):
        cited = sources_cited_on([row.id for row in chunk])
        for row in chunk:
            shown = documents.sources_shown_to(cited.get(row.id, ()), reader)
            yield {
                "id": row.id,
                "county": {
                    "name": row.county__name,
                    "state": row.county__state,
                    "fips": row.county__fips,
                },
                "campaign": {"title": row.campaign__title},
                "issuing_agency": {"name": row.issuing_agency__name},
                "addressee": row.addressee,
                "issued_on": row.issued_on,
                "due_on": row.due_on,
                "due_basis": row.due_basis,
                "due_rule": row.due_rule,
                "data_sought": row.data_sought,
                "legal_authority": row.legal_authority,
                "status": row.status,
                "overdue_since": row.overdue_since,
                "days_overdue": selectors.days_overdue(row, today=today),
                "latest_response_kind": row.latest_response_kind,
                "latest_response_on": row.latest_response_on,
                "summary": row.summary,
                "internal_note": row.internal_note,
                "sources": [{"url": source.url} for source in shown],
                "unsourced": not shown,
                "created_by": row.created_by__username,
                "updated_at": updated_at.to_representation(row.updated_at)
                if updated_at is not None
                else None,
            }
