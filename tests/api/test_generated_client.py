"""A client generated from the live schema by openapi-python-client (what an outside data desk
would do) works against the API with its own calls only: it lists California requests filtered
by two statuses (sent the way generated clients send arrays, `status=a&status=b`) and gets the
same rows as the comma form; creates a response and reads the answer back; pulls every
California request with its latest response and syncs the changes since a time, page by page,
passing each page's `next_cursor` to the next call (no address taken apart); downloads a CSV;
and passes orderings, several ids and times as plain Python values.

The client is generated into a temporary folder on every run, from /api/schema/ as served.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import inspect
import io
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from requests_tracker import services
from requests_tracker.models import Response
from tests.ci import unavailable

PACKAGE = "generated_tracker_client"


@pytest.fixture
def generated_client(live_server, tmp_path):
    """The generated package, imported; removed from sys.modules afterwards."""
    generator = Path(sys.executable).with_name("openapi-python-client")
    if not generator.exists():
        unavailable("openapi-python-client is not installed (pip install -e '.[dev]')")
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as answer:
        (tmp_path / "schema.json").write_bytes(answer.read())
    (tmp_path / "config.json").write_text(
        json.dumps({"package_name_override": PACKAGE, "post_hooks": []})
    )
    subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--config",
            str(tmp_path / "config.json"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def authenticated(package, live_server, user):
    key = Token.objects.get_or_create(user=user)[0].key
    return package.AuthenticatedClient(
        base_url=live_server.url, token=key, prefix="Token", raise_on_unexpected_status=True
    )


def test_a_generated_client_filters_by_two_statuses_like_the_comma_form(
    generated_client, live_server, california, viewer
):
    requests_list = importlib.import_module(f"{PACKAGE}.api.requests.requests_list")
    status_item = importlib.import_module(
        f"{PACKAGE}.models.requests_list_status_item"
    ).RequestsListStatusItem
    client = authenticated(generated_client, live_server, viewer)

    page = requests_list.sync(
        client=client,
        state=["CA"],
        status=[status_item.AWAITING, status_item.DECLINED],
        page_size=200,
    )
    generated = sorted(row.id for row in page.results)

    key = Token.objects.get(user=viewer).key
    comma = urllib.request.Request(
        f"{live_server.url}/api/v1/requests/?state=CA&status=awaiting,declined&page_size=200",
        headers={"Authorization": f"Token {key}"},
    )
    with urllib.request.urlopen(comma) as answer:
        expected = sorted(row["id"] for row in json.load(answer)["results"])

    # Los Angeles (declined), Riverside and Fresno (awaiting); not San Diego (escalated) nor
    # Cook County (Illinois). Before, the server kept only the last value: awaiting alone.
    assert len(expected) == 3
    assert generated == expected


def test_a_generated_client_creates_a_response_and_reads_the_answer(
    generated_client, live_server, california, journalist
):
    responses_create = importlib.import_module(f"{PACKAGE}.api.responses.responses_create")
    models = importlib.import_module(f"{PACKAGE}.models")
    client = authenticated(generated_client, live_server, journalist)
    request = california.other_request

    created = responses_create.sync(
        client=client,
        body=models.ResponseCreateRequest(
            request=request.pk,
            kind=models.ResponseKindEnum.ACKNOWLEDGED,
            received_on=dt.date(2025, 9, 12),
            official="Sheriff's spokesperson",
            sources=[california.source.pk],
        ),
    )

    assert isinstance(created, models.CountyResponse)
    stored = Response.objects.get(pk=created.id)
    assert stored.request_id == request.pk and stored.kind == "acknowledged"
    assert created.county.fips == request.county.fips
    assert [source.id for source in created.sources] == [california.source.pk]


def generated(name: str):
    """A module of the generated package: `api.requests.requests_list`, `models`, ..."""
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_a_generated_client_pulls_every_california_request_and_syncs_changes_since_a_time(
    generated_client, live_server, california, viewer, journalist
):
    """Job 1 and Job 2 of docs/api.md with generated calls only: every California request with
    its latest response, two to a page, most overdue first; then the events since a time, and a
    later pull that returns only the new event."""
    requests_list = generated("api.requests.requests_list")
    activity_list = generated("api.activity.activity_list")
    unset = generated_client.types.UNSET
    client = authenticated(generated_client, live_server, viewer)

    pulled, cursor, pages = {}, unset, 0
    while True:
        page = requests_list.sync(
            client=client,
            state=["CA"],
            ordering=["-days_overdue", "county"],
            expand=["latest_response"],
            page_size=2,
            cursor=cursor,
        )
        pages += 1
        for row in page.results:
            pulled[row.county.fips] = (row.status, row.latest_response)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 2
    assert set(pulled) == {"06037", "06073", "06065", "06019"}  # not Cook County
    status, latest = pulled["06037"]
    assert status == "declined"
    assert latest.kind == "declined" and latest.received_on == dt.date(2025, 8, 1)
    assert latest.quotation == "We don't ask about immigration status."
    assert [source.id for source in latest.sources] == [california.source.pk]
    assert pulled["06065"][1] is None  # Riverside has not answered

    since = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
    events, cursor = [], unset
    while True:
        page = activity_list.sync(client=client, since=since, page_size=50, cursor=cursor)
        events += page.results
        cursor = page.next_cursor  # where to resume, even when caught up
        if not page.has_more:
            break
    assert events and len({event.id for event in events}) == len(events)

    services.log_response(
        data_request=california.other_request,
        kind="acknowledged",
        received_on=dt.date(2025, 9, 12),
        actor=journalist,
        today=dt.date(2025, 9, 15),
    )
    deadline = time.monotonic() + 10  # events are listed once settled (a second or so)
    while True:
        later = activity_list.sync(client=client, page_size=50, cursor=cursor)
        new = [event.verb for event in later.results]
        if "response_logged" in new or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert "response_logged" in new
    assert not {event.id for event in later.results} & {event.id for event in events}

    changed = requests_list.sync(
        client=client, updated_since=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    )
    assert california.other_request.pk in {row.id for row in changed.results}


def test_a_generated_client_downloads_a_list_as_csv(
    generated_client, live_server, california, viewer
):
    requests_csv = generated("api.requests.requests_csv")
    requests_list = generated("api.requests.requests_list")
    client = authenticated(generated_client, live_server, viewer)

    sheet = requests_csv.sync(client=client, state=["CA"], ordering=["-days_overdue"])

    # Before, the list offered `format_=csv` and its call raised JSONDecodeError (every 200 was
    # read as JSON); now the list is JSON only and the CSV has its own call, read as text.
    rows = list(csv.DictReader(io.StringIO(sheet)))
    assert len(rows) == 4 and {row["State"] for row in rows} == {"CA"}
    assert "format_" not in inspect.signature(requests_list.sync).parameters


def test_a_generated_client_takes_plain_orderings_several_ids_and_typed_values(
    generated_client, live_server, california, journalist
):
    responses_list = generated("api.responses.responses_list")
    models = generated("models")
    client = authenticated(generated_client, live_server, journalist)
    services.log_response(
        data_request=california.other_request,
        kind="partial",
        categories_provided=["charges"],
        received_on=dt.date(2025, 9, 12),
        actor=journalist,
        today=dt.date(2025, 9, 15),
    )

    page = responses_list.sync(
        client=client,
        request=[california.request.pk, california.other_request.pk],
        ordering=["-received_on"],
        updated_since=dt.date(2025, 1, 1),
    )

    assert [row.received_on for row in page.results] == [
        dt.date(2025, 9, 12),
        dt.date(2025, 8, 1),
    ]
    assert page.results[0].categories_provided == [models.DataCategoryEnum.CHARGES]
    request = generated("api.requests.requests_retrieve").sync(
        client=client, id=california.request.pk
    )
    assert all(isinstance(item, models.DataCategoryEnum) for item in request.data_sought)
