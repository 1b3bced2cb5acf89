"""What the serializers of every resource share: hiding newsroom-only fields from anonymous
readers, the brief shapes of related records, and the base of every writing serializer.

A writing serializer is the model limited to the fields its service accepts
(`Meta.fields = services.RESPONSE_FIELDS`): types, lengths, choices and required-ness come from
the model; the service applies the business rules and words their errors, which come back
through the API's one error handler (api/errors.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Manager, Model
from django.http import QueryDict
from drf_spectacular.utils import extend_schema_field
from rest_framework import relations, serializers

from requests_tracker import permissions, selectors
from requests_tracker.lists.parameters import MAX_ID
from requests_tracker.models import Agency, Campaign, County, DataCategory, Source
from requests_tracker.models.fields import LongTextField, TextLengthValidator
from requests_tracker.selectors import documents

NEWSROOM_ONLY_FIELDS = ("internal_note", "created_by", "logged_by", "actor", "verified_by")
"""Shown to newsroom members only (permissions.can_see_internal); never to anonymous readers."""

EXPANDED_ONLY_FIELDS = ("latest_response",)
"""Present only when the client asks for them (`expand=`)."""

EDITORS_ONLY_FIELDS = ("sensitive",)
"""Shown to editors only (permissions.can_see_sensitive)."""

EMBARGO_READ_FIELDS = ("embargoed", "embargo_until", "embargo_reason")
"""Shown to journalists and editors only (permissions.can_see_embargoed): nobody else ever meets
a record under embargo, so for them the fields would say nothing."""

DERIVED_FIELDS = {
    "status": "Derived from the responses and escalations; log one of those instead.",
    "overdue_since": "Derived from the due date and the status.",
}
"""Fields a client reads but never writes, with why (sent anyway, they are refused by name)."""

FIPS_PATTERN = r"^[0-9]{5}$"
MAX_RELATED_IDS = 100
"""Longest list of records by id in one write (the sources of a response, where to cite one)."""
MAX_NAMED_KEYS = 5
"""Unknown keys named in an error; the rest are counted."""


class NewsroomOnlyFieldsMixin:
    """Drops NEWSROOM_ONLY_FIELDS when the reader may not see them, EDITORS_ONLY_FIELDS for
    anyone but editors, and EMBARGO_READ_FIELDS for anyone but journalists and editors."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not permissions.can_see_internal(request.user):
            for name in NEWSROOM_ONLY_FIELDS:
                fields.pop(name, None)
        if request is not None and not permissions.can_see_sensitive(request.user):
            for name in EDITORS_ONLY_FIELDS:
                fields.pop(name, None)
        if request is not None and not permissions.can_see_embargoed(request.user):
            for name in EMBARGO_READ_FIELDS:
                fields.pop(name, None)
        return fields


def reader_of(serializer: serializers.Field) -> Any:
    """Who the representation is for (None, treated as an anonymous reader, without a request)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
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


@extend_schema_field({"type": "string", "pattern": FIPS_PATTERN})
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

    @staticmethod
    def well_formed(data: Any) -> bool:
        return isinstance(data, str) and len(data) == 5 and data.isascii() and data.isdigit()

    def to_internal_value(self, data: Any) -> County:
        if not self.well_formed(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class FipsListField(serializers.ListField):
    """Counties by FIPS code: the length and every code's form are checked first, then all are
    looked up in one query (a campaign may go to thousands of counties)."""

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("allow_empty") is False:
            kwargs.setdefault("min_length", 1)  # so the schema says minItems
        super().__init__(child=FipsField(), **kwargs)

    def to_internal_value(self, data: Any) -> list[County]:
        if isinstance(data, str | Mapping) or not isinstance(data, list | tuple):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and not data:
            self.fail("empty")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        invalid = FipsField.default_error_messages["invalid"]
        errors = {i: [invalid] for i, code in enumerate(data) if not FipsField.well_formed(code)}
        if errors:
            raise serializers.ValidationError(errors)
        found = County.objects.in_bulk(list(data), field_name="fips")
        unknown = list(dict.fromkeys(code for code in data if code not in found))
        if unknown:
            # One reason for the whole list, however many codes are unknown: a letter to 4,000
            # counties with 300 typos is told in a line, not in 300 fields.
            raise serializers.ValidationError(unknown_counties(unknown))
        return [found[code] for code in data]


def unknown_counties(codes: list[str], shown: int = 10) -> str:
    """ "No county has FIPS code 99999." or "... codes 99998, 99999 and 3 more." """
    if len(codes) == 1:
        return f"No county has FIPS code {codes[0]}."
    listed = ", ".join(codes[:shown])
    more = f" and {len(codes) - shown:,} more" if len(codes) > shown else ""
    return f"No county has FIPS codes {listed}{more}."


def ids_field(queryset: Any, help_text: str) -> Any:
    """An optional list of records by id (at most MAX_RELATED_IDS)."""
    return VisibleRelatedField(queryset=queryset, many=True, required=False, help_text=help_text)


# The JSON types each kind of input field takes, so `"is_active": 0`, `"sources": {}` or
# `"title": 5` are refused as the schema says, not coerced. Multipart bodies (uploads) carry
# text only and are left to the fields themselves.
_JSON_TYPES: list[tuple[tuple[type, ...], tuple[type, ...], str]] = [
    ((serializers.BooleanField,), (bool,), "true or false"),
    (
        (relations.ManyRelatedField, serializers.ListField, serializers.MultipleChoiceField),
        (list,),
        "a list",
    ),
    ((serializers.DictField,), (dict,), "an object"),
    ((serializers.PrimaryKeyRelatedField,), (int,), "a whole number (an id)"),
    ((serializers.IntegerField,), (int,), "a whole number"),
    ((serializers.FloatField,), (int, float), "a number"),
    ((serializers.DecimalField,), (str,), 'a decimal number as a string, e.g. "995"'),
    ((serializers.DateField,), (str,), "a date as a string (YYYY-MM-DD)"),
    ((serializers.DateTimeField,), (str,), "a time as a string (ISO 8601)"),
    (
        (serializers.CharField, serializers.ChoiceField, serializers.SlugRelatedField),
        (str,),
        "a string",
    ),
]


def json_type_error(field: serializers.Field, value: Any) -> str | None:
    """Why `value` is the wrong JSON type for `field`, or None. null is left to the field."""
    if value is None:
        return None
    for kind, types, wanted in _JSON_TYPES:
        if isinstance(field, kind):
            # bool is an int in Python, never in JSON.
            if isinstance(value, bool) and bool not in types:
                return f"Give {wanted}."
            return None if isinstance(value, types) else f"Give {wanted}."
    return None


def text_too_long(field: serializers.Field, value: Any) -> str | None:
    """Why text is longer than its field allows, counted as sent (the schema's `maxLength`),
    before the field trims the spaces at its ends; or None."""
    if not (isinstance(field, serializers.CharField) and isinstance(value, str)):
        return None
    for validator in field.validators:
        if isinstance(validator, MaxLengthValidator):
            try:
                validator(value)
            except DjangoValidationError as error:
                return error.messages[0]
    return None


def list_limit(field: serializers.Field) -> int | None:
    if isinstance(field, relations.ManyRelatedField):
        return MAX_RELATED_IDS
    if isinstance(field, serializers.ListField):
        return field.max_length
    return None


class CategoriesField(serializers.ListField):
    """Data categories, each at most once (the model's validator refuses one listed twice; the
    schema says `uniqueItems`: api/schema.py)."""


def categories_field(model: type[Model], name: str, **kwargs: Any) -> CategoriesField:
    """`model`'s list of data categories `name` (stored as JSON, so the model cannot type it for
    us), described as the model describes it; one that may not be empty says `minItems: 1`."""
    if kwargs.get("allow_empty") is False:
        kwargs.setdefault("min_length", 1)
    return CategoriesField(
        child=serializers.ChoiceField(choices=DataCategory.choices),
        help_text=model._meta.get_field(name).help_text,
        max_length=len(DataCategory.values),
        **kwargs,
    )


class UpToTodayDateField(serializers.DateField):
    """A date the service refuses after today (in the tracker's time zone): an issue date, the
    day an answer came. The schema states the bound as a pattern made with the schema itself
    (api/schema.py), since JSON Schema has no maximum for dates."""


class DecimalTextField(serializers.DecimalField):
    """A decimal number written as the schema's pattern says, digits only: `995`, `-12.5`,
    `1000.25` (not `1e3`, `+5`, ` 5`, `.5` or other scripts' digits, which Python's Decimal
    would read)."""

    default_error_messages = {
        **serializers.DecimalField.default_error_messages,
        "invalid": "Give a number written with digits, e.g. 995 or 12.5.",
    }

    def pattern(self) -> str:
        whole = self.max_digits - self.decimal_places
        return rf"^-?[0-9]{{1,{whole}}}(?:\.[0-9]{{1,{self.decimal_places}}})?$"

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and not re.fullmatch(self.pattern(), data):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextLimit(MaxLengthValidator):
    """The model's TEXT_MAX_LENGTH check and its words, in the shape the schema generator reads
    (`maxLength`): one check, one message."""

    def __init__(self) -> None:
        super().__init__(settings.TEXT_MAX_LENGTH)

    def __call__(self, value: Any) -> None:
        TextLengthValidator()(value)


class RefusesUnknownFields:
    """Input is checked for its shape before any field looks anything up:

    - a field the client may not send is refused by name rather than silently ignored, so
      nobody believes they set it (the first MAX_NAMED_KEYS are named, the rest counted);
    - each value must have its field's JSON type (JSON bodies; multipart carries text);
    - lists longer than their field allows are refused, naming the limit, before any item is
      read (so a list of 50,000 ids costs no query).
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors: dict[str, list[str]] = {}
            unknown = [key for key in data if key not in self.fields]
            for key in unknown[:MAX_NAMED_KEYS]:
                errors[key] = [DERIVED_FIELDS.get(key, "This field cannot be written here.")]
            if len(unknown) > MAX_NAMED_KEYS:
                errors["non_field_errors"] = [
                    f"{len(unknown) - MAX_NAMED_KEYS:,} more fields cannot be written here."
                ]
            if not errors:
                errors = self.shape_errors(data)
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def shape_errors(self, data: Mapping[str, Any]) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        as_json = not isinstance(data, QueryDict)
        for name, value in data.items():
            field = self.fields[name]
            if field.read_only:
                continue
            reason = json_type_error(field, value) if as_json else None
            limit = list_limit(field)
            too_long = isinstance(value, list | tuple) and limit is not None and len(value) > limit
            if reason is None and too_long:
                reason = f"Give at most {limit:,} items (this list has {len(value):,})."
            if reason is None:
                reason = text_too_long(field, value)
            if reason:
                errors[name] = [reason]
        return errors


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

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_name in getattr(self.Meta, "up_to_today", ()):
            field_class = UpToTodayDateField
        if field_class is serializers.DecimalField:
            field_class = DecimalTextField
        if isinstance(model_field, LongTextField):
            others = [
                v for v in kwargs.get("validators", []) if not isinstance(v, TextLengthValidator)
            ]
            kwargs["validators"] = [*others, TextLimit()]
        return field_class, kwargs


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

    def to_representation(self, value: dict[str, int]) -> dict[str, int]:
        # The counts are whole numbers already: the stats give one such dict per state and per
        # campaign (hundreds), and the child field's call per status cost more than the rest.
        return {str(status): int(count) for status, count in value.items()}


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
