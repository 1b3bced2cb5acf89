"""Paging: page numbers for short lists, keyset cursors for requests and the changes feed.

A keyset cursor remembers the ordering values of the last row a client saw (for example
(issued_on, id)) and the next page starts strictly after them. Unlike an offset it does not skip or
repeat rows when records are added or change while a client pages through. Every keyset ordering
ends with the row id, so positions are unique. Cursors are opaque to clients (base64 of the
ordering and the position). A cursor that cannot be read, or was made for another ordering,
points nowhere: 404, as DRF's own cursor paging answers (and as a page number past the end does).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, Model, QuerySet
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

from requests_tracker.lists.keyset import ordering_of, rows_after

MAX_PAGE_SIZE = 200


MAX_PAGE = 10**9


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


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return page_size_from(request, self.page_size_query_param, self.page_size)

    def get_page_number(self, request: Request, paginator: Any) -> int | str:
        # `page=last` is DRF's too; anything else must be a page number (past the end: 404).
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            return "last"
        return whole_number(request, self.page_query_param, 1, MAX_PAGE)

    def check_query(self, request: Request) -> None:
        """Refuse a malformed page or page size even where pages do not apply (CSV)."""
        self.get_page_size(request)
        self.get_page_number(request, None)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1 (past the last page: 404).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            _page_size_parameter(self.page_size_query_param),
        ]


class KeysetPagination(pagination.BasePagination):
    """Forward-only keyset paging over the queryset's own order_by (which must end with the id)."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    always_next = False
    """The changes feed always hands out a `next` link to resume from, even when caught up."""

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Model] | list[dict[str, Any]]:
        self.request = request
        self.page_size = page_size_from(
            request, self.page_size_query_param, api_settings.PAGE_SIZE or 50
        )
        self.ordering = ordering_of(queryset)
        position = self._decode(request.query_params.get(self.cursor_query_param), queryset)
        if position is not None:
            queryset = queryset.filter(rows_after(self.ordering, position))
        rows = list(queryset[: self.page_size + 1])
        self.has_more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        self.next_position = position
        if rows:
            last = rows[-1]
            # Rows are model instances, or dicts from `.values()` (the request list).
            value_of = last.__getitem__ if isinstance(last, dict) else last.__getattribute__
            self.next_position = tuple(value_of(term.lstrip("-")) for term in self.ordering)
        return rows

    def get_next_link(self) -> str | None:
        if not self.has_more and not self.always_next:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self._encode(self.next_position))

    def get_paginated_response(self, data: Any) -> Response:
        body: dict[str, Any] = {"next": self.get_next_link()}
        if self.always_next:
            body["has_more"] = self.has_more
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        properties: dict[str, Any] = {
            "next": {
                "type": "string",
                "format": "uri",
                "nullable": not self.always_next,
                "example": "https://tracker.example/api/v1/…/?cursor=eyJvIjpbIi1pZCJdLCJ2IjpbMTJdfQ",
                "description": "Link to the following page"
                + (
                    "; keep it to resume later, even when has_more is false."
                    if self.always_next
                    else "; null on the last page."
                ),
            }
        }
        required = ["next", "results"]
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
                "description": "Opaque position from a previous page's `next` link (any other "
                "value: 404).",
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
        """Refuse a malformed page size even where pages do not apply (CSV)."""
        page_size_from(request, self.page_size_query_param, 1)

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
                _field_of(queryset, term.lstrip("-")).to_python(value)
                for term, value in zip(self.ordering, values, strict=True)
            )
            # Only cursors we made: times are aware, and sent to the database in UTC.
            return tuple(_in_utc(value) for value in position)
        except (DjangoValidationError, TypeError, ValueError, OverflowError):
            raise invalid from None


class ActivityFeedPagination(KeysetPagination):
    always_next = True


def _field_of(queryset: QuerySet, name: str) -> Field:
    if name in queryset.query.annotations:
        return queryset.query.annotations[name].output_field
    meta = queryset.model._meta
    return meta.pk if name == "pk" else meta.get_field(name)


def _in_utc(value: Any) -> Any:
    if not isinstance(value, dt.datetime):
        return value
    if value.tzinfo is None:
        raise ValueError("A cursor's time carries its offset.")
    return value.astimezone(dt.UTC)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
