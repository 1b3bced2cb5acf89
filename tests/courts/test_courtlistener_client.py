"""The CourtListener client against the stand-in (tests/courts/standin.py): webhook deliveries read
strictly, the REST API's pages, token, pacing, retries and limits. No test needs the database."""

from __future__ import annotations

import copy
import datetime as dt
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from requests_tracker.courts.courtlistener import (
    MAX_RETRY_AFTER,
    SENDER_ADDRESSES,
    CourtListener,
    Docket,
    Entry,
    InvalidPayload,
    Refused,
    Unreachable,
    docket_id_from,
    parse_docket_alert,
)
from tests.courts.standin import (
    ALERT_ID,
    ALERTS,
    DOCKET,
    DOCKET_ID,
    ENTRIES,
    SEARCH,
    Answer,
    StandIn,
    recorded,
    recorded_routes,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-token-0123456789"
PAGE = "https://www.courtlistener.com/docket/90412377/united-states-v-city-of-los-angeles/"
PDF = "https://storage.courtlistener.com/recap/gov.uscourts.cacd.974418/gov.uscourts.cacd.974418"


def delivery() -> dict:
    return recorded("docket-alert-delivery.json")


def body(value: dict) -> bytes:
    return json.dumps(value).encode()


@pytest.fixture
def server():
    with StandIn(recorded_routes()) as stand_in:
        yield stand_in


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def api(server, waits) -> CourtListener:
    return CourtListener(server.url, TOKEN, min_interval=0, backoff=0.5, sleep=waits.append)


# --- Webhook deliveries --------------------------------------------------------------------


def test_the_recorded_delivery_is_one_entry_known_and_one_new_of_the_same_docket() -> None:
    docket_id, entries = parse_docket_alert(body(delivery()))

    assert docket_id == DOCKET_ID
    assert entries == [
        Entry(
            id=412000103,
            docket_id=DOCKET_ID,
            entry_number=3,
            date_filed=dt.date(2025, 6, 30),
            description="CERTIFICATION AND NOTICE of Interested Parties filed by Plaintiff "
            "United States of America.",
            document_url=f"{PDF}.3.0.pdf",
        ),
        Entry(
            id=412000107,
            docket_id=DOCKET_ID,
            entry_number=7,
            date_filed=dt.date(2025, 7, 14),
            description="NOTICE of Appearance of counsel on behalf of Defendant City of Los "
            "Angeles.",
            document_url=f"{PDF}.7.0.pdf",
        ),
    ]


def wrong_event(value: dict) -> None:
    value["webhook"]["event_type"] = 2  # a search alert


def two_dockets(value: dict) -> None:
    value["payload"]["results"][1]["docket"] = DOCKET_ID + 1


def long_description(value: dict) -> None:
    value["payload"]["results"][0]["description"] = "x" * 20_000


def page_elsewhere(value: dict) -> None:
    value["payload"]["results"][1]["recap_documents"][0]["absolute_url"] = "//evil.example/x/"


def file_outside(value: dict) -> None:
    value["payload"]["results"][0]["recap_documents"][0]["filepath_local"] = "recap/../../etc"


def no_results(value: dict) -> None:
    value["payload"]["results"] = []


def entry_id_as_text(value: dict) -> None:
    value["payload"]["results"][0]["id"] = "412000103"


def bad_date(value: dict) -> None:
    value["payload"]["results"][1]["date_filed"] = "07/14/2025"


def unknown_version(value: dict) -> None:
    value["webhook"]["version"] = 9


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (wrong_event, "webhook.event_type"),
        (two_dockets, "payload.results[1].docket"),
        (long_description, "payload.results[0].description"),
        (page_elsewhere, "payload.results[1].recap_documents[0].absolute_url"),
        (file_outside, "payload.results[0].recap_documents[0].filepath_local"),
        (no_results, "payload.results"),
        (entry_id_as_text, "payload.results[0].id"),
        (bad_date, "payload.results[1].date_filed"),
        (unknown_version, "webhook.version"),
    ],
)
def test_a_malformed_delivery_is_refused_naming_the_field(change, field: str) -> None:
    value = delivery()
    change(value)

    with pytest.raises(InvalidPayload) as refused:
        parse_docket_alert(body(value))

    assert refused.value.field == field
    assert str(refused.value) == f"{field}: {refused.value.reason}"


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"\xff\xfe", b"[1, 2]", b'{"webhook": NaN}', b'{"a": 1, "a": 2}', b""],
    ids=["text", "not-utf8", "a-list", "nan", "repeated-key", "empty"],
)
def test_a_body_that_is_not_a_json_object_is_refused(raw: bytes) -> None:
    with pytest.raises(InvalidPayload) as refused:
        parse_docket_alert(raw)
    assert refused.value.field == "body"


def test_a_delivery_over_max_entries_is_refused() -> None:
    with pytest.raises(InvalidPayload) as refused:
        parse_docket_alert(body(delivery()), max_entries=1)
    assert (refused.value.field, refused.value.reason) == ("payload.results", "more than 1 items")


def test_an_entry_without_a_pdf_links_to_its_page_or_to_the_docket() -> None:
    value = delivery()
    first, second = value["payload"]["results"]
    first["recap_documents"][0].update(is_available=False)  # the path stays, the file is gone
    second["recap_documents"] = []
    third = copy.deepcopy(second) | {"id": 412000108, "entry_number": None, "description": ""}
    value["payload"]["results"].append(third)

    _, entries = parse_docket_alert(body(value))

    docket_page = f"https://www.courtlistener.com/docket/{DOCKET_ID}/docket/"
    assert [entry.document_url for entry in entries] == [
        "https://www.courtlistener.com/docket/90412377/3/united-states-v-city-of-los-angeles/",
        f"{docket_page}#entry-7",
        docket_page,
    ]


def test_the_sender_addresses_are_the_documented_two() -> None:
    assert SENDER_ADDRESSES == ("34.210.230.218", "54.189.59.91")


# --- The REST API --------------------------------------------------------------------------


def test_a_docket_is_read_from_the_docket_api(api: CourtListener) -> None:
    assert api.docket(DOCKET_ID) == Docket(
        id=DOCKET_ID,
        court="cacd",
        docket_number="2:25-cv-05917",
        case_name="United States v. City of Los Angeles",
        date_filed=dt.date(2025, 6, 30),
        date_terminated=None,
        url=PAGE,
    )


def test_entries_are_read_page_after_page(api: CourtListener, server: StandIn) -> None:
    entries = list(api.entries(DOCKET_ID))

    assert [entry.entry_number for entry in entries] == [1, 2, 3, 4, 5, 6]
    assert {entry.docket_id for entry in entries} == {DOCKET_ID}
    assert entries[0].description.startswith("COMPLAINT for Declaratory and Injunctive Relief")
    assert entries[0].document_url == f"{PDF}.1.0.pdf"
    assert entries[1].document_url == PAGE.replace("/united", "/2/united")  # no PDF: its page
    first, second = server.received
    assert first.query == {
        "docket": str(DOCKET_ID),
        "order_by": "id",
        "omit": "recap_documents__plain_text",
    }
    assert second.query["cursor"] == "cD00MTIwMDAxMDM=" and second.query["docket"] == "90412377"


def test_entries_filed_after_a_date_are_asked_for_and_kept(
    api: CourtListener, server: StandIn
) -> None:
    entries = list(api.entries(DOCKET_ID, filed_after=dt.date(2025, 7, 1)))

    assert [entry.entry_number for entry in entries] == [4, 5, 6]
    assert server.received[0].query["date_filed__gte"] == "2025-07-01"


def test_every_call_sends_the_token_and_names_the_client(
    api: CourtListener, server: StandIn
) -> None:
    api.docket(DOCKET_ID)
    list(api.entries(DOCKET_ID))
    alert_id = api.subscribe(DOCKET_ID)
    api.unsubscribe(alert_id)

    assert len(server.received) == 5
    for request in server.received:
        assert request.headers["Authorization"] == f"Token {TOKEN}"
        assert request.headers["User-Agent"].startswith("DOJ-Request-Tracker-CourtListener/")
    assert TOKEN not in repr(api)


def test_a_docket_alert_is_created_and_deleted(api: CourtListener, server: StandIn) -> None:
    assert api.subscribe(DOCKET_ID) == ALERT_ID
    api.unsubscribe(ALERT_ID)
    api.unsubscribe(ALERT_ID + 1)  # gone already (404): nothing to do

    created, deleted, gone = server.received
    assert (created.method, created.path, created.body) == ("POST", ALERTS, b"docket=90412377")
    assert (deleted.method, deleted.path) == ("DELETE", f"{ALERTS}{ALERT_ID}/")
    assert (gone.method, gone.path) == ("DELETE", f"{ALERTS}{ALERT_ID + 1}/")


def test_a_search_lists_federal_cases(api: CourtListener, server: StandIn) -> None:
    found = api.search_dockets("sanctuary ordinance", filed_after=dt.date(2025, 6, 1))

    assert [(docket.id, docket.docket_number, docket.url) for docket in found] == [
        (DOCKET_ID, "2:25-cv-05917", PAGE)
    ]
    assert server.received[0].query == {
        "type": "r",
        "q": "sanctuary ordinance",
        "filed_after": "2025-06-01",
    }


def test_429_is_waited_out_as_retry_after_says(api, server: StandIn, waits) -> None:
    server.fail_first("GET", DOCKET, times=2, status=429, retry_after=7)

    assert api.docket(DOCKET_ID).id == DOCKET_ID
    assert waits == [7.0, 7.0]
    assert len(server.received) == 3


def test_a_long_retry_after_is_capped(api, server: StandIn, waits) -> None:
    server.fail_first("GET", DOCKET, times=1, status=429, retry_after=86_400)

    api.docket(DOCKET_ID)

    assert waits == [MAX_RETRY_AFTER]


def test_503_past_the_retries_is_unreachable(server: StandIn, waits) -> None:
    api = CourtListener(server.url, TOKEN, min_interval=0, max_retries=3, sleep=waits.append)
    server.fail_first("GET", DOCKET, times=10, status=503)

    with pytest.raises(Unreachable) as unreachable:
        api.docket(DOCKET_ID)

    assert unreachable.value.status == 503
    assert not isinstance(unreachable.value, Refused)
    assert len(server.received) == 4
    assert waits == [1.0, 2.0, 4.0]  # twice as long each time


def test_no_connection_is_unreachable_after_the_retries(waits) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api = CourtListener(
        f"http://127.0.0.1:{port}/api/rest/v4/",
        TOKEN,
        min_interval=0,
        max_retries=2,
        sleep=waits.append,
    )

    with pytest.raises(Unreachable) as unreachable:
        api.docket(DOCKET_ID)

    assert unreachable.value.status is None
    assert waits == [1.0, 2.0]


@pytest.mark.parametrize("status", [401, 403, 404])
def test_a_refusal_is_not_tried_again(api, server: StandIn, waits, status: int) -> None:
    server.routes[("GET", DOCKET)] = Answer({"detail": "Invalid token."}, status=status)

    with pytest.raises(Refused) as refused:
        api.docket(DOCKET_ID)

    assert refused.value.status == status
    assert "Invalid token." in str(refused.value)
    assert len(server.received) == 1 and waits == []


def test_a_next_page_on_another_host_is_not_followed(api: CourtListener, server: StandIn) -> None:
    with StandIn(recorded_routes()) as elsewhere:
        page = recorded("docket-entries-page-1.json")
        page["next"] = f"{elsewhere.url}docket-entries/?cursor=abc&docket={DOCKET_ID}"
        server.routes[("GET", ENTRIES)] = Answer(page)

        with pytest.raises(Unreachable, match="Not following a next page"):
            list(api.entries(DOCKET_ID))

        assert elsewhere.received == []
    assert len(server.received) == 1


def test_an_answer_over_max_bytes_is_not_read(server: StandIn, waits) -> None:
    api = CourtListener(server.url, TOKEN, min_interval=0, max_bytes=1_000, sleep=waits.append)

    with pytest.raises(Unreachable, match="answer over 1,000 bytes"):
        api.docket(DOCKET_ID)


def test_an_answer_not_as_documented_is_unreachable(api: CourtListener, server: StandIn) -> None:
    server.routes[("GET", SEARCH)] = Answer({"results": [{"docket_id": "x"}], "next": None})

    with pytest.raises(Unreachable, match=r"results\[0\]\.docket_id"):
        api.search_dockets("anything")


def test_calls_are_at_least_min_interval_apart(server: StandIn, waits) -> None:
    api = CourtListener(server.url, TOKEN, min_interval=1.0, sleep=waits.append, clock=lambda: 50.0)

    api.docket(DOCKET_ID)
    api.docket(DOCKET_ID)

    assert waits == [1.0]


# --- Docket addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "70538823",
        " 70538823 ",
        "https://www.courtlistener.com/docket/70538823/united-states-v-city-of-los-angeles/",
        "https://courtlistener.com/docket/70538823/united-states-v-city-of-los-angeles/?page=2",
        "www.courtlistener.com/docket/70538823/",
        "https://www.courtlistener.com/api/rest/v4/dockets/70538823/",
    ],
)
def test_a_docket_id_is_read_from_a_number_or_an_address(text: str) -> None:
    assert docket_id_from(text) == 70538823


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0",
        "-5",
        "2:25-cv-05917",
        "https://www.courtlistener.com/opinion/70538823/foo/",
        "https://evil.example/docket/70538823/x/",
        "https://www.courtlistener.com.evil.example/docket/70538823/x/",
        "ftp://www.courtlistener.com/docket/70538823/x/",
        "https://www.courtlistener.com/docket/abc/",
        "99999999999999999999999",
    ],
)
def test_anything_else_is_not_a_docket_id(text: str) -> None:
    with pytest.raises(ValueError, match="Not a CourtListener docket"):
        docket_id_from(text)


# --- The stand-in as a process -------------------------------------------------------------


def test_the_stand_in_serves_the_recorded_answers_as_a_script(waits) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.courts.standin",
            "--port",
            "0",
            "--fail",
            "GET",
            DOCKET,
            "503",
            "1",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        api = CourtListener(url, TOKEN, min_interval=0, sleep=waits.append)

        assert api.docket(DOCKET_ID).case_name == "United States v. City of Los Angeles"
        assert waits == [1.0]  # the one 503 it was told to give
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0
