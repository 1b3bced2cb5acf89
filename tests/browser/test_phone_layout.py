"""Every journalists' page fits a 375 px phone without sideways scrolling, with the demo data and
with a 50,000-character word in a summary."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from requests_tracker.models import Campaign, DataRequest, Response
from tests.browser.pages import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]

PHONE_WIDTH = 375


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo")
    UserFactory(username="reporter", role="journalist")
    los_angeles = DataRequest.objects.get(county__fips="06037")
    return los_angeles


def journalist_pages(los_angeles: DataRequest) -> list[str]:
    campaign = Campaign.objects.get()
    return [
        "/",
        "/counties/",
        f"/counties/{los_angeles.county.fips}/",
        "/requests/",
        los_angeles.get_absolute_url(),
        campaign.get_absolute_url(),
        "/search/?q=Los+Angeles",
        "/search/?q=county&in=responses",
        "/watches/",
    ]


def page_widths(page, paths: list[str]) -> dict[str, int]:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    sign_in(page, "reporter")
    widths = {}
    for path in paths:
        page.goto(path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    return widths


def test_every_page_fits_a_phone_with_the_demo_data(browser_page, demo):
    widths = page_widths(browser_page, journalist_pages(demo))
    assert widths == dict.fromkeys(widths, PHONE_WIDTH)


def test_a_50000_character_word_wraps_instead_of_widening_the_page(browser_page, demo):
    word = "x" * 50_000
    # Written past the services (which cap text length today) as an old record could hold it.
    DataRequest.objects.filter(pk=demo.pk).update(summary=word)
    Campaign.objects.update(summary=word)
    Response.objects.filter(request=demo).update(quotation=word)
    widths = page_widths(browser_page, journalist_pages(demo))
    assert widths == dict.fromkeys(widths, PHONE_WIDTH)
