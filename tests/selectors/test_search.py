"""The one search (selectors/search.py): what it finds, in which order, for whom."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_tracker import services
from requests_tracker.models import DataRequest, Source, SourcePage
from requests_tracker.selectors import search
from tests.factories import CountyFactory, SourceFactory, make_request

pytestmark = pytest.mark.django_db

NOTE = "Call the undersheriff's deputy Quillfeather before Friday."


@pytest.fixture
def demo():
    call_command("load_demo")


def group(groups: list[search.SearchGroup], key: str) -> search.SearchGroup:
    return next(found for found in groups if found.key == key)


def counties_of(found: search.SearchGroup) -> list[str]:
    return [hit.record.county.name for hit in found.hits]


def test_los_angeles_puts_los_angeles_countys_request_first(demo, viewer):
    # The campaign's summary names all four counties; only one is Los Angeles County.
    groups = search.search("Los Angeles", viewer)

    requests = group(groups, "requests")
    assert requests.total == 4
    assert counties_of(requests)[0] == "Los Angeles County"
    assert requests.hits[0].rank > requests.hits[1].rank
    assert [hit.record.name for hit in group(groups, "counties").hits] == ["Los Angeles County"]


def test_results_are_grouped_by_kind_with_their_totals(demo, viewer):
    groups = search.search("sanctuary", viewer)

    assert [found.key for found in groups] == [
        "requests",
        "responses",
        "escalations",
        "sources",
        "counties",
    ]
    responses = group(groups, "responses")
    assert responses.total == 1
    assert responses.hits[0].record.request.county.name == "San Francisco County"
    assert group(groups, "requests").total == 0


def test_a_group_holds_its_best_rows_and_counts_them_all(viewer):
    for n in range(7):
        make_request(
            county=CountyFactory(name=f"Alpine {n} County", fips=f"0670{n}"),
            summary="The sheriff declined to answer.",
        )

    requests = group(search.search("declined", viewer), "requests")
    assert requests.total == 7
    assert len(requests.hits) == search.PREVIEW_ROWS
    page_two = search.search_group("requests", "declined", viewer, offset=5, limit=5)
    assert page_two.total == 7
    assert len(page_two.hits) == 2
    assert {hit.record.pk for hit in requests.hits}.isdisjoint(
        hit.record.pk for hit in page_two.hits
    )


def test_snippets_mark_the_words_found_and_escape_the_text(viewer):
    make_request(summary='The sheriff <b onclick="x()">declined</b> & said "no".')

    [hit] = group(search.search("declined", viewer), "requests").hits

    assert "<mark>declined</mark>" in hit.snippet_html
    assert "&amp; said &quot;no&quot;" in hit.snippet_html
    # PostgreSQL's snippets leave tags out; the substring search shows them, escaped.
    assert "<b" not in hit.snippet_html


def test_stored_match_markers_cannot_forge_marks(viewer):
    make_request(summary="Forged \ue000bold\ue001 words; the sheriff declined.")

    [hit] = group(search.search("declined", viewer), "requests").hits

    assert hit.snippet_html.count("<mark>") == 1
    assert "<mark>declined</mark>" in hit.snippet_html


def test_internal_notes_are_searched_for_the_newsroom_only(settings, viewer):
    settings.TRACKER_PUBLIC = True
    data_request = make_request(summary="Nothing to see.", internal_note=NOTE)

    [hit] = group(search.search("Quillfeather", viewer), "requests").hits
    assert hit.record == data_request
    assert "Quillfeather" in hit.snippet_html

    anonymous = AnonymousUser()
    assert group(search.search("Quillfeather", anonymous), "requests").total == 0
    assert list(search.matching_requests(DataRequest.objects.all(), "Quillfeather", None)) == []
    # Found for another word, the note still stays out of the snippet.
    [hit] = group(search.search("nothing", anonymous), "requests").hits
    assert "Quillfeather" not in hit.snippet_html


def test_nobody_who_cannot_read_the_tracker_finds_anything(settings, demo):
    settings.TRACKER_PUBLIC = False
    assert all(found.total == 0 for found in search.search("Los Angeles", AnonymousUser()))


def test_a_source_is_found_by_its_title_or_its_document_with_the_page(viewer):
    by_title = SourceFactory(title="Grand jury subpoena to the sheriff")
    by_document = SourceFactory(title="Letter of July 17")
    SourcePage.objects.create(source=by_document, number=1, text="Cover page.")
    SourcePage.objects.create(
        source=by_document, number=2, text="The grand jury asks for the jail roster."
    )
    SourceFactory(title="Unrelated report")

    sources = group(search.search("grand jury", viewer), "sources")

    assert sources.total == 2
    hits = {hit.record: hit for hit in sources.hits}
    assert set(hits) == {by_title, by_document}
    assert hits[by_document].page == 2
    assert "jail roster" in hits[by_document].snippet_html
    assert hits[by_title].page is None


def test_sensitive_sources_are_found_by_editors_only(editor, journalist):
    roster = SourceFactory(title="Jail roster with release dates")
    Source.objects.filter(pk=roster.pk).update(sensitive=True)
    SourcePage.objects.create(source=roster, number=1, text="Names and release dates.")

    assert [hit.record for hit in group(search.search("roster", editor), "sources").hits] == [
        roster
    ]
    for query in ("roster", "names"):
        assert group(search.search(query, journalist), "sources").total == 0


def test_counties_are_found_by_the_words_of_their_name_as_typed(demo, viewer):
    counties = group(search.search("san", viewer), "counties")
    names = [hit.record.name for hit in counties.hits]
    # California's San Benito ... San Mateo and Santa Barbara, Clara, Cruz; Illinois' Sangamon;
    # and, last, Minnesota's Isanti, where the letters are inside a word.
    assert counties.total == 12
    assert all(name.startswith("San") for name in names)
    los_angeles = group(search.search("los ang", viewer), "counties")
    assert [hit.record.name for hit in los_angeles.hits] == ["Los Angeles County"]


@pytest.mark.parametrize(
    "query",
    [
        '"unterminated',
        "a & b | !c",
        "sheriff:*",
        "(((",
        "'; DROP TABLE requests_tracker_county; --",
        "\x00null\x00",
        "x" * 5000,
        "-",
        "or",
        "\u202eright to left",
        "🙂",
    ],
)
def test_hostile_queries_find_nothing_wrongly_and_never_fail(demo, viewer, query):
    groups = search.search(query, viewer)
    assert [found.key for found in groups] == list(search.GROUPS)
    assert DataRequest.objects.count() == 4


def test_a_query_is_cleaned_before_it_is_searched():
    assert search.clean_query("  Los\x00 Angeles\n\t ") == "Los Angeles"
    assert len(search.clean_query("x" * 500)) == search.MAX_QUERY_LENGTH
    assert search.words_of('"sheriff" & -roster | or :*') == ["sheriff", "roster"]


def test_the_search_costs_the_same_queries_for_one_match_as_for_thirty(viewer, journalist):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            search.search("roster", viewer)
        return len(captured)

    def add(n: int) -> None:
        data_request = make_request(
            county=CountyFactory(name=f"Roster {n} County", fips=f"068{n:02d}"),
            summary="DOJ asked for the jail roster.",
        )
        source = SourceFactory(title=f"Roster story {n}")
        SourcePage.objects.create(source=source, number=1, text="The jail roster.")
        services.log_response(
            data_request=data_request,
            kind="declined",
            received_on=dt.date(2025, 7, 20),
            summary="No roster.",
            sources=[source],
            actor=journalist,
            today=dt.date(2025, 7, 20),
        )
        services.file_escalation(
            data_request=data_request,
            kind="demand_letter",
            issued_on=dt.date(2025, 8, 20),
            summary="Demand for the roster.",
            today=dt.date(2025, 8, 20),
        )

    add(0)
    search.search("roster", viewer)  # first-use caches (the user's role) are not the search's
    one = queries()
    for n in range(1, 30):
        add(n)
    thirty = queries()
    assert group(search.search("roster", viewer), "requests").total == 30
    assert one == thirty


def test_search_stems_words_and_reads_phrases_or_and_exclusions(viewer):
    declined = make_request(summary="The sheriff declined to give the roster.")
    ignored = make_request(summary="The county ignored the letter.")

    def found(query: str) -> set[DataRequest]:
        return {hit.record for hit in group(search.search(query, viewer), "requests").hits}

    assert found("declines") == {declined}
    assert found('"give the roster"') == {declined}
    assert found('"roster give"') == set()
    assert found("declined or ignored") == {declined, ignored}
    assert found("sheriff -roster") == set()
