"""Reads for the long lists of the journalists' pages: only the columns a row shows.

The rows of `selectors.data_requests()` (same annotations, so the API's ordering names and the
search's rank apply unchanged), without what a list row does not show: no sources prefetched,
no author joined, and of the request, its county, campaign and agency only the columns drawn by
tracker/_request_table.html.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from requests_tracker import selectors
from requests_tracker.models import DataRequest

REQUEST_ROW_COLUMNS = (
    "id",
    "issued_on",
    "due_on",
    "status",
    "overdue_since",
    "county__name",
    "county__state",
    "county__fips",
    "campaign__title",
    "issuing_agency__name",
)
"""What a row of tracker/_request_table.html reads (the foreign keys come with their joins)."""


def request_rows(reader: Any) -> QuerySet[DataRequest]:
    """Requests as a list row shows them to `reader` (selectors/visibility.py): the columns
    above, `latest_response_kind` and `latest_response_on`, and the ordering keys `overdue_rank`
    and `county_name` (as in selectors.data_requests). One query per page, whatever its size."""
    return (
        selectors.data_requests(reader=reader)
        .prefetch_related(None)
        .select_related(None)
        .select_related("county", "campaign", "issuing_agency")
        .only(*REQUEST_ROW_COLUMNS)
    )
