"""A list costs the same number of SQL queries for one row as for two hundred: every list reads
through a selector that joins and prefetches what its rows show."""

from __future__ import annotations

import datetime as dt

import pytest

from requests_tracker import services
from requests_tracker.courts.courtlistener import Entry
from requests_tracker.models import LegalGround
from requests_tracker.services import courts, grounds, jurisdictions, people, press, threats
from tests.api.conftest import LISTS, TODAY
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


def story_records(n: int, county, source, data_request) -> None:
    """A jurisdiction with a policy, an official with two offices, a press answer, a metric, a
    case with two parties and a docket entry, a threat and a cited legal ground, for row `n`."""
    place = jurisdictions.county_jurisdiction(county)
    jurisdictions.record_policy(
        jurisdiction=place,
        kind="detainer_practice",
        title=f"Practice {n}",
        stance="limited_cooperation",
        effective_on=dt.date(2024, 1, 1),
        sources=[source],
        today=TODAY,
    )
    person = people.add_person(name=f"Official {n}")
    for title in ("Sheriff", "Undersheriff"):
        people.add_role(person=person, title=title, jurisdiction=place, source=source)
    press.record_press_answer(
        kind="referred",
        referred_to="the sheriff",
        answered_by=f"County {n}",
        answered_on=dt.date(2025, 8, 1),
        data_request=data_request,
        person=person,
        sources=[source],
        today=TODAY,
    )
    detainer_metric(f"metric-{n}")
    case = courts.open_case(
        title=f"United States v. County {n}",
        court="A district court",
        docket_number=f"1:25-cv-0000{n}",
        filed_on=dt.date(2025, 8, 1),
        requests=[data_request],
        sources=[source],
    )
    nation = jurisdictions.register_jurisdiction(name="United States", level="nation")
    jurisdictions.set_parties(case=case, parties=[(nation, "plaintiff"), (place, "defendant")])
    people.link_person(person=person, records=[case])
    courts.record_entries(
        case=case,
        entries=[
            Entry(
                id=None,
                docket_id=None,
                entry_number=1,
                date_filed=dt.date(2025, 8, 1),
                description=f"COMPLAINT {n}",
                document_url=f"https://www.courtlistener.com/docket/{n}/#entry-1",
            )
        ],
    )
    threats.record_threat(
        kind="subpoena",
        threatened_on=dt.date(2025, 7, 17),
        threatened_by="U.S. Department of Justice",
        data_request=data_request,
        sources=[source],
        today=TODAY,
    )
    ground = grounds.save_ground(
        ground=LegalGround(
            slug=f"law-{n}", name=f"Law {n}", citation=f"{n} U.S.C. 1", level="federal"
        ),
        actor=None,
    )
    grounds.cite_ground(ground=ground, records=[data_request, case], actor=None)


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
