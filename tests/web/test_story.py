"""The story at first sight: the dashboard leads with the latest campaigns (what DOJ demanded,
from whom, by when, how the counties answered), /campaigns/ lists every campaign from the menu,
events read in the order they happened, and an overdue flag undone by a back-dated answer is
shown as superseded."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from requests_tracker import services
from tests.factories import AgencyFactory, CountyFactory, letters_of_july_17, make_request
from tests.web.conftest import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_campaigns(editor):
    counties = [
        CountyFactory(name="Los Angeles County", fips="06037"),
        CountyFactory(name="San Francisco County", fips="06075"),
        CountyFactory(name="Riverside County", fips="06065"),
    ]
    july = letters_of_july_17("Jail rosters of non-citizens", counties)
    august = services.issue_campaign(
        title="Demand letters to sanctuary jurisdictions",
        issuing_agency=AgencyFactory(),
        issued_on=dt.date(2025, 8, 13),
        due_on=dt.date(2025, 8, 19),
        due_basis="stated",
        due_rule="Reply by August 19, 2025",
        counties=counties[1:],
        data_sought=["noncitizen_roster"],
        actor=editor,
        today=dt.date(2025, 8, 14),
    )
    la = july.requests.get(county__fips="06037")
    services.log_response(
        data_request=la,
        kind="declined",
        received_on=dt.date(2025, 7, 30),
        today=dt.date(2025, 8, 1),
    )
    return july, august


def test_the_dashboard_leads_with_the_newest_campaign_and_how_the_counties_answered(
    two_campaigns, viewer_browser
):
    july, august = two_campaigns
    page = page_of(viewer_browser.get("/"))
    first = page.find("article", class_="headline")
    assert first.find("a").get_text() == august.title, "the newest letter first"
    text = page.find(id="story-heading").find_parent("section").get_text(" ", strip=True)
    assert "due August 19, 2025" in text
    july_card = page.find("a", string=july.title).find_parent("article").get_text(" ", strip=True)
    assert "1 of 3 answered" in july_card and "1 declined" in july_card
    # The story comes before the tiles and the map.
    html = str(page)
    assert html.index("story-heading") < html.index("counts-heading") < html.index("map-heading")


def test_a_pinned_campaign_leads_whatever_its_date(two_campaigns, editor, viewer_browser):
    july, _ = two_campaigns
    services.update_campaign(campaign=july, actor=editor, pinned=True)
    first = page_of(viewer_browser.get("/")).find("article", class_="headline")
    assert july.title in first.get_text()


def test_status_tiles_show_only_the_statuses_some_request_has(two_campaigns, viewer_browser):
    tiles = page_of(viewer_browser.get("/")).find(id="counts-heading").find_parent("section")
    labels = tiles.get_text(" ", strip=True)
    assert "Declined" in labels and "Complied" not in labels and "Escalated" not in labels


def test_campaigns_are_listed_from_the_menu_with_their_counts(two_campaigns, viewer_browser):
    july, august = two_campaigns
    home = page_of(viewer_browser.get("/"))
    assert home.find("nav").find("a", href="/campaigns/").get_text() == "Campaigns"
    listing = page_of(viewer_browser.get("/campaigns/"))
    rows = listing.find("table", class_="campaigns").find("tbody").find_all("tr")
    assert [row.find("a").get_text() for row in rows] == [august.title, july.title]
    july_row = rows[1].find_all("td")
    assert [cell.get_text(strip=True) for cell in july_row[3:5]] == ["3", "2"]
    searched = page_of(viewer_browser.get("/campaigns/", {"q": "rosters"}))
    assert [a.get_text() for a in searched.select("table.campaigns tbody a")] == [july.title]
    by_title = page_of(viewer_browser.get("/campaigns/", {"sort": "title", "order": "asc"}))
    assert [row.find("a").get_text() for row in by_title.select("table.campaigns tbody tr")] == [
        august.title,
        july.title,
    ]


def kern_answered_on_2026_01_05() -> None:
    """Kern County's July letter, and two answers of August and December both logged on
    2026-01-05: each belongs where it happened, not where it was logged."""
    county = CountyFactory(name="Kern County", fips="06029")
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)):
        data_request = make_request(county=county, issued_on=dt.date(2025, 7, 17))
        for kind, received_on in (("acknowledged", (2025, 8, 2)), ("declined", (2025, 12, 1))):
            services.log_response(
                data_request=data_request, kind=kind, received_on=dt.date(*received_on)
            )


def test_recent_activity_on_the_dashboard_is_in_the_order_things_happened(viewer_browser):
    kern_answered_on_2026_01_05()
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)):
        page = page_of(viewer_browser.get("/"))
    dates = [
        time.get_text()
        for time in page.find(id="activity-heading")
        .find_parent("section")
        .select(".timeline__date")
    ]
    assert dates == sorted(dates, reverse=True)


def test_the_dashboards_latest_events_are_those_recorded_last_in_the_order_they_happened(
    viewer_browser, monkeypatch
):
    from requests_tracker.selectors import activity

    kern_answered_on_2026_01_05()
    # Only the events recorded last are ordered: the two answers, not the letter before them.
    monkeypatch.setattr(activity, "LATEST_EVENTS_WINDOW", 2)
    page = page_of(viewer_browser.get("/"))
    section = page.find(id="activity-heading").find_parent("section")
    dates = [time.get_text() for time in section.select(".timeline__date")]
    assert dates and dates == sorted(dates, reverse=True)
    assert not any("2025-07-17" in date for date in dates), dates


def test_an_overdue_flag_undone_by_a_back_dated_answer_reads_as_superseded(viewer_browser):
    county = CountyFactory(name="Kern County", fips="06029")
    data_request = make_request(county=county, issued_on=dt.date(2025, 7, 17))  # due 08-16
    services.flag_overdue(today=dt.date(2025, 8, 20))
    # The county's answer of 2025-08-14 (before the deadline) is logged on the 20th.
    services.log_response(
        data_request=data_request,
        kind="declined",
        received_on=dt.date(2025, 8, 14),
        today=dt.date(2025, 8, 20),
    )
    page = page_of(viewer_browser.get(data_request.get_absolute_url()))
    flag = page.find("li", class_="is-superseded")
    assert flag is not None and "overdue since 2025-08-17" in flag.get_text()
    assert "Superseded" in flag.get_text() and "2025-08-14" in flag.get_text()


def test_a_source_page_lists_the_response_that_cites_it_with_a_link(
    data_request, journalist, viewer_browser
):
    letter = services.add_source(
        title="County counsel's reply", url="https://county.example/reply.pdf", actor=journalist
    )
    response = services.log_response(
        data_request=data_request,
        kind="declined",
        received_on=dt.date(2025, 8, 1),
        sources=[letter],
        actor=journalist,
        today=dt.date(2025, 8, 2),
    )
    page = page_of(viewer_browser.get(letter.get_absolute_url()))
    cited = page.find(id="citing-heading").find_parent("section")
    link = cited.find("a", href=f"{data_request.get_absolute_url()}#response-{response.pk}")
    assert link is not None and "declined" in link.get_text()
    assert "Response" in cited.get_text()
