"""In Chromium, the Content-Security-Policy blocks nothing the pages need: the journalists' pages,
the admin and the Swagger UI (which calls the API from the page) work with no violation."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.pages import sign_in
from tests.factories import CountyFactory, UserFactory, make_request

pytestmark = [pytest.mark.browser]


@pytest.fixture
def desk(transactional_db):
    UserFactory(username="deskeditor", role="editor", is_staff=True)
    county = CountyFactory(name="San Diego County", fips="06073")
    return make_request(county=county, issued_on=dt.date(2025, 7, 17))


def test_pages_admin_and_api_docs_run_under_the_policy(browser_page, desk, settings):
    settings.WHITENOISE_USE_FINDERS = True
    page = browser_page
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{page.url}: {message.text}"))

    sign_in(page, "deskeditor")

    for path in [
        "/",
        "/requests/",
        f"/requests/{desk.pk}/",
        "/counties/",
        "/counties/06073/",
        "/admin/",
        "/admin/requests_tracker/datarequest/",
        f"/admin/requests_tracker/datarequest/{desk.pk}/change/",
    ]:
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert "Content-Security-Policy" in {name.title() for name in response.headers}, path
        page.wait_for_load_state("networkidle")

    # The admin's own scripts run: the date widget adds its calendar link.
    assert page.locator(".datetimeshortcuts").count() > 0

    page.goto("/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 40
    counties = page.locator(".opblock-get", has_text="/api/v1/counties/").first
    counties.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"

    violations = [text for text in messages if "Content Security Policy" in text]
    assert violations == []
