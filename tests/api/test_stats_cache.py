"""/api/v1/stats/ is kept per data version (requests_tracker/page_cache.py): the same answer until
a write, the new one right after it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.factories import make_request

pytestmark = pytest.mark.django_db


def declined(client) -> int:
    """How many requests /api/v1/stats/ counts as declined, read by `client`."""
    answer = client.get("/api/v1/stats/")
    assert answer.status_code == 200
    return answer.json()["by_status"]["declined"]


def log_declined(client, request) -> None:
    created = client.post(
        "/api/v1/responses/",
        {"request": request.pk, "kind": "declined", "received_on": "2025-08-01"},
        format="json",
    )
    assert created.status_code == 201, created.content


def test_the_stats_answer_follows_writes_made_through_the_api(
    county, journalist_client, viewer_client
):
    request = make_request(county=county, issued_on=dt.date(2025, 7, 17))
    assert declined(viewer_client) == 0
    assert declined(viewer_client) == 0  # now from the cache
    log_declined(journalist_client, request)
    assert declined(viewer_client) == 1


def test_an_api_client_that_writes_reads_its_write_in_the_stats_at_once(
    county, journalist_client, settings
):
    """Under steady writes the stats may be PAGE_CACHE_STALE_SECONDS behind other people's
    writes (page_cache.py), never behind the reader's own."""
    settings.PAGE_CACHE_STALE_SECONDS = 5
    request = make_request(county=county, issued_on=dt.date(2025, 7, 17))
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=False):
        assert declined(journalist_client) == 0
        log_declined(journalist_client, request)
        assert declined(journalist_client) == 1


def test_a_filtered_answer_is_kept_apart_from_the_whole(county, viewer_client):
    make_request(county=county, issued_on=dt.date(2025, 7, 17))
    whole = viewer_client.get("/api/v1/stats/").json()
    texas = viewer_client.get("/api/v1/stats/?state=TX").json()
    assert (whole["total"], texas["total"]) == (1, 0)
