"""The story's facts as data, read through the API on the demo data (issue "Everything the
story says, as data"): a threat not carried out with its day count, the suit against the City of
Los Angeles as the city's case on the County's page, a "no comment" that changes no status,
the 2024 detainer figures and the 2025 transfers as separate figures under defined metrics, a
statewide figure, Los Angeles County's policy timeline, who cited SB 54, and Robert Luna's
office with its dates."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from requests_tracker.models import Campaign, DataRequest

pytestmark = pytest.mark.django_db

SEPTEMBER_15 = dt.datetime(2025, 9, 15, 12, tzinfo=dt.UTC)


@pytest.fixture
def reader(db, viewer):
    with time_machine.travel(SEPTEMBER_15, tick=False):
        call_command("load_demo")
    client = Client()
    client.force_login(viewer)
    return client


def results(client: Client, path: str, **params) -> list[dict]:
    answer = client.get(path, params)
    assert answer.status_code == 200, answer.content[:300]
    return answer.json()["results"]


@time_machine.travel(SEPTEMBER_15, tick=False)
def test_the_threat_of_subpoenas_shows_as_not_carried_out_with_its_day_count(reader):
    campaign = Campaign.objects.get(title__startswith="DOJ request to California")
    [threat] = results(reader, "/api/v1/threats/", campaign=campaign.pk)
    assert threat["carried_out"] is False
    assert threat["days_not_carried_out"] == (SEPTEMBER_15.date() - dt.date(2025, 7, 17)).days


def test_the_suit_against_the_city_of_los_angeles_is_the_citys_and_on_the_countys_page(reader):
    [case] = results(reader, "/api/v1/cases/", party="city-of-los-angeles-ca")
    assert case["docket_number"] == "2:25-cv-05917"
    assert case["kind"] == "suit_by_doj" and case["is_challenge"] is False
    parties = {(p["jurisdiction"]["slug"], p["role"]) for p in case["parties_in"]}
    assert parties == {("united-states", "plaintiff"), ("city-of-los-angeles-ca", "defendant")}
    city = reader.get("/api/v1/jurisdictions/city-of-los-angeles-ca/").json()
    assert (city["level"], city["county"]["fips"]) == ("city", "06037")
    county_cases = results(reader, "/api/v1/cases/", jurisdiction="06037")
    assert [c["docket_number"] for c in county_cases] == ["2:25-cv-05917"]
    page = reader.get("/counties/06037/").content.decode()
    assert "United States v. City of Los Angeles" in page
    assert "City of Los Angeles</a> (defendant)" in page


def test_an_attorney_general_no_comment_is_on_file_and_changes_no_status(reader):
    statuses = dict(DataRequest.objects.values_list("pk", "status"))
    answers = results(reader, "/api/v1/press-answers/", jurisdiction="state-of-california")
    [no_comment] = [a for a in answers if a["kind"] == "no_comment"]
    assert "Attorney General" in no_comment["answered_by"]
    assert no_comment["uncertain"] is True and no_comment["sources"]
    assert dict(DataRequest.objects.values_list("pk", "status")) == statuses


def test_detainer_and_transfer_figures_are_separate_figures_under_defined_metrics(reader):
    metrics = {m["slug"]: m for m in results(reader, "/api/v1/metrics/")}
    assert metrics["ice-detainer-requests-received"]["unit"] == "requests"
    assert metrics["ice-detainer-requests-received"]["definition"]

    def series(slug: str) -> dict[tuple[str, str], str]:
        rows = results(reader, "/api/v1/figures/", metric=slug, county="06037")
        return {(r["period_start"], r["period_end"]): r["value"] for r in rows}

    assert series("ice-detainer-requests-received")[("2024-01-01", "2024-12-31")] == "995.00"
    assert series("ice-detainer-requests-honored")[("2024-01-01", "2024-12-31")] == "0.00"
    assert series("transfers-to-ice-on-judicial-warrants") == {
        ("2025-05-01", "2025-05-31"): "8.00",
        ("2025-06-01", "2025-06-30"): "12.00",
    }
    [statewide] = results(reader, "/api/v1/figures/", scope="state")
    assert (statewide["state"], statewide["county"], statewide["value"]) == ("CA", None, "6.00")
    assert statewide["metric"] == "jurisdictions-listed-as-sanctuary" and statewide["source"]


def test_los_angeles_countys_policy_timeline_shows_the_2025_resumption_of_transfers(reader):
    timeline = results(reader, "/api/v1/policies/", county="06037")
    resumption = [p for p in timeline if p["kind"] == "transfer_practice"]
    assert [(p["effective_on"], p["title"]) for p in resumption] == [
        ("2025-05-01", "Transfers to ICE resume, on federal judicial warrants only")
    ]
    assert [p["effective_on"] for p in timeline] == sorted(p["effective_on"] for p in timeline)
    county = reader.get("/api/v1/counties/06037/").json()
    assert county["sanctuary_status"] == "limited_cooperation"
    page = reader.get("/counties/06037/").content.decode()
    assert "Policy timeline" in page and "Transfers to ICE resume" in page


def test_the_sb_54_page_lists_who_cited_it(reader):
    page = reader.get("/grounds/sb-54/").content.decode()
    assert "Los Angeles County" in page and "San Francisco County" in page


def test_robert_luna_is_a_person_with_his_role_and_dates(reader):
    luna = reader.get("/api/v1/people/robert-g-luna/").json()
    [role] = luna["roles"]
    assert role["title"] == "Sheriff" and role["jurisdiction"]["county"] == "06037"
    assert role["started_on"] == "2022-12-05" and role["ended_on"] is None
    answers = DataRequest.objects.get(county__fips="06037").responses.filter(
        person__slug=luna["slug"]
    )
    assert answers.exists()
    page = reader.get(luna["page"]).content.decode()
    assert "Sheriff" in page and "2022-12-05" in page


def test_a_state_is_a_page_with_its_laws_officials_figures_and_what_the_press_was_told(reader):
    page = reader.get("/jurisdictions/state-of-california/").content.decode()
    assert "SB 54, the California Values Act, takes effect" in page
    assert "Rob Bonta" in page and "Attorney General of California" in page
    assert "Jurisdictions on DOJ&#x27;s sanctuary list" in page or "sanctuary list" in page
    assert "did not comment" in page.lower()
    city = reader.get("/jurisdictions/city-of-los-angeles-ca/").content.decode()
    assert "United States v. City of Los Angeles" in city
    assert reader.get("/jurisdictions/los-angeles-county-ca/").url == "/counties/06037/"
