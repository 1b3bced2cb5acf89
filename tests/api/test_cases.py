"""/api/v1/cases/ and /api/v1/docket-entries/: a county's court cases by jurisdiction."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LA_SUIT = "United States v. City of Los Angeles"


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_api_finds_a_countys_cases_by_jurisdiction(demo, viewer_client):
    answer = viewer_client.get("/api/v1/cases/", {"jurisdiction": "06037"})
    assert answer.status_code == 200
    [case] = answer.json()["results"]
    assert case["title"] == LA_SUIT
    assert case["docket_number"] == "2:25-cv-05917"
    assert [county["fips"] for county in case["counties"]] == ["06037"]
    assert case["entry_count"] == 1

    entries = viewer_client.get("/api/v1/docket-entries/", {"case": case["id"]}).json()
    [entry] = entries["results"]
    assert entry["entry_number"] == 1
    assert entry["source"]["kind"] == "court_filing"

    new_york = viewer_client.get("/api/v1/cases/", {"jurisdiction": "36047,36061"}).json()
    assert [case["title"] for case in new_york["results"]] == ["United States v. City of New York"]


def test_a_bad_jurisdiction_is_a_400_naming_the_field(viewer_client):
    answer = viewer_client.get("/api/v1/cases/", {"jurisdiction": "LA"})
    assert answer.status_code == 400
    assert "jurisdiction" in answer.json()["error"]["fields"]
