"""The changes feed: a client that keeps the `next` link sees every event exactly once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections, transaction

from requests_tracker import services
from requests_tracker.models import Activity, DataRequest
from tests.api.conftest import TODAY, signed_in
from tests.factories import CountyFactory, make_request


def pull(client, url: str) -> tuple[list[int], str]:
    """Follow `next` until caught up; return the event ids seen and the link to keep."""
    seen: list[int] = []
    while True:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        seen += [event["id"] for event in body["results"]]
        url = body["next"]
        assert url, "the feed always hands back a link to resume from"
        if not body["has_more"]:
            return seen, url


def test_activity_sync_sees_each_event_once_while_writes_interleave(
    newsroom, viewer_client, journalist
):
    seen: list[int] = []
    url = "/api/v1/activity/?page_size=2"
    writes = 0
    for round_ in range(5):
        # One page, then writes land before the client asks for the next page.
        body = viewer_client.get(url).json()
        seen += [event["id"] for event in body["results"]]
        url = body["next"]
        county = CountyFactory(name=f"Interleaved {round_}", fips=f"0620{round_}")
        request = make_request(county=county, actor=journalist, today=TODAY)
        services.log_response(
            data_request=request,
            kind="extension_granted",
            new_due_on=dt.date(2025, 10, 1),
            received_on=dt.date(2025, 8, 10),
            actor=journalist,
            today=TODAY,
        )
        writes += 1
        more, url = pull(viewer_client, url)  # caught up, then more writes before the next sync
        seen += more
        services.flag_overdue(today=dt.date(2025, 10, 2 + round_))
    more, url = pull(viewer_client, url)
    seen += more

    everything = list(Activity.objects.order_by("created_at", "id").values_list("id", flat=True))
    assert writes == 5 and len(everything) > 30
    assert len(seen) == len(set(seen)), "an event was delivered twice"
    assert seen == everything, "events are missing or out of (created_at, id) order"
    # A later sync with the kept link finds nothing new, and says so.
    body = viewer_client.get(url).json()
    assert body["results"] == [] and body["has_more"] is False and body["next"] == url


def test_since_starts_the_feed_at_a_time(newsroom, viewer_client):
    events = list(Activity.objects.order_by("created_at", "id"))
    middle = events[len(events) // 2]
    response = viewer_client.get("/api/v1/activity/", {"since": middle.created_at.isoformat()})
    ids = [event["id"] for event in response.json()["results"]]
    assert ids == [e.id for e in events if e.created_at >= middle.created_at]


def test_since_accepts_a_date_and_refuses_nonsense(newsroom, viewer_client):
    assert viewer_client.get("/api/v1/activity/", {"since": "2020-01-01"}).status_code == 200
    response = viewer_client.get("/api/v1/activity/", {"since": "last tuesday"})
    assert response.status_code == 400
    assert "since" in response.json()["error"]["fields"]


def test_a_cursor_that_was_tampered_with_points_nowhere(newsroom, viewer_client):
    response = viewer_client.get("/api/v1/activity/", {"cursor": "bm90LWEtY3Vyc29y"})
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "This cursor is not valid."


def test_the_feed_holds_back_the_newest_events_for_the_settle_margin(
    newsroom, viewer_client, settings
):
    settings.ACTIVITY_FEED_SETTLE_SECONDS = 3600
    body = viewer_client.get("/api/v1/activity/").json()
    assert body["results"] == []
    settings.ACTIVITY_FEED_SETTLE_SECONDS = 0
    later, _ = pull(viewer_client, body["next"])
    assert later == list(Activity.objects.order_by("created_at", "id").values_list("id", flat=True))


@pytest.mark.django_db(transaction=True)
def test_the_feed_waits_for_a_slower_write_that_started_first(viewer, journalist):
    """A write that began first but commits last must not be skipped by a client that synced in
    between."""
    client = signed_in(viewer)
    slow_request = make_request(
        county=CountyFactory(name="Slow County", fips="06301"), actor=journalist, today=TODAY
    )
    fast_request = make_request(
        county=CountyFactory(name="Fast County", fips="06302"), actor=journalist, today=TODAY
    )
    _, url = pull(client, "/api/v1/activity/")

    slow_logged = threading.Event()
    may_commit = threading.Event()
    failures: list[BaseException] = []

    def slow_write() -> None:
        try:
            with transaction.atomic():
                services.log_response(
                    data_request=DataRequest.objects.get(pk=slow_request.pk),
                    kind="declined",
                    received_on=dt.date(2025, 8, 1),
                    actor=journalist,
                    today=TODAY,
                )
                slow_logged.set()
                assert may_commit.wait(10)
        except BaseException as error:  # reported to the main thread below
            failures.append(error)
            slow_logged.set()
        finally:
            connections.close_all()

    writer = threading.Thread(target=slow_write)
    writer.start()
    assert slow_logged.wait(10)
    services.log_response(
        data_request=fast_request,
        kind="complied",
        received_on=dt.date(2025, 8, 2),
        actor=journalist,
        today=TODAY,
    )
    during, url = pull(client, url)  # the fast write is committed, the slow one is not
    may_commit.set()
    writer.join(10)
    assert not failures, failures
    after, url = pull(client, url)

    seen = during + after
    new_events = list(
        Activity.objects.filter(request__in=[slow_request, fast_request], verb="response_logged")
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )
    assert len(new_events) == 2
    assert set(new_events) <= set(seen), "an event of the slower write was skipped"
    assert len(seen) == len(set(seen))
    assert not set(new_events) & set(during), "the feed served past a write still in flight"
