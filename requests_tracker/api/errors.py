"""One JSON shape for every API error, so a client handles failures in one place:

    {"error": {"status": 400, "code": "invalid", "message": "received_on: A response ...",
               "fields": {"received_on": ["A response cannot be dated in the future."]}}}

`fields` names each field that failed and why (nested fields as dotted paths, e.g.
`data_sought.0`); errors not tied to one field are under `non_field_errors`. Service
ValidationErrors (keyed by model field) and database conflicts come out the same way.

An error names at most MAX_ERROR_FIELDS fields (each name cut to MAX_FIELD_NAME characters), so
a body with 200,000 unknown keys gets a short answer. Nothing under /api/ answers with an HTML
page: Django's own 400 and 500 answers (a body Django refuses, an unexpected exception) come in
this shape too (`bad_request` and `server_error`, installed in config/urls.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from requests_tracker.api.parsers import too_large_message

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
MAX_ERROR_FIELDS = 10
MAX_FIELD_NAME = 100
API_PREFIX = "/api/"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since you read it (If-Match does not match its ETag)."
    default_code = "precondition_failed"


class FieldsForbidden(exceptions.PermissionDenied):
    """403 naming the fields the writer's role may not set, and why (`fields`, as a 400 has)."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        name, reasons = next(iter(fields.items()))
        super().__init__(detail=f"{name}: {reasons[0]}")
        self.fields = fields


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with a record already on file."
    default_code = "conflict"


def flatten_fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"a": {"0": ["x"]}} → {"a.0": ["x"]}: every reason under the path of its field."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = NON_FIELD if key == "__all__" else str(key)
            flat.update(flatten_fields(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in detail):
            return {prefix or NON_FIELD: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(flatten_fields(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or NON_FIELD: [str(detail)]}


def few_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """The first MAX_ERROR_FIELDS fields with their first reasons, names cut short; how many
    more failed is said under non_field_errors."""
    if len(fields) <= MAX_ERROR_FIELDS and all(len(name) <= MAX_FIELD_NAME for name in fields):
        return fields
    kept: dict[str, list[str]] = {}
    for name, reasons in fields.items():
        if len(kept) == MAX_ERROR_FIELDS:
            break
        short = name if len(name) <= MAX_FIELD_NAME else name[: MAX_FIELD_NAME - 1] + "…"
        kept.setdefault(short, reasons[:3])
    left = len(fields) - len(kept)
    if left > 0:
        kept.setdefault(NON_FIELD, []).append(f"{left:,} more fields failed as well.")
    return kept


def error_body(
    status_code: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {
        "error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, IntegrityError):
        # The service's transaction has rolled back; a concurrent duplicate is the usual cause.
        exc = Conflict()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = few_fields(flatten_fields(exc.detail))
        first_field, reasons = next(iter(fields.items()), (NON_FIELD, ["Invalid input."]))
        message = reasons[0] if first_field == NON_FIELD else f"{first_field}: {reasons[0]}"
        code = "invalid"
    else:
        fields = getattr(exc, "fields", {})
        message = str(getattr(exc, "detail", exc))
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
    response.data = error_body(response.status_code, code, message, fields)
    return response


@csrf_exempt  # nothing is written here; a POST to a wrong address should learn it is wrong
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown addresses under /api/ answer in the API's error shape, not an HTML page."""
    return JsonResponse(
        error_body(404, "not_found", "There is no API endpoint at this address."), status=404
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (a body or header it refuses before any view runs): JSON under /api/; a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 there, as the API's own parser answers."""
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(error_body(413, "too_large", too_large_message()), status=413)
        return JsonResponse(
            error_body(400, "bad_request", "The request could not be read."), status=400
        )
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """An unexpected exception: JSON under /api/ (nothing about the cause), the page elsewhere."""
    if _is_api(request):
        return JsonResponse(
            error_body(500, "server_error", "Something went wrong on our side."),
            status=500,
        )
    return defaults.server_error(request)
