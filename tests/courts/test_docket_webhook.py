"""CourtListener's docket alerts, posted over HTTP to /hooks/courtlistener/<secret>/: each new
filing is recorded once, on the case page, the linked request's timeline and its watchers'
private feed; a delivery that is not verified, or not a docket alert, writes nothing."""

from __future__ import annotations

import json

import pytest
import requests
from django.test import Client
from django.urls import reverse

from requests_tracker import selectors, services, tasks
from requests_tracker.models import Activity, Case, CourtListenerDelivery, DocketEntry, Source
from tests.courts.cases import los_angeles_suit
from tests.courts.standin import DOCKET_ID, RECORDED
from tests.web.conftest import page_of

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "a-long-random-secret-for-tests"
DELIVERY = (RECORDED / "docket-alert-delivery.json").read_bytes()
NEW_FILING = "NOTICE of Appearance of counsel on behalf of Defendant"


@pytest.fixture
def hooks(settings, live_server, monkeypatch):
    """The webhook address open to this machine's deliveries, and a delivery's entries recorded
    as the worker records them (the task runs in the web process when it is queued)."""
    settings.COURTLISTENER_WEBHOOK_SECRET = SECRET
    settings.COURTLISTENER_WEBHOOK_SENDERS = ["127.0.0.1/32"]
    monkeypatch.setattr(
        tasks.process_court_delivery_task,
        "delay",
        lambda delivery_id: tasks.process_court_delivery_task(delivery_id),
    )
    return f"{live_server.url}/hooks/courtlistener/{SECRET}/"


@pytest.fixture
def followed_case(data_request, journalist):
    services.watch(user=journalist, data_request=data_request)
    return los_angeles_suit(data_request)


def post(url: str, body: bytes = DELIVERY, key: str | None = "5d2c1f0e-delivery-1", **headers):
    headers = {"Content-Type": "application/json", **headers}
    if key is not None:
        headers["Idempotency-Key"] = key
    return requests.post(url, data=body, headers=headers, timeout=10)


def written() -> tuple[int, int, int, int]:
    return (
        CourtListenerDelivery.objects.count(),
        DocketEntry.objects.count(),
        Source.objects.count(),
        Activity.objects.count(),
    )


def test_a_delivery_posted_twice_records_its_filings_once_where_readers_look(
    hooks, followed_case, data_request, journalist
):
    first = post(hooks)
    assert first.status_code == 202
    assert first.json() == {"received": True, "docket": DOCKET_ID}
    again = post(hooks)
    assert again.status_code == 200
    assert again.json()["received"] is False
    # The same filings in another delivery (a new key) add nothing either.
    assert post(hooks, key="5d2c1f0e-delivery-2").status_code == 202

    entries = list(DocketEntry.objects.filter(case=followed_case).order_by("entry_number"))
    assert [entry.entry_number for entry in entries] == [3, 7]
    assert entries[1].description.startswith(NEW_FILING)
    assert entries[1].source.kind == "court_filing"
    assert entries[1].source.url.startswith("https://")
    assert CourtListenerDelivery.objects.filter(processed_at__isnull=True).count() == 0

    browser = Client()
    browser.force_login(journalist)
    case_page = page_of(browser.get(followed_case.get_absolute_url()))
    assert NEW_FILING in case_page.find(id="docket-heading").find_parent("section").get_text()

    request_page = page_of(browser.get(data_request.get_absolute_url()))
    timeline = request_page.find(id="timeline-heading").find_parent("section").get_text(" ")
    assert NEW_FILING[:40] in timeline
    assert timeline.count(NEW_FILING[:40]) == 1

    token = selectors.private_feed_token(journalist)
    feed = requests.get(
        hooks.split("/hooks/")[0] + reverse("web:private_watches_feed", args=[token]), timeout=10
    )
    assert feed.status_code == 200
    assert NEW_FILING[:40] in feed.text


@pytest.mark.parametrize(
    ("how", "status", "field"),
    [
        ("wrong secret", 404, None),
        ("another sender", 403, "sender"),
        ("no key", 400, "Idempotency-Key"),
        ("not json", 415, "content_type"),
        ("search alert", 400, "webhook.event_type"),
        ("two dockets", 400, "payload.results[1].docket"),
        ("too large", 413, "body"),
    ],
)
def test_an_unverified_or_malformed_delivery_is_refused_and_nothing_is_written(
    hooks, followed_case, settings, how, status, field
):
    before = written()
    body, url, key, headers = DELIVERY, hooks, "key-1", {}
    delivery = json.loads(DELIVERY)
    if how == "wrong secret":
        url = hooks.replace(SECRET, "guessed")
    elif how == "another sender":
        settings.COURTLISTENER_WEBHOOK_SENDERS = ["34.210.230.218/32"]
    elif how == "no key":
        key = None
    elif how == "not json":
        headers = {"Content-Type": "text/plain"}
    elif how == "search alert":
        delivery["webhook"]["event_type"] = 2
        body = json.dumps(delivery).encode()
    elif how == "two dockets":
        delivery["payload"]["results"][1]["docket"] = DOCKET_ID + 1
        body = json.dumps(delivery).encode()
    elif how == "too large":
        settings.COURTLISTENER_MAX_BODY_BYTES = len(DELIVERY) - 1
    answer = post(url, body, key, **headers)
    assert answer.status_code == status
    if field is not None:
        assert field in answer.json()["error"]["fields"]
    assert written() == before


def test_the_address_is_closed_without_a_secret(hooks, followed_case, settings):
    settings.COURTLISTENER_WEBHOOK_SECRET = ""
    assert post(hooks).status_code == 404
    assert CourtListenerDelivery.objects.count() == 0


def test_a_delivery_for_a_docket_no_case_follows_is_kept_and_noted(hooks, followed_case):
    Case.objects.filter(pk=followed_case.pk).update(courtlistener_docket_id=DOCKET_ID + 1)
    assert post(hooks).status_code == 202
    delivery = CourtListenerDelivery.objects.get()
    assert delivery.note == f"No case follows docket {DOCKET_ID}."
    assert DocketEntry.objects.count() == 0
