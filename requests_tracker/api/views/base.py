"""What every API view shares: JSON in and out, CSV lists, ETags, writes through services.

A viewset names a reading serializer (what clients get back), a writing serializer per action
(what they may send) and the service call for each write. The view validates types, calls the
service (which applies the rules inside one transaction), then reads the record back through its
selector, so a write answers with exactly what a GET would show.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator, Mapping
from typing import Any, ClassVar

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.http import StreamingHttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import capfirst
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from requests_tracker import services
from requests_tracker.api import schema
from requests_tracker.api.errors import PreconditionFailed
from requests_tracker.api.pagination import KeysetPagination
from requests_tracker.api.parsers import BoundedJSONParser
from requests_tracker.api.renderers import CSVRenderer, OrjsonRenderer
from requests_tracker.exchange.csv_export import Snapshot, csv_lines
from requests_tracker.selectors import visibility

CSV_CHUNK_ROWS = 2000
"""Rows read from the database cursor at a time (and prefetched for, in one query each)."""
LIST_ACTIONS = ("list", "export_csv")
"""The actions that read a list: a page of JSON, or every row as CSV."""


_ENCODER = DjangoJSONEncoder()


def etag_for(data: Any) -> str:
    """A strong ETag of a representation: the same bytes for the same reader, the same tag.
    Keys sorted; orjson for speed (a list page is tagged on every read), the standard encoder
    for what orjson refuses."""
    try:
        body = orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=_ENCODER.default)
    except orjson.JSONEncodeError:
        body = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def headed(model: type[Model], columns: list[str | tuple[str, str]]) -> list[tuple[str, str]]:
    """CSV columns as (header, path): a plain dotted path into the JSON row is headed by the
    label of `model`'s field it starts with (its verbose name, as the admin and the forms show
    it); a (header, path) pair keeps its header."""
    return [
        column
        if isinstance(column, tuple)
        else (capfirst(str(model._meta.get_field(column.split(".")[0]).verbose_name)), column)
        for column in columns
    ]


def serializer_columns(
    serializer: type[BaseSerializer],
    *,
    shown: Mapping[str, list[str | tuple[str, str]]] | None = None,
    left_out: Collection[str] = (),
) -> list[str | tuple[str, str]]:
    """The CSV columns of a list whose file follows its JSON rows: the reading serializer's
    fields in order, each by its own path, but those `left_out` and those `shown` otherwise (a
    field to the columns that show it)."""
    shown = shown or {}
    return [
        column
        for name in serializer.Meta.fields
        if name not in left_out
        for column in shown.get(name, [name])
    ]


def _tags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


class PrivateAnswers:
    """Representations differ by reader (anonymous readers see less): caches must key on the
    credentials and check back (with the ETag) before reusing a copy."""

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Accept", "Authorization", "Cookie"])
        patch_cache_control(response, private=True, no_cache=True)
        return response


class TrackerViewSet(PrivateAnswers, viewsets.GenericViewSet):
    """Base of every resource. Subclasses add the action mixins they offer, set
    `serializer_class` (reading), `write_serializers` (by action) and implement
    `perform_service_*` for the writes they allow."""

    renderer_classes = [OrjsonRenderer, CSVRenderer]
    parser_classes = [BoundedJSONParser]
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    write_serializers: ClassVar[dict[str, type[BaseSerializer]]] = {}
    csv_columns: ClassVar[list[Any]] = []
    """The columns of this list's CSV, each a dotted path into the JSON row (headed by its
    model field's label) or a (header, path) pair; read as (header, path) pairs (`headed`)."""
    csv_filename = "export"
    default_ordering: ClassVar[tuple[str, ...]] = ("id",)
    lookup_value_regex = r"\d+"
    """A record's address ends with its id (a resource addressed otherwise says how)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "csv_columns" in cls.__dict__:
            cls.csv_columns = headed(cls.serializer_class.Meta.model, cls.csv_columns)

    # --- plumbing -----------------------------------------------------------------------------

    def get_renderers(self) -> list[Any]:
        action = getattr(self, "action", None)
        if action == "export_csv":
            return [CSVRenderer()]
        if action == "list":
            return super().get_renderers()
        return [OrjsonRenderer()]

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["today"] = services.local_today()
        return context

    def get_queryset(self) -> QuerySet:
        # Records under embargo exist for journalists and editors only: for anyone else they
        # are in no list, no CSV, and their address answers 404 (selectors/visibility.py).
        shown = visibility.shown_to(self.base_queryset(), self.request.user)
        return shown.order_by(*self.default_ordering)

    def get_paginated_response(self, data: Any) -> Response:
        return conditional_answer(self.request, super().get_paginated_response(data).data)

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON even when the client asked for CSV (or for what is not offered).
        if not isinstance(getattr(self.request, "accepted_renderer", None), OrjsonRenderer):
            self.request.accepted_renderer = OrjsonRenderer()
            self.request.accepted_media_type = OrjsonRenderer.media_type
        return super().handle_exception(exc)

    def read_back(self, instance: Model) -> Model:
        """The record as its selector shows it (annotations and all), after a write."""
        return self.base_queryset().get(pk=instance.pk)

    def representation(self, instance: Model) -> dict[str, Any]:
        serializer_class = self.get_serializer_class()
        if self.action not in ("list", "retrieve"):
            serializer_class = self.reading_serializer_class()
        return serializer_class(instance, context=self.get_serializer_context()).data

    @classmethod
    def reading_serializer_class(cls) -> type[BaseSerializer]:
        """How a record is read back after a write, and shown on its own address."""
        return getattr(cls, "detail_serializer_class", None) or cls.serializer_class

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action in self.write_serializers:
            return self.write_serializers[self.action]
        if self.action == "retrieve":
            return self.reading_serializer_class()
        return self.serializer_class

    def check_if_match(self, request: Request, instance: Model) -> None:
        """With If-Match, a change applies only to the version the client last read."""
        header = request.headers.get("If-Match")
        if not header:
            return
        tags = _tags(header)
        if "*" not in tags and etag_for(self.representation(instance)) not in tags:
            raise PreconditionFailed()

    def actor(self) -> Any:
        return self.request.user

    def csv_response(self, queryset: QuerySet) -> StreamingHttpResponse:
        """Every row matching the filters (pages do not apply), in the list's order, streamed
        from one snapshot of the database; `X-Row-Count` says how many rows the body holds, so
        a client can tell a whole file from one cut off on the way (docs/api.md)."""
        shown = set(self.csv_serializer().fields)
        columns = [(h, path) for h, path in self.csv_columns if path.split(".")[0] in shown]
        body = Snapshot(queryset, lambda rows: csv_lines(columns, self.csv_rows(rows)))
        response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        response["X-Row-Count"] = str(body.row_count)
        return response

    def csv_serializer(self) -> BaseSerializer:
        """One reading serializer for the whole export: its fields are built once, not per row."""
        return self.serializer_class(context=self.get_serializer_context())

    def csv_rows(self, queryset: QuerySet) -> Iterator[dict[str, Any]]:
        """The rows of the export as the JSON list shows them (at least the CSV's columns).
        A long list overrides this with a lighter read of plain values."""
        serializer = self.csv_serializer()
        for record in queryset.iterator(chunk_size=CSV_CHUNK_ROWS):
            yield serializer.to_representation(record)


class BySlug:
    """A resource addressed by its slug rather than its id."""

    lookup_field = "slug"
    lookup_value_regex = "[^/.]+"


# The actions a resource offers, one mixin each: the router exposes only the methods present.


ROW_COUNT_HEADER = OpenApiParameter(
    "X-Row-Count",
    int,
    location=OpenApiParameter.HEADER,
    response=[200],
    description="Rows in the file (the header line not counted): fewer in the body means it "
    "was cut off on the way.",
)


class ListAction:
    """A list (JSON, a page at a time) and the same list as CSV at `<list>.csv`: every row
    matching the filters, in the list's order. `?format=csv` or `Accept: text/csv` on the list
    give the same file (the older way, kept for existing clients; the schema documents `.csv`,
    so a generated client reads JSON from the one and text from the other)."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        if isinstance(request.accepted_renderer, CSVRenderer):
            return self.export_csv(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="The list as CSV",
        description=schema.CSV_LIST,
        filters=True,
        responses={
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="Every row matching the filters (not one page), in the list's "
                "order, with human column names.",
            )
        },
        parameters=[ROW_COUNT_HEADER],
    )
    def export_csv(self, request: Request, *args: Any, **kwargs: Any) -> StreamingHttpResponse:
        queryset = self.filter_queryset(self.get_queryset())
        if self.paginator is not None:
            self.paginator.check_query(request)
        return self.csv_response(queryset)


def conditional_answer(request: Request, data: Any) -> Response:
    """`data` with its ETag, or 304 with no body when the client already holds that version
    (If-None-Match): a record, or a page of a list (a poller re-reading an unchanged page gets
    an empty answer)."""
    tag = etag_for(data)
    wanted = _tags(request.headers.get("If-None-Match", ""))
    if tag in wanted or "*" in wanted:
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
    return Response(data, headers={"ETag": tag})


class RetrieveAction:
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return conditional_answer(request, self.get_serializer(self.get_object()).data)


class CreateAction:
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        instance = self.perform_service_create(dict(incoming.validated_data))
        data = self.representation(self.read_back(instance))
        return Response(data, status=status.HTTP_201_CREATED, headers={"ETag": etag_for(data)})

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError


class UpdateAction:
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        # A body that cannot be read is a 400 whatever version it was meant for: the client
        # learns what to mend before it reads the record again.
        incoming = self.get_serializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        self.check_if_match(request, instance)
        if incoming.validated_data:
            instance = self.perform_service_update(instance, dict(incoming.validated_data))
        data = self.representation(self.read_back(instance))
        return Response(data, headers={"ETag": etag_for(data)})

    def perform_service_update(self, instance: Model, data: dict[str, Any]) -> Model:
        raise NotImplementedError


class DestroyAction:
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self.check_if_match(request, instance)
        self.perform_service_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_service_destroy(self, instance: Model) -> None:
        raise NotImplementedError
