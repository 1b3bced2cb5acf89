"""Sources (the evidence behind each fact) and the figures officials reported."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from requests_tracker import permissions, selectors, services
from requests_tracker.api import schema, serializers
from requests_tracker.api.errors import FieldsForbidden
from requests_tracker.api.parsers import BoundedJSONParser
from requests_tracker.api.serializers.common import EMBARGO_READ_FIELDS
from requests_tracker.api.views.base import (
    CreateAction,
    ListAction,
    RetrieveAction,
    TrackerViewSet,
    UpdateAction,
    etag_for,
    serializer_columns,
)
from requests_tracker.api.views.embargo import EmbargoAction
from requests_tracker.lists import filters
from requests_tracker.selectors import documents
from requests_tracker.services.sources import SENSITIVE_EDITORS_ONLY


@schema.documented(
    list="Sources on file, with the records that cite each.",
    retrieve="One source.",
    create="Add a source by address (JSON) or as an uploaded file (multipart/form-data), and "
    "optionally cite it on records at once (journalists). A file is judged by its bytes (PDF, "
    "PNG, JPEG, TIFF, plain text, CSV, DOCX, XLSX; at most SOURCE_MAX_UPLOAD_MB): anything else "
    "is a 400 on `file` naming the limit or what the file is, and nothing is stored. A source "
    "whose address is already on file is reused and answered with 200. Only editors may send "
    "`sensitive`.",
    update="Correct a source's details (who added it, or an editor). Sending `verified_on` "
    "records you as who checked it.",
    create_request={
        "application/json": serializers.SourceCreateSerializer,
        "multipart/form-data": serializers.SourceUploadSerializer,
    },
    create_examples=schema.SOURCE_EXAMPLES,
    create_may_return_existing=True,
)
class SourceViewSet(
    EmbargoAction, ListAction, RetrieveAction, CreateAction, UpdateAction, TrackerViewSet
):
    serializer_class = serializers.SourceSerializer
    write_serializers = {
        "create": serializers.SourceCreateSerializer,
        "partial_update": serializers.SourceUpdateSerializer,
        "cite": serializers.CiteOnSerializer,
    }
    filterset_class = filters.SourceFilter
    parser_classes = [BoundedJSONParser, MultiPartParser]
    default_ordering = ("-created_at", "-id")
    csv_filename = "sources"
    csv_columns = serializer_columns(
        serializers.SourceSerializer,
        shown={
            "id": [("Id", "id")],
            "file_url": [("Stored copy", "file_url")],
            "content_type": [("Type", "content_type")],
            "file_size": [("Size (bytes)", "file_size")],
            "extraction_status": [("Text", "extraction_status")],
            "cited_on": [
                (f"Cited on {records}", f"cited_on.{records}")
                for records in ("requests", "responses", "escalations", "campaigns")
            ],
            "created_by": [("Added by", "created_by")],
        },
        left_out=(*EMBARGO_READ_FIELDS, "created_at", "updated_at"),
    )

    def base_queryset(self) -> QuerySet:
        # A sensitive source exists for editors only: for anyone else it is in no list, no CSV,
        # and its address answers 404 like an id never used.
        return documents.visible_sources(
            self.request.user, selectors.sources_on_file(self.request.user)
        )

    def get_serializer_class(self) -> Any:
        if self.action == "create" and self.request.content_type.startswith("multipart/"):
            return serializers.SourceUploadSerializer
        return super().get_serializer_class()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        if data.get("sensitive"):
            self.check_may_mark_sensitive()
        # The service reuses only a source the writer may see (add_source).
        reused = bool(
            data.get("url")
            and not data.get("file")
            and documents.visible_sources(request.user).filter(url=data["url"]).exists()
        )
        source = self.perform_service_create(data)
        body = self.representation(self.read_back(source))
        return Response(
            body,
            status=status.HTTP_200_OK if reused else status.HTTP_201_CREATED,
            headers={"ETag": etag_for(body)},
        )

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        cite_on = [record for key in serializers.CITATION_KEYS for record in data.pop(key, [])]
        return services.add_source(cite_on=cite_on, actor=self.actor(), **data)

    def check_may_mark_sensitive(self) -> None:
        """Only editors may set or clear `sensitive`: for anyone else a 403 naming the field
        (their role, not their input, is what is refused)."""
        if not permissions.can_see_sensitive(self.request.user):
            raise FieldsForbidden({"sensitive": [SENSITIVE_EDITORS_ONLY]})

    def perform_service_update(self, instance: Model, data: dict[str, Any]) -> Model:
        if "sensitive" in data and data["sensitive"] != instance.sensitive:
            self.check_may_mark_sensitive()
        if "verified_on" in data:
            data["verified_by"] = self.actor() if data["verified_on"] else None
        return services.update_source(source=instance, actor=self.actor(), **data)

    @extend_schema(
        summary="Cite this source on records",
        description="Cite the source on the given requests, responses, escalations or campaigns "
        "(journalists). Records it already supports are left as they are.",
        request=serializers.CiteOnSerializer,
        responses={200: serializers.SourceSerializer},
    )
    @action(detail=True, methods=["post"])
    def cite(self, request: Request, pk: str | None = None) -> Response:
        source = self.get_object()
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with transaction.atomic():
            for record in incoming.records():
                services.cite_source(source=source, record=record, actor=self.actor())
        body = self.representation(self.read_back(source))
        return Response(body, headers={"ETag": etag_for(body)})


@schema.documented(
    list="Numbers officials reported (e.g. ICE detainer requests received in 2024), each under "
    "a defined metric (/api/v1/metrics/), for a county, a state or the nation, with its period "
    "and source; a figure may correct an earlier one (`corrects`).",
    retrieve="One reported figure.",
    create="Record a figure an official reported, with its source (journalists).",
)
class ReportedFigureViewSet(
    EmbargoAction, ListAction, RetrieveAction, CreateAction, TrackerViewSet
):
    serializer_class = serializers.ReportedFigureSerializer
    write_serializers = {"create": serializers.ReportedFigureCreateSerializer}
    filterset_class = filters.ReportedFigureFilter
    default_ordering = ("metric__name", "state", "county__name", "-period_start", "id")
    csv_filename = "figures"
    csv_columns = [
        ("Id", "id"),
        "metric",
        ("Metric name", "metric_name"),
        "scope",
        "state",
        "county.name",
        ("FIPS", "county.fips"),
        "value",
        ("Unit", "unit"),
        "period_start",
        "period_end",
        "period_label",
        "reported_by",
        "note",
        "source.title",
        ("Source address", "source.url"),
        "logged_by",
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.reported_figures()

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.record_figure(actor=self.actor(), **data)
