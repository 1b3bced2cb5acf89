"""A sensitive source (a jail roster naming people in custody) exists for editors only.

One roster, uploaded with its file and read, is cited on a campaign, its request, a response, an
escalation, a reported figure and a county's sanctuary status; a public statement is cited beside
it. Then every way out is tried as an anonymous reader of a public instance, a viewer and a
journalist: pages, the source page and its file, the API (lists, details, nested sources, CSV,
the changes feed), Atom feeds, the badge, document search, webhooks and digests. None of them
carries the roster's title, address, stored name or text; newsroom members are told only "a
sensitive source (editors only)", anonymous readers nothing. Editors see and download it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from requests_tracker import services
from requests_tracker.models import (
    SENSITIVE_SOURCE_LABEL,
    Campaign,
    County,
    DataRequest,
    Escalation,
    ReportedFigure,
    Response,
    Source,
    WebhookDelivery,
)
from requests_tracker.selectors.documents import search_documents, sources_matching_text
from requests_tracker.services.documents import extract_source_text
from requests_tracker.services.webhooks import webhook_payload
from tests.api.conftest import signed_in as api_signed_in
from tests.documents import text_pdf, upload
from tests.factories import AgencyFactory, SourceFactory, make_request, record_detainer_figure
from tests.web.conftest import signed_in as browser_signed_in

pytestmark = pytest.mark.django_db

ROSTER_TITLE = "LASD inmate roster with booking numbers"
ROSTER_URL = "https://county.example/inmate-roster-4471.pdf"
# A word only the roster's text holds, so search and previews can be told apart.
ROSTER_WORD = "Quetzalcoatl"
ROSTER_PAGES = [f"Booking 4471, {ROSTER_WORD}, scheduled release date 2025-08-01."]
STATEMENT_TITLE = "LASD statement on the DOJ letter"
TODAY = dt.date(2025, 9, 15)
NEWSROOM_ROLES = ["viewer", "journalist"]
NOT_EDITORS = ["anonymous", *NEWSROOM_ROLES]


@dataclass
class Cited:
    roster: Source
    statement: Source
    campaign: Campaign
    request: DataRequest
    response: Response
    escalation: Escalation
    figure: ReportedFigure
    county: County


@pytest.fixture(autouse=True)
def public_instance(settings, media):
    settings.TRACKER_PUBLIC = True
    settings.ACTIVITY_FEED_SETTLE_SECONDS = 0
    cache.clear()  # API throttle counts
    yield
    cache.clear()


@pytest.fixture
def cited(county, editor, journalist) -> Cited:
    services.subscribe_webhook(url="https://hooks.example/tracker", actor=editor)
    statement = SourceFactory(title=STATEMENT_TITLE, url="https://news.example/lasd-statement")
    roster = services.add_source(
        title=ROSTER_TITLE,
        url=ROSTER_URL,
        file=upload("roster.pdf", text_pdf(ROSTER_PAGES)),
        kind=Source.Kind.PRIMARY_DOCUMENT,
        sensitive=True,
        actor=editor,
    )
    extract_source_text(source_id=roster.pk)
    campaign = services.issue_campaign(
        title="July 2025 letters to California sheriffs",
        issuing_agency=AgencyFactory(),
        issued_on=dt.date(2025, 7, 17),
        counties=[county],
        due_basis="calendar_days",
        due_days=30,
        data_sought=["noncitizen_roster", "release_dates"],
        legal_authority="8 U.S.C. 1373",
        sources=[statement],
        actor=editor,
        today=dt.date(2025, 7, 18),
    )
    request = campaign.requests.get()
    services.watch(user=journalist, data_request=request, frequency="daily")
    services.cite_source(source=roster, record=request, actor=editor)
    services.cite_source(source=roster, record=campaign, actor=editor)
    response = services.log_response(
        data_request=request,
        kind="declined",
        received_on=dt.date(2025, 8, 1),
        sources=[statement, roster],
        actor=editor,
        today=TODAY,
    )
    escalation = services.file_escalation(
        data_request=request,
        kind="demand_letter",
        issued_on=dt.date(2025, 9, 1),
        due_on=dt.date(2025, 9, 10),
        sources=[roster],
        actor=editor,
        today=TODAY,
    )
    figure = record_detainer_figure(county=county, source=roster, actor=editor)
    County.objects.filter(pk=county.pk).update(sanctuary_source=roster)
    return Cited(
        roster=Source.objects.get(pk=roster.pk),
        statement=statement,
        campaign=campaign,
        request=request,
        response=response,
        escalation=escalation,
        figure=figure,
        county=county,
    )


def reader(role: str, request: pytest.FixtureRequest):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


def browser(role: str, request: pytest.FixtureRequest) -> Client:
    return Client() if role == "anonymous" else browser_signed_in(request.getfixturevalue(role))


def api(role: str, request: pytest.FixtureRequest):
    from rest_framework.test import APIClient

    return APIClient() if role == "anonymous" else api_signed_in(request.getfixturevalue(role))


def traces(cited: Cited) -> list[str]:
    """What would give the roster away: its title, address, stored name, text and pages."""
    roster = cited.roster
    return [
        ROSTER_TITLE,
        ROSTER_URL,
        roster.file.name,
        roster.sha256,
        ROSTER_WORD,
        f"/sources/{roster.pk}/",
        f"/sources/{roster.pk}/file",
    ]


def assert_no_trace(body: str, cited: Cited, where: str) -> None:
    for trace in traces(cited):
        assert trace not in body, f"{where} shows {trace!r}"


def page_paths(cited: Cited) -> list[str]:
    fips = cited.county.fips
    return [
        "/",
        f"/requests/{cited.request.pk}/",
        f"/campaigns/{cited.campaign.pk}/",
        f"/campaigns/{cited.campaign.pk}/comparison.csv",
        f"/counties/{fips}/",
        "/requests/",
        "/feeds/activity.atom",
        f"/feeds/requests/{cited.request.pk}.atom",
        f"/feeds/counties/{fips}.atom",
        f"/feeds/campaigns/{cited.campaign.pk}.atom",
        f"/badges/{fips}.svg",
    ]


def api_paths(cited: Cited) -> list[str]:
    return [
        "/api/v1/sources/",
        "/api/v1/sources/?format=csv",
        f"/api/v1/sources/?request={cited.request.pk}",
        f"/api/v1/requests/{cited.request.pk}/",
        "/api/v1/requests/",
        "/api/v1/requests/?format=csv",
        "/api/v1/responses/",
        "/api/v1/responses/?format=csv",
        "/api/v1/escalations/",
        "/api/v1/campaigns/",
        "/api/v1/campaigns/?format=csv",
        "/api/v1/figures/",
        "/api/v1/figures/?format=csv",
        f"/api/v1/counties/{cited.county.fips}/",
        "/api/v1/counties/?format=csv",
        "/api/v1/activity/",
        "/api/v1/activity/?format=csv",
    ]


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# --- who may not see it ------------------------------------------------------------------------


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_no_page_feed_or_badge_gives_the_sensitive_source_away(cited, role, request):
    client = browser(role, request)
    for path in page_paths(cited):
        response = client.get(path)
        assert response.status_code == 200, path
        body = body_of(response)
        assert_no_trace(body, cited, path)
        if role == "anonymous":
            assert SENSITIVE_SOURCE_LABEL not in body, path


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_its_page_and_its_file_answer_404_like_a_source_that_does_not_exist(cited, role, request):
    client = browser(role, request)
    for path in (f"/sources/{cited.roster.pk}/", f"/sources/{cited.roster.pk}/file"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert_no_trace(body_of(response), cited, path)
    assert client.get(f"/sources/{cited.statement.pk}/").status_code == 200


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_no_api_list_detail_or_csv_gives_it_away(cited, role, request):
    client = api(role, request)
    for path in api_paths(cited):
        response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        assert_no_trace(body_of(response), cited, path)
    assert client.get(f"/api/v1/sources/{cited.roster.pk}/").status_code == 404
    listed = client.get("/api/v1/sources/").json()
    assert [source["id"] for source in listed["results"]] == [cited.statement.pk]
    assert "sensitive" not in listed["results"][0]


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_document_search_does_not_find_it(cited, role, request):
    user = reader(role, request)
    assert search_documents(ROSTER_WORD, user) == []
    assert not sources_matching_text(ROSTER_WORD, user).exists()


@pytest.mark.parametrize("role", NEWSROOM_ROLES)
def test_newsroom_members_are_told_only_that_a_sensitive_source_is_cited(cited, role, request):
    page = browser(role, request).get(f"/requests/{cited.request.pk}/").content.decode()
    # The request, the response and the escalation each cite it.
    assert page.count(SENSITIVE_SOURCE_LABEL) >= 3
    assert STATEMENT_TITLE in page

    client = api(role, request)
    detail = client.get(f"/api/v1/requests/{cited.request.pk}/").json()
    withheld = {
        "id": cited.roster.pk,
        "title": SENSITIVE_SOURCE_LABEL,
        "url": "",
        "kind": None,
        "publisher": "",
        "published_on": None,
        "withheld": True,
    }
    assert withheld in detail["sources"]
    escalation = client.get(f"/api/v1/escalations/{cited.escalation.pk}/").json()
    assert (escalation["sources"], escalation["unsourced"]) == ([withheld], False)
    figure = client.get(f"/api/v1/figures/{cited.figure.pk}/").json()
    assert figure["source"] == withheld
    events = client.get(f"/api/v1/activity/?request={cited.request.pk}").json()["results"]
    assert f"Source added: {SENSITIVE_SOURCE_LABEL}" in [event["summary"] for event in events]


def test_anonymous_readers_of_a_public_instance_see_nothing_of_it(cited):
    page = Client().get(f"/requests/{cited.request.pk}/").content.decode()
    assert SENSITIVE_SOURCE_LABEL not in page
    assert "sensitive" not in page.lower()

    client = api("anonymous", None)
    escalation = client.get(f"/api/v1/escalations/{cited.escalation.pk}/").json()
    assert (escalation["sources"], escalation["unsourced"]) == ([], True)
    assert client.get(f"/api/v1/figures/{cited.figure.pk}/").json()["source"] is None
    assert client.get(f"/api/v1/counties/{cited.county.fips}/").json()["sanctuary_source"] is None
    detail = client.get(f"/api/v1/requests/{cited.request.pk}/").json()
    assert [source["title"] for source in detail["sources"]] == [STATEMENT_TITLE]
    summaries = [e["summary"] for e in client.get("/api/v1/activity/").json()["results"]]
    assert not [summary for summary in summaries if "Source added" in summary]
    comparison = Client().get(f"/campaigns/{cited.campaign.pk}/comparison.csv").content.decode()
    header, row = comparison.splitlines()[:2]
    assert dict(zip(header.split(","), row.split(","), strict=False))["sources"] == "1"


def test_webhooks_never_carry_it(cited):
    services.fan_out_activity()
    deliveries = WebhookDelivery.objects.select_related("activity__county")
    assert deliveries.exists()
    for delivery in deliveries:
        payload = json.dumps(webhook_payload(delivery.activity, delivery_id=delivery.pk))
        assert_no_trace(payload, cited, f"webhook {delivery.activity.verb}")
        assert SENSITIVE_SOURCE_LABEL not in payload


def test_digests_never_carry_it(cited, journalist):
    result = services.send_digests(frequency="daily", now=timezone.now() + dt.timedelta(hours=1))
    assert result.emails_sent == 1
    [message] = mail.outbox
    for part in (message.body, *(content for content, _ in message.alternatives)):
        assert_no_trace(part, cited, "digest")


def test_a_page_of_requests_costs_the_same_however_many_sensitive_sources_it_cites(
    cited, journalist, editor
):
    client = api_signed_in(journalist)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/requests/").status_code == 200
        return len(captured)

    before = queries()
    for n in range(5):
        roster = services.add_source(
            title=f"Roster {n}", url=f"https://county.example/r{n}", sensitive=True, actor=editor
        )
        services.cite_source(source=roster, record=cited.request, actor=editor)
        make_request(county=cited.county, issued_on=dt.date(2025, 7, 20 + n), sources=[roster])
    assert queries() == before


# --- editors -----------------------------------------------------------------------------------


def test_editors_see_it_everywhere_and_download_it(cited, editor):
    client = browser_signed_in(editor)
    page = client.get(f"/requests/{cited.request.pk}/").content.decode()
    assert ROSTER_TITLE in page and f'href="/sources/{cited.roster.pk}/file"' in page
    source_page = client.get(f"/sources/{cited.roster.pk}/").content.decode()
    assert ROSTER_WORD in source_page  # the first lines of its text
    download = client.get(f"/sources/{cited.roster.pk}/file")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "private, no-store"

    listed = api_signed_in(editor).get("/api/v1/sources/").json()["results"]
    roster = next(source for source in listed if source["id"] == cited.roster.pk)
    assert (roster["title"], roster["sensitive"]) == (ROSTER_TITLE, True)
    assert roster["file_url"] == f"http://testserver/sources/{cited.roster.pk}/file"
    detail = api_signed_in(editor).get(f"/api/v1/requests/{cited.request.pk}/").json()
    assert ROSTER_TITLE in [source["title"] for source in detail["sources"]]

    [hit] = search_documents(ROSTER_WORD, editor)
    assert (hit.source, hit.page) == (cited.roster, 1)
