"""Counts of requests per county: a page of counties read with only its own tallies added up
gives the counts that adding up every county's tallies gives."""

from __future__ import annotations

import pytest

from requests_tracker import selectors, services
from requests_tracker.models import County
from tests.factories import CountyFactory, make_request

pytestmark = pytest.mark.django_db

BY_NAME = ["state", "name", "id"]
BY_TOTAL = ["-requests_total", "state", "name", "id"]


@pytest.fixture
def counties(editor):
    """Five counties: Alpine with two requests, Butte and Colusa one each, Del Norte none, and
    Glenn one request made and deleted (its tally rows add up to nothing)."""
    made = {
        name: CountyFactory(name=f"{name} County", fips=f"060{n:02d}", state="CA")
        for n, name in enumerate(["Alpine", "Butte", "Colusa", "Del Norte", "Glenn"])
    }
    make_request(county=made["Alpine"])
    make_request(county=made["Alpine"], issued_on=make_request(county=made["Butte"]).issued_on)
    make_request(county=made["Colusa"])
    services.delete_request(data_request=make_request(county=made["Glenn"]), actor=editor)
    return made


def counts(rows):
    return [
        (
            county.name,
            county.requests_total,
            county.requests_open,
            selectors.status_counts_of(county),
        )
        for county in rows
    ]


@pytest.mark.parametrize("order", [BY_NAME, BY_TOTAL], ids=["by name", "by requests"])
def test_a_page_of_counties_with_requests_has_the_counts_of_every_countys_tallies(counties, order):
    everyone = selectors.county_tallies().filter(requests_total__gt=0).order_by(*order)

    assert counts(selectors.counties_with_requests(order, 2)) == counts(everyone[:2])
    assert [row[0] for row in counts(selectors.counties_with_requests(order, 10))] == [
        county.name for county in everyone
    ]
    assert {county.name for county in everyone} == {
        "Alpine County",
        "Butte County",
        "Colusa County",
    }


def test_counts_added_to_a_chosen_page_are_those_of_the_tallies(counties):
    page = list(selectors.county_tallies().order_by(*BY_NAME))
    chosen = selectors.add_counts(list(County.objects.order_by(*BY_NAME)))

    assert counts(chosen) == counts(page)
    assert counts(chosen)[3][1:3] == (0, 0)  # Del Norte: no request, counted 0
