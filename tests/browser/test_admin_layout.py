"""The admin's request list in a real browser: it fits a 1280 px window however long a
campaign's title, which is cut on screen and shown whole on hover."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from requests_tracker import services
from tests.browser.pages import PASSWORD
from tests.factories import AgencyFactory, CountyFactory, UserFactory

pytestmark = [pytest.mark.browser]

LONG_TITLE = (
    "Letters of July 17, 2025 to the sheriffs of California's largest counties asking for "
    "rosters of non-citizens in custody, their charges and scheduled release dates"
)


@pytest.fixture
def long_campaign(transactional_db):
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    return services.issue_campaign(
        title=LONG_TITLE,
        issuing_agency=AgencyFactory(),
        issued_on=dt.date(2025, 7, 17),
        counties=[
            CountyFactory(name="San Bernardino County", fips="06071"),
            CountyFactory(name="Los Angeles County", fips="06037"),
        ],
        due_basis="calendar_days",
        due_days=30,
        data_sought=["noncitizen_roster", "charges", "release_dates"],
        today=dt.date(2025, 7, 18),
    )


def test_the_request_list_fits_1280_px_with_the_campaign_title_whole_on_hover(
    browser_page, long_campaign
):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/admin/requests_tracker/datarequest/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/admin/requests_tracker/datarequest/")

    # The list scrolls sideways inside its own box when it is wider than the window allows.
    widths = page.evaluate(
        """() => {
            const results = document.querySelector('#changelist .results');
            return {page: document.documentElement.scrollWidth,
                    table: results.scrollWidth, shown: results.clientWidth};
        }"""
    )
    assert widths["page"] <= 1280
    assert widths["table"] <= widths["shown"], f"the list scrolls sideways: {widths}"
    label = page.locator("td.field-campaign_label span").first
    assert label.get_attribute("title") == LONG_TITLE
    assert label.evaluate("span => span.scrollWidth > span.clientWidth"), "cut on screen"
