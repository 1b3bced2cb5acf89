"""The story's facts on the pages a reader opens, in a real browser on the demo data: Los
Angeles County's page shows its policy timeline, a chart per defined metric and the suit against
the City of Los Angeles with its parties; Robert Luna's page shows his office; both fit a phone.
Screenshots go to var/screenshots/ for a person to look at."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.browser.pages import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo")
    UserFactory(username="reader", role="viewer")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_countys_page_tells_its_policies_figures_and_court_fights(browser_page, demo, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "reader")
    page.goto("/counties/06037/")
    timeline = page.locator("#policies")
    assert "Transfers to ICE resume, on federal judicial warrants only" in timeline.inner_text()
    assert "2025-05-01" in timeline.inner_text()
    charts = page.locator("section:has(#figures-heading) svg.chart")
    titles = charts.evaluate_all("svgs => svgs.map(svg => svg.getAttribute('aria-label'))")
    assert "ICE detainer requests received, as reported" in titles
    assert "Transfers to ICE on federal judicial warrants, as reported" in titles
    cases = page.locator("section:has(#cases-heading)").inner_text()
    assert "United States v. City of Los Angeles" in cases
    assert "City of Los Angeles (defendant)" in cases
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shots = settings.VAR_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shots / f"county-story-{width}.png", full_page=True)

    page.get_by_role("link", name="Sheriff Robert G. Luna").first.click()
    page.wait_for_url("**/people/robert-g-luna/")
    assert "Sheriff, Los Angeles County" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
