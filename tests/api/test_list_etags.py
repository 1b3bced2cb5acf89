"""A page of a list carries an ETag, and a client that holds the current page gets 304."""

from __future__ import annotations

import datetime as dt

import pytest

from requests_tracker import services
from requests_tracker.models import ResponseKind
from tests.factories import make_request

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/?page_size=10"


def test_an_unchanged_page_answers_304_and_a_changed_one_200(viewer_client) -> None:
    request = make_request()
    first = viewer_client.get(URL)
    tag = first["ETag"]
    assert first.status_code == 200 and tag

    again = viewer_client.get(URL, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag

    services.log_response(
        data_request=request,
        kind=ResponseKind.DECLINED,
        received_on=dt.date(2025, 7, 20),
        today=dt.date(2025, 7, 20),
    )
    changed = viewer_client.get(URL, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert changed.json()["results"][0]["status"] == "declined"
