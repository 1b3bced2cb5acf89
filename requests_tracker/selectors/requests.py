"""Requests and what hangs on them: the rows a list shows, their responses and escalations, the
overdue list, the badge's request.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import (
    DateField,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from requests_tracker import permissions, workflow
from requests_tracker.models import (
    County,
    DataRequest,
    Escalation,
    Response,
    Source,
)
from requests_tracker.models.requests import NOT_OVERDUE_RANK
from requests_tracker.selectors import visibility

_EVERYONE = object()


def data_requests(*, with_timeline: bool = False, reader: Any = _EVERYONE) -> QuerySet[DataRequest]:
    """Every request with what a row about it shows.

    Joined: county, campaign, issuing agency, who entered it. Prefetched: sources (a request with
    none is shown as unsourced). Annotated: `latest_response_kind` and `latest_response_on` (the
    county's most recent answer of any kind, public statements included) and `overdue_rank`, the
    ordering key for "days overdue": the first overdue day, or NOT_OVERDUE_RANK when the request
    is not overdue, so most overdue sorts first in ascending order; `county_name`, the ordering
    key for "county" (keyset cursors page by the row's own values). With `with_timeline`, the
    request's responses and escalations (with their sources) are prefetched too. With `reader`,
    only the requests (and responses and escalations) that reader may meet
    (selectors/visibility.py).

    The queryset depends only on those two choices (and on whether the reader may see what an
    embargo holds), so each is built once per process and every call gets a fresh copy of it,
    as DRF does with a view's `queryset`: building it (its annotations, joins and prefetches)
    cost more than a millisecond on every list request.
    """
    published_only = reader is not _EVERYONE and not permissions.can_see_embargoed(reader)
    return _data_requests(with_timeline, published_only).all()


@functools.cache
def _data_requests(with_timeline: bool, published_only: bool) -> QuerySet[DataRequest]:
    """data_requests' queryset, never evaluated itself (callers get `.all()` of it)."""

    def shown(records: QuerySet) -> QuerySet:
        return visibility.published(records) if published_only else records

    # The latest answer in effect (published): a row's answer column moves when an embargo lifts.
    latest = Response.objects.filter(request=OuterRef("pk"), embargoed=False).order_by(
        "-received_on", "-id"
    )
    queryset = (
        shown(DataRequest.objects.all())
        .select_related("county", "campaign", "issuing_agency", "created_by")
        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("id")))
        .annotate(
            latest_response_kind=Subquery(latest.values("kind")[:1]),
            latest_response_on=Subquery(latest.values("received_on")[:1]),
            **_ordering_keys(),
        )
    )
    if with_timeline:
        queryset = queryset.prefetch_related(
            Prefetch(
                "responses",
                queryset=shown(Response.objects.all())
                .select_related("responding_agency", "logged_by")
                .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("id")))
                .order_by("received_on", "id"),
            ),
            Prefetch(
                "escalations",
                queryset=shown(Escalation.objects.all())
                .select_related("logged_by")
                .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("id")))
                .order_by("issued_on", "id"),
            ),
        )
    return queryset


def _ordering_keys() -> dict[str, Any]:
    """The annotations the request lists order by besides their columns (data_requests)."""
    return {
        "overdue_rank": Coalesce(
            F("overdue_since"), Value(NOT_OVERDUE_RANK), output_field=DateField()
        ),
        "county_name": F("county__name"),
    }


def days_overdue(record: Any, *, today: dt.date) -> int:
    """Days a request or escalation (anything with `overdue_since`) is overdue (workflow.py)."""
    return workflow.days_overdue(record.overdue_since, today)


def overdue_requests(reader: Any = _EVERYONE) -> QuerySet[DataRequest]:
    """Requests flagged overdue, the longest overdue first, as `reader` may meet them: with their
    county and data_requests' ordering keys, and nothing a short list of them does not show (no
    sources, answers, campaign or agency)."""
    requests = DataRequest.objects.all()
    if reader is not _EVERYONE:
        requests = visibility.shown_to(requests, reader)
    return (
        requests.select_related("county")
        .annotate(**_ordering_keys())
        .filter(overdue_since__isnull=False)
        .order_by("overdue_since", "id")
    )


def county_responses() -> QuerySet[Response]:
    """Responses with their request, county, responding agency, sources and who logged them."""
    return Response.objects.select_related(
        "request", "request__county", "responding_agency", "logged_by"
    ).prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("id")))


def latest_responses(request_ids: Iterable[int]) -> dict[int, Response]:
    """The latest response of each of these requests, by request id: the one data_requests'
    `latest_response_kind` names (received last; of one day's, the last logged), read as
    county_responses reads a response. Two queries (the responses, their sources), whatever
    the number of requests; a request without a response is not in the answer."""
    ids = list(request_ids)
    if not ids:
        return {}
    latest = (
        county_responses()
        .filter(request_id__in=ids, embargoed=False)  # in effect: as latest_response_kind
        .order_by("request_id", "-received_on", "-id")
        .distinct("request_id")
    )
    return {response.request_id: response for response in latest}


def sources_cited_on(request_ids: list[int], columns: list[str]) -> list[tuple[Any, ...]]:
    """(request id, sensitive, embargoed, *columns) of every source cited on these requests, by
    source id: what a page of the API's request list shows of its sources
    (api/serializers/requests.DataRequestRows), one statement whatever the page's size.

    The statement is written once per process from the models' tables and columns: the list's
    busiest read spent more time building and compiling the same query through the ORM on every
    page than PostgreSQL spent answering it. tests/api/test_request_list_rows.py compares the
    rows it makes with the serializer's, for every role."""
    if not request_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_cited_statement(tuple(columns)), [request_ids])
        return cursor.fetchall()


@functools.cache
def _cited_statement(columns: tuple[str, ...]) -> str:
    through = DataRequest.sources.through._meta
    quote = connection.ops.quote_name
    request_column = quote(through.get_field("datarequest").column)
    source_column = quote(through.get_field("source").column)
    read = ", ".join(
        f"s.{quote(Source._meta.get_field(name).column)}"
        for name in ("sensitive", "embargoed", *columns)
    )
    return (
        f"SELECT c.{request_column}, {read} FROM {quote(through.db_table)} c "
        f"JOIN {quote(Source._meta.db_table)} s ON s.{quote(Source._meta.pk.column)} = "
        f"c.{source_column} WHERE c.{request_column} = ANY(%s) ORDER BY c.{source_column}"
    )


def escalations() -> QuerySet[Escalation]:
    """Escalations with their request, county, sources and who logged them (`follows` is an id)."""
    return Escalation.objects.select_related(
        "request", "request__county", "logged_by"
    ).prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("id")))


def badge_request(county: County) -> DataRequest | None:
    """The request a county's status badge reports: its most recently issued one.

    A county may have had several requests; a reader embedding the badge in a story wants the
    current one, and the newest letter is what the county is answering now. Published requests
    only: a badge is public.
    """
    return (
        DataRequest.objects.filter(county=county, embargoed=False)
        .only("id", "status", "overdue_since", "issued_on", "county_id")
        .order_by("-issued_on", "-id")
        .first()
    )


__all__ = [
    "sources_cited_on",
    "data_requests",
    "days_overdue",
    "overdue_requests",
    "county_responses",
    "latest_responses",
    "escalations",
    "badge_request",
]
