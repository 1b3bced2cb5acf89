"""What the pages show: counts, overdue days, filters, sources (or "unsourced"), escaping."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from requests_tracker import services
from tests.factories import (
    AgencyFactory,
    CountyFactory,
    SourceFactory,
    make_request,
    record_detainer_figure,
)
from tests.web.conftest import fact, page_of, row_linking_to, shown

pytestmark = pytest.mark.django_db

# 11:30 p.m. in Los Angeles on 2025-09-15 (already the 16th in UTC): the July requests (due
# 2025-08-16, overdue since 2025-08-17) are 30 days late.
SEPT_15 = dt.datetime(2025, 9, 15, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))


@pytest.fixture
def california(journalist):
    """Three requests of a July 2025 campaign, one answered, and one Illinois request."""
    doj = AgencyFactory()
    la = CountyFactory(name="Los Angeles County", fips="06037")
    sf = CountyFactory(name="San Francisco County", fips="06075")
    riverside = CountyFactory(name="Riverside County", fips="06065")
    cook = CountyFactory(name="Cook County", state="IL", fips="17031")
    campaign = services.issue_campaign(
        title="July 2025 letters to California sheriffs",
        issuing_agency=doj,
        issued_on=dt.date(2025, 7, 17),
        counties=[la, sf, riverside],
        due_basis="calendar_days",
        due_days=30,
        data_sought=["noncitizen_roster", "charges", "release_dates"],
        legal_authority="8 U.S.C. 1373",
        actor=journalist,
        today=dt.date(2025, 7, 18),
    )
    services.log_response(
        data_request=campaign.requests.get(county=sf),
        kind="declined",
        received_on=dt.date(2025, 7, 25),
        sources=[SourceFactory(title="SF says no")],
        actor=journalist,
    )
    make_request(county=cook, issued_on=dt.date(2025, 9, 1), summary="Grand-jury subpoena")
    services.flag_overdue(today=dt.date(2025, 9, 15))
    return campaign


def test_the_dashboard_counts_requests_lists_the_overdue_and_the_counties(
    california, viewer_browser
):
    with time_machine.travel(SEPT_15, tick=False):
        response = viewer_browser.get("/")
    html = response.content.decode()
    totals = shown(response, "totals")
    assert (totals.total, totals.overdue) == (4, 2)
    assert totals.by_status["declined"] == 1
    overdue = shown(response, "overdue")
    assert [row.county.name for row in overdue] == ["Los Angeles County", "Riverside County"]
    assert overdue[0].days_overdue == 30
    assert "Counties with requests" in html
    assert "<caption>IL</caption>" in html and "<caption>CA</caption>" in html
    assert "Recent activity" in html


def test_the_request_list_filters_by_state_status_overdue_campaign_and_words(
    california, viewer_browser
):
    def names(query: str) -> list[str]:
        response = viewer_browser.get(f"/requests/?{query}")
        assert response.status_code == 200
        return sorted(row.county.name for row in response.context["page"].object_list)

    assert len(names("")) == 4
    assert names("state=IL") == ["Cook County"]
    assert names("status=declined") == ["San Francisco County"]
    assert names("overdue=on") == ["Los Angeles County", "Riverside County"]
    assert names(f"campaign={california.pk}") == [
        "Los Angeles County",
        "Riverside County",
        "San Francisco County",
    ]
    assert names("county=06065") == ["Riverside County"]
    assert names("q=grand-jury") == ["Cook County"]
    assert names("q=riverside") == ["Riverside County"]


def test_an_unreadable_filter_is_shown_as_an_error_and_the_others_still_apply(
    california, viewer_browser
):
    response = viewer_browser.get("/requests/?status=bogus&state=IL")
    assert "Select a valid choice" in response.content.decode()
    assert [row.county.name for row in response.context["page"].object_list] == ["Cook County"]


def test_the_request_list_is_paginated(db, viewer_browser):
    county = CountyFactory()
    for day in range(1, 53):
        make_request(county=county, issued_on=dt.date(2025, 1, 1) + dt.timedelta(days=day))
    first = viewer_browser.get("/requests/")
    assert len(first.context["page"].object_list) == 50
    next_link = page_of(first).select_one(".pagination a[rel=next]")["href"]
    assert next_link.startswith("?cursor=")
    second = viewer_browser.get(f"/requests/{next_link}")
    assert len(second.context["page"].object_list) == 2


def test_the_county_list_filters_by_state_with_counts_by_status(california, viewer_browser):
    response = viewer_browser.get("/counties/?state=CA&with_requests=on")
    rows = list(response.context["page"])
    assert [c.name for c in rows] == [
        "Los Angeles County",
        "Riverside County",
        "San Francisco County",
    ]
    sf = rows[2]
    assert (sf.requests_total, sf.requests_open, sf.requests_overdue) == (1, 0, 0)
    assert ("declined", "Declined", 1) in sf.status_rows
    la = rows[0]
    assert (la.requests_open, la.requests_overdue) == (1, 1)


def test_a_county_page_shows_its_requests_figures_with_sources_and_activity(
    california, viewer_browser, journalist
):
    la = california.requests.get(county__fips="06037").county
    source = SourceFactory(title="LASD report to the board")
    record_detainer_figure(county=la, source=source, actor=journalist)
    la_request = california.requests.get(county__fips="06037")
    with time_machine.travel(SEPT_15, tick=False):
        response = viewer_browser.get("/counties/06037/")
    html = response.content.decode()
    assert "ICE detainer requests received" in html
    assert ">995<" in html
    figure = page_of(response).find("td", string="ICE detainer requests received").find_parent("tr")
    assert figure.find("a", string="LASD report to the board") is not None
    assert figure.select(".unsourced") == []
    row = row_linking_to(page_of(response), f"/requests/{la_request.pk}/")
    assert row.select_one(".pill--overdue").get_text() == "overdue 30 days"
    assert viewer_browser.get("/counties/99999/").status_code == 404


def test_a_request_page_shows_the_deadline_rule_and_marks_unsourced_facts(
    california, viewer_browser
):
    la_request = california.requests.get(county__fips="06037")
    response = viewer_browser.get(f"/requests/{la_request.pk}/")
    html = response.content.decode()
    assert "30 calendar days from 2025-07-17" in html
    assert "2025-08-16" in html
    assert "Non-citizen roster" in html
    assert "8 U.S.C. 1373" in html
    # No source backs the LA request itself: its Sources fact says so, beside the fact.
    assert fact(page_of(response), "Sources").select_one(".unsourced").get_text() == "unsourced"
    sf_request = california.requests.get(county__fips="06075")
    sf_response = sf_request.responses.get()
    sf_page = viewer_browser.get(f"/requests/{sf_request.pk}/")
    sf_html = sf_page.content.decode()
    answer = page_of(sf_page).find(id=f"response-{sf_response.pk}")
    assert fact(answer, "Sources").find("a", string="SF says no") is not None
    assert answer.select(".unsourced") == [], "a sourced answer is not marked unsourced"
    assert 'class="pill pill--declined">Declined<' in sf_html


def test_the_campaign_page_lists_each_county_with_its_status(california, viewer_browser):
    response = viewer_browser.get(f"/campaigns/{california.pk}/")
    html = response.content.decode()
    assert "July 2025 letters to California sheriffs" in html
    for name in ("Los Angeles County", "Riverside County", "San Francisco County"):
        assert name in html
    assert "Declined" in html
    assert viewer_browser.get("/campaigns/999999/").status_code == 404


def test_text_typed_by_users_is_escaped(db, viewer_browser):
    county = CountyFactory(name="<b>Bold</b> County")
    request = make_request(county=county, summary='<script>alert("x")</script>')
    html = viewer_browser.get(f"/requests/{request.pk}/").content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<b>Bold</b>" not in html
    # The dashboard's county table, written in Python (templatetags/tracker_counts.py).
    dashboard = viewer_browser.get("/").content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; County</a>" in dashboard
    assert "<b>Bold</b>" not in dashboard
