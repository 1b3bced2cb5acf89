"""A journalist follows Los Angeles County from its page: it is on My watches, the next digest
reports the county's answer, and the private feed carries it (a wrong token gets 404)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from requests_tracker import services
from requests_tracker.models import DataRequest, Watch
from tests.browser.pages import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo")
    return UserFactory(username="reporter", role="journalist", email="reporter@news.example")


def test_watch_a_county_get_its_digest_and_its_private_feed(browser_page, demo, settings):
    sign_in(browser_page, "reporter", "/counties/06037/", via_login_page=True)
    watch_los_angeles_then_read_its_digest_and_feed(browser_page, demo, settings)


def watch_los_angeles_then_read_its_digest_and_feed(page, demo, settings) -> None:
    """From Los Angeles County's page, signed in as `demo`: watch it (daily email), find it on
    My watches, get the digest of the county's next answer, and read that answer in the
    private feed (a wrong token gets 404). The second half of the daily-work test too."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page.get_by_label("Email me").select_option("daily")
    page.get_by_role("button", name="Watch").click()
    page.wait_for_url("**/counties/06037/")
    assert "You are watching Los Angeles County, CA" in page.inner_text("main")
    assert page.get_by_role("button", name="Stop watching").is_visible()

    page.get_by_role("link", name="My watches").first.click()
    page.wait_for_url("**/watches/")
    row = page.locator("table.data tbody tr").first
    assert row.get_by_role("link").inner_text() == "Los Angeles County, CA"
    feed_path = page.locator("#watches-feed").get_attribute("href")
    assert Watch.objects.get(user=demo).frequency == Watch.Frequency.DAILY

    los_angeles = DataRequest.objects.get(county__fips="06037")
    services.log_response(
        data_request=los_angeles,
        kind="declined",
        received_on=dt.date(2025, 9, 2),
        official="County Counsel",
        summary="The county declined, citing SB 54.",
    )
    mail.outbox.clear()
    # The daily run, a little later (digests leave events younger than a minute for next time).
    result = services.send_digests(
        frequency=Watch.Frequency.DAILY, now=timezone.now() + dt.timedelta(minutes=5)
    )
    assert result.emails_sent == 1
    [message] = mail.outbox
    assert message.to == ["reporter@news.example"]
    assert "Los Angeles County, CA: declined (2025-09-02)" in message.body

    reader = Client()  # a feed reader: no session, only the address
    answer = reader.get(feed_path)
    assert answer.status_code == 200
    feed = ET.fromstring(answer.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert "2025-09-02: Los Angeles County, CA: declined (2025-09-02)" in titles
    assert all("San Francisco" not in title for title in titles), "only what is watched"

    token = feed_path.split("/")[3]
    wrong = feed_path.replace(token, f"{demo.pk}.{'0' * 40}")
    assert reader.get(wrong).status_code == 404
