"""An editor files the same subpoena against every overdue county of a campaign in one action:
from the campaign page, a dry run lists each county (one refused, with the reason: its letter
went out after the subpoena's date), confirming files the rest, each request's timeline shows its
subpoena and the activity one bulk action."""

from __future__ import annotations

import datetime as dt

import pytest

from requests_tracker import services
from requests_tracker.models import Activity, Escalation
from tests.browser.pages import sign_in
from tests.factories import CountyFactory, UserFactory, letters_of_july_17, make_request

pytestmark = [pytest.mark.browser]


@pytest.fixture
def overdue_campaign(transactional_db):
    editor = UserFactory(username="desk-editor", role="editor")
    counties = [
        CountyFactory(name=f"{name} County", fips=fips)
        for name, fips in [("Los Angeles", "06037"), ("Riverside", "06065"), ("Fresno", "06019")]
    ]
    campaign = letters_of_july_17("July 2025 letters", counties)
    # Kern County's letter went out later, on September 3: a subpoena of September 1 cannot
    # escalate it.
    make_request(
        county=CountyFactory(name="Kern County", fips="06029"),
        campaign=campaign,
        issued_on=dt.date(2025, 9, 3),
        actor=editor,
    )
    services.flag_overdue(today=dt.date(2025, 11, 1))
    return campaign


def test_an_editor_files_a_subpoena_against_every_overdue_county_at_once(
    browser_page, overdue_campaign, tmp_path
):
    page = browser_page
    sign_in(page, "desk-editor", overdue_campaign.get_absolute_url())
    page.get_by_role("link", name="Act on many of its requests at once").click()
    page.get_by_label("Action").select_option("file_escalation")
    page.get_by_label("Requests to act on").select_option("overdue")
    page.get_by_label("Escalation").select_option("administrative_subpoena")
    page.get_by_label("Issued on").fill("2025-09-01")
    page.get_by_role("button", name="Show what would happen").click()

    preview = page.locator("#preview")
    assert "3 to do, 1 refused" in preview.locator("h2").inner_text()
    refused = preview.locator("tr.bulk-row--refused")
    assert refused.count() == 1
    assert "Kern County" in refused.inner_text()
    assert "cannot come before the request it escalates (2025-09-03)" in refused.inner_text()
    assert not Escalation.objects.exists()  # the dry run wrote nothing
    page.screenshot(path=tmp_path / "dry-run.png", full_page=True)

    page.get_by_role("button", name="Confirm: do it for 3 requests").click()
    page.wait_for_url(f"**{overdue_campaign.get_absolute_url()}")
    assert "done on 3 request(s); 1 refused: Kern County" in page.inner_text("main")
    for fips in ("06037", "06065", "06019"):
        data_request = overdue_campaign.requests.get(county__fips=fips)
        page.goto(data_request.get_absolute_url())
        assert "administrative subpoena (2025-09-01)" in page.locator("#timeline").inner_text()
    assert Activity.objects.filter(verb="bulk_action").count() == 1
