"""Sources (the evidence behind each fact) and the figures officials reported."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from requests_tracker import services
from requests_tracker.api.serializers.common import (
    EMBARGO_READ_FIELDS,
    CountyBriefSerializer,
    FipsField,
    IdListField,
    NewsroomOnlyFieldsMixin,
    ServiceInputSerializer,
    SourceBriefSerializer,
    WriteSerializer,
    ids_field,
    username_field,
)
from requests_tracker.models import (
    Campaign,
    DataRequest,
    Escalation,
    ExtractionStatus,
    Metric,
    Person,
    ReportedFigure,
    Response,
    Source,
)

CITATION_KEYS = ("requests", "responses", "escalations", "campaigns")
"""The kinds of record a source is cited on, as the API names them."""


class CitationsSerializer(serializers.Serializer):
    """The ids of the records that cite a source."""

    requests = IdListField()
    responses = IdListField()
    escalations = IdListField()
    campaigns = IdListField()


class SourceSerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField(
        help_text="Where to download the stored copy (null without one): the permission-checked "
        "/sources/<id>/file, sent as an attachment."
    )
    extraction_status = serializers.ChoiceField(
        choices=[("", "No stored copy"), *ExtractionStatus.choices],
        read_only=True,
        help_text="Whether its text has been read for search: pending, done, failed, "
        "unavailable (a scan, and OCR is not installed); empty without a stored copy.",
    )
    cited_on = CitationsSerializer(source="*", read_only=True)
    created_by = username_field("created_by")
    verified_by = username_field("verified_by")

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "url",
            "file_url",
            "sha256",
            "content_type",
            "file_size",
            "page_count",
            "extraction_status",
            "sensitive",
            *EMBARGO_READ_FIELDS,
            "publisher",
            "published_on",
            "kind",
            "archived_url",
            "verified_on",
            "verified_by",
            "cited_on",
            "created_by",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "file_size": {"help_text": "Size of the stored copy in bytes."},
            "page_count": {"help_text": "Pages (sheets, parts) of the stored copy's text."},
            "sensitive": {
                "help_text": "May hold personal data of people in custody: editors only (the "
                "field, and the source itself, exist only for them)."
            },
        }

    def get_file_url(self, source: Source) -> str | None:
        if not source.file:
            return None
        request = self.context.get("request")
        path = source.get_file_url()
        return request.build_absolute_uri(path) if request is not None else path


class CiteOnSerializer(WriteSerializer):
    """Records to cite a source on, by id."""

    requests = ids_field(DataRequest.objects.all(), "Requests to cite this source on.")
    responses = ids_field(Response.objects.all(), "Responses to cite this source on.")
    escalations = ids_field(Escalation.objects.all(), "Escalations to cite this source on.")
    campaigns = ids_field(Campaign.objects.all(), "Campaigns to cite this source on.")

    def records(self) -> list[Any]:
        return [record for key in CITATION_KEYS for record in self.validated_data.get(key, [])]


class SourceUploadSerializer(ServiceInputSerializer, CiteOnSerializer):
    """A source as an uploaded copy of the document (multipart/form-data), with its details and
    the records to cite it on; an address beside it is optional."""

    class Meta:
        model = Source
        fields = (*services.SOURCE_FIELDS, *CITATION_KEYS)
        extra_kwargs = {
            # Left out, the model's default kind applies: say which.
            "kind": {"default": Source._meta.get_field("kind").default},
            "file": {
                "required": True,
                "allow_empty_file": False,
                # Storage shortens a long file name; it is no reason to refuse the document.
                "max_length": None,
                "help_text": "The document: PDF, PNG, JPEG, TIFF, plain text, CSV, DOCX or XLSX, "
                "judged by its bytes, at most SOURCE_MAX_UPLOAD_MB (25 MB by default); stored "
                "with its SHA-256.",
            },
            "sensitive": {
                "help_text": "Editors only: the source may hold personal data of people in custody."
            },
        }


class SourceCreateSerializer(SourceUploadSerializer):
    """A source by its address (JSON), with its details and the records to cite it on. A copy of
    the document is sent as multipart/form-data instead."""

    class Meta(SourceUploadSerializer.Meta):
        fields = tuple(name for name in SourceUploadSerializer.Meta.fields if name != "file")
        extra_kwargs = {
            **SourceUploadSerializer.Meta.extra_kwargs,
            "url": {"required": True, "allow_blank": False},
        }


class SourceUpdateSerializer(ServiceInputSerializer):
    """Corrections to a source's details."""

    # A new copy of the document is a new source; who verified it is whoever sends verified_on.

    class Meta:
        model = Source
        fields = services.in_model_order(
            Source, services.SOURCE_EDITABLE_FIELDS - {"file", "verified_by"}
        )
        extra_kwargs = {
            "verified_on": {
                "help_text": "When you checked the source; you are recorded as who verified it."
            }
        }


class ReportedFigureSerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
    metric = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The metric's slug (/api/v1/metrics/)."
    )
    metric_name = serializers.CharField(source="metric.name", read_only=True)
    unit = serializers.CharField(source="metric.unit", read_only=True)
    # Read-only, so the schema gives no pattern the empty (national) value would break.
    state = serializers.CharField(
        read_only=True, help_text=ReportedFigure._meta.get_field("state").help_text
    )
    county = CountyBriefSerializer(read_only=True, allow_null=True)
    person = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The official's slug."
    )
    corrects = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    # Null for an anonymous reader when the source is sensitive.
    source = SourceBriefSerializer(read_only=True, allow_null=True)
    logged_by = username_field("logged_by")

    class Meta:
        model = ReportedFigure
        fields = [
            "id",
            *services.FIGURE_FIELDS,
            "metric_name",
            "unit",
            *EMBARGO_READ_FIELDS,
            "logged_by",
            "created_at",
            "updated_at",
        ]


STATE_OR_NONE = r"^([A-Z]{2})?$"


class ReportedFigureCreateSerializer(ServiceInputSerializer):
    """A county's figure (`county`), a state's (`state` alone) or the nation's (neither)."""

    metric = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Metric.objects.all(),
        help_text="The metric's slug (/api/v1/metrics/).",
        error_messages={"does_not_exist": "No metric has the slug {value}."},
    )
    county = FipsField(required=False, allow_null=True)
    state = serializers.RegexField(
        STATE_OR_NONE,
        required=False,
        allow_blank=True,
        max_length=2,
        help_text="For a statewide figure (no county): its two-letter USPS code; empty for a "
        "national one. A county's figure takes its county's state.",
    )
    person = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        help_text="The official who reported it, by slug (/api/v1/people/).",
        error_messages={"does_not_exist": "No person has the slug {value}."},
    )

    class Meta:
        model = ReportedFigure
        fields = [name for name in services.FIGURE_FIELDS if name != "scope"]
