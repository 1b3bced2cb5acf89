"""A journalist reviews a county's e-mailed reply in the browser: the menu counts it, the inbox
lists it with its guess, the draft's page shows the words that led to the guess and a form filled
in from the message, and accepting it logs the response on the request's timeline, with the
message as its source. Before that, the request's status is untouched."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from requests_tracker.choices import RequestStatus
from requests_tracker.mail.addresses import reply_address
from requests_tracker.models import InboundMessage
from requests_tracker.services import mail
from tests.browser.pages import sign_in
from tests.factories import CountyFactory, UserFactory, make_request

pytestmark = [pytest.mark.browser]


@pytest.fixture
def draft(browser_page, imap_server, settings, media):
    settings.MAIL_IN_ADDRESS = "tracker@newsroom.example"
    box = imap_server.settings
    settings.MAIL_IN_IMAP_HOST, settings.MAIL_IN_IMAP_PORT = box.host, box.port
    settings.MAIL_IN_IMAP_USER, settings.MAIL_IN_IMAP_PASSWORD = box.user, box.password
    settings.MAIL_IN_IMAP_CA_FILE = box.ca_file
    county = CountyFactory(name="Los Angeles County", fips="06037", slug="los-angeles-county")
    data_request = make_request(county=county, issued_on=dt.date(2025, 7, 17))
    message = EmailMessage()
    message["From"] = "Records Unit <records@lasd.example>"
    message["To"] = reply_address("request", data_request.pk)
    message["Subject"] = "RE: DOJ request for inmate data"
    message["Date"] = format_datetime(dt.datetime(2025, 8, 14, 16, 5, tzinfo=dt.UTC))
    message["Message-ID"] = "<reply-1@lasd.example>"
    message.set_content(
        "The Department declines to provide the list. SB 54 prohibits it.\n"
        "<script>alert('x')</script>"
    )
    imap_server.deliver(message.as_bytes())
    mail.fetch_mail()
    UserFactory(username="reporter", role="journalist")
    return data_request


def test_a_journalist_reviews_and_accepts_a_draft(browser_page, draft, tmp_path):
    page = browser_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, "reporter", f"/requests/{draft.pk}/")
    assert reply_address("request", draft.pk) in page.locator("#reply-address").inner_text()
    page.get_by_role("link", name="Inbox (1)").click()
    page.wait_for_url("**/inbox/")
    row = page.locator("table.data tbody tr").first
    assert "Declined" in row.inner_text()
    row.get_by_role("link", name="RE: DOJ request for inmate data").click()
    page.wait_for_url("**/inbox/*/")
    facts = page.locator("dl.facts").inner_text()
    assert "“declines”" in facts and "“SB 54”" in facts
    assert "<script>alert('x')</script>" in page.locator(".mail-text").first.inner_text()
    assert page.get_by_label("What the county did").input_value() == "declined"
    assert page.get_by_label("Received on").input_value() == "2025-08-14"
    page.screenshot(path=tmp_path / "draft-1280.png", full_page=True)
    draft.refresh_from_db()
    assert draft.status == RequestStatus.AWAITING

    page.get_by_role("button", name="Accept and log the response").click()
    page.wait_for_url(f"**/requests/{draft.pk}/#response-*")
    assert "Response logged (declined)" in page.inner_text("main")
    timeline = page.locator("#timeline").inner_text()
    assert "declined" in timeline.lower()
    response = draft.responses.get()
    message = InboundMessage.objects.get()
    assert message.document in response.sources.all()
    assert not dialogs  # nothing in the message ran
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/inbox/{message.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=tmp_path / "accepted-375.png", full_page=True)
