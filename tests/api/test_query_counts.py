"""A list costs the same number of SQL queries for one row as for two hundred: every list reads
through a selector that joins and prefetches what its rows show."""

from __future__ import annotations

import datetime as dt

import pytest

from requests_tracker import services
from tests.api.conftest import LISTS, TODAY, story_records
from tests.factories import (
    AgencyFactory,
    CountyFactory,
    SourceFactory,
    detainer_metric,
    make_request,
)
from tests.queries import statements_for


@pytest.fixture
def busy_newsroom(newsroom, journalist, editor):
    """Several of every record, each pointing at its own related rows."""
    for n in range(4):
        county = CountyFactory(name=f"County {n}", fips=f"0610{n}", slug=f"county-{n}")
        agency = AgencyFactory(name=f"County {n} Sheriff", level="county", county=county)
        source = SourceFactory(created_by=journalist)
        request = make_request(county=county, sources=[source], actor=journalist, today=TODAY)
        services.log_response(
            data_request=request,
            kind="partial",
            categories_provided=["charges"],
            received_on=dt.date(2025, 8, 1),
            responding_agency=agency,
            sources=[source],
            actor=journalist,
            today=TODAY,
        )
        services.file_escalation(
            data_request=request,
            kind="demand_letter",
            issued_on=dt.date(2025, 8, 20),
            sources=[source],
            actor=journalist,
            today=TODAY,
        )
        services.record_figure(
            county=county,
            metric=detainer_metric(),
            value=10 + n,
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
            source=source,
            actor=journalist,
        )
        story_records(n, county, source, request)
        services.subscribe_webhook(url=f"https://hooks.example/{n}", actor=editor)
        services.issue_campaign(
            title=f"Campaign {n}",
            issuing_agency=AgencyFactory(),
            issued_on=dt.date(2025, 9, 1),
            counties=[county],
            due_basis="calendar_days",
            due_days=30,
            data_sought=["charges"],
            sources=[source],
            actor=editor,
            today=TODAY,
        )
    return newsroom


def queries_for(client, path: str) -> tuple[int, int]:
    statements, response = statements_for(client, path)
    return statements, len(response.json()["results"])


@pytest.mark.parametrize("name", LISTS)
def test_a_list_costs_the_same_queries_for_one_row_as_for_two_hundred(
    name, busy_newsroom, editor_client
):
    one, rows_one = queries_for(editor_client, f"/api/v1/{name}/?page_size=1")
    many, rows_many = queries_for(editor_client, f"/api/v1/{name}/?page_size=200")
    assert rows_one == 1
    assert rows_many > 3, "the bigger page must really hold several rows"
    assert one == many


def test_requests_with_their_latest_responses_cost_the_same_for_one_row_as_for_many(
    busy_newsroom, editor_client
):
    answered = "status=escalated"  # each has a response, then an escalation
    query = f"{answered}&expand=latest_response"
    one, rows_one = queries_for(editor_client, f"/api/v1/requests/?page_size=1&{query}")
    many, rows_many = queries_for(editor_client, f"/api/v1/requests/?page_size=200&{query}")
    plain, _ = queries_for(editor_client, f"/api/v1/requests/?page_size=200&{answered}")
    assert rows_one == 1 and rows_many > 3
    assert one == many == plain + 2  # the latest responses, and their sources
