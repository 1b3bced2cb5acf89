"""JSON answers are encoded by orjson, and read exactly as DRF's own encoder wrote them: the
same bytes for the same data (line and paragraph separators escaped for JavaScript, times as
DRF writes them, UTF-8 unescaped), the same content type and the same error shapes."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
import zoneinfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from requests_tracker.api.renderers import OrjsonRenderer

LA = zoneinfo.ZoneInfo("America/Los_Angeles")

AWKWARD = {
    "text": "Los Ángeles “quoted” \u2028 line \u2029 paragraph \x00 \t\n",
    "moment": dt.datetime(2025, 7, 17, 9, 30, 1, 123456, tzinfo=LA),
    "utc": dt.datetime(2025, 7, 17, 16, 30, tzinfo=dt.UTC),
    "naive": dt.datetime(2025, 7, 17, 9, 30),  # noqa: DTZ001 (DRF writes naive times too)
    "day": dt.date(2025, 7, 17),
    "time": dt.time(9, 30, 0, 500000),
    "span": dt.timedelta(days=1, seconds=5),
    "decimal": decimal.Decimal("995.50"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("This field is required."),
    "error": [ErrorDetail("Give a date as YYYY-MM-DD.", code="invalid")],
    "numbers": [0, -1, 2**53, 0.5, 12.25, True, False, None],
    "nested": ReturnDict({"rows": ReturnList([{"a": 1}], serializer=None)}, serializer=None),
    "tuple": (1, "two"),
    "set_like": frozenset(),
}


@pytest.mark.parametrize(
    "data",
    [AWKWARD, [AWKWARD, AWKWARD], {"detail": "Not found."}, [], {}, "text", 5],
    ids=["awkward", "list", "error", "empty-list", "empty-dict", "string", "number"],
)
def test_the_same_bytes_as_drfs_encoder(data):
    assert OrjsonRenderer().render(data) == JSONRenderer().render(data)


def test_what_orjson_cannot_encode_falls_back_to_drfs_encoder():
    data = {1: "an integer key", "big": 2**70}
    assert OrjsonRenderer().render(data) == JSONRenderer().render(data)


def test_indented_output_still_indents():
    media_type = "application/json; indent=2"
    rendered = OrjsonRenderer().render({"a": [1]}, media_type)
    assert rendered == JSONRenderer().render({"a": [1]}, media_type)
    assert b"\n  " in rendered


def test_nothing_renders_as_nothing():
    assert OrjsonRenderer().render(None) == b""


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/requests/?page_size=5",
        "/api/v1/requests/{request}/",
        "/api/v1/activity/",
        "/api/v1/stats/",
        "/api/v1/counties/",
        "/api/v1/requests/?status=nonsense",
        "/api/v1/requests/?cursor=nonsense",
    ],
)
def test_api_answers_are_orjson_with_drfs_bytes_and_type(path, newsroom, viewer_client):
    response = viewer_client.get(path.format(request=newsroom.request.pk))
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.accepted_renderer, OrjsonRenderer)
    assert response.content == JSONRenderer().render(response.data)
