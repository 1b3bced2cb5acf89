"""Sortable tables (web/sorting.py, web/tables.py): `?sort=&order=` on the requests list, the
counties list, a county's requests and the dashboard's two tables; headings are links with
aria-sort on the sorted column; the sort stays in pagination and CSV links; an unknown column
is reported, never a 500. (Sorted pages cost a fixed number of queries: test_query_counts.)"""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from requests_tracker import services
from tests.factories import CountyFactory, make_request
from tests.web.conftest import page_of
from tests.web.test_request_filter import TODAY, frozen_clock  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_and_on_time():
    """Three requests 75, 27 and 0 days overdue on TODAY, in counties named out of that order."""
    made = {
        75: make_request(
            county=CountyFactory(name="Modoc County", fips="06049"), issued_on=dt.date(2025, 6, 2)
        ),
        27: make_request(
            county=CountyFactory(name="Alpine County", fips="06003"), issued_on=dt.date(2025, 7, 20)
        ),
        0: make_request(
            county=CountyFactory(name="Sierra County", fips="06091"), issued_on=dt.date(2025, 9, 1)
        ),
    }
    services.flag_overdue(today=TODAY)
    return made


def county_column(response) -> list[str]:
    page = page_of(response)
    return [row.select_one("td a").get_text() for row in page.select("table.data tbody tr")]


def heading(response, label: str):
    for th in page_of(response).select("table.data thead th"):
        if th.get_text(" ", strip=True).startswith(label):
            return th
    raise AssertionError(f"no heading {label!r}")


def test_requests_sort_by_days_overdue_and_the_heading_says_so(late_and_on_time, viewer_browser):
    response = viewer_browser.get("/requests/", {"sort": "days_overdue", "order": "desc"})
    assert county_column(response) == ["Modoc County", "Alpine County", "Sierra County"]
    days = heading(response, "Days overdue")
    assert days["aria-sort"] == "descending"
    assert days.select_one("[aria-hidden]").get_text() == "▼"
    assert parse_qs(urlsplit(days.a["href"]).query) == {
        "sort": ["days_overdue"],
        "order": ["asc"],
    }
    assert heading(response, "County").get("aria-sort") is None

    response = viewer_browser.get(days.a["href"].replace("?", "/requests/?"))
    assert county_column(response) == ["Sierra County", "Alpine County", "Modoc County"]
    assert heading(response, "Days overdue")["aria-sort"] == "ascending"


def test_a_first_click_on_days_overdue_shows_the_most_overdue_first(
    late_and_on_time, viewer_browser
):
    response = viewer_browser.get("/requests/")
    link = heading(response, "Days overdue").a["href"]
    assert parse_qs(urlsplit(link).query)["order"] == ["desc"]
    by_county = heading(response, "County").a["href"]
    assert parse_qs(urlsplit(by_county).query)["order"] == ["asc"]
    response = viewer_browser.get("/requests/", {"sort": "county"})
    assert county_column(response) == ["Alpine County", "Modoc County", "Sierra County"]


def test_headings_keep_the_filters_and_drop_the_page_number(late_and_on_time, viewer_browser):
    response = viewer_browser.get("/requests/", {"state": "CA", "q": "county", "page": "1"})
    query = parse_qs(urlsplit(heading(response, "Due").a["href"]).query)
    assert query == {"state": ["CA"], "q": ["county"], "sort": ["due_on"], "order": ["asc"]}


def test_pages_keep_the_sort(viewer_browser):
    for n in range(55):
        make_request(county=CountyFactory(fips=f"06{n + 100:03d}"))
    response = viewer_browser.get("/requests/", {"sort": "county", "order": "desc"})
    next_page = page_of(response).select_one(".pagination a[rel=next]")["href"]
    query = parse_qs(urlsplit(next_page).query)
    assert query.pop("cursor")
    assert query == {"sort": ["county"], "order": ["desc"]}


def test_the_csv_link_has_the_filters_and_the_order_of_the_page(late_and_on_time, viewer_browser):
    response = viewer_browser.get(
        "/requests/", {"state": "CA", "overdue": "on", "sort": "days_overdue", "order": "asc"}
    )
    link = page_of(response).find("a", string="Download these rows as CSV")["href"]
    assert urlsplit(link).path == "/api/v1/requests.csv"
    assert parse_qs(urlsplit(link).query) == {
        "state": ["CA"],
        "overdue": ["true"],
        "ordering": ["days_overdue"],
    }
    sheet = viewer_browser.get(link)
    assert sheet.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(sheet.streaming_content).decode())))
    assert [row["County"] for row in rows] == ["Alpine County", "Modoc County"]


@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        ("/requests/", {"sort": "password"}, "There is no column “password” to sort by"),
        ("/requests/", {"sort": "campaign"}, "There is no column “campaign” to sort by"),
        ("/counties/", {"sort": "by_status"}, "There is no column “by_status” to sort by"),
        ("/", {"overdue_sort": "x"}, "There is no column “x” to sort by"),
        ("/", {"counties_sort": "fips"}, "There is no column “fips” to sort by"),
        ("/counties/06049/", {"sort": "county"}, "There is no column “county” to sort by"),
    ],
)
def test_an_unknown_sort_column_is_reported_and_the_default_kept(
    late_and_on_time, viewer_browser, path, query, message
):
    response = viewer_browser.get(path, {**query, "order": "sideways"})
    assert response.status_code == 200
    assert message in page_of(response).select_one("[role=alert]").get_text()


def test_counties_sort_by_their_number_of_requests(viewer_browser):
    busy = CountyFactory(name="Yolo County", fips="06113")
    quiet = CountyFactory(name="Butte County", fips="06007")
    for issued_on in (dt.date(2025, 7, 1), dt.date(2025, 8, 1)):
        make_request(county=busy, issued_on=issued_on)
    make_request(county=quiet)
    response = viewer_browser.get("/counties/", {"with_requests": "on"})
    assert county_column(response) == ["Butte County", "Yolo County"]
    link = heading(response, "Requests").a["href"]
    response = viewer_browser.get(f"/counties/{link}")
    assert county_column(response) == ["Yolo County", "Butte County"]
    assert heading(response, "Requests")["aria-sort"] == "descending"


def test_a_countys_requests_sort_by_due_date(viewer_browser):
    county = CountyFactory(name="Napa County", fips="06055")
    early = make_request(county=county, issued_on=dt.date(2025, 6, 2))
    late = make_request(county=county, issued_on=dt.date(2025, 8, 1))
    path = "/counties/06055/"

    def order(query: dict) -> list[str]:
        page = page_of(viewer_browser.get(path, query))
        return [
            a["href"]
            for a in page.select("#requests-heading ~ div table tbody a[href^='/requests/']")
        ]

    assert order({}) == [late.get_absolute_url(), early.get_absolute_url()]
    assert order({"sort": "due_on"}) == [early.get_absolute_url(), late.get_absolute_url()]
    headings = [
        th.get_text(strip=True)
        for th in page_of(viewer_browser.get(path)).select("#requests-heading ~ div th")
    ]
    assert "County" not in headings


def test_the_dashboards_two_tables_sort_apart(late_and_on_time, viewer_browser):
    response = viewer_browser.get("/", {"overdue_sort": "county"})
    page = page_of(response)
    overdue = page.select_one("#overdue-heading ~ div table")
    assert [a.get_text() for a in overdue.select("tbody td:first-child a")] == [
        "Alpine County, CA",
        "Modoc County, CA",
    ]
    counties_link = page.select_one("#counties-heading ~ div table th a")["href"]
    assert parse_qs(urlsplit(counties_link).query) == {
        "overdue_sort": ["county"],
        "counties_sort": ["name"],
        "counties_order": ["desc"],
    }
    response = viewer_browser.get(f"/{counties_link}")
    counties = page_of(response).select_one("#counties-heading ~ div table")
    assert [a.get_text() for a in counties.select("tbody td:first-child a")] == [
        "Sierra County",
        "Modoc County",
        "Alpine County",
    ]
