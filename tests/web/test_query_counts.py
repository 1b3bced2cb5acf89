"""A page costs the same number of SQL queries with one row as with thirty: every page reads
through selectors that join, prefetch and annotate what its rows show."""

from __future__ import annotations

import datetime as dt

import pytest

from requests_tracker import services
from tests.factories import AgencyFactory, CountyFactory, SourceFactory, make_request
from tests.queries import queries_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 15)


def add_busy_request(n: int, journalist) -> None:
    """A request in its own county, cited, answered, escalated and overdue-flagged."""
    county = CountyFactory(name=f"County {n:02d}", fips=f"06{n:03d}")
    sheriff = AgencyFactory(name=f"County {n:02d} Sheriff", level="county", county=county)
    source = SourceFactory(created_by=journalist)
    request = make_request(
        county=county, sources=[source], actor=journalist, today=dt.date(2025, 7, 17)
    )
    services.log_response(
        data_request=request,
        kind="acknowledged",
        received_on=dt.date(2025, 7, 20),
        responding_agency=sheriff,
        sources=[source],
        actor=journalist,
        today=TODAY,
    )
    if n % 2 == 0:  # every other one escalated; the first stays overdue, so no list is empty
        services.file_escalation(
            data_request=request,
            kind="demand_letter",
            issued_on=dt.date(2025, 9, 1),
            sources=[source],
            actor=journalist,
            today=TODAY,
        )


def add_busy_response(request, n: int, journalist) -> None:
    services.log_response(
        data_request=request,
        kind="partial" if n % 2 else "acknowledged",
        received_on=dt.date(2025, 7, 18) + dt.timedelta(days=n),
        categories_provided=["charges"] if n % 2 else [],
        responding_agency=AgencyFactory(name=f"Office {n}", level="county"),
        sources=[SourceFactory(created_by=journalist)],
        actor=journalist,
        today=TODAY,
    )
    if n % 3 == 0:
        services.file_escalation(
            data_request=request,
            kind="demand_letter",
            issued_on=dt.date(2025, 7, 18) + dt.timedelta(days=n),
            sources=[SourceFactory()],
            actor=journalist,
            today=TODAY,
        )


LIST_PAGES = [
    "/",
    "/requests/",
    "/counties/?with_requests=on",
    "/counties/",
    # Sorted and searched, as the column headings and the search box ask for them.
    "/requests/?sort=days_overdue&order=desc",
    "/requests/?q=county&sort=status",
    "/counties/?sort=overdue&order=desc",
    "/?overdue_sort=county&counties_sort=requests",
]


def test_the_list_pages_cost_the_same_queries_for_one_row_as_for_thirty(editor_browser, journalist):
    add_busy_request(1, journalist)
    services.flag_overdue(today=TODAY)
    one = {path: queries_for(editor_browser, path) for path in LIST_PAGES}
    for n in range(2, 31):
        add_busy_request(n, journalist)
    services.flag_overdue(today=TODAY)
    thirty = {path: queries_for(editor_browser, path) for path in LIST_PAGES}
    page = editor_browser.get("/requests/")
    assert len(page.context["page"].object_list) == 30
    assert one == thirty


def test_a_request_page_costs_the_same_queries_for_one_response_as_for_thirty(
    data_request, editor_browser, journalist
):
    path = f"/requests/{data_request.pk}/"
    add_busy_response(data_request, 0, journalist)
    one = queries_for(editor_browser, path)
    for n in range(1, 30):
        add_busy_response(data_request, n, journalist)
    thirty = queries_for(editor_browser, path)
    page = editor_browser.get(path)
    assert len(page.context["responses"]) == 30
    assert one == thirty
