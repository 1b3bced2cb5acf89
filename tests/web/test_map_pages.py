"""The county map on the dashboard and at /map/<state>/, and its embeddable SVG: what a reader
sees for each county, the filters, who may fetch the embed, and what the pages cost in queries."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from requests_tracker import services
from requests_tracker.models import County
from requests_tracker.presentation import county_maps
from requests_tracker.web import views
from tests.factories import (
    AgencyFactory,
    CountyFactory,
    SourceFactory,
    letters_of_july_17,
    make_request,
)
from tests.queries import queries_for
from tests.web.conftest import shown

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def california(db):
    call_command("load_counties", stdout=io.StringIO())
    return {county.fips: county for county in County.objects.filter(state="CA")}


def county_paths(html: str) -> dict[str, dict[str, str]]:
    """Each county path on the page: FIPS → its attributes."""
    paths = {}
    for match in re.finditer(r"<path ([^>]*data-fips=\"(\d{5})\"[^>]*)/>", html):
        paths[match.group(2)] = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))
    return paths


def legend_counts(html: str) -> dict[str, int]:
    return {
        category: int(n)
        for category, n in re.findall(
            r'<li data-category="(\w+)"[^>]*>.*?<span class="map-legend__n">(\d+)</span>', html
        )
    }


def test_the_dashboard_map_fills_each_california_county_by_its_request(california, viewer_browser):
    los_angeles = make_request(county=california["06037"], issued_on=dt.date(2025, 7, 17))
    make_request(county=california["06075"], issued_on=dt.date(2025, 7, 17))
    services.flag_overdue(today=dt.date(2025, 9, 1))
    html = viewer_browser.get("/").content.decode()
    paths = county_paths(html)
    assert len(paths) == 58
    assert paths["06037"]["fill"] == county_maps.FILLS["awaiting"]
    assert paths["06037"]["data-overdue"] == "true"
    assert paths["06001"]["fill"] == county_maps.FILLS["none"]
    assert legend_counts(html) == {
        "none": 56,
        "awaiting": 2,
        "acknowledged": 0,
        "partial": 0,
        "complied": 0,
        "declined": 0,
        "escalated": 0,
        "closed": 0,
        "overdue": 2,
    }
    assert (
        '<a href="/counties/06037/"><title>Los Angeles County, CA: Awaiting response; overdue'
        in html
    )

    services.log_response(
        data_request=los_angeles, kind="declined", received_on=dt.date(2025, 8, 1)
    )
    html = viewer_browser.get("/").content.decode()
    assert county_paths(html)["06037"]["fill"] == county_maps.FILLS["declined"]
    assert county_paths(html)["06037"]["data-overdue"] == "false"
    counts = legend_counts(html)
    assert (counts["awaiting"], counts["declined"], counts["overdue"]) == (1, 1, 1)


def test_a_county_shows_its_newest_request_or_its_request_in_the_chosen_campaign(
    california, viewer_browser
):
    campaign = letters_of_july_17("July letters", [california["06037"]])
    services.log_response(
        data_request=campaign.requests.get(), kind="declined", received_on=dt.date(2025, 7, 20)
    )
    later = make_request(county=california["06037"], issued_on=dt.date(2025, 9, 1))
    services.file_escalation(
        data_request=later,
        kind="grand_jury_subpoena",
        issued_on=dt.date(2025, 9, 5),
        due_on=dt.date(2025, 10, 1),
    )
    every = county_paths(viewer_browser.get("/map/CA/").content.decode())
    assert every["06037"]["data-category"] == "escalated", "the newest request decides"
    scoped = viewer_browser.get(f"/map/CA/?campaign={campaign.pk}")
    html = scoped.content.decode()
    assert county_paths(html)["06037"]["data-category"] == "declined"
    assert f"/embed/campaigns/{campaign.pk}/map/CA.svg" in html
    assert "Grand-jury subpoena" in every_table_row(viewer_browser, "06037")


def every_table_row(client, fips: str) -> str:
    html = client.get("/map/CA/").content.decode()
    return re.search(rf'<tr data-fips="{fips}">(.*?)</tr>', html, re.S).group(1)


def test_the_status_filter_narrows_the_table_and_blanks_the_other_counties(
    california, viewer_browser
):
    make_request(county=california["06037"])
    declined = make_request(county=california["06075"])
    services.log_response(data_request=declined, kind="declined", received_on=dt.date(2025, 8, 1))
    response = viewer_browser.get("/map/CA/?status=declined")
    html = response.content.decode()
    rows = re.findall(r'<tr data-fips="(\d{5})">', html)
    assert rows == ["06075"]
    paths = county_paths(html)
    assert paths["06075"]["fill"] == county_maps.FILLS["declined"]
    assert paths["06037"]["fill"] == county_maps.MUTED_FILL
    assert 'class="is-selected"' in html


def test_unreadable_filters_are_reported_and_ignored(california, viewer_browser):
    response = viewer_browser.get("/map/CA/?status=bogus&campaign=999999")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be read and were ignored." in html
    assert len(re.findall(r'<tr data-fips="\d{5}">', html)) == 58


def test_the_state_switcher_offers_every_state_with_requests(california, viewer_browser):
    make_request(county=CountyFactory(name="Cook County", state="IL", fips="17031"))
    html = viewer_browser.get("/map/IL/").content.decode()
    assert '<a href="/map/IL/" aria-current="page">Illinois</a>' in html
    assert '<a href="/map/CA/">California</a>' in html
    assert 'data-fips="17031"' in html
    assert len(county_paths(html)) == 102, "every Illinois county is drawn, loaded or not"
    assert '<a href="/counties/17031/">' in html
    assert "/counties/17043/" not in html, "a county the tracker has not loaded has no link"


def test_map_addresses_redirect_404_and_ask_anonymous_readers_to_log_in(
    california, viewer_browser, client
):
    assert viewer_browser.get("/map/").url == "/map/CA/"
    assert viewer_browser.get("/map/ca/").url == "/map/CA/"
    assert viewer_browser.get("/map/ZZ/").status_code == 404
    assert viewer_browser.get("/map/PR/").status_code == 404, "us-atlas draws no territories"
    response = client.get("/map/CA/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_embed_is_public_cacheable_and_answers_304_to_its_etag(california, client, settings):
    settings.TRACKER_PUBLIC = True
    county = california["06037"]
    county.name = '<script>alert("x")</script>'
    county.save()
    make_request(county=county)
    response = client.get("/embed/map/CA.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    svg = ET.fromstring(response.content)
    assert b"<script>" not in response.content
    fips = [p.get("data-fips") for p in svg.iter(f"{SVG}path") if p.get("data-fips")]
    assert len(fips) == 58
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert "http://testserver/counties/06037/" in links
    tag = response["ETag"]
    again = client.get("/embed/map/CA.svg", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and not again.content
    services.log_response(
        data_request=county.requests.get(), kind="declined", received_on=dt.date(2025, 8, 1)
    )
    changed = client.get("/embed/map/CA.svg", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_a_closed_tracker_hides_the_embed_from_anonymous_readers_but_serves_the_newsroom(
    california, client, viewer_browser, settings
):
    settings.TRACKER_PUBLIC = False
    campaign = letters_of_july_17("Letters", [california["06037"]])
    assert client.get("/embed/map/CA.svg").status_code == 404
    assert client.get(f"/embed/campaigns/{campaign.pk}/map/CA.svg").status_code == 404
    response = viewer_browser.get(f"/embed/campaigns/{campaign.pk}/map/CA.svg")
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    texts = [t.text for t in ET.fromstring(response.content).iter(f"{SVG}text")]
    assert texts[1].startswith("Letters · as of ")
    assert "Awaiting response: 1" in texts
    assert viewer_browser.get("/embed/campaigns/999999/map/CA.svg").status_code == 404
    assert viewer_browser.get("/embed/map/ZZ.svg").status_code == 404


@pytest.mark.parametrize("public", [True, False])
def test_a_campaign_page_offers_each_state_map_to_embed(viewer_browser, settings, public):
    settings.TRACKER_PUBLIC = public
    campaign = letters_of_july_17(
        'Letters "A & B" <2025>',
        [CountyFactory(fips="06037", state="CA"), CountyFactory(fips="41051", state="OR")],
    )
    html = viewer_browser.get(f"/campaigns/{campaign.pk}/").content.decode()
    for state in ("CA", "OR"):
        page = f"{settings.SITE_URL}/embed/campaigns/{campaign.pk}/map/{state}/"
        assert f'<textarea id="embed-code-{state}"' in html
        # The code to copy is HTML written inside HTML: the title's quotes and brackets are
        # escaped twice, so that the iframe pasted into a story keeps its title whole.
        assert (
            f'&lt;iframe src="{page}" title="DOJ data requests to {state} counties: '
            'Letters &amp;quot;A &amp;amp; B&amp;quot; &amp;lt;2025&amp;gt;"'
        ) in html
        assert f'<a href="{page[:-1]}.svg">the map as an SVG image</a>' in html
    assert html.count("This tracker is not public") == (0 if public else 2)


def test_the_map_pages_embed_snippets_name_their_own_code_box(viewer_browser, settings):
    settings.TRACKER_PUBLIC = True
    campaign = letters_of_july_17("Letters", [CountyFactory(fips="06037", state="CA")])
    for path, box in (
        ("/map/CA/", "CA-all"),
        (f"/map/CA/?campaign={campaign.pk}", f"CA-{campaign.pk}"),
    ):
        html = viewer_browser.get(path).content.decode()
        assert f'<label for="embed-code-{box}">' in html
        assert f'<textarea id="embed-code-{box}"' in html


def build_campaign(n: int, journalist, *, first_fips: int):
    """A campaign to n new California counties: some answered, some escalated, all sourced."""
    counties = County.objects.bulk_create(
        CountyFactory.build(name=f"Bench {first_fips + i}", fips=f"06{first_fips + i:03d}")
        for i in range(n)
    )
    source = SourceFactory()
    campaign = services.issue_campaign(
        title=f"Campaign of {n}",
        issuing_agency=AgencyFactory(),
        issued_on=dt.date(2025, 7, 1),
        counties=counties,
        due_basis="calendar_days",
        due_days=30,
        data_sought=["charges", "release_dates"],
        sources=[source],
        actor=journalist,
        today=dt.date(2025, 7, 1),
    )
    requests = list(campaign.requests.order_by("id"))
    for i, request in enumerate(requests[: max(2, n // 20)]):
        services.log_response(
            data_request=request,
            kind="partial" if i % 2 else "declined",
            categories_provided=["charges"] if i % 2 else [],
            received_on=dt.date(2025, 7, 5) + dt.timedelta(days=i % 40),
            sources=[source],
            actor=journalist,
        )
    for request in requests[-max(1, n // 40) :]:
        services.file_escalation(
            data_request=request,
            kind="administrative_subpoena",
            issued_on=dt.date(2025, 9, 1),
            due_on=dt.date(2025, 9, 30),
            sources=[source],
            actor=journalist,
        )
    services.flag_overdue(today=dt.date(2025, 10, 15))
    return campaign


def pages_cost(client, campaign) -> dict[str, int]:
    return {
        name: queries_for(client, path)
        for name, path in {
            "dashboard": "/",
            "map": "/map/CA/",
            "campaign map": f"/map/CA/?campaign={campaign.pk}&status=declined",
            "campaign page": f"/campaigns/{campaign.pk}/?sort=days&order=desc",
            "comparison csv": f"/campaigns/{campaign.pk}/comparison.csv",
        }.items()
    }


def test_dashboard_map_and_campaign_pages_cost_the_same_queries_at_4_and_400_requests(
    editor_browser, journalist
):
    small = build_campaign(4, journalist, first_fips=700)
    at_4 = pages_cost(editor_browser, small)

    large = build_campaign(400, journalist, first_fips=200)
    at_400 = pages_cost(editor_browser, large)

    page = editor_browser.get("/map/CA/").content.decode()
    # The 58 counties us-atlas draws (not loaded here) and the 404 loaded ones it does not.
    assert len(re.findall(r'<tr data-fips="\d{5}">', page)) == 58 + 404
    campaign_page = editor_browser.get(f"/campaigns/{large.pk}/")
    # One page of the 400 counties; the figures count them all.
    assert len(shown(campaign_page, "comparison")) == views.CAMPAIGN_ROWS_PER_PAGE
    assert shown(campaign_page, "figures").counties == 400
    assert at_4 == at_400
