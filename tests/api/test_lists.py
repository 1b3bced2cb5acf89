"""Filters, ordering, cursor paging and CSV on the lists."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine

from requests_tracker import services
from tests.api.conftest import TODAY, all_json_rows
from tests.factories import CountyFactory, make_request


@pytest.fixture
def spread(newsroom, journalist):
    """Requests in two states, with different dates, statuses and overdue days."""
    il = CountyFactory(name="Cook County", state="IL", fips="17031", slug="cook-county")
    ny = CountyFactory(name="Kings County", state="NY", fips="36047", slug="kings-county")
    old = make_request(
        county=il, issued_on=dt.date(2025, 6, 2), summary="Roster of detainees", today=TODAY
    )
    services.flag_overdue(today=TODAY)
    recent = make_request(county=ny, issued_on=dt.date(2025, 9, 1), today=TODAY)
    return {"il": old, "ny": recent}


def ids(client, query: dict) -> list[int]:
    response = client.get("/api/v1/requests/", {"page_size": 200, **query})
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["results"]]


def test_requests_filter_by_state_county_status_and_dates(newsroom, spread, viewer_client):
    la, sd = newsroom.request.pk, newsroom.other_request.pk
    il, ny = spread["il"].pk, spread["ny"].pk
    assert sorted(ids(viewer_client, {"state": "ca"})) == sorted([la, sd])
    assert sorted(ids(viewer_client, {"state": "IL,NY"})) == sorted([il, ny])
    assert ids(viewer_client, {"county": "06037"}) == [la]
    assert sorted(ids(viewer_client, {"status": "declined,escalated"})) == sorted([la, sd])
    assert ids(viewer_client, {"overdue": "true"}) == [il]
    assert il not in ids(viewer_client, {"overdue": "false"})
    assert ids(viewer_client, {"issued_after": "2025-09-01"}) == [ny]
    assert ids(viewer_client, {"issued_before": "2025-06-30"}) == [il]
    assert ids(viewer_client, {"due_before": "2025-07-02"}) == [il]
    assert sorted(ids(viewer_client, {"campaign": newsroom.campaign.pk})) == sorted([la, sd])
    assert ids(viewer_client, {"search": "cook roster"}) == [il]
    assert ids(viewer_client, {"search": "kings"}) == [ny]
    everything = ids(viewer_client, {})
    assert ids(viewer_client, {"updated_since": "2000-01-01T00:00:00Z"}) == everything
    assert ids(viewer_client, {"updated_since": "2999-01-01"}) == []


def test_requests_order_by_days_overdue_most_overdue_first(newsroom, spread, viewer_client):
    later = make_request(
        county=CountyFactory(name="Erie County", state="NY", fips="36029"),
        issued_on=dt.date(2025, 7, 20),
        today=TODAY,
    )
    services.flag_overdue(today=TODAY)
    with time_machine.travel(dt.datetime(2025, 9, 15, 12, tzinfo=dt.UTC), tick=False):
        rows = viewer_client.get("/api/v1/requests/", {"ordering": "-days_overdue"}).json()
        ascending = viewer_client.get("/api/v1/requests/", {"ordering": "days_overdue"}).json()
    rows, ascending = rows["results"], ascending["results"]
    # Cook was due July 2 and Erie August 19: on September 15 they are 75 and 27 days late.
    assert [(row["id"], row["days_overdue"]) for row in rows[:2]] == [
        (spread["il"].pk, 75),
        (later.pk, 27),
    ]
    assert all(row["days_overdue"] == 0 for row in rows[2:])
    assert [row["id"] for row in ascending][-2:] == [later.pk, spread["il"].pk]


@pytest.mark.parametrize("ordering", ["issued_on", "-issued_on", "due_on", "-updated_at"])
def test_cursor_pages_cover_every_request_once_in_order(newsroom, spread, viewer_client, ordering):
    for n in range(5):
        make_request(county=CountyFactory(fips=f"0640{n}"), issued_on=dt.date(2025, 7, 17))
    expected = ids(viewer_client, {"ordering": ordering})
    seen: list[int] = []
    url, query = "/api/v1/requests/", {"ordering": ordering, "page_size": 2}
    while url:
        body = viewer_client.get(url, query).json()
        seen += [row["id"] for row in body["results"]]
        url, query = body["next"], None
    assert seen == expected and len(set(seen)) == len(seen) > 6


def test_a_cursor_is_bound_to_its_ordering(newsroom, spread, viewer_client):
    body = viewer_client.get("/api/v1/requests/", {"page_size": 1}).json()
    cursor = body["next"].split("cursor=")[1].split("&")[0]
    response = viewer_client.get("/api/v1/requests/", {"cursor": cursor, "ordering": "due_on"})
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "This cursor was made for another ordering."


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"county": "LA"}, "county"),
        ({"state": "California"}, "state"),
        ({"overdue": "maybe"}, "overdue"),
        ({"issued_after": "July"}, "issued_after"),
        ({"updated_since": "soon"}, "updated_since"),
        ({"campaign": "first"}, "campaign"),
        ({"ordering": "summary"}, "ordering"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_a_filter_value_that_cannot_be_read_is_a_400_naming_it(
    newsroom, viewer_client, query, field
):
    response = viewer_client.get("/api/v1/requests/", query)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_page_size_goes_up_to_200_and_no_further(newsroom, viewer_client):
    for n in range(201):
        CountyFactory(fips=f"{70000 + n:05d}")
    body = viewer_client.get("/api/v1/counties/", {"page_size": 200}).json()
    assert len(body["results"]) == 200 and body["next"]
    # The schema says at most 200: more is refused, not quietly cut (as it was).
    refused = viewer_client.get("/api/v1/counties/", {"page_size": 201})
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "page_size": ["Give a whole number from 1 to 200."]
    }


def test_counties_carry_their_request_counts(newsroom, spread, viewer_client):
    la = viewer_client.get("/api/v1/counties/06037/").json()
    assert la["requests"]["total"] == 1 and la["requests"]["by_status"]["declined"] == 1
    assert la["requests"]["open"] == 0
    cook = viewer_client.get("/api/v1/counties/", {"overdue": "true"}).json()["results"]
    assert [county["fips"] for county in cook] == ["17031"]
    assert viewer_client.get("/api/v1/counties/6037/").status_code == 404


def test_stats_answer_the_questions_a_story_asks(newsroom, spread, viewer_client):
    with time_machine.travel(dt.datetime(2025, 9, 15, 12, tzinfo=dt.UTC), tick=False):
        stats = viewer_client.get("/api/v1/stats/").json()
    assert stats["total"] == 4
    assert stats["by_status"]["declined"] == 1 and stats["by_status"]["escalated"] == 1
    assert stats["overdue"] == 1
    assert {row["state"]: row["total"] for row in stats["by_state"]} == {"CA": 2, "IL": 1, "NY": 1}
    assert [row["campaign"] for row in stats["by_campaign"]] == [newsroom.campaign.pk, None]
    # LA answered on Aug 1, 15 days after the July 17 letter and before its Aug 16 deadline.
    assert stats["median_days_to_first_response"] == 15.0 and stats["responded"] == 1
    # Due dates passed: LA (answered on time), San Diego and Cook (not answered).
    assert stats["due_date_passed_or_answered"] == 3 and stats["answered_by_due_date"] == 1
    assert stats["answered_by_due_date_share"] == round(1 / 3, 4)
    california = viewer_client.get("/api/v1/stats/", {"state": "CA"}).json()
    assert california["total"] == 2 and california["overdue"] == 0


# --- CSV --------------------------------------------------------------------------------------


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("path", "query", "key"),
    [
        ("/api/v1/requests/", {"state": "CA", "ordering": "due_on"}, "Id"),
        ("/api/v1/requests/", {"status": "awaiting,declined"}, "Id"),
        ("/api/v1/responses/", {"county": "06037"}, "Id"),
        ("/api/v1/escalations/", {"state": "CA"}, "Id"),
        ("/api/v1/counties/", {"state": "CA,IL"}, "FIPS"),
        ("/api/v1/campaigns/", {"state": "CA"}, "Id"),
        ("/api/v1/sources/", {"kind": "news_report"}, "Id"),
        ("/api/v1/figures/", {"state": "CA"}, "Id"),
        ("/api/v1/activity/", {"verb": "status_changed,request_issued"}, "Id"),
        ("/api/v1/agencies/", {"level": "federal,county"}, "Id"),
    ],
)
def test_csv_holds_exactly_the_rows_of_the_json_for_the_same_filter(
    newsroom, spread, editor_client, path, query, key
):
    json_rows = all_json_rows(editor_client, path, query)
    json_key = "fips" if key == "FIPS" else "id"
    by_format = csv_rows(editor_client.get(path, {**query, "format": "csv"}))
    by_accept = csv_rows(editor_client.get(path, query, HTTP_ACCEPT="text/csv"))
    assert json_rows, "the filter must match something"
    assert [row[key] for row in by_format] == [str(row[json_key]) for row in json_rows]
    assert by_accept == by_format


def test_csv_has_human_column_names_and_spreadsheet_cells(newsroom, editor_client):
    rows = csv_rows(editor_client.get("/api/v1/requests/", {"format": "csv", "county": "06037"}))
    assert list(rows[0])[:4] == ["Id", "County", "State", "FIPS"]
    row = rows[0]
    assert row["County"] == "Los Angeles County" and row["Status"] == "declined"
    assert row["Data sought"] == "noncitizen_roster; charges; release_dates"
    assert row["Internal note"] == "Call the PIO back."


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(newsroom, editor_client):
    services.update_request(data_request=newsroom.request, actor=None, summary='=HYPERLINK("x")')
    rows = csv_rows(editor_client.get("/api/v1/requests/", {"format": "csv", "county": "06037"}))
    assert rows[0]["Summary"] == '\'=HYPERLINK("x")'


def test_a_detail_has_no_csv(newsroom, viewer_client):
    response = viewer_client.get(f"/api/v1/requests/{newsroom.request.pk}/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"


def test_a_csv_request_with_a_bad_filter_gets_its_error_as_json(newsroom, viewer_client):
    response = viewer_client.get("/api/v1/requests/", {"format": "csv", "status": "bogus"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["error"]["fields"]) == ["status"]


def test_a_request_row_embeds_its_latest_response_when_asked(
    newsroom, spread, journalist, viewer_client
):
    later = services.log_response(
        data_request=newsroom.request,
        kind="public_statement",
        received_on=dt.date(2025, 8, 20),
        actor=journalist,
        today=TODAY,
    )
    rows = viewer_client.get("/api/v1/requests/", {"expand": "latest_response"}).json()["results"]
    by_id = {row["id"]: row for row in rows}
    shown = viewer_client.get(f"/api/v1/responses/{later.pk}/").json()
    assert by_id[newsroom.request.pk]["latest_response"] == shown
    assert by_id[newsroom.request.pk]["latest_response_kind"] == "public_statement"
    assert by_id[spread["il"].pk]["latest_response"] is None
    plain = viewer_client.get("/api/v1/requests/").json()["results"]
    assert all("latest_response" not in row for row in plain)
    refused = viewer_client.get("/api/v1/requests/", {"expand": "latest_response,sources"})
    assert refused.status_code == 400 and "expand" in refused.json()["error"]["fields"]
