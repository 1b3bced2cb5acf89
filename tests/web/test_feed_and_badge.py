"""The Atom feed and the embeddable badge: well-formed, escaped, and only for those who may read."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
import time_machine

from requests_tracker import services
from tests.factories import CountyFactory, make_request
from tests.web.conftest import INTERNAL_NOTE

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SVG = "{http://www.w3.org/2000/svg}"
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def test_the_activity_feed_is_atom_newest_first_without_notes_or_names(
    answered, viewer_browser, journalist
):
    response = viewer_browser.get("/feeds/activity.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "DOJ Request Tracker: activity"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) >= 3
    updated = [entry.find(f"{ATOM}updated").text for entry in entries]
    assert updated == sorted(updated, reverse=True)
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == len(ids), "every event is its own entry"
    first_link = entries[0].find(f"{ATOM}link").get("href")
    assert f"/requests/{answered.request.pk}/#activity-" in first_link
    text = response.content.decode()
    assert INTERNAL_NOTE not in text
    assert journalist.username not in text


def test_the_feed_is_403_for_anonymous_readers_of_a_closed_tracker(
    answered, anonymous_browser, settings
):
    settings.TRACKER_PUBLIC = False
    assert anonymous_browser.get("/feeds/activity.atom").status_code == 403
    settings.TRACKER_PUBLIC = True
    assert anonymous_browser.get("/feeds/activity.atom").status_code == 200


def badge_text(response) -> tuple[ET.Element, list[str]]:
    svg = ET.fromstring(response.content)
    return svg, [text.text for text in svg.iter(f"{SVG}text")]


def test_the_badge_is_svg_with_every_text_escaped(db, anonymous_browser, settings):
    settings.TRACKER_PUBLIC = True
    county = CountyFactory(name='<script>alert("x")</script> & Sons', fips="06999")
    request = make_request(county=county, issued_on=dt.date(2025, 7, 17))
    services.log_response(data_request=request, kind="declined", received_on=dt.date(2025, 8, 1))
    response = anonymous_browser.get("/badges/06999.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert b"<script" not in response.content
    svg, texts = badge_text(response)
    assert svg.tag == f"{SVG}svg"
    assert texts == ["DOJ request", "declined"]
    assert svg.find(f"{SVG}title").text.startswith('<script>alert("x")</script> & Sons, CA')
    assert "max-age=300" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


def test_the_badge_counts_the_days_a_request_is_overdue(county, anonymous_browser, settings):
    settings.TRACKER_PUBLIC = True
    make_request(county=county, issued_on=dt.date(2025, 7, 17))  # due 2025-08-16
    services.flag_overdue(today=dt.date(2025, 8, 20))
    # Overdue since 2025-08-17: 2025-09-15 in Los Angeles is its 30th day, even at 11:30 p.m.,
    # when it is already the 16th in UTC.
    with time_machine.travel(dt.datetime(2025, 9, 15, 23, 30, tzinfo=LOS_ANGELES), tick=False):
        _, texts = badge_text(anonymous_browser.get(f"/badges/{county.fips}.svg"))
    assert texts == ["DOJ request", "overdue 30 days"]


def test_a_county_without_a_request_has_a_badge_saying_so(county, anonymous_browser, settings):
    settings.TRACKER_PUBLIC = True
    _, texts = badge_text(anonymous_browser.get(f"/badges/{county.fips}.svg"))
    assert texts == ["DOJ request", "none on file"]


def test_a_closed_tracker_answers_anonymous_badge_requests_404_but_serves_the_newsroom(
    data_request, anonymous_browser, viewer_browser, settings
):
    settings.TRACKER_PUBLIC = False
    fips = data_request.county.fips
    assert anonymous_browser.get(f"/badges/{fips}.svg").status_code == 404
    response = viewer_browser.get(f"/badges/{fips}.svg")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert anonymous_browser.get("/badges/00000.svg").status_code == 404
