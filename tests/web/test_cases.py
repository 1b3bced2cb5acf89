"""Court cases on the pages and in the API: the demo's four suits, each on the pages of the
counties its defendants sit in, with its docket."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from requests_tracker.models import Case
from tests.web.conftest import fact, page_of

pytestmark = pytest.mark.django_db

LA_SUIT = "United States v. City of Los Angeles"


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_los_angeles_countys_page_shows_the_suit_against_the_city_with_its_docket(
    demo, viewer_browser
):
    page = page_of(viewer_browser.get("/counties/06037/"))
    section = page.find(id="cases-heading").find_parent("section")
    link = section.find("a", string=LA_SUIT)
    assert link is not None
    assert "2:25-cv-05917" in section.get_text(" ")

    case_page = page_of(viewer_browser.get(link["href"]))
    assert case_page.h1.get_text(strip=True) == LA_SUIT
    assert "Central District of California" in fact(case_page, "Court").get_text()
    assert "Los Angeles County" in fact(case_page, "Jurisdictions").get_text()
    docket = case_page.find(id="docket-heading").find_parent("section")
    [row] = docket.find("tbody").find_all("tr")
    assert row.find("td").get_text(strip=True) == "1"
    assert "COMPLAINT" in row.get_text()
    assert row.find("a", string="Source")["href"].startswith("/sources/")


def test_a_city_spanning_five_counties_shows_on_each_and_a_dismissed_suit_says_so(
    demo, viewer_browser
):
    for fips in ("36005", "36047", "36061", "36081", "36085"):
        section = page_of(viewer_browser.get(f"/counties/{fips}/")).find(id="cases-heading")
        assert "United States v. City of New York" in section.find_parent("section").get_text()
    illinois = Case.objects.get(docket_number="1:25-cv-01285")
    page = page_of(viewer_browser.get(illinois.get_absolute_url()))
    status = fact(page, "Status").get_text(" ", strip=True)
    assert status == "Dismissed ( 2025-07-25 ): Dismissed without prejudice."


def test_the_cases_index_is_in_the_menu_and_lists_the_four_suits(demo, viewer_browser):
    dashboard = page_of(viewer_browser.get("/"))
    menu = dashboard.find("nav", attrs={"aria-label": "Main"})
    assert menu.find("a", string="Courts")["href"] == "/cases/"
    listed = [a.get_text() for a in page_of(viewer_browser.get("/cases/")).select("main li a")]
    assert set(listed) >= {
        LA_SUIT,
        "United States v. Illinois et al.",
        "United States v. City of New York",
        "United States v. State of Minnesota et al.",
    }
