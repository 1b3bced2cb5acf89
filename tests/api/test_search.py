"""The API's `?q=` (and its older name `search`): the one search of selectors/search.py on
requests, responses, escalations, sources and counties; best match first unless `ordering` is
given; cursor pages through a search see every match once; bad input is a 400 naming `q`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from requests_tracker import services
from requests_tracker.models import DataRequest, Source, SourcePage
from tests.factories import CountyFactory, SourceFactory, make_request

pytestmark = pytest.mark.django_db

NOTE = "Ask deputy Quillfeather again."


@pytest.fixture
def demo():
    call_command("load_demo")


def results(client, path: str, query: dict) -> list[dict]:
    response = client.get(path, {"page_size": 200, **query})
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def test_q_puts_los_angeles_countys_request_first_and_search_is_the_same(demo, viewer_client):
    by_q = results(viewer_client, "/api/v1/requests/", {"q": "Los Angeles"})
    assert len(by_q) == 4
    assert by_q[0]["county"]["name"] == "Los Angeles County"
    by_search = results(viewer_client, "/api/v1/requests/", {"search": "Los Angeles"})
    assert [row["id"] for row in by_search] == [row["id"] for row in by_q]


def test_ordering_overrides_the_best_match_first(demo, viewer_client):
    rows = results(viewer_client, "/api/v1/requests/", {"q": "Los Angeles", "ordering": "county"})
    names = [row["county"]["name"] for row in rows]
    assert names == sorted(names)
    assert names[0] == "Los Angeles County"  # also first by name; San Diego is not
    rows = results(viewer_client, "/api/v1/requests/", {"q": "Los Angeles", "ordering": "-county"})
    assert [row["county"]["name"] for row in rows][0] == "San Francisco County"


def test_cursor_pages_through_a_search_see_every_match_once_in_order(viewer_client):
    for n in range(7):
        make_request(
            county=CountyFactory(name=f"Modoc {n} County", fips=f"0649{n}"),
            summary="The sheriff declined." + " Declined again." * (n % 3),
        )
    make_request(summary="Nothing.")
    expected = [row["id"] for row in results(viewer_client, "/api/v1/requests/", {"q": "declined"})]
    seen: list[int] = []
    url, query = "/api/v1/requests/", {"q": "declined", "page_size": 2}
    while url:
        body = viewer_client.get(url, query).json()
        seen += [row["id"] for row in body["results"]]
        url, query = body["next"], None
    assert seen == expected and len(set(seen)) == len(seen) == 7


def test_the_other_lists_take_q(demo, viewer_client):
    [response] = results(viewer_client, "/api/v1/responses/", {"q": "sanctuary"})
    assert response["county"]["name"] == "San Francisco County"
    sources = results(viewer_client, "/api/v1/sources/", {"q": "Los Angeles"})
    assert sources[0]["title"].startswith("United States v. City of Los Angeles")
    counties = results(viewer_client, "/api/v1/counties/", {"q": "san"})
    assert [row["name"] for row in counties][:2] == ["San Benito County", "San Bernardino County"]
    assert results(viewer_client, "/api/v1/escalations/", {"q": "Los Angeles"}) == []


def test_escalations_are_found_by_court_and_case_number(journalist, viewer_client):
    data_request = make_request()
    services.file_escalation(
        data_request=data_request,
        kind="lawsuit",
        issued_on=dt.date(2025, 9, 1),
        court="U.S. District Court, C.D. Cal.",
        case_number="2:25-cv-05917",
        summary="DOJ sued for the roster.",
        actor=journalist,
        today=dt.date(2025, 9, 1),
    )
    for words in ("2:25-cv-05917", "district court", "roster"):
        assert len(results(viewer_client, "/api/v1/escalations/", {"q": words})) == 1, words


def test_a_source_is_found_through_the_api_by_its_document(viewer_client):
    source = SourceFactory(title="Letter")
    SourcePage.objects.create(source=source, number=1, text="Every non-citizen in the jail.")
    rows = results(viewer_client, "/api/v1/sources/", {"q": "every non-citizen"})
    assert [row["id"] for row in rows] == [source.pk]


def test_anonymous_readers_never_find_a_request_by_its_internal_note(
    settings, anonymous_client, viewer_client
):
    settings.TRACKER_PUBLIC = True
    data_request = make_request(internal_note=NOTE)
    assert results(anonymous_client, "/api/v1/requests/", {"q": "Quillfeather"}) == []
    [row] = results(viewer_client, "/api/v1/requests/", {"q": "Quillfeather"})
    assert row["id"] == data_request.pk


@pytest.fixture
def riverside_with_a_tip(settings):
    """Two requests to Riverside County on a public instance; one's internal note names the
    newsroom's tipster."""
    settings.TRACKER_PUBLIC = True
    county = CountyFactory(name="Riverside County", fips="06065")
    tipped = make_request(county=county, internal_note="Confirmed by our tipster at the jail.")
    other = make_request(county=county, issued_on=dt.date(2025, 8, 14))
    return tipped, other


def listed(answer) -> list[int]:
    return sorted(row["id"] for row in answer.json()["results"])


def counted(answer) -> int:
    return answer.json()["total"]


@pytest.mark.parametrize("path, read", [("/api/v1/requests/", listed), ("/api/v1/stats/", counted)])
def test_a_word_of_an_internal_note_cannot_be_guessed_by_excluding_it(
    riverside_with_a_tip, anonymous_client, viewer_client, path, read
):
    """`-word` must not remove, for a reader outside the newsroom, a request whose note holds
    the word: they get the same with and without it. The newsroom's search reads notes, the
    exclusion included."""
    tipped, other = riverside_with_a_tip
    both = read(anonymous_client.get(path, {"q": "Riverside"}))
    assert read(anonymous_client.get(path, {"q": "Riverside -tipster"})) == both
    assert both in ([tipped.pk, other.pk], 2)
    assert read(viewer_client.get(path, {"q": "Riverside -tipster"})) in ([other.pk], 1)


def test_sensitive_sources_are_not_found_by_non_editors(journalist_client, editor_client):
    roster = SourceFactory(title="Roster of the jail")
    Source.objects.filter(pk=roster.pk).update(sensitive=True)
    assert results(journalist_client, "/api/v1/sources/", {"q": "roster"}) == []
    assert [row["id"] for row in results(editor_client, "/api/v1/sources/", {"q": "roster"})] == [
        roster.pk
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [("x" * 201, "at most 200 characters"), ("sheriff\x00", "Null characters")],
)
def test_a_query_too_long_or_with_a_nul_is_a_400_naming_q(viewer_client, value, message):
    for name in ("q", "search"):
        response = viewer_client.get("/api/v1/requests/", {name: value})
        assert response.status_code == 400
        assert message in " ".join(response.json()["error"]["fields"][name])


@pytest.mark.parametrize(
    "value", ['"unterminated', "a & b | !c", "sheriff:*", "((", "-", "or", "the", "🙂"]
)
def test_hostile_queries_are_answered_not_failed(demo, viewer_client, value):
    for path in ("requests", "responses", "escalations", "sources", "counties", "stats"):
        response = viewer_client.get(f"/api/v1/{path}/", {"q": value})
        assert response.status_code == 200, (path, response.content[:300])
    assert DataRequest.objects.count() == 4


def test_stats_count_the_requests_a_search_finds(demo, viewer_client):
    body = viewer_client.get("/api/v1/stats/", {"q": "Los Angeles"}).json()
    assert body["total"] == 4
    body = viewer_client.get("/api/v1/stats/", {"q": "Quillfeather"}).json()
    assert body["total"] == 0


def test_the_csv_of_a_search_is_in_the_order_of_the_search(demo, viewer_client):
    response = viewer_client.get("/api/v1/requests/", {"q": "Los Angeles", "format": "csv"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[1].split(",")[1] == "Los Angeles County"
    assert len(lines) == 5
