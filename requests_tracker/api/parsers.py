"""JSON bodies the API reads, bounded before they are parsed.

- Size: a body longer than settings.DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413 before it is
  read (uploads are multipart and have their own limit, SOURCE_MAX_UPLOAD_MB).
- Nesting: arrays and objects nested deeper than MAX_JSON_DEPTH are refused with 400 before the
  JSON decoder sees them (Python's decoder recurses, and ~1,000 levels would raise
  RecursionError). No record the API accepts nests deeper than three levels.
- The decoder refuses NaN and Infinity, which JSON does not have.
"""

from __future__ import annotations

import json
import re
from typing import IO, Any

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.utils.json import strict_constant

MAX_JSON_DEPTH = 20
"""Arrays and objects inside one another; the API's own bodies use at most three."""

_STRINGS = re.compile(r'"(?:[^"\\]+|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"The body is larger than {limit:,} bytes; send less at once."


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self) -> None:
        super().__init__(too_large_message())


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether arrays/objects in `text` (JSON) nest more than `limit` levels; brackets inside
    strings do not count. Linear in the length of the text, no recursion."""
    depth = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def body_limit() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class BoundedJSONParser(JSONParser):
    """JSONParser with the size and depth limits above."""

    def parse(
        self,
        stream: IO[bytes] | None,
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> Any:
        parser_context = parser_context or {}
        request = parser_context.get("request")
        limit = body_limit()
        declared = int((request.META.get("CONTENT_LENGTH") if request else None) or 0)
        if limit is not None and declared > limit:
            raise BodyTooLarge()
        raw = b"" if stream is None else stream.read(-1 if limit is None else limit + 1)
        if limit is not None and len(raw) > limit:
            raise BodyTooLarge()
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise exceptions.ParseError(f"The body is not {encoding} text.") from None
        if nested_deeper_than(text, MAX_JSON_DEPTH):
            raise exceptions.ParseError(
                f"JSON nested more than {MAX_JSON_DEPTH} levels deep is not accepted."
            )
        try:
            return json.loads(text, parse_constant=strict_constant)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError(f"JSON parse error - {error}") from None
