"""A journalist's day in a real browser: search "Los Angeles" from the header and open the first
result, Los Angeles County's request; sort the requests table by days overdue; go to the county
from the search results and watch it, then get its digest and read its private feed (the steps
of tests/browser/test_follow.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from requests_tracker import services
from requests_tracker.models import County
from tests.browser.pages import sign_in
from tests.browser.test_follow import (
    demo,  # noqa: F401 (the fixture: the demo data and a journalist, "reporter")
    watch_los_angeles_then_read_its_digest_and_feed,
)
from tests.factories import make_request

pytestmark = [pytest.mark.browser]


def days_overdue_column(page) -> list[int]:
    cells = page.locator("table.data tbody tr td:nth-child(6)").all_inner_texts()
    return [int(text.split()[1]) if text.startswith("overdue") else 0 for text in cells]


def test_search_sort_and_follow_los_angeles(browser_page, demo, settings):  # noqa: F811
    page = browser_page
    today = services.local_today()
    # Beside the four demo requests (due 2025-08-16): one due later and one not yet due.
    make_request(
        county=County.objects.get(fips="06001"),
        issued_on=dt.date(2025, 9, 1),
        today=dt.date(2025, 9, 1),
    )
    make_request(county=County.objects.get(fips="06003"), issued_on=today, today=today)
    services.flag_overdue(today=today)
    sign_in(page, "reporter", "/", via_login_page=True)

    # Search from the header.
    page.get_by_label("Search the tracker").fill("Los Angeles")
    page.get_by_label("Search the tracker").press("Enter")
    page.wait_for_url("**/search/?q=Los+Angeles")
    first = page.locator("#group-requests ~ ol .search-hit__title").first
    assert first.inner_text().startswith("Los Angeles County, CA: request of 2025-07-17")
    assert page.locator("#group-requests").inner_text() == "Requests (4)"

    # Sort the requests table by days overdue: most overdue first, then the other way round.
    page.get_by_role("link", name="Requests", exact=True).click()
    page.wait_for_url("**/requests/")
    page.get_by_role("link", name="Days overdue").click()
    page.wait_for_url("**/requests/?sort=days_overdue&order=desc")
    most_first = days_overdue_column(page)
    assert most_first == sorted(most_first, reverse=True)
    assert most_first[0] > most_first[4] > most_first[5] == 0
    sorted_heading = page.locator("th[aria-sort]")
    assert sorted_heading.get_attribute("aria-sort") == "descending"
    assert sorted_heading.inner_text().startswith("Days overdue")
    page.get_by_role("link", name="Days overdue").click()
    page.wait_for_url("**/requests/?sort=days_overdue&order=asc")
    assert days_overdue_column(page) == list(reversed(most_first))

    # From the search results to the county, and follow it.
    page.get_by_label("Search the tracker").fill("Los Angeles")
    page.get_by_label("Search the tracker").press("Enter")
    page.wait_for_url("**/search/?q=Los+Angeles")
    page.locator("#group-counties ~ ol a", has_text="Los Angeles County, CA").click()
    page.wait_for_url("**/counties/06037/")
    watch_los_angeles_then_read_its_digest_and_feed(page, demo, settings)
