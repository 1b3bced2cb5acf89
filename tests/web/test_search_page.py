"""`/search/` and the search box in the header: every page has the box; the page groups what it
finds with counts and links to all of it; bad input gets a message, never a 500; a page of
results costs the same queries whatever it finds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from requests_tracker.models import SourcePage
from tests.factories import CountyFactory, SourceFactory, make_request
from tests.queries import queries_for
from tests.web.conftest import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo")


def test_every_page_has_one_labelled_search_box_in_its_header(demo, viewer_browser):
    for path in ("/", "/requests/", "/counties/", "/counties/06037/", "/watches/"):
        page = page_of(viewer_browser.get(path))
        [form] = page.select("header form[role=search]")
        assert form["action"] == "/search/" and form["method"] == "get"
        box = form.find("input", attrs={"name": "q"})
        assert page.find("label", attrs={"for": box["id"]}).get_text() == "Search the tracker"


def test_results_are_grouped_with_counts_and_the_best_match_first(demo, viewer_browser):
    response = viewer_browser.get("/search/", {"q": "Los Angeles"})
    assert response.status_code == 200
    page = page_of(response)

    headings = [h2.get_text(" ", strip=True) for h2 in page.select("main h2")]
    assert headings == [
        "Requests (4)",
        "Responses (1)",
        "Escalations (0)",
        "Sources (3)",  # the suit against the City of Los Angeles among them
        "Counties (1)",
    ]
    first = page.select_one("#group-requests").find_next("a", class_="search-hit__title")
    assert first.get_text().startswith("Los Angeles County, CA")
    assert page.find("input", attrs={"name": "q"})["value"] == "Los Angeles"


def test_a_group_links_to_all_of_its_matches(viewer_browser):
    for n in range(7):
        county = CountyFactory(name=f"Lassen {n} County", fips=f"0635{n}")
        make_request(county=county, summary="The sheriff declined.")
        source = SourceFactory(title=f"Story {n}")
        SourcePage.objects.create(source=source, number=1, text="The sheriff declined.")

    page = page_of(viewer_browser.get("/search/", {"q": "declined"}))
    more = {link.get_text(): link["href"] for link in page.select(".search-group__more a")}
    assert more == {
        "See all 7 requests": "/requests/?q=declined",
        "See all 7 sources": "/search/?q=declined&in=sources",
    }
    listed = page_of(viewer_browser.get("/requests/", {"q": "declined"}))
    assert listed.select_one(".result-count").get_text().startswith("7 requests")

    redirected = viewer_browser.get("/search/", {"q": "declined", "in": "requests"})
    assert redirected.status_code == 302
    assert redirected["Location"] == "/requests/?q=declined"

    sources = viewer_browser.get("/search/", {"q": "declined", "in": "sources"})
    assert len(page_of(sources).select(".search-hit")) == 7
    assert "found on page 1 of its document" in sources.content.decode()


def test_a_group_page_is_paged(viewer_browser):
    for n in range(25):
        SourceFactory(title=f"Subpoena story {n}")
    first = page_of(viewer_browser.get("/search/", {"q": "subpoena", "in": "sources"}))
    assert len(first.select(".search-hit")) == 20
    next_link = first.select_one(".pagination a[rel=next]")["href"]
    assert "q=subpoena" in next_link and "in=sources" in next_link and "page=2" in next_link
    second = page_of(viewer_browser.get("/search/" + next_link))
    assert len(second.select(".search-hit")) == 5
    far = viewer_browser.get("/search/", {"q": "subpoena", "in": "sources", "page": "999999999"})
    assert far.status_code == 200


def test_a_group_past_the_cap_says_so_and_its_own_page_counts_them_all(viewer_browser, monkeypatch):
    from requests_tracker.selectors import search

    monkeypatch.setattr(search, "PREVIEW_CANDIDATES", 4)
    for n in range(6):
        SourceFactory(title=f"Subpoena story {n}")
    SourceFactory(title="Subpoena subpoena subpoena, the oldest and the best match")
    page = page_of(viewer_browser.get("/search/", {"q": "subpoena"}))
    heading = page.select_one("#group-sources").get_text(" ", strip=True)
    assert heading == "Sources (4+)"
    more = [link.get_text() for link in page.select(".search-group__more a")]
    assert more == ["See all 4+ sources"]
    # The group's own page ranks and counts every match.
    own = page_of(viewer_browser.get("/search/", {"q": "subpoena", "in": "sources"}))
    assert own.select_one("#group-sources").get_text(" ", strip=True) == "Sources (7)"
    assert "the oldest and the best match" in own.select(".search-hit")[0].get_text()


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 200, "Type what you are looking for"),
        ("   ", 200, "Type what you are looking for"),
        ("x" * 201, 400, "Keep a search to 200 characters or fewer (this one has 201)."),
        ("sheriff\x00", 400, "Null characters are not allowed."),
    ],
)
def test_an_empty_or_unreadable_query_gets_a_message(viewer_browser, query, status, message):
    response = viewer_browser.get("/search/", {"q": query})
    assert response.status_code == status
    assert page_of(response).select_one("#search-notice").get_text().startswith(message)


@pytest.mark.parametrize(
    "query",
    [
        '"unterminated',
        "a & b | !c",
        "sheriff:*",
        "'; DROP TABLE requests_tracker_county; --",
        "<script>alert(1)</script>",
        "-",
        "the",
        "x" * 200,
    ],
)
def test_hostile_input_is_answered_and_shown_escaped(demo, viewer_browser, query):
    response = viewer_browser.get("/search/", {"q": query, "in": "nowhere", "page": "-3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "There is no group “nowhere” to search in" in html


def test_internal_notes_are_not_shown_or_searched_for_anonymous_readers(
    settings, anonymous_browser, viewer_browser
):
    settings.TRACKER_PUBLIC = True
    make_request(summary="Nothing to see.", internal_note="Quillfeather owes us a call.")
    assert "Quillfeather" in viewer_browser.get("/search/", {"q": "Quillfeather"}).content.decode()
    for query in ("Quillfeather", "nothing"):
        html = anonymous_browser.get("/search/", {"q": query}).content.decode()
        assert "owes us a call" not in html


def test_a_closed_tracker_sends_anonymous_searchers_to_sign_in(anonymous_browser, settings):
    settings.TRACKER_PUBLIC = False
    response = anonymous_browser.get("/search/", {"q": "Los Angeles"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_search_page_costs_the_same_queries_for_one_match_as_for_thirty(viewer_browser):
    def queries() -> int:
        return queries_for(viewer_browser, "/search/?q=roster")

    def add(n: int) -> None:
        make_request(
            county=CountyFactory(name=f"Roster {n} County", fips=f"068{n:02d}"),
            summary="The jail roster.",
        )
        SourceFactory(title=f"Roster story {n}")

    add(0)
    one = queries()
    for n in range(1, 30):
        add(n)
    assert queries() == one


def test_counties_are_searched_by_name_on_their_list(demo, viewer_browser):
    page = page_of(viewer_browser.get("/counties/", {"q": "los ang"}))
    assert [a.get_text() for a in page.select("table.data tbody td:first-child a")] == [
        "Los Angeles County"
    ]
    page = page_of(viewer_browser.get("/counties/", {"q": "san", "with_requests": "on"}))
    names = [a.get_text() for a in page.select("table.data tbody td:first-child a")]
    assert names == ["San Diego County", "San Francisco County"]
    too_long = viewer_browser.get("/counties/", {"q": "x" * 201})
    assert too_long.status_code == 200
    assert "at most 200 characters" in too_long.content.decode()


def test_a_word_of_an_internal_note_cannot_be_guessed_on_the_pages(settings, anonymous_browser):
    settings.TRACKER_PUBLIC = True
    county = CountyFactory(name="Riverside County", fips="06065")
    make_request(county=county, internal_note="Confirmed by our tipster at the jail.")
    make_request(county=county, issued_on=dt.date(2025, 8, 14))
    for path in ("/requests/", "/search/"):
        plain = anonymous_browser.get(path, {"q": "Riverside"}).content.decode()
        excluding = anonymous_browser.get(path, {"q": "Riverside -tipster"}).content.decode()
        assert plain.count("Riverside County") >= 2
        assert excluding.count('href="/requests/') == plain.count('href="/requests/'), path


def test_the_search_page_is_rate_limited_like_the_api(settings, anonymous_browser):
    """Searching documents costs as much as an API list: the same counts limit both."""
    settings.TRACKER_PUBLIC = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "1000/min"},
    }
    answers = [anonymous_browser.get("/search/", {"q": "sheriff"}).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    refused = anonymous_browser.get("/search/", {"q": "sheriff"})
    assert "Too many searches" in refused.content.decode() and int(refused["Retry-After"]) >= 1
