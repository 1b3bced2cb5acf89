"""The admin's "act on the selected requests" opens the campaign's bulk page with exactly those
requests ticked (the dry run and the confirmation happen there); requests of two campaigns are
refused with a message."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.factories import CountyFactory, UserFactory, letters_of_july_17

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/requests_tracker/datarequest/"


@pytest.fixture
def desk(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="desk", role="editor", is_staff=True))
    return client


def test_selected_requests_open_ticked_on_the_campaigns_bulk_page(desk):
    counties = [CountyFactory(fips=fips) for fips in ("06029", "06019", "06027")]
    campaign = letters_of_july_17("July 2025 letters", counties)
    chosen = list(campaign.requests.filter(county__fips__in=["06029", "06027"]))
    answer = desk.post(
        CHANGELIST,
        {"action": "act_on_selected", "_selected_action": [r.pk for r in chosen]},
    )
    assert answer.status_code == 302
    page = BeautifulSoup(desk.get(answer.url).content, "html.parser")
    ticked = {int(box["value"]) for box in page.select('input[name="ticked"][checked]')}
    assert ticked == {r.pk for r in chosen}
    assert page.select_one('select[name="which"] option[selected]')["value"] == "ticked"


def test_requests_of_two_campaigns_are_refused_with_a_message(desk):
    first = letters_of_july_17("First", [CountyFactory(fips="06029")])
    second = letters_of_july_17("Second", [CountyFactory(fips="06019")])
    ids = [first.requests.get().pk, second.requests.get().pk]
    answer = desk.post(
        CHANGELIST, {"action": "act_on_selected", "_selected_action": ids}, follow=True
    )
    assert "Choose requests of one campaign" in answer.content.decode()
