"""The county map in a real browser: find California's 58 counties, click one, see a logged answer
change its fill and the legend, read it on a phone. (The README's screenshots are taken by
bin/screenshots from a running quick start.)"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from requests_tracker.models import Campaign, County
from requests_tracker.presentation import county_maps
from tests.browser.pages import sign_in
from tests.factories import UserFactory, make_request

pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 800}

# A point inside the county's own shape (not just its box: Los Angeles County's box holds the
# ocean and its islands), in the page's coordinates, where the county itself receives the click.
POINT_IN_COUNTY = """(fips) => {
  const path = document.querySelector(`.county-map path[data-fips="${fips}"]`);
  path.scrollIntoView({block: "center"});
  const svg = path.ownerSVGElement, box = path.getBBox(), ctm = path.getScreenCTM();
  for (let i = 1; i < 24; i++) {
    for (let j = 1; j < 24; j++) {
      const point = svg.createSVGPoint();
      point.x = box.x + (box.width * i) / 24;
      point.y = box.y + (box.height * j) / 24;
      if (!path.isPointInFill(point)) continue;
      const screen = point.matrixTransform(ctm);
      if (document.elementFromPoint(screen.x, screen.y) === path) return [screen.x, screen.y];
    }
  }
  return null;
}"""


def legend_count(page, category: str) -> int:
    item = page.locator(f'.map-legend li[data-category="{category}"] .map-legend__n').first
    return int(item.inner_text())


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.fixture
def california_with_requests(transactional_db):
    call_command("load_counties", stdout=io.StringIO())
    UserFactory(username="reporter", role="journalist")
    counties = {county.fips: county for county in County.objects.filter(state="CA")}
    los_angeles = make_request(county=counties["06037"], issued_on=dt.date(2025, 7, 17))
    make_request(county=counties["06075"], issued_on=dt.date(2025, 7, 17))
    return los_angeles


def test_a_journalist_clicks_los_angeles_on_the_map_logs_a_decline_and_sees_the_map_change(
    browser_page, california_with_requests
):
    page = browser_page
    request = california_with_requests
    sign_in(page, "reporter")
    county_paths = page.locator(".county-map path[data-fips]")
    assert county_paths.count() == 58
    assert all(
        fips.startswith("06")
        for fips in county_paths.evaluate_all("paths => paths.map(p => p.dataset.fips)")
    )
    los_angeles = page.locator('.county-map path[data-fips="06037"]')
    assert los_angeles.get_attribute("fill") == county_maps.FILLS["awaiting"]
    awaiting, declined = legend_count(page, "awaiting"), legend_count(page, "declined")
    assert (awaiting, declined) == (2, 0)

    point = page.evaluate(POINT_IN_COUNTY, "06037")
    assert point, "no visible point of Los Angeles County on the map"
    page.mouse.click(*point)
    page.wait_for_url("**/counties/06037/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Los Angeles County")

    page.get_by_role("link", name="Issued 2025-07-17").click()
    page.wait_for_url(f"**/requests/{request.pk}/")
    form = page.locator("#log-response")
    form.get_by_label("What the county did").select_option("declined")
    form.get_by_label("Received on").fill("2025-08-01")
    form.get_by_label("Legal basis cited").fill("SB 54")
    form.get_by_role("button", name="Log response").click()
    page.wait_for_url(f"**/requests/{request.pk}/#response-*")

    page.goto("/")
    los_angeles = page.locator('.county-map path[data-fips="06037"]')
    assert los_angeles.get_attribute("fill") == county_maps.FILLS["declined"]
    assert los_angeles.get_attribute("data-category") == "declined"
    assert (legend_count(page, "awaiting"), legend_count(page, "declined")) == (1, 1)
    title = page.locator('.county-map a[href="/counties/06037/"] > title').text_content()
    assert title.startswith("Los Angeles County, CA: Declined")

    page.set_viewport_size(PHONE)
    page.goto("/")
    assert page.locator(".county-map path[data-fips]").count() == 58
    assert has_no_horizontal_scroll(page), "the dashboard scrolls sideways at 375 px"


def test_the_map_and_campaign_pages_fit_a_phone_and_the_map_is_reachable_by_keyboard(
    browser_page, transactional_db
):
    call_command("load_demo", stdout=io.StringIO())
    UserFactory(username="reporter", role="journalist")
    campaign = Campaign.objects.get()
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, "reporter", "/map/CA/")
    assert has_no_horizontal_scroll(page), "/map/CA/ scrolls sideways at 375 px"
    page.goto(f"/campaigns/{campaign.pk}/")
    assert has_no_horizontal_scroll(page), "the campaign page scrolls sideways at 375 px"

    page.goto("/map/CA/")
    page.locator('.county-map a[href="/counties/06037/"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/counties/06037/")
