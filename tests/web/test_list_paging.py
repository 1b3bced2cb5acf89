"""Long lists page by cursor: /requests/ and a campaign's counties show one page at a time,
walked forward and back without a row shown twice or skipped, even when a request is added
while a reader pages; the county filter never lists more than one state's counties; a count
past the cap is said as "more than"."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from requests_tracker import services
from requests_tracker.web import views
from tests.factories import AgencyFactory, CountyFactory, make_request
from tests.queries import queries_for
from tests.web.conftest import page_of

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 15)


@pytest.fixture
def eleven_requests():
    """Eleven requests over three states, on four issue dates (ties on every sortable column),
    some answered, some overdue on TODAY."""
    counties = [
        CountyFactory(name=f"{name} County", state=state, fips=fips)
        for name, state, fips in [
            ("Alpine", "CA", "06003"),
            ("Butte", "CA", "06007"),
            ("Colusa", "CA", "06011"),
            ("Cook", "IL", "17031"),
            ("Lake", "IL", "17097"),
            ("Harris", "TX", "48201"),
        ]
    ]
    rows = []
    for n in range(11):
        request = make_request(
            county=counties[n % len(counties)],
            issued_on=dt.date(2025, 7, 1) + dt.timedelta(days=7 * (n % 4)),
            summary=f"Jail roster demand {n}",
        )
        if n % 3 == 0:
            services.log_response(
                data_request=request,
                kind="declined",
                received_on=request.issued_on + dt.timedelta(days=2),
                today=TODAY,
            )
        rows.append(request)
    services.flag_overdue(today=TODAY)
    return rows


def link(response, rel: str) -> str | None:
    anchor = page_of(response).find("a", rel=rel)
    return anchor["href"] if anchor else None


def shown_ids(response) -> list[int]:
    return [row.pk for row in response.context["page"].object_list]


def walk(client, path: str, *, between=None) -> tuple[list[int], list[int]]:
    """Every row id met following the "Next" links from `path`, then following "Previous"
    back from the last page (`between` runs after the first page)."""
    forward: list[int] = []
    response = client.get(path)
    pages = [response]
    forward += shown_ids(response)
    if between:
        between()
    while (href := link(response, "next")) is not None:
        response = client.get(urlsplit(path).path + href)
        assert response.status_code == 200
        forward += shown_ids(response)
        pages.append(response)
    backward = list(reversed(shown_ids(response)))
    while (href := link(response, "prev")) is not None:
        response = client.get(urlsplit(path).path + href)
        assert response.status_code == 200
        backward += list(reversed(shown_ids(response)))
    return forward, backward


SORTS = [
    "",
    "?sort=county&order=asc",
    "?sort=county&order=desc",
    "?sort=issued_on&order=asc",
    "?sort=due_on&order=desc",
    "?sort=status&order=asc",
    "?sort=days_overdue&order=desc",
    "?q=jail",
    "?q=jail&sort=county",
    "?state=CA&sort=due_on",
]


@pytest.mark.parametrize("query", SORTS)
def test_paging_through_requests_visits_every_row_once_both_ways(
    eleven_requests, viewer_browser, monkeypatch, query
):
    monkeypatch.setattr(views, "REQUESTS_PER_PAGE", 3)
    everything = viewer_browser.get(f"/requests/{query}")
    monkeypatch.setattr(views, "REQUESTS_PER_PAGE", 50)
    expected = shown_ids(viewer_browser.get(f"/requests/{query}"))
    monkeypatch.setattr(views, "REQUESTS_PER_PAGE", 3)
    assert len(shown_ids(everything)) == 3

    forward, backward = walk(viewer_browser, f"/requests/{query}")

    assert forward == expected
    assert backward == list(reversed(expected))


def test_a_request_added_while_paging_neither_repeats_nor_hides_a_row(
    eleven_requests, viewer_browser, monkeypatch
):
    monkeypatch.setattr(views, "REQUESTS_PER_PAGE", 4)
    before = {row.pk for row in eleven_requests}

    def a_newer_letter_arrives():
        make_request(county=CountyFactory(state="CA"), issued_on=dt.date(2025, 9, 1))

    forward, _ = walk(viewer_browser, "/requests/", between=a_newer_letter_arrives)

    assert len(forward) == len(set(forward))
    assert before <= set(forward)


def test_page_links_carry_a_cursor_and_keep_the_filters_and_sort(
    eleven_requests, viewer_browser, monkeypatch
):
    monkeypatch.setattr(views, "REQUESTS_PER_PAGE", 2)
    response = viewer_browser.get("/requests/?state=CA&sort=due_on&order=asc")
    query = parse_qs(urlsplit(link(response, "next")).query)
    assert query["state"] == ["CA"] and query["sort"] == ["due_on"] and query["cursor"]
    assert "page" not in query


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "eyJvIjpbIi1pZCJdLCJ2IjpbMTJdfQ", "x" * 300],
)
def test_a_damaged_cursor_is_a_clear_error_not_a_crash(eleven_requests, viewer_browser, cursor):
    response = viewer_browser.get("/requests/", {"cursor": cursor})
    assert response.status_code == 400
    alert = page_of(response).find(role="alert")
    assert alert is not None and "page link is not valid" in alert.get_text()
    # The first page is shown, so the reader can carry on.
    assert len(shown_ids(response)) == 11


def test_a_cursor_made_for_another_order_is_refused(eleven_requests, viewer_browser, monkeypatch):
    monkeypatch.setattr(views, "REQUESTS_PER_PAGE", 2)
    cursor = parse_qs(urlsplit(link(viewer_browser.get("/requests/"), "next")).query)["cursor"][0]
    response = viewer_browser.get("/requests/", {"cursor": cursor, "sort": "county"})
    assert response.status_code == 400
    assert "page link is not valid" in page_of(response).find(role="alert").get_text()


def test_the_count_is_capped_and_says_so(eleven_requests, viewer_browser, monkeypatch):
    monkeypatch.setattr(views, "REQUESTS_COUNT_CAP", 5)
    text = page_of(viewer_browser.get("/requests/")).find(class_="result-count").get_text()
    assert re.search(r"More than 5 requests", text)
    text = page_of(viewer_browser.get("/requests/?state=IL")).find(class_="result-count")
    assert re.search(r"\b4 requests\b", text.get_text())


def county_options(response) -> list[str]:
    select = page_of(response).find("select", attrs={"name": "county"})
    return [option["value"] for option in select.find_all("option") if option["value"]]


def test_the_county_filter_lists_only_the_chosen_states_counties(eleven_requests, viewer_browser):
    CountyFactory(name="Yuba County", state="CA", fips="06115")  # no request yet: still offered
    assert county_options(viewer_browser.get("/requests/")) == []
    assert county_options(viewer_browser.get("/requests/?state=IL")) == ["17031", "17097"]
    assert county_options(viewer_browser.get("/requests/?state=CA")) == [
        "06003",
        "06007",
        "06011",
        "06115",
    ]
    # A county picked without its state (a bookmarked link) is still offered, and applies.
    response = viewer_browser.get("/requests/?county=48201")
    assert county_options(response) == ["48201"]
    assert {row.county.fips for row in response.context["page"].object_list} == {"48201"}


def test_a_county_outside_the_chosen_state_is_an_inline_error(eleven_requests, viewer_browser):
    response = viewer_browser.get("/requests/?state=IL&county=48201")
    field = page_of(response).find("select", attrs={"name": "county"}).find_parent(class_="field")
    assert "field--invalid" in field["class"]
    # The state still applies.
    assert {row.county.state for row in response.context["page"].object_list} == {"IL"}


def test_the_requests_page_costs_the_same_queries_for_5_as_for_60_requests(
    db, viewer_browser, monkeypatch
):
    county = CountyFactory(state="CA")
    for n in range(5):
        make_request(county=county, issued_on=dt.date(2025, 7, 1) + dt.timedelta(days=n))
    paths = ["/requests/", "/requests/?state=CA&sort=county", "/requests/?q=jail"]
    few = {path: queries_for(viewer_browser, path) for path in paths}
    for _n in range(55):
        make_request(county=CountyFactory(state="CA"), issued_on=dt.date(2025, 8, 1))
    many = {path: queries_for(viewer_browser, path) for path in paths}
    assert few == many
    cursor_page = link(viewer_browser.get("/requests/"), "next")
    assert queries_for(viewer_browser, f"/requests/{cursor_page}") == few["/requests/"]


@pytest.fixture
def campaign_of(journalist):
    issued = []

    def issue(n: int):
        base = 100 * len(issued)
        counties = [
            CountyFactory(
                name=f"County {base + i:03d}", state="CA" if i % 2 else "NV", fips=f"{base + i:05d}"
            )
            for i in range(1, n + 1)
        ]
        issued.append(n)
        return services.issue_campaign(
            title=f"Letters to {n}",
            issuing_agency=AgencyFactory(),
            issued_on=dt.date(2025, 7, 1),
            counties=counties,
            due_basis="calendar_days",
            due_days=30,
            data_sought=["charges"],
            actor=journalist,
            today=dt.date(2025, 7, 1),
        )

    return issue


def comparison_fips(response) -> list[str]:
    return [row["data-fips"] for row in page_of(response).select("table.comparison tbody tr")]


@pytest.mark.parametrize("query", ["", "?sort=county&order=desc", "?sort=days&order=asc"])
def test_a_campaigns_counties_are_paged_and_each_shown_once(
    campaign_of, viewer_browser, monkeypatch, query
):
    campaign = campaign_of(7)
    monkeypatch.setattr(views, "CAMPAIGN_ROWS_PER_PAGE", 3)
    path = f"/campaigns/{campaign.pk}/{query}"
    first = viewer_browser.get(path)
    assert len(comparison_fips(first)) == 3
    # The figures are the whole campaign's, not the page's.
    assert "0 of 7 counties have responded" in first.content.decode()

    seen, response = comparison_fips(first), first
    while (href := link(response, "next")) is not None:
        response = viewer_browser.get(f"/campaigns/{campaign.pk}/{href}")
        seen += comparison_fips(response)
    back = list(reversed(comparison_fips(response)))
    while (href := link(response, "prev")) is not None:
        response = viewer_browser.get(f"/campaigns/{campaign.pk}/{href}")
        back += list(reversed(comparison_fips(response)))

    assert sorted(seen) == sorted(campaign.requests.values_list("county__fips", flat=True))
    assert len(seen) == len(set(seen)) == 7
    assert back == list(reversed(seen))
    if not query:  # by state, then county name
        assert seen[:4] == ["00001", "00003", "00005", "00007"]


def test_a_campaign_page_with_a_damaged_cursor_is_a_clear_error(campaign_of, viewer_browser):
    campaign = campaign_of(3)
    response = viewer_browser.get(f"/campaigns/{campaign.pk}/?cursor=nonsense")
    assert response.status_code == 400
    assert "page link is not valid" in page_of(response).find(role="alert").get_text()


def test_a_campaign_page_costs_the_same_queries_for_5_as_for_60_counties(
    campaign_of, viewer_browser, monkeypatch
):
    monkeypatch.setattr(views, "CAMPAIGN_ROWS_PER_PAGE", 50)
    few = queries_for(viewer_browser, f"/campaigns/{campaign_of(5).pk}/")
    many_campaign = campaign_of(60)
    many = queries_for(viewer_browser, f"/campaigns/{many_campaign.pk}/")
    assert few == many
    next_page = link(viewer_browser.get(f"/campaigns/{many_campaign.pk}/"), "next")
    assert next_page is not None
    assert queries_for(viewer_browser, f"/campaigns/{many_campaign.pk}/{next_page}") == many


@pytest.mark.parametrize("query", ["", "?with_requests=on", "?state=IL&with_requests=on"])
def test_the_county_list_counts_counties_without_joining_every_request(
    eleven_requests, viewer_browser, query
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = viewer_browser.get(f"/counties/{query}")
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"].upper()]
    assert counts, "the page counts its counties"
    for sql in counts:
        assert "JOIN" not in sql.upper() and "GROUP BY" not in sql.upper(), sql
    expected = {"": 6, "?with_requests=on": 6, "?state=IL&with_requests=on": 2}[query]
    assert response.context["page"].paginator.count == expected


def test_a_countys_page_shows_its_requests_50_at_a_time_and_next_reaches_the_51st(
    db, viewer_browser
):
    county = CountyFactory(name="Los Angeles County", state="CA", fips="06037")
    requests = [
        make_request(county=county, issued_on=dt.date(2025, 1, 1) + dt.timedelta(days=n))
        for n in range(51)
    ]
    newest_first = [request.pk for request in reversed(requests)]

    first = viewer_browser.get("/counties/06037/")
    assert first.status_code == 200
    assert shown_ids(first) == newest_first[:50]
    assert len(page_of(first).select("section[aria-labelledby=requests-heading] tbody tr")) == 50
    second = viewer_browser.get(f"/counties/06037/{link(first, 'next')}")
    assert shown_ids(second) == newest_first[50:]
    assert link(second, "next") is None
    assert (
        shown_ids(viewer_browser.get(f"/counties/06037/{link(second, 'prev')}"))
        == (newest_first[:50])
    )
    # The county's figures still count every request, not the page's.
    assert "51 (51 open" in first.content.decode()


def test_a_countys_requests_page_by_the_column_sorted_on(
    eleven_requests, viewer_browser, monkeypatch
):
    monkeypatch.setattr(views, "COUNTY_REQUESTS_PER_PAGE", 1)
    path = "/counties/06003/?sort=due_on&order=asc"
    monkeypatch.setattr(views, "COUNTY_REQUESTS_PER_PAGE", 50)
    expected = shown_ids(viewer_browser.get(path))
    monkeypatch.setattr(views, "COUNTY_REQUESTS_PER_PAGE", 1)
    forward, backward = walk(viewer_browser, path)
    assert len(expected) == 2
    assert forward == expected
    assert backward == list(reversed(expected))


def test_a_county_page_with_a_damaged_cursor_is_a_clear_error(eleven_requests, viewer_browser):
    response = viewer_browser.get("/counties/06003/?cursor=nonsense")
    assert response.status_code == 400
    assert "page link is not valid" in page_of(response).find(role="alert").get_text()
    assert len(shown_ids(response)) == 2


def test_a_county_page_costs_the_same_queries_for_5_as_for_60_requests(db, viewer_browser):
    county = CountyFactory(state="CA", fips="06037")
    for n in range(5):
        make_request(county=county, issued_on=dt.date(2025, 7, 1) + dt.timedelta(days=n))
    few = queries_for(viewer_browser, "/counties/06037/")
    for n in range(55):
        make_request(county=county, issued_on=dt.date(2025, 8, 1) + dt.timedelta(days=n % 9))
    assert queries_for(viewer_browser, "/counties/06037/") == few
    next_page = link(viewer_browser.get("/counties/06037/"), "next")
    assert queries_for(viewer_browser, f"/counties/06037/{next_page}") == few
