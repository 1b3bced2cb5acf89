"""Legal grounds as data: the SB 54 page lists who cited it (the demo's Los Angeles and San
Francisco answers), the API finds the answers that cite it, and only writers cite, only editors
keep the catalogue."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from requests_tracker.models import LegalGround, Response
from requests_tracker.services import grounds

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo")


def test_the_sb_54_page_lists_who_cited_it(demo, viewer):
    client = Client()
    client.force_login(viewer)
    page = BeautifulSoup(client.get("/grounds/sb-54/").content, "html.parser")
    cited = page.select_one("#cited-heading").find_parent("section").get_text(" ", strip=True)
    assert "Counties' answers (2)" in cited
    assert "Los Angeles County, CA" in cited and "San Francisco County, CA" in cited
    catalogue = client.get("/grounds/").content.decode()
    assert "8 U.S.C. 1373" in catalogue and "TRUTH Act" in catalogue


def test_the_api_lists_the_answers_that_cite_a_ground(demo, viewer):
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=viewer).key}")
    answers = client.get("/api/v1/responses/", {"ground": "sb-54"}).json()["results"]
    assert sorted(row["county"]["fips"] for row in answers) == ["06037", "06075"]
    ground = client.get("/api/v1/legal-grounds/", {"slug": "sb-54"}).json()["results"][0]
    assert sorted(ground["responses"]) == sorted(row["id"] for row in answers)
    none = client.get("/api/v1/responses/", {"ground": "8-usc-1644"}).json()["results"]
    assert none == []


def test_only_writers_cite_and_only_editors_keep_the_catalogue(demo, viewer, journalist):
    sb54 = LegalGround.objects.get(slug="sb-54")
    with pytest.raises(PermissionDenied):
        grounds.cite_ground(ground=sb54, records=list(Response.objects.all()), actor=viewer)
    with pytest.raises(PermissionDenied):
        grounds.save_ground(ground=sb54, actor=journalist)
