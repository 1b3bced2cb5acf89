"""An embargoed response on every surface: absent for an anonymous reader of a public instance
and for a viewer, present (and marked) for a journalist; one minute after the embargo time, once
the beat job has run, present everywhere, and its webhook is offered then, not before.

The July 2025 letters to Los Angeles and San Diego counties; Los Angeles declines on 2025-08-01
("Zanzibar" in its summary, a word nothing else holds) and the newsroom holds the answer until
2025-08-05 09:00 Pacific.
"""

from __future__ import annotations

import csv
import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from requests_tracker import services, tasks
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    DataRequest,
    LegalGround,
    ResponseKind,
    WebhookDelivery,
    WebhookSubscription,
)
from requests_tracker.selectors import campaigns, maps
from requests_tracker.services import courts, grounds
from tests.factories import CountyFactory, letters_of_july_17

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")
HELD_AT = dt.datetime(2025, 8, 1, 10, 0, tzinfo=PACIFIC)
UNTIL = dt.datetime(2025, 8, 5, 9, 0, tzinfo=PACIFIC)
AFTER = UNTIL + dt.timedelta(minutes=1)
WORD = "Zanzibar"


@pytest.fixture
def held(settings, journalist, editor):
    """The campaign, with Los Angeles' answer held; the instance is public; a webhook listens."""
    settings.TRACKER_PUBLIC = True
    settings.ACTIVITY_FEED_SETTLE_SECONDS = 0
    with time_machine.travel(HELD_AT, tick=False):
        la = CountyFactory(name="Los Angeles County", fips="06037", state="CA")
        sd = CountyFactory(name="San Diego County", fips="06073", state="CA")
        campaign = letters_of_july_17("Jail rosters, July 2025", [la, sd])
        WebhookSubscription.objects.create(
            url="https://hooks.example/tracker", secret="s" * 32, created_by=editor
        )
        request = DataRequest.objects.get(county=la)
        response = services.log_response(
            data_request=request,
            kind=ResponseKind.DECLINED,
            received_on=dt.date(2025, 8, 1),
            summary=f"The sheriff declined, citing SB 54 ({WORD}).",
            actor=journalist,
            today=dt.date(2025, 8, 1),
            embargo=services.EmbargoTerms(UNTIL, "Story runs Tuesday"),
        )
    return campaign, request, response


def web(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def readers(viewer):
    return [("anonymous", None), ("viewer", viewer)]


def listed(response) -> int:
    """How many rows a list answers (one page holds them all here)."""
    answer = response.json()
    assert answer["next"] is None
    return len(answer["results"])


def text(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_the_request_page_hides_the_answer_from_readers_and_marks_it_for_journalists(
    held, viewer, journalist
):
    _, request, _ = held
    for _, user in readers(viewer):
        page = web(user).get(request.get_absolute_url())
        assert page.status_code == 200
        assert WORD not in text(page) and "Embargoed" not in text(page)
    page = text(web(journalist).get(request.get_absolute_url()))
    assert WORD in page and "Embargoed until" in page and "Story runs Tuesday" in page


def test_search_and_its_negation_do_not_reveal_the_answer(held, viewer, journalist):
    for _, user in readers(viewer):
        assert "sheriff declined" not in text(web(user).get("/search/", {"q": WORD}))
        # `-word` leaves out what holds the word: the held answer is not there to leave out.
        with_word = listed(api(user).get("/api/v1/responses/", {"q": "declined"}))
        without = listed(api(user).get("/api/v1/responses/", {"q": f"declined -{WORD}"}))
        assert with_word == without == 0
    assert "sheriff declined" in text(web(journalist).get("/search/", {"q": WORD}))
    assert listed(api(journalist).get("/api/v1/responses/", {"q": f"declined -{WORD}"})) == 0
    assert listed(api(journalist).get("/api/v1/responses/", {"q": "declined"})) == 1


def test_the_api_lists_details_changes_and_stats_leave_it_out(held, viewer, journalist):
    _, request, response = held
    for _, user in readers(viewer):
        client = api(user)
        assert listed(client.get("/api/v1/responses/")) == 0
        assert client.get(f"/api/v1/responses/{response.pk}/").status_code == 404
        verbs = [event["verb"] for event in client.get("/api/v1/activity/").json()["results"]]
        assert ActivityVerb.RESPONSE_LOGGED not in verbs
        assert client.get(f"/api/v1/requests/{request.pk}/").json()["status"] == "awaiting"
        stats = client.get("/api/v1/stats/").json()
        assert stats["by_status"]["declined"] == 0 and stats["responded"] == 0
    rows = api(journalist).get("/api/v1/responses/").json()["results"]
    assert [(row["id"], row["embargoed"]) for row in rows] == [(response.pk, True)]
    assert rows[0]["embargo_reason"] == "Story runs Tuesday"
    # Counts are what readers see, for the newsroom too: nothing moves before the lift.
    assert api(journalist).get("/api/v1/stats/").json()["by_status"]["declined"] == 0


def test_feeds_leave_it_out(held, viewer, journalist):
    _, request, _ = held
    for _, user in readers(viewer):
        for address in ("/feeds/activity.atom", f"/feeds/requests/{request.pk}.atom"):
            feed = text(web(user).get(address))
            assert "declined (2025-08-01)" not in feed


def test_maps_badges_and_embeds_show_the_request_as_still_awaiting(held, viewer):
    standing = maps.county_standings(state="CA", today=dt.date(2025, 8, 2))["06037"]
    assert standing.status == "awaiting"
    for _, user in readers(viewer):
        badge = text(web(user).get("/badges/06037.svg"))
        assert "declined" not in badge.lower()
        embed = text(web(user).get("/embed/map/CA.svg"))
        assert "Declined: 0" in embed and "Awaiting response: 2" in embed


def test_the_campaign_figures_and_csv_leave_it_out(held, viewer, journalist):
    campaign, _, _ = held
    rows = campaigns.comparison_rows(campaign, today=dt.date(2025, 8, 2), reader=journalist)
    figures = campaigns.campaign_figures(rows)
    assert (figures.declined, figures.responded) == (0, 0)
    for _, user in readers(viewer):
        rows = list(
            csv.DictReader(
                StringIO(text(web(user).get(f"{campaign.get_absolute_url()}comparison.csv")))
            )
        )
        assert {row["status"] for row in rows} == {"awaiting"}


def test_the_open_data_release_leaves_it_out(held, tmp_path: Path):
    call_command("publish_dataset", str(tmp_path / "release"), stdout=StringIO())
    folder = tmp_path / "release"
    responses = (next(folder.rglob("responses.csv"))).read_text()
    events = (next(folder.rglob("events.csv"))).read_text()
    assert WORD not in responses and "declined" not in responses
    assert ActivityVerb.RESPONSE_LOGGED not in events


def test_no_webhook_is_offered_before_the_lift_and_one_is_then(held):
    services.fan_out_activity()
    assert not WebhookDelivery.objects.filter(activity__verb=ActivityVerb.RESPONSE_LOGGED).exists()
    with time_machine.travel(AFTER, tick=False):
        tasks.lift_embargoes_task()
        services.fan_out_activity()
    offered = WebhookDelivery.objects.get(activity__verb=ActivityVerb.RESPONSE_LOGGED)
    assert offered.activity.created_at == AFTER
    assert offered.activity.occurred_on == dt.date(2025, 8, 1)


def test_one_minute_after_the_embargo_it_is_present_everywhere(held, viewer, tmp_path):
    campaign, request, response = held
    with time_machine.travel(AFTER, tick=False):
        assert tasks.lift_embargoes_task() == {"lifted": 1, "reminded": 0}
        for _, user in readers(viewer):
            assert WORD in text(web(user).get(request.get_absolute_url()))
            assert "sheriff declined" in text(web(user).get("/search/", {"q": WORD}))
            client = api(user)
            assert listed(client.get("/api/v1/responses/")) == 1
            assert listed(client.get("/api/v1/responses/", {"q": f"declined -{WORD}"})) == 0
            verbs = [e["verb"] for e in client.get("/api/v1/activity/").json()["results"]]
            assert ActivityVerb.RESPONSE_LOGGED in verbs
            assert client.get("/api/v1/stats/").json()["by_status"]["declined"] == 1
            assert "declined (2025-08-01)" in text(web(user).get("/feeds/activity.atom"))
            assert "declined" in text(web(user).get("/badges/06037.svg"))
            assert "Declined: 1" in text(web(user).get("/embed/map/CA.svg"))
            rows = list(
                csv.DictReader(
                    StringIO(text(web(user).get(f"{campaign.get_absolute_url()}comparison.csv")))
                )
            )
            assert "declined" in {row["status"] for row in rows}
        standing = maps.county_standings(state="CA", today=dt.date(2025, 8, 5))["06037"]
        assert standing.status == "declined"
        call_command("publish_dataset", str(tmp_path / "release"), stdout=StringIO())
    assert WORD in next((tmp_path / "release").rglob("responses.csv")).read_text()
    event = Activity.objects.get(verb=ActivityVerb.RESPONSE_LOGGED)
    assert (event.created_at, event.occurred_on) == (AFTER, dt.date(2025, 8, 1))


def test_a_preview_link_shows_the_held_answer_to_someone_outside_the_newsroom(
    held, settings, journalist
):
    _, request, response = held
    settings.TRACKER_PUBLIC = False
    with time_machine.travel(HELD_AT, tick=False):
        made = web(journalist).post(f"/embargo/response/{response.pk}/preview/", follow=True)
    link = next(str(m) for m in made.context["messages"] if "preview link" in str(m)).rsplit(
        ": ", 1
    )[1]
    path = "/" + link.split("/", 3)[3]
    with time_machine.travel(HELD_AT + dt.timedelta(hours=1), tick=False):
        page = web().get(path)
        assert web().get(path.replace("preview/", "preview/x")).status_code == 404
    assert page.status_code == 200 and WORD in text(page)
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    with time_machine.travel(HELD_AT + dt.timedelta(days=4), tick=False):
        assert web().get(path).status_code == 404  # expired (72 hours)


def test_the_editors_buttons_lift_and_hold_from_the_page(held, editor, viewer):
    _, request, response = held
    desk = web(editor)
    assert desk.post(f"/embargo/response/{response.pk}/lift/").status_code == 302
    assert WORD in text(web().get(request.get_absolute_url()))
    with time_machine.travel(HELD_AT, tick=False):
        desk.post(
            f"/embargo/request/{request.pk}/",
            {"embargo_reason": "Hold the whole county", "embargo_until": "2025-08-05T09:00"},
        )
    request.refresh_from_db()
    assert request.embargoed and request.embargo_until == UNTIL
    assert web(viewer).get(request.get_absolute_url()).status_code == 404
    assert web(viewer).post(f"/embargo/request/{request.pk}/lift/").status_code == 404


def test_cases_and_legal_grounds_name_the_held_answer_to_the_newsroom_only(
    held, viewer, journalist, editor
):
    campaign, request, response = held
    sb54 = LegalGround.objects.create(slug="sb-54", name="SB 54", citation="7284", level="state")
    grounds.cite_ground(ground=sb54, records=[response, request], actor=None)
    case = courts.open_case(
        title="In re a subpoena",
        court="A district court",
        docket_number="2:25-mc-1",
        filed_on=dt.date(2025, 8, 2),
        requests=[request],
    )
    for name, user in readers(viewer):
        shown = api(user).get(f"/api/v1/legal-grounds/{sb54.pk}/").json()
        assert shown["responses"] == [], name
        page = text(web(user).get("/grounds/sb-54/"))
        assert WORD not in page and "declined" not in page.lower(), name
        assert web(user).get("/grounds/").status_code == 200
    assert api(journalist).get(f"/api/v1/legal-grounds/{sb54.pk}/").json()["responses"] == [
        response.pk
    ]
    assert api(viewer).get(f"/api/v1/cases/{case.pk}/").json()["requests"] == [request.pk]

    with time_machine.travel(HELD_AT, tick=False):
        services.set_embargo(record=request, until=UNTIL, reason="Story runs", actor=editor)
    assert api(viewer).get(f"/api/v1/cases/{case.pk}/").json()["requests"] == []
    assert api(journalist).get(f"/api/v1/cases/{case.pk}/").json()["requests"] == [request.pk]
    assert api(viewer).get(f"/api/v1/legal-grounds/{sb54.pk}/").json()["requests"] == []


def test_a_requests_embedded_latest_response_is_the_one_in_effect(held, viewer, journalist):
    campaign, request, response = held
    for name, user in [*readers(viewer), ("journalist", journalist)]:
        rows = api(user).get("/api/v1/requests/", {"expand": "latest_response"}).json()
        [row] = [r for r in rows["results"] if r["id"] == request.pk]
        # Not in effect until it lifts: no answer yet, for the newsroom too (as the status).
        assert (row["latest_response_kind"], row["latest_response"]) == (None, None), name
