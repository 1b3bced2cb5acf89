"""The OpenAPI description: per-view documentation, examples, and what every operation shares
(the error shape, ETags and conditional requests, CSV lists, anonymous reads), added in one hook
so no operation is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)

from requests_tracker.api.serializers import EXPANDED_ONLY_FIELDS, NEWSROOM_ONLY_FIELDS
from requests_tracker.api.serializers.common import (
    MAX_RELATED_IDS,
    CategoriesField,
    DecimalTextField,
    UpToTodayDateField,
)
from requests_tracker.api.serializers.feeds import WebhookAddressField
from requests_tracker.lists.parameters import MAX_LIST_VALUES
from requests_tracker.security import webhook_targets
from requests_tracker.services.clock import local_today

NO_NUL = "^[^\\u0000]*$"
"""Text may hold any character but NUL, which PostgreSQL cannot store (refused with 400)."""


def _spaces_class() -> str:
    """The characters Python's str.strip() (and so DRF's text fields) trims, as a class."""
    spaces = [code for code in range(0x110000) if chr(code).isspace()]
    runs: list[list[int]] = []
    for code in spaces:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in runs
    )


NOT_BLANK = f"^[^\\u0000]*[^\\u0000{_spaces_class()}][^\\u0000]*$"
"""Text that may not be blank: without NUL, and more than the spaces the server trims."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every 4xx answer has this shape.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "fields"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status again."},
                "code": {
                    "type": "string",
                    "description": "invalid, parse_error, not_authenticated, "
                    "authentication_failed, permission_denied, not_found, method_not_allowed, "
                    "not_acceptable, unsupported_media_type, conflict, precondition_failed, "
                    "throttled.",
                },
                "message": {"type": "string", "description": "The first reason, for people."},
                "fields": {
                    "type": "object",
                    "description": "For each field that failed, why (nested fields as dotted "
                    "paths; errors of the whole record under non_field_errors).",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
    "example": {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "received_on: A response cannot be dated in the future.",
            "fields": {"received_on": ["A response cannot be dated in the future."]},
        }
    },
}

ERROR_REASONS = {
    "400": "Invalid input or query parameter; `fields` says which and why. Nothing was saved.",
    "401": "No valid credentials (anonymous reading is allowed only on public instances).",
    "403": "Signed in, but your role does not allow this.",
    "404": "No such record (or page).",
    "406": "The Accept header asks for a format this endpoint does not offer.",
    "409": "Conflicts with a record already on file.",
    "412": "If-Match does not match the record's current ETag: someone changed it since.",
    "413": "The body is larger than the limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default).",
    "414": "The address is too long (the web server's limit; not in the error shape).",
    "415": "Send JSON (or multipart/form-data where a file is accepted).",
    "429": "Too many requests; wait the seconds in Retry-After.",
}
BODYLESS_ERRORS = {"414"}
"""Answered by the web server before the app runs: no JSON body to describe."""

SEVERAL_VALUES = (
    "Several values: repeat the parameter (`{name}=a&{name}=b`, as generated clients send "
    "arrays) or separate them with commas (`{name}=a,b`); both give the same rows."
)
EMPTY_VALUE = "An empty value is the same as leaving the parameter out."

CSV_LIST = (
    "Every row of the list that matches the filters (not one page), in the list's order, as a "
    'spreadsheet: CSV with human column names, lists inside a cell joined with "; ". The cells '
    "are the JSON list's, for the same reader. `X-Row-Count` says how many rows the file holds."
)

ETAG_HEADER = {
    "ETag": {"schema": {"type": "string"}, "description": "Version of this representation."}
}


def documented(
    *,
    list: str | None = None,  # noqa: A002 - named after the DRF action it documents
    retrieve: str | None = None,
    create: str | None = None,
    update: str | None = None,
    destroy: str | None = None,
    create_request: Any = None,
    create_response: Any = None,
    list_examples: Sequence[OpenApiExample] = (),
    list_parameters: Sequence[OpenApiParameter] = (),
    create_examples: Sequence[OpenApiExample] = (),
    create_may_return_existing: bool = False,
) -> Callable[[type], type]:
    """extend_schema_view for a resource: descriptions, and the separate write serializers.

    The serializers are the viewset's own: a write is answered as the viewset reads a record back
    (`reading_serializer_class`), and takes its `write_serializers`. `create_request` is for a
    create that takes more than one kind of body; `create_response` for one answered otherwise.
    """

    def describe(viewset: type) -> type:
        read = viewset.reading_serializer_class()
        actions: dict[str, Any] = {}
        if list:
            actions["list"] = extend_schema(
                description=list, examples=[*list_examples], parameters=[*list_parameters]
            )
        if retrieve:
            actions["retrieve"] = extend_schema(description=retrieve)
        if create:
            created = create_response or read
            actions["create"] = extend_schema(
                description=create,
                request=create_request or viewset.write_serializers["create"],
                responses={201: created, 200: created}
                if create_may_return_existing
                else {201: created},
                examples=[*create_examples],
            )
        if update:
            actions["partial_update"] = extend_schema(
                description=update,
                request=viewset.write_serializers["partial_update"],
                responses={200: read},
            )
        if destroy:
            actions["destroy"] = extend_schema(description=destroy, responses={204: None})
        if hasattr(viewset, "embargo"):
            # Holding and lifting an embargo answer the record as read back (api/views/embargo.py).
            actions["embargo"] = extend_schema(methods=["POST", "DELETE"], responses={200: read})
        return extend_schema_view(**actions)(viewset)

    return describe


def postprocess(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    """Add what every operation shares, so the description matches what the API does."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error_ref = {"$ref": "#/components/schemas/Error"}
    body_media: dict[str, set[str]] = {}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                if "$ref" in media.get("schema", {}):
                    name = media["schema"]["$ref"].rsplit("/", 1)[-1]
                    body_media.setdefault(name, set()).add(media_type)
    bodies = set(body_media)
    for name, schema in components["schemas"].items():
        # Anonymous readers of a public instance do not get these fields at all; others come
        # only when asked for.
        if "required" in schema:
            schema["required"] = [
                n
                for n in schema["required"]
                if n not in NEWSROOM_ONLY_FIELDS and n not in EXPANDED_ONLY_FIELDS
            ]
            if not schema["required"]:
                del schema["required"]
        if name in bodies and schema.get("type") == "object":
            exact_body(schema)
            if body_media[name] == {"multipart/form-data"}:
                # A form field is text: it has no null (leave the field out instead).
                for field in schema.get("properties", {}).values():
                    field.pop("nullable", None)

    for path, operations in result.get("paths", {}).items():
        is_detail = path.rstrip("/").endswith("}")
        for method, operation in operations.items():
            if method not in ("get", "post", "patch", "delete", "put"):
                continue
            responses = operation.setdefault("responses", {})
            codes = ["400", "401", "403", "404", "406", "414", "429"]
            if method in ("post", "patch", "put"):
                codes += ["409", "413", "415"]
            if method in ("patch", "delete"):
                codes.append("412")
            for code in codes:
                answer: dict[str, Any] = {"description": ERROR_REASONS[code]}
                if code not in BODYLESS_ERRORS:
                    answer["content"] = {"application/json": {"schema": error_ref}}
                responses.setdefault(code, answer)
            parameters = operation.setdefault("parameters", [])
            ok = responses.get("200", {})
            content = ok.get("content", {})
            is_csv = path.endswith(".csv")
            is_list = operation.get("operationId", "").endswith("_list")
            if is_csv:
                # `<list>.csv`: its own operation, named and grouped with its list, so a
                # generated client reads its text (a list's 200 is always JSON).
                name = path.rsplit("/", 1)[-1].removesuffix(".csv")
                operation["operationId"] = f"{name.replace('-', '_')}_csv"
                operation["tags"] = [name]
            elif is_list:
                # The list's `?format=csv` and `Accept: text/csv` still answer CSV for older
                # clients, but the schema offers CSV at `<list>.csv` only.
                content.pop("text/csv", None)
                parameters[:] = [p for p in parameters if p.get("name") != "format"]
            for parameter in parameters:
                if parameter.get("in") == "query":
                    exact_query_parameter(parameter)
            # A record, or a page of a list.
            if method == "get" and (is_detail or is_list):
                parameters.append(
                    {
                        "name": "If-None-Match",
                        "in": "header",
                        "required": False,
                        "description": "An ETag you hold; 304 when it is still current.",
                        "schema": {"type": "string"},
                    }
                )
                responses["304"] = {"description": "Not modified: your copy is current."}
            if method in ("patch", "delete"):
                parameters.append(
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": False,
                        "description": "Apply only if the record's ETag is still this one.",
                        "schema": {"type": "string"},
                    }
                )
            for code in ("200", "201"):
                if code in responses and "content" in responses[code] and not is_csv:
                    responses[code].setdefault("headers", {}).update(ETAG_HEADER)
            if method == "get" and "webhooks" not in path and operation.get("security"):
                # Public instances (TRACKER_PUBLIC=true) answer reads without credentials.
                operation["security"].append({})
    return result


def exact_query_parameter(parameter: dict[str, Any]) -> None:
    """Say what the filters accept (lists/filters.py): lists comma-separated or repeated, empty
    values ignored, free text without NUL."""
    schema = parameter.setdefault("schema", {})
    parameter["allowEmptyValue"] = True
    notes = [parameter.get("description", "")]
    if schema.get("type") == "array":
        parameter["style"] = "form"
        parameter["explode"] = True
        schema.setdefault("maxItems", MAX_LIST_VALUES)
        notes.append(SEVERAL_VALUES.format(name=parameter["name"]))
    elif schema.get("type") == "string" and not {"enum", "format", "pattern", "anyOf"} & set(
        schema
    ):
        schema["pattern"] = NO_NUL
    notes.append(EMPTY_VALUE)
    parameter["description"] = "\n\n".join(note for note in notes if note)


def exact_body(schema: dict[str, Any]) -> None:
    """A body is refused with a field it does not name (serializers.common.RefusesUnknownFields),
    text without NUL, lists of ids up to MAX_RELATED_IDS."""
    schema["additionalProperties"] = False
    for field in schema.get("properties", {}).values():
        if field.get("readOnly"):
            continue
        if field.get("type") == "string" and not {"enum", "format", "pattern"} & set(field):
            # Text that may not be blank must hold more than spaces: the server trims them.
            field["pattern"] = NOT_BLANK if field.get("minLength", 0) >= 1 else NO_NUL
        items = field.get("items", {})
        if field.get("type") == "array" and items.get("type") == "integer":
            field.setdefault("maxItems", MAX_RELATED_IDS)


# --- What drf-spectacular cannot know about our fields --------------------------------------


class DistinctCategories(OpenApiSerializerFieldExtension):
    """Data categories: each at most once."""

    target_class = CategoriesField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "uniqueItems": True}


class DatedUpToToday(OpenApiSerializerFieldExtension):
    """A date no later than today in the tracker's time zone, when the schema is made."""

    target_class = UpToTodayDateField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        today = local_today()
        return {
            **schema,
            "pattern": dates_up_to(today),
            "description": f"Not after today ({today.isoformat()} when this description was "
            "made, in the tracker's time zone).",
        }


class DigitsOnlyDecimal(OpenApiSerializerFieldExtension):
    """A decimal number as DecimalTextField reads it."""

    target_class = DecimalTextField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "pattern": self.target.pattern()}


class WebhookAddress(OpenApiSerializerFieldExtension):
    """A webhook receiver's address: the form webhook_targets accepts."""

    target_class = WebhookAddressField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "pattern": webhook_targets.address_pattern()}


MONTH = "(?:0[1-9]|1[0-2])"
DAY = "(?:0[1-9]|[12][0-9]|3[01])"


def dates_up_to(last: dt.date) -> str:
    """A pattern of the YYYY-MM-DD dates from 0001-01-01 to `last` (with `format: date`, which
    rules out days a month does not have): an earlier year, or the same year and an earlier
    month, or the same month and a day no later. For 2025-03-04: years 0001 to 2024 with any
    month and day, 2025-01 and 2025-02 with any day, and 2025-03-01 to 2025-03-04.
    """
    year, month, day = f"{last.year:04d}", f"{last.month:02d}", f"{last.day:02d}"
    alternatives = []
    if last.year > 1:
        earlier = f"{last.year - 1:04d}"
        alternatives.append(f"{digits_between('0001', earlier)}-{MONTH}-{DAY}")
    if last.month > 1:
        alternatives.append(f"{year}-{digits_between('01', f'{last.month - 1:02d}')}-{DAY}")
    alternatives.append(f"{year}-{month}-{digits_between('01', day)}")
    return "^(?:" + "|".join(alternatives) + ")$"


def digits_between(low: str, high: str) -> str:
    """A pattern of the digit strings of one length from `low` to `high`: 01 to 14 is
    `(?:0[1-9]|1[0-4])`, 0001 to 1999 is `(?:0(?:0(?:0[1-9]|[1-9][0-9])|[1-9][0-9]{2})|1[0-9]{3})`.
    """
    if not low:
        return ""
    if low[0] == high[0]:
        return low[0] + digits_between(low[1:], high[1:])
    rest = len(low) - 1
    lowest, highest = "0" * rest, "9" * rest
    parts = []
    first, last = int(low[0]), int(high[0])
    if low[1:] != lowest:
        parts.append(low[0] + digits_between(low[1:], highest))
        first += 1
    ends_inside = high[1:] != highest
    if ends_inside:
        last -= 1
    if first <= last:
        span = str(first) if first == last else f"[{first}-{last}]"
        parts.append(span + ("" if not rest else "[0-9]" if rest == 1 else f"[0-9]{{{rest}}}"))
    if ends_inside:
        parts.append(high[0] + digits_between(lowest, high[1:]))
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


# --- Examples ---------------------------------------------------------------------------------

REQUEST_LIST_EXAMPLES = [
    OpenApiExample(
        "California requests",
        response_only=True,
        value={
            "id": 12,
            "county": {"fips": "06037", "name": "Los Angeles County", "state": "CA"},
            "campaign": {"id": 1, "title": "July 2025 letters to California sheriffs"},
            "issuing_agency": {"id": 1, "name": "U.S. Department of Justice", "level": "federal"},
            "addressee": "Sheriff",
            "issued_on": "2025-07-17",
            "due_on": "2025-08-16",
            "due_basis": "calendar_days",
            "due_rule": "30 calendar days from 2025-07-17",
            "data_sought": ["noncitizen_roster", "charges", "release_dates"],
            "legal_authority": "8 U.S.C. 1373",
            "summary": "Roster of non-citizens in county jails.",
            "status": "declined",
            "overdue_since": None,
            "days_overdue": 0,
            "latest_response_kind": "declined",
            "latest_response_on": "2025-08-01",
            "sources": [],
            "unsourced": True,
            "created_at": "2025-07-18T09:12:00-07:00",
            "updated_at": "2025-08-01T15:40:00-07:00",
        },
    )
]

REQUEST_EXAMPLES = [
    OpenApiExample(
        "A letter with a 30-day deadline",
        request_only=True,
        value={
            "county": "06073",
            "issuing_agency": 1,
            "issued_on": "2025-07-17",
            "due_basis": "calendar_days",
            "due_days": 30,
            "data_sought": ["noncitizen_roster", "charges", "release_dates"],
            "legal_authority": "8 U.S.C. 1373",
            "summary": "List of non-citizens in custody with charges and release dates.",
        },
    )
]

RESPONSE_EXAMPLES = [
    OpenApiExample(
        "A county declines under SB 54",
        request_only=True,
        value={
            "request": 12,
            "kind": "declined",
            "received_on": "2025-08-01",
            "official": "Sheriff's spokesperson",
            "legal_basis_cited": "SB 54 (Gov. Code 7284.6)",
            "quotation": "We don't ask about immigration status.",
            "sources": [7],
        },
    )
]

SOURCE_EXAMPLES = [
    OpenApiExample(
        "A news report, cited on a response",
        request_only=True,
        value={
            "title": "Sheriff says county will not share jail roster",
            "url": "https://news.example/2025/08/01/sheriff-roster",
            "publisher": "Example News",
            "published_on": "2025-08-01",
            "kind": "news_report",
            "responses": [31],
        },
    )
]

CAMPAIGN_EXAMPLES = [
    OpenApiExample(
        "One letter to four sheriffs",
        request_only=True,
        value={
            "title": "July 2025 letters to California sheriffs",
            "issuing_agency": 1,
            "issued_on": "2025-07-17",
            "counties": ["06037", "06075", "06065", "06073"],
            "due_basis": "calendar_days",
            "due_days": 30,
            "data_sought": ["noncitizen_roster", "charges", "convictions", "release_dates"],
            "legal_authority": "8 U.S.C. 1373",
        },
    )
]

ACTIVITY_EXAMPLES = [
    OpenApiExample(
        "A page of the changes feed",
        response_only=True,
        value={
            "id": 301,
            "created_at": "2025-08-01T15:40:00-07:00",
            "verb": "status_changed",
            "summary": "Los Angeles County, CA: status changed from awaiting response to declined",
            "county": {"fips": "06037", "name": "Los Angeles County", "state": "CA"},
            "campaign": 1,
            "request": 12,
            "response": None,
            "escalation": None,
            "data": {"from": "awaiting", "to": "declined"},
        },
    )
]

STATS_EXAMPLES = [
    OpenApiExample(
        "California",
        response_only=True,
        value={
            "total": 4,
            "open": 2,
            "overdue": 1,
            "by_status": {
                "awaiting": 1,
                "acknowledged": 0,
                "extended": 0,
                "partial": 0,
                "complied": 0,
                "declined": 2,
                "escalated": 1,
                "closed": 0,
            },
            "by_state": [],
            "by_campaign": [],
            "responded": 3,
            "median_days_to_first_response": 14.0,
            "due_date_passed_or_answered": 4,
            "answered_by_due_date": 2,
            "answered_by_due_date_share": 0.5,
        },
    )
]
