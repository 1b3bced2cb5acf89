"""Fixtures for the API tests: an API client per role (`<role>_client`, signed in with a token),
and a small newsroom. The page tests' session clients are `<role>_browser` (tests/web/)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from requests_tracker import services
from requests_tracker.api.urls import router
from requests_tracker.courts.courtlistener import Entry
from requests_tracker.models import (
    Campaign,
    DataRequest,
    Escalation,
    LegalGround,
    ReportedFigure,
    Response,
    Source,
    WebhookSubscription,
)
from requests_tracker.services import courts, grounds, jurisdictions, people, press, threats
from tests.factories import (
    AgencyFactory,
    CountyFactory,
    SourceFactory,
    detainer_metric,
    make_request,
    record_detainer_figure,
)

LISTS = [prefix for prefix, _, _ in router.registry]
"""Every list of the API, as its router names it (`/api/v1/<name>/`)."""

TODAY = dt.date(2025, 9, 15)


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """Throttle counts live in the cache, which outlives a test: start each test at zero, so
    one test's requests never throttle the next. The feed's settle margin is 0 so an event is
    readable as soon as it is committed (test_activity_feed checks the margin itself)."""
    cache.clear()
    settings.ACTIVITY_FEED_SETTLE_SECONDS = 0
    yield
    cache.clear()


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()


def signed_in(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def viewer_client(viewer) -> APIClient:
    return signed_in(viewer)


@pytest.fixture
def journalist_client(journalist) -> APIClient:
    return signed_in(journalist)


@pytest.fixture
def other_journalist_client(other_journalist) -> APIClient:
    return signed_in(other_journalist)


@pytest.fixture
def editor_client(editor) -> APIClient:
    return signed_in(editor)


@dataclass
class Newsroom:
    """One of each record, entered through the services by a journalist."""

    campaign: Campaign
    request: DataRequest
    other_request: DataRequest
    response: Response
    escalation: Escalation
    source: Source
    figure: ReportedFigure
    webhook: WebhookSubscription


@pytest.fixture
def newsroom(journalist, editor, county) -> Newsroom:
    doj = AgencyFactory()
    sheriff = AgencyFactory(name="Los Angeles County Sheriff's Department", level="county")
    source = SourceFactory(title="DOJ letter to sheriffs", created_by=journalist)
    san_diego = CountyFactory(name="San Diego County", fips="06073", slug="san-diego-county")
    campaign = services.issue_campaign(
        title="July 2025 letters to California sheriffs",
        issuing_agency=doj,
        issued_on=dt.date(2025, 7, 17),
        counties=[county, san_diego],
        due_basis="calendar_days",
        due_days=30,
        data_sought=["noncitizen_roster", "charges", "release_dates"],
        legal_authority="8 U.S.C. 1373",
        sources=[source],
        actor=editor,
        today=dt.date(2025, 7, 18),
    )
    request = campaign.requests.get(county=county)
    other_request = campaign.requests.get(county=san_diego)
    services.update_request(
        data_request=request, actor=journalist, internal_note="Call the PIO back.", today=TODAY
    )
    response = services.log_response(
        data_request=request,
        kind="declined",
        received_on=dt.date(2025, 8, 1),
        responding_agency=sheriff,
        legal_basis_cited="SB 54",
        quotation="We don't ask about immigration status.",
        sources=[source],
        actor=journalist,
        today=TODAY,
    )
    escalation = services.file_escalation(
        data_request=other_request,
        kind="demand_letter",
        issued_on=dt.date(2025, 9, 1),
        due_on=dt.date(2025, 9, 10),
        actor=journalist,
        today=TODAY,
    )
    figure = record_detainer_figure(county=county, source=source, actor=journalist)
    webhook = services.subscribe_webhook(url="https://hooks.example/tracker", actor=editor)
    return Newsroom(
        campaign=campaign,
        request=DataRequest.objects.get(pk=request.pk),
        other_request=DataRequest.objects.get(pk=other_request.pk),
        response=response,
        escalation=escalation,
        source=source,
        figure=figure,
        webhook=webhook,
    )


@pytest.fixture
def lone_request(newsroom, journalist) -> DataRequest:
    """A request the journalist entered by hand, outside any campaign (so they may edit it)."""
    return make_request(
        county=CountyFactory(name="Riverside County", fips="06065", slug="riverside-county"),
        issued_on=dt.date(2025, 7, 20),
        actor=journalist,
        today=TODAY,
    )


@pytest.fixture
def california(newsroom, journalist):
    """The newsroom's two California requests (Los Angeles declined, San Diego escalated), two
    more awaiting an answer (Riverside, Fresno), and one in Illinois (Cook County)."""
    make_request(county=CountyFactory(name="Riverside County", fips="06065"), actor=journalist)
    make_request(county=CountyFactory(name="Fresno County", fips="06019"), actor=journalist)
    make_request(county=CountyFactory(name="Cook County", fips="17031", state="IL"))
    return newsroom


def all_json_rows(client, path: str, query: dict | None = None) -> list[dict]:
    """Every row of a list in the API's JSON, read two to a page by following `next`."""
    rows: list[dict] = []
    url, params = path, {**(query or {}), "page_size": 2}
    while url:
        body = client.get(url, params).json()
        rows += body["results"]
        url, params = body["next"], None
        if body.get("has_more") is False:
            break
    return rows


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
