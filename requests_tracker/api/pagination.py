"""Paging: every list is paged by keyset cursor, the same way.

A page answers `next` (the whole address of the following page) and `next_cursor` (the same
position on its own, to send back as `cursor`, so a generated client passes it to its own call
instead of cutting it out of an address); both are null on the last page, except on the changes
feed, which always hands out where to resume. There are no page numbers: `page=2` is a 400.

A keyset cursor remembers the ordering values of the last row a client saw (for example
(issued_on, id)) and the next page starts strictly after them. Unlike an offset it does not skip
or repeat rows when records are added or change while a client pages through. Every keyset
ordering ends with the row id, so positions are unique; values that may be null (an
escalation's due date) sort as PostgreSQL sorts them. Cursors are opaque to clients (base64 of
the ordering and the position). A cursor that cannot be read, or was made for another ordering,
points nowhere: 404, as DRF's own cursor paging answers.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

from requests_tracker.lists.keyset import (
    field_of,
    nullable_terms,
    ordering_of,
    rows_after,
    value_at,
)

MAX_PAGE_SIZE = 200
NO_PAGE_NUMBERS = (
    "Lists are paged by cursor: follow `next`, or send the page's `next_cursor` as `cursor`."
)


def whole_number(request: Request, param: str, default: int, highest: int) -> int:
    """A query parameter that is a whole number from 1 to `highest` (digits only), else 400;
    left out or empty, `default`."""
    raw = request.query_params.get(param)
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= highest):
        raise ValidationError({param: [f"Give a whole number from 1 to {highest:,}."]})
    return int(raw)


def page_size_from(request: Request, param: str, default: int) -> int:
    """The requested page size: a whole number from 1 to MAX_PAGE_SIZE."""
    return whole_number(request, param, default, MAX_PAGE_SIZE)


def _page_size_parameter(param: str) -> dict[str, Any]:
    return {
        "name": param,
        "required": False,
        "in": "query",
        "description": f"Rows per page, 1 to {MAX_PAGE_SIZE}.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    }


class KeysetPagination(pagination.BasePagination):
    """Forward-only keyset paging over the queryset's own order_by (which must end with the id)."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    always_next = False
    """The changes feed always hands out a `next` link to resume from, even when caught up."""

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Model] | list[dict[str, Any]]:
        self.check_query(request)
        self.request = request
        self.page_size = page_size_from(
            request, self.page_size_query_param, api_settings.PAGE_SIZE or 50
        )
        self.ordering = ordering_of(queryset)
        position = self._decode(request.query_params.get(self.cursor_query_param), queryset)
        if position is not None:
            nullable = nullable_terms(queryset, self.ordering)
            queryset = queryset.filter(rows_after(self.ordering, position, nullable=nullable))
        rows = list(queryset[: self.page_size + 1])
        self.has_more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        self.next_position = position
        if rows:
            self.next_position = tuple(value_at(rows[-1], t.lstrip("-")) for t in self.ordering)
        return rows

    def next_cursor(self) -> str | None:
        if not self.has_more and not self.always_next:
            return None
        return self._encode(self.next_position)

    def get_next_link(self) -> str | None:
        cursor = self.next_cursor()
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data: Any) -> Response:
        body: dict[str, Any] = {"next": self.get_next_link(), "next_cursor": self.next_cursor()}
        if self.always_next:
            body["has_more"] = self.has_more
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        last = (
            "; keep it to resume later, even when has_more is false."
            if self.always_next
            else "; null on the last page."
        )
        properties: dict[str, Any] = {
            "next": {
                "type": "string",
                "format": "uri",
                "nullable": not self.always_next,
                "example": "https://tracker.example/api/v1/…/?cursor=eyJvIjpbIi1pZCJdLCJ2IjpbMTJdfQ",
                "description": "The address of the following page" + last,
            },
            "next_cursor": {
                "type": "string",
                "nullable": not self.always_next,
                "example": "eyJvIjpbIi1pZCJdLCJ2IjpbMTJdfQ",
                "description": "The following page's position: send it as `cursor` with the "
                "same filters and ordering (the same page as `next`)" + last,
            },
        }
        required = ["next", "next_cursor", "results"]
        if self.always_next:
            properties["has_more"] = {
                "type": "boolean",
                "example": False,
                "description": "True when more rows are ready now: fetch `next` at once.",
            }
            required.append("has_more")
        properties["results"] = schema
        return {"type": "object", "required": required, "properties": properties}

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where a page starts: the `next_cursor` of the page before (or "
                "the cursor in its `next` link). Left out, the first page. Any other value: 404.",
                "schema": {"type": "string"},
            },
            _page_size_parameter(self.page_size_query_param),
        ]

    def _encode(self, position: Sequence[Any] | None) -> str:
        payload = {
            "o": self.ordering,
            "v": None if position is None else [_jsonable(value) for value in position],
        }
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def check_query(self, request: Request) -> None:
        """Refuse a malformed page size, and a page number (lists are not numbered: a client
        sending `page=2` would read the first page again and again), even where pages do not
        apply (CSV)."""
        page_size_from(request, self.page_size_query_param, 1)
        if request.query_params.get("page"):
            raise ValidationError({"page": [NO_PAGE_NUMBERS]})

    def _decode(self, cursor: str | None, queryset: QuerySet) -> tuple[Any, ...] | None:
        if not cursor:
            return None
        invalid = NotFound("This cursor is not valid.")
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            payload = json.loads(raw)
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise invalid from None
        if not isinstance(payload, dict):
            raise invalid
        if payload.get("o") != self.ordering:
            raise NotFound("This cursor was made for another ordering.")
        values = payload.get("v")
        if values is None:
            return None
        if not isinstance(values, list) or len(values) != len(self.ordering):
            raise invalid
        try:
            position = tuple(
                None if value is None else field_of(queryset, term.lstrip("-")).to_python(value)
                for term, value in zip(self.ordering, values, strict=True)
            )
            # Only cursors we made: times are aware, and sent to the database in UTC.
            return tuple(_in_utc(value) for value in position)
        except (DjangoValidationError, TypeError, ValueError, OverflowError, ArithmeticError):
            raise invalid from None


class ActivityFeedPagination(KeysetPagination):
    always_next = True


def _in_utc(value: Any) -> Any:
    if not isinstance(value, dt.datetime):
        return value
    if value.tzinfo is None:
        raise ValueError("A cursor's time carries its offset.")
    return value.astimezone(dt.UTC)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
