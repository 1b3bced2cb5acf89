"""/requests/ filters and searches with the API's RequestFilter: the same words find the same
requests on the page and in /api/v1/requests/."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import QueryDict
from rest_framework.test import APIClient

from requests_tracker import services
from requests_tracker.lists.filters import RequestFilter
from requests_tracker.models import DataRequest
from tests.factories import CountyFactory, make_request

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 15)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2025, 9, 15, 19, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def three_requests():
    """One request citing 8 U.S.C. 1373, one naming a subpoena (both due 2025-08-16, so overdue
    on TODAY), one in Cook County issued 2025-09-01 (due 2025-10-01)."""
    issued = {
        "authority": make_request(
            county=CountyFactory(name="Fresno County", fips="06019"),
            legal_authority="8 U.S.C. 1373",
        ),
        "summary": make_request(
            county=CountyFactory(name="Kern County", fips="06029"),
            summary="Grand-jury subpoena for the jail roster",
        ),
        "county": make_request(
            county=CountyFactory(name="Cook County", state="IL", fips="17031"),
            issued_on=dt.date(2025, 9, 1),
        ),
    }
    services.flag_overdue(today=TODAY)
    return issued


def page_ids(client, query: dict) -> set[int]:
    response = client.get("/requests/", query)
    assert response.status_code == 200
    return {row.pk for row in response.context["page"].object_list}


def api_ids(user, query: dict) -> set[int]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/requests/", query)
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("1373", {"authority"}),  # the legal authority
        ("u.s.c. fresno", {"authority"}),  # every word, in any of the fields
        ("grand-jury ROSTER", {"summary"}),  # the summary, case aside
        ("cook", {"county"}),  # the county's name
        ("1373 cook", set()),
    ],
)
def test_the_page_and_the_api_search_the_same_fields(three_requests, viewer, client, words, found):
    client.force_login(viewer)
    expected = {three_requests[name].pk for name in found}

    assert page_ids(client, {"q": words}) == expected
    assert api_ids(viewer, {"search": words}) == expected


@pytest.mark.parametrize(
    ("page_query", "api_query", "found"),
    [
        ({"state": "IL"}, {"state": "IL"}, {"county"}),
        ({"county": "17031"}, {"county": "17031"}, {"county"}),
        ({"overdue": "on"}, {"overdue": "true"}, {"authority", "summary"}),
        ({"status": "awaiting"}, {"status": "awaiting"}, {"authority", "summary", "county"}),
        ({"state": "IL", "q": "1373"}, {"state": "IL", "search": "1373"}, set()),
    ],
)
def test_the_page_keeps_its_own_parameters_for_the_apis_filters(
    three_requests, viewer, client, page_query, api_query, found
):
    client.force_login(viewer)
    expected = {three_requests[name].pk for name in found}

    assert page_ids(client, page_query) == expected
    assert api_ids(viewer, api_query) == expected


def test_two_filter_sets_made_in_turn_each_search_and_filter_by_their_own_values(three_requests):
    """A filter set's filters are its own copies: a search (a filter calling its filter set's
    method) and a plain filter of one set read that set's values, not the other's."""
    fresno = RequestFilter(QueryDict("q=Fresno"), DataRequest.objects.all())
    cook = RequestFilter(QueryDict("q=Cook&state=IL"), DataRequest.objects.all())
    assert [found.pk for found in cook.qs] == [three_requests["county"].pk]
    assert [found.pk for found in fresno.qs] == [three_requests["authority"].pk]
    assert not RequestFilter(QueryDict("q=Cook&state=CA"), DataRequest.objects.all()).qs.exists()
