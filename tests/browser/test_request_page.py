"""A journalist at work in a real browser: log in, open a request, log the county's answer."""

from __future__ import annotations

import datetime as dt

import pytest

from requests_tracker.models import RequestStatus
from tests.browser.pages import sign_in
from tests.factories import CountyFactory, UserFactory, make_request

pytestmark = [pytest.mark.browser]


@pytest.fixture
def request_to_san_francisco(transactional_db):
    UserFactory(username="reporter", role="journalist")
    county = CountyFactory(name="San Francisco County", fips="06075")
    return make_request(county=county, issued_on=dt.date(2025, 7, 17))


def test_a_journalist_logs_a_declined_response_and_sees_the_status_change(
    browser_page, request_to_san_francisco
):
    page = browser_page
    request = request_to_san_francisco
    sign_in(page, "reporter", f"/requests/{request.pk}/")
    assert page.locator("#status .pill").first.inner_text() == "Awaiting response"

    form = page.locator("#log-response")
    form.get_by_label("What the county did").select_option("declined")
    form.get_by_label("Received on").fill("2025-08-01")
    form.get_by_label("Legal basis cited").fill("SB 54")
    form.get_by_label("Quotation").fill("Local law enforcement does not participate.")
    form.get_by_label("Source address (URL)").fill("https://news.example/sf-declines")
    form.get_by_label("Source title").fill("San Francisco declines DOJ request")
    form.get_by_role("button", name="Log response").click()

    page.wait_for_url(f"**/requests/{request.pk}/#response-*")
    assert page.get_by_role("status").inner_text().startswith("Response logged (declined)")
    assert page.locator("#status .pill").first.inner_text() == "Declined"
    timeline = page.locator("#timeline")
    assert "Response logged" in timeline.inner_text()
    assert "status changed from awaiting response to declined" in timeline.inner_text()
    assert page.get_by_role("link", name="San Francisco declines DOJ request").count() >= 1
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED


def test_a_response_dated_before_the_request_shows_its_error_next_to_the_date(
    browser_page, request_to_san_francisco
):
    page = browser_page
    request = request_to_san_francisco
    sign_in(page, "reporter", f"/requests/{request.pk}/")

    form = page.locator("#log-response")
    form.get_by_label("What the county did").select_option("declined")
    form.get_by_label("Received on").fill("2025-07-01")
    form.get_by_role("button", name="Log response").click()

    page.wait_for_load_state()
    date_field = page.locator("#id_response-received_on")
    assert date_field.get_attribute("aria-invalid") == "true"
    error = page.locator("#id_response-received_on_error")
    assert "before the request was issued (2025-07-17)" in error.inner_text()
    # The message sits right after the field it is about, and the field points at it.
    described_by = date_field.get_attribute("aria-describedby").split()
    assert "id_response-received_on_error" in described_by
    assert page.locator(".field--invalid #id_response-received_on").count() == 1
    assert page.locator("#status .pill").first.inner_text() == "Awaiting response"
    assert not request.responses.exists()
