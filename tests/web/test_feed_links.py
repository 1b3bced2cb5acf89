"""Each Atom entry links to the page of what its event is about (Activity.get_absolute_url),
with the event's own fragment."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from requests_tracker import services
from requests_tracker.models import Activity, ActivityVerb
from tests.factories import AgencyFactory, CountyFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entry_links(client) -> dict[str, str]:
    """{event summary: its entry's link} (an entry's title is "<day it happened>: <summary>")"""
    feed = ET.fromstring(client.get("/feeds/activity.atom").content)
    return {
        entry.find(f"{ATOM}title").text.split(": ", 1)[1]: entry.find(f"{ATOM}link").get("href")
        for entry in feed.findall(f"{ATOM}entry")
    }


def test_feed_entries_link_to_the_campaign_the_county_or_the_dashboard(viewer_browser):
    campaign = services.issue_campaign(
        title="July 2025 letters",
        issuing_agency=AgencyFactory(),
        issued_on=dt.date(2025, 7, 17),
        counties=[CountyFactory(fips="06037")],
        due_basis="calendar_days",
        due_days=30,
        data_sought=["charges"],
        today=dt.date(2025, 7, 18),
    )
    issued = Activity.objects.get(verb=ActivityVerb.CAMPAIGN_ISSUED)
    county = CountyFactory(name="Fresno County", fips="06019")
    about_county = Activity.objects.create(
        verb=ActivityVerb.REQUEST_UPDATED, county=county, summary="Fresno County noted."
    )
    about_nothing = Activity.objects.create(
        verb=ActivityVerb.REQUEST_UPDATED, summary="The tracker noted."
    )

    links = entry_links(viewer_browser)

    assert links[issued.summary].endswith(f"/campaigns/{campaign.pk}/#activity-{issued.pk}")
    assert links["Fresno County noted."].endswith(f"/counties/06019/#activity-{about_county.pk}")
    assert links["The tracker noted."].endswith(f"/#activity-{about_nothing.pk}")
    assert links["The tracker noted."].startswith("http")
