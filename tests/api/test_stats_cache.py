"""/api/v1/stats/ is kept per data version (requests_tracker/page_cache.py): the same answer until
a write, the new one right after it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import make_request

pytestmark = pytest.mark.django_db


def test_the_stats_answer_follows_writes_made_through_the_api(
    county, journalist_client, viewer_client
):
    request = make_request(county=county, issued_on=dt.date(2025, 7, 17))

    def declined() -> int:
        answer = viewer_client.get("/api/v1/stats/")
        assert answer.status_code == 200
        return answer.json()["by_status"]["declined"]

    assert declined() == 0
    assert declined() == 0  # now from the cache
    created = journalist_client.post(
        "/api/v1/responses/",
        {"request": request.pk, "kind": "declined", "received_on": "2025-08-01"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert declined() == 1


def test_a_filtered_answer_is_kept_apart_from_the_whole(county, viewer_client):
    make_request(county=county, issued_on=dt.date(2025, 7, 17))
    whole = viewer_client.get("/api/v1/stats/").json()
    texas = viewer_client.get("/api/v1/stats/?state=TX").json()
    assert (whole["total"], texas["total"]) == (1, 0)
