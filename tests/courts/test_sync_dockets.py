"""`manage.py sync_dockets` (and beat's sweep, which does the same) against the CourtListener
stand-in: fills the entries the webhook missed, creates the docket alert, and a second run
writes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from requests_tracker import tasks
from requests_tracker.courts import courtlistener
from requests_tracker.models import Activity, Case, DocketEntry
from requests_tracker.services import courts
from tests.courts.cases import los_angeles_suit
from tests.courts.standin import ALERT_ID, ALERTS, DOCKET_ID, RECORDED, StandIn, recorded_routes

pytestmark = pytest.mark.django_db

JULY_15 = dt.datetime(2025, 7, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def standin(settings):
    with StandIn(recorded_routes()) as server:
        settings.COURTLISTENER_API_URL = server.url
        settings.COURTLISTENER_TOKEN = "a-newsroom-token"
        settings.COURTLISTENER_MIN_INTERVAL_SECONDS = 0
        yield server


@pytest.fixture
def case(data_request, monkeypatch):
    # Following the docket is the worker's job; here the sweep does it.
    monkeypatch.setattr(tasks.follow_docket_task, "delay", lambda case_id: None)
    return los_angeles_suit(data_request)


def sync() -> str:
    out = io.StringIO()
    call_command("sync_dockets", stdout=out)
    return out.getvalue()


def numbers(case: Case) -> list[int]:
    return list(case.entries.order_by("entry_number").values_list("entry_number", flat=True))


@time_machine.travel(JULY_15)
def test_sync_fills_what_the_webhook_missed_and_a_second_run_writes_nothing(standin, case):
    # The webhook brought entries 3 and 7; 1, 2, 4, 5 and 6 never arrived.
    delivered = courts.receive_delivery(
        idempotency_key="k1", body=(RECORDED / "docket-alert-delivery.json").read_bytes()
    )[0]
    courts.process_delivery(delivered.pk)
    assert numbers(case) == [3, 7]

    output = sync()
    assert "1 docket(s) fetched: 5 new entr(ies) recorded." in output
    assert numbers(case) == [1, 2, 3, 4, 5, 6, 7]
    case.refresh_from_db()
    assert case.courtlistener_alert_id == ALERT_ID
    assert case.synced_at is not None
    sent = [r for r in standin.received if r.method == "POST" and r.path.startswith(ALERTS)]
    assert len(sent) == 1
    assert all(r.headers["Authorization"] == "Token a-newsroom-token" for r in standin.received)

    entries, events = DocketEntry.objects.count(), Activity.objects.count()
    assert "0 new entr(ies)" in sync()
    assert (DocketEntry.objects.count(), Activity.objects.count()) == (entries, events)
    # The alert is made once.
    assert len([r for r in standin.received if r.method == "POST"]) == 1


@time_machine.travel(JULY_15)
def test_an_unreachable_courtlistener_is_named_and_nothing_is_half_written(standin, case):
    standin.fail_first("GET", f"/api/rest/v4/docket-entries/?docket={DOCKET_ID}", times=10)
    api = courtlistener.CourtListener(standin.url, "t", min_interval=0, sleep=lambda s: None)
    result = courts.sync_dockets(api=api)
    assert result.unreachable == ["2:25-cv-05917"]
    assert DocketEntry.objects.count() == 0
    case.refresh_from_db()
    assert case.synced_at is None  # tried again in full next time

    # A docket CourtListener does not know (404) is not retried; the command says so and fails.
    Case.objects.filter(pk=case.pk).update(courtlistener_docket_id=DOCKET_ID + 1)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 docket"):
        call_command("sync_dockets", stdout=out)
    assert "could not serve (tried again at the next sweep): 2:25-cv-05917" in out.getvalue()


def test_without_a_token_nothing_is_fetched(settings, case):
    settings.COURTLISTENER_TOKEN = ""
    assert "COURTLISTENER_TOKEN is not set" in sync()
    assert DocketEntry.objects.count() == 0


def test_an_unknown_case_is_refused(case):
    with pytest.raises(CommandError, match="No case linked"):
        call_command("sync_dockets", case_ids=[case.pk + 100], stdout=io.StringIO())
