"""What the serializers of every resource share: hiding newsroom-only fields from anonymous
readers, the brief shapes of related records, and the base of every writing serializer.

A writing serializer is the model limited to the fields its service accepts
(`Meta.fields = services.RESPONSE_FIELDS`): types, lengths, choices and required-ness come from
the model; the service applies the business rules and words their errors, which come back
through the API's one error handler (api/errors.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Manager
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from requests_tracker import permissions, selectors
from requests_tracker.models import Agency, Campaign, County, DataCategory, Source
from requests_tracker.selectors import documents

NEWSROOM_ONLY_FIELDS = ("internal_note", "created_by", "logged_by", "actor", "verified_by")
"""Shown to newsroom members only (permissions.can_see_internal); never to anonymous readers."""

EDITORS_ONLY_FIELDS = ("sensitive",)
"""Shown to editors only (permissions.can_see_sensitive)."""

DERIVED_FIELDS = {
    "status": "Derived from the responses and escalations; log one of those instead.",
    "overdue_since": "Derived from the due date and the status.",
}
"""Fields a client reads but never writes, with why (sent anyway, they are refused by name)."""


class NewsroomOnlyFieldsMixin:
    """Drops NEWSROOM_ONLY_FIELDS when the reader may not see them, and EDITORS_ONLY_FIELDS
    for anyone but editors."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not permissions.can_see_internal(request.user):
            for name in NEWSROOM_ONLY_FIELDS:
                fields.pop(name, None)
        if request is not None and not permissions.can_see_sensitive(request.user):
            for name in EDITORS_ONLY_FIELDS:
                fields.pop(name, None)
        return fields


def reader_of(serializer: serializers.Field) -> Any:
    """Who the representation is for (None, treated as an anonymous reader, without a request)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record by id. A source the writer may not see (a sensitive one, for anyone but
    an editor) is refused exactly as an id that does not exist, so it cannot be probed."""

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        if queryset is not None and queryset.model is Source:
            queryset = documents.visible_sources(reader_of(self), queryset)
        return queryset


def username_field(source: str) -> serializers.CharField:
    """Who entered a record, by username (dropped for anonymous readers)."""
    return serializers.CharField(
        source=f"{source}.username",
        read_only=True,
        allow_null=True,
        help_text="Who entered this (newsroom members only).",
    )


class FipsField(serializers.SlugRelatedField):
    """A county given by its five-digit FIPS code."""

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "does_not_exist": "No county has FIPS code {value}.",
        "invalid": "A county FIPS code is exactly five digits, e.g. 06037.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", County.objects.all())
        super().__init__(slug_field="fips", **kwargs)

    def to_internal_value(self, data: Any) -> County:
        if not isinstance(data, str) or len(data) != 5 or not data.isascii() or not data.isdigit():
            self.fail("invalid")
        return super().to_internal_value(data)


def ids_field(queryset: Any, help_text: str) -> serializers.PrimaryKeyRelatedField:
    """An optional list of records by id."""
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, many=True, required=False, help_text=help_text
    )


def categories_field(help_text: str, **kwargs: Any) -> serializers.ListField:
    """A list of data categories (stored as JSON, so the model cannot type it for us)."""
    return serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices),
        help_text=help_text,
        max_length=len(DataCategory.values),
        **kwargs,
    )


class RefusesUnknownFields:
    """A field the client may not send is refused by name rather than silently ignored, so
    nobody believes they set it."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                raise serializers.ValidationError(
                    {
                        key: [DERIVED_FIELDS.get(key, "This field cannot be written here.")]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)


class WriteSerializer(RefusesUnknownFields, serializers.Serializer):
    """Input that is not one model's fields (citations, the ids to cite a source on)."""


class ServiceInputSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    """Input checked for types only (the service checks the rules). A field the client may not
    send is refused by name rather than silently ignored, so nobody believes they set it."""

    serializer_related_field = VisibleRelatedField

    # The docstrings of writing serializers are the API's schema descriptions, for clients. For
    # us: `Meta.fields` is the service's list of fields; types, lengths, choices and whether a
    # field is required come from the model. Uniqueness is the service's business too, so none of
    # the model's constraints becomes a validator here.

    def get_validators(self) -> list[Any]:
        return []


# --- Shapes shared by several records ---------------------------------------------------------


class CountyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = County
        fields = ["fips", "name", "state"]


class AgencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "level"]


class CitedSourcesSerializer(serializers.ListSerializer):
    """The sources cited on a record, as the reader may see them (selectors.documents.
    sources_shown_to): a sensitive one is withheld from newsroom members who are not editors
    and left out for anyone else."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        sources: Iterable[Source] = data.all() if isinstance(data, Manager) else data
        shown = documents.sources_shown_to(sources, reader_of(self))
        return [self.child.to_representation(source) for source in shown]


class SourceBriefSerializer(serializers.ModelSerializer):
    """A cited source. To a newsroom member who is not an editor, a sensitive one is only
    `{"id": ..., "title": "a sensitive source (editors only)", "withheld": true}` with the other
    fields empty; to an anonymous reader it is not there (null, or left out of a list)."""

    withheld = serializers.SerializerMethodField(
        help_text="True for a sensitive source the reader may not see: only its existence is "
        "told, everything else is empty."
    )

    class Meta:
        model = Source
        fields = ["id", "title", "url", "kind", "publisher", "published_on", "withheld"]
        extra_kwargs = {"kind": {"allow_null": True}}
        list_serializer_class = CitedSourcesSerializer

    def to_representation(self, instance: Any) -> Any:
        if isinstance(instance, Source):
            instance = documents.source_shown_to(instance, reader_of(self))
            if instance is None:
                return None
        return super().to_representation(instance)

    def get_withheld(self, source: Source | documents.WithheldSource) -> bool:
        return isinstance(source, documents.WithheldSource)


class CampaignBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "title"]


class RequestCountsSerializer(serializers.Serializer):
    """Counts of requests: all, open (not settled), overdue now, and by status."""

    total = serializers.IntegerField(source="requests_total")
    open = serializers.IntegerField(source="requests_open")
    overdue = serializers.IntegerField(source="requests_overdue")
    by_status = serializers.SerializerMethodField()

    def get_by_status(self, row: Any) -> dict[str, int]:
        return selectors.status_counts_of(row)


class StatusCountsField(serializers.DictField):
    """{status: count} for every request status."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.IntegerField(), **kwargs)


class UnsourcedMixin:
    """`unsourced`: true when no source the reader is told of backs the record (the page shows
    "unsourced"): for an anonymous reader, sensitive sources do not count."""

    def get_unsourced(self, record: Any) -> bool:
        return not documents.sources_shown_to(record.sources.all(), reader_of(self))


class IdListField(serializers.Field):
    """The ids of a prefetched to-many relation."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, manager: Any) -> list[int]:
        return [record.pk for record in manager.all()]


extend_schema_field({"type": "array", "items": {"type": "integer"}})(IdListField)
