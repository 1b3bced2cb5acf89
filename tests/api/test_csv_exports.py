"""Every list as CSV: the same cells as its JSON rows, for every reader, and a file that says how
many rows it holds, so a client can tell a whole export from a cut-off one."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from rest_framework.test import APIClient

from requests_tracker import services
from requests_tracker.exchange.csv_export import csv_lines
from tests.api.conftest import LISTS, TODAY, all_json_rows, signed_in, story_records
from tests.factories import CountyFactory, SourceFactory, make_request


@pytest.fixture
def cited_newsroom(newsroom, editor, journalist, settings):
    """The newsroom with a sensitive source cited on a request, its response and its campaign
    (withheld from viewers, absent for the public), text a spreadsheet would run, an overdue
    request and one outside any campaign; readable by anonymous visitors."""
    settings.TRACKER_PUBLIC = True
    roster = SourceFactory(title="Jail roster", url="https://files.example/roster", sensitive=True)
    for record in (newsroom.request, newsroom.response, newsroom.campaign):
        services.cite_source(source=roster, record=record, actor=editor)
    services.update_request(
        data_request=newsroom.other_request, actor=editor, summary='=HYPERLINK("x")'
    )
    cook = CountyFactory(name="Cook County", state="IL", fips="17031", slug="cook-county")
    make_request(county=cook, issued_on=dt.date(2025, 6, 2), actor=journalist, today=TODAY)
    services.flag_overdue(today=TODAY)
    public = SourceFactory(title="Court filing", url="https://files.example/filing")
    story_records(0, newsroom.request.county, public, newsroom.request)
    return newsroom


def csv_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content).decode()


def csv_address(path: str) -> str:
    """Where a list's CSV is: `/api/v1/requests/` → `/api/v1/requests.csv`."""
    return path.rstrip("/") + ".csv"


@pytest.mark.parametrize("path", [f"/api/v1/{name}/" for name in LISTS])
def test_a_lists_csv_is_its_own_address_and_the_older_ways_give_the_same_file(
    cited_newsroom, editor_client, path
):
    documented = csv_text(editor_client.get(csv_address(path), {"ordering": ""}))
    assert documented.count("\n") >= 2
    assert csv_text(editor_client.get(path, {"format": "csv"})) == documented
    assert csv_text(editor_client.get(path, HTTP_ACCEPT="text/csv")) == documented
    # JSON is the list's; the CSV address answers only CSV (and its errors in JSON).
    refused = editor_client.get(csv_address(path), HTTP_ACCEPT="application/json")
    assert refused.status_code == 406 and refused.json()["error"]["code"] == "not_acceptable"


def test_the_csv_address_takes_the_lists_filters_and_ordering(cited_newsroom, editor_client):
    text = csv_text(
        editor_client.get("/api/v1/requests.csv", {"state": "CA", "ordering": "-days_overdue"})
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["State"] for row in rows} == {"CA"} and len(rows) == 2
    refused = editor_client.get("/api/v1/requests.csv", {"state": "California"})
    assert refused.status_code == 400 and "state" in refused.json()["error"]["fields"]


@pytest.mark.parametrize("path", [f"/api/v1/{name}/" for name in LISTS])
@pytest.mark.parametrize("reader", ["editor", "viewer", "anonymous"])
def test_every_csv_is_its_json_rows_cell_by_cell_for_every_reader(
    cited_newsroom, path, reader, request
):
    client = APIClient() if reader == "anonymous" else signed_in(request.getfixturevalue(reader))
    listing = client.get(path, {"page_size": 2})
    exported = client.get(csv_address(path))
    assert exported.status_code == listing.status_code
    if listing.status_code != 200:
        return
    rows = all_json_rows(client, path)
    assert rows, f"{path}: the fixture must give this list rows"
    columns = [
        (header, key)
        for header, key in resolve(path).func.cls.csv_columns
        if key.split(".")[0] in rows[0]
    ]
    assert csv_text(exported) == "".join(csv_lines(columns, rows))


def test_the_public_never_reads_a_sensitive_source_in_the_request_export(
    cited_newsroom, anonymous_client, viewer_client, editor_client
):
    def sources_of_la(client) -> str:
        text = csv_text(client.get("/api/v1/requests/", {"format": "csv", "county": "06037"}))
        return next(csv.DictReader(io.StringIO(text)))["Sources"]

    assert "files.example/roster" in sources_of_la(editor_client)
    assert "files.example/roster" not in sources_of_la(viewer_client)
    assert sources_of_la(viewer_client).count(";") == 1  # one withheld, said to exist
    assert sources_of_la(anonymous_client).count(";") == 0


@pytest.mark.parametrize("path", ["/api/v1/requests/", "/api/v1/responses/", "/api/v1/counties/"])
def test_an_export_says_how_many_rows_it_holds(cited_newsroom, editor_client, path):
    for query in ({}, {"state": "CA"}):
        response = editor_client.get(path, {**query, "format": "csv"})
        rows = list(csv.DictReader(io.StringIO(csv_text(response))))
        assert response["X-Row-Count"] == str(len(rows))
    assert response["Cache-Control"].startswith("private")


def test_an_empty_export_says_zero_rows_and_still_has_its_header(cited_newsroom, editor_client):
    response = editor_client.get("/api/v1/requests/", {"format": "csv", "state": "WY"})
    assert response["X-Row-Count"] == "0"
    assert csv_text(response).startswith("Id,County,State,FIPS,")


def test_a_request_export_costs_the_same_queries_for_three_rows_or_thirty_three(
    cited_newsroom, editor_client, journalist, django_assert_num_queries
):
    def export() -> int:
        response = editor_client.get("/api/v1/requests/", {"format": "csv"})
        return len(csv_text(response).splitlines()) - 1

    export()  # warm the per-process caches (content types, the reader's role)
    with CaptureQueriesContext(connection) as few:
        assert export() == 3
    for n in range(30):
        county = CountyFactory(name=f"County {n}", fips=f"48{n:03d}", state="TX")
        make_request(county=county, actor=journalist, today=TODAY)
    with django_assert_num_queries(len(few.captured_queries)):
        assert export() == 33
