"""The sortable tables of the journalists' pages: their columns, and how each one sorts.

Rows of requests (the requests list, a county's requests, the dashboard's overdue list) sort with
the API's RequestFilter `ordering`, so a column means the same on every page, in
`/api/v1/requests/?ordering=` and in the CSV link built from the page (its keys are the API's
ordering names). Counties sort in the database by the columns below. web/sorting.py reads the
parameters and draws the headings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from requests_tracker.lists.filters import RequestFilter
from requests_tracker.models import DataRequest
from requests_tracker.web.sorting import Column, Sort, read_sort

REQUEST_COLUMNS = (
    Column("county", "County"),
    Column("issued_on", "Request", descending_first=True),
    Column("campaign", "Campaign", sortable=False),
    Column("due_on", "Due"),
    Column("status", "Status"),
    Column("days_overdue", "Days overdue", numeric=True, descending_first=True),
    Column("latest_answer", "Latest answer", sortable=False),
)
"""The columns of tracker/_request_table.html, in order; keys of sortable ones are the API's
`ordering` names (days_overdue: most overdue first when descending)."""

OVERDUE_COLUMNS = (
    Column("county", "County"),
    Column("due_on", "Due"),
    Column("days_overdue", "Days overdue", numeric=True, descending_first=True),
    Column("status", "Status"),
)
"""The dashboard's overdue list."""


def _count(key: str, label: str, annotation: str) -> Column:
    # A count: the largest first on the first click.
    return Column(key, label, order_by=(annotation,), numeric=True, descending_first=True)


COUNTY_COLUMNS = (
    Column("name", "County", order_by=("name", "state")),
    Column("state", "State", order_by=("state", "name")),
    Column("fips", "FIPS", order_by=("fips",)),
    Column(
        "requests", "Requests", order_by=("requests_total",), numeric=True, descending_first=True
    ),
    Column("open", "Open", order_by=("requests_open",), numeric=True, descending_first=True),
    Column(
        "overdue", "Overdue", order_by=("requests_overdue",), numeric=True, descending_first=True
    ),
    Column("by_status", "By status", sortable=False),
)
"""The counties list (and, without FIPS, state and the breakdown, the dashboard's counties)."""


CAMPAIGN_COLUMNS = (
    Column("title", "Campaign", order_by=("title", "id")),
    Column("issued", "Issued", order_by=("issued_on", "id"), descending_first=True),
    Column("due", "Due", order_by=("due_on", "id")),
    _count("counties", "Counties", "requests_total"),
    _count("open", "Open", "requests_open"),
    _count("overdue", "Overdue", "requests_overdue"),
    Column("by_status", "By status", sortable=False),
)
"""/campaigns/: every campaign with its counts (the newest letter first)."""


def campaign_sort(params: Mapping[str, str]) -> Sort:
    """The order asked for the campaigns list (by default the newest letter first)."""
    return read_sort(params, CAMPAIGN_COLUMNS, default="issued", descending=True)


def sorted_requests(requests: QuerySet[DataRequest], sort: Sort) -> QuerySet[DataRequest]:
    """`requests` in the order `sort` asks for (unchanged when it asks for none)."""
    if not sort.key:
        return requests
    return RequestFilter({"ordering": api_ordering(sort)}, queryset=requests).qs


def api_ordering(sort: Sort) -> str:
    """The API's `ordering` value for `sort` ("" when it asks for none)."""
    if not sort.key:
        return ""
    return f"-{sort.key}" if sort.descending else sort.key


def request_sort(
    params: Mapping[str, str],
    *,
    columns: tuple[Column, ...] = REQUEST_COLUMNS,
    default: str = "issued_on",
    prefix: str = "",
    anchor: str = "",
    hidden: Sequence[str] = (),
) -> Sort:
    """The order asked for a table of requests (by default descending: the newest letter
    first; "" for a search's best match first)."""
    return read_sort(
        params,
        columns,
        default=default,
        descending=True,
        prefix=prefix,
        anchor=anchor,
        hidden=hidden,
    )


def county_sort(
    params: Mapping[str, str],
    *,
    default: str = "name",
    prefix: str = "",
    anchor: str = "",
    hidden: Sequence[str] = (),
) -> Sort:
    """The order asked for a table of counties (by default by name; "" for a search's best
    match first)."""
    return read_sort(
        params, COUNTY_COLUMNS, default=default, prefix=prefix, anchor=anchor, hidden=hidden
    )


def requests_csv_url(filters: Mapping[str, Any], ordering: str) -> str:
    """The API's CSV of the rows a requests table shows: the same filters (in the API's
    names), the same `ordering`."""
    query = {name: value for name, value in filters.items() if value}
    if ordering:
        query["ordering"] = ordering
    return f"{reverse('api:request-csv')}?{urlencode(query)}"
