"""The busiest pages are kept per data version (requests_tracker/page_cache.py): a second visit
reads less, no reader sees a page more than PAGE_CACHE_STALE_SECONDS behind the writes of others
or behind their own, and nobody ever gets another role's page.

Each test starts with an empty cache (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.conf import settings as site_settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_tracker import page_cache, services
from requests_tracker.models import County, SourcePage
from tests.admin.pages import unchanged_post
from tests.factories import CountyFactory, UserFactory, letters_of_july_17, make_request

pytestmark = pytest.mark.django_db


PER_RESPONSE = re.compile(r'(nonce|value)="[^"]*"')


def get_counting(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def county_row(html: str, fips: str) -> list[str]:
    """The cells of the table row (dashboard, county list) linking to the county's page."""
    page = BeautifulSoup(html, "html.parser")
    for row in page.find_all("tr"):
        if row.find("a", href=f"/counties/{fips}/") and not row.has_attr("data-fips"):
            return [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
    raise AssertionError(f"no table row links to county {fips}")


def counties_section(html: str) -> str:
    return str(
        BeautifulSoup(html, "html.parser").find(
            "section", attrs={"aria-labelledby": "counties-heading"}
        )
    )


@pytest.fixture
def los_angeles(county):
    return make_request(county=county, issued_on=dt.date(2025, 7, 17))


def los_angeles_complies(los_angeles, journalist) -> None:
    """Los Angeles County's answer, logged through the services: its request is no longer open."""
    services.log_response(
        data_request=los_angeles, kind="complied", received_on=dt.date(2025, 8, 1), actor=journalist
    )


def test_a_second_visit_to_the_dashboard_reads_less(los_angeles, viewer_browser):
    first, first_queries = get_counting(viewer_browser, "/")
    second, second_queries = get_counting(viewer_browser, "/")
    assert counties_section(second) == counties_section(first)
    # The county table, the recent activity and the map's four queries are not run again.
    assert second_queries <= first_queries - 5


def test_a_write_shows_on_the_next_visit(los_angeles, viewer_browser, journalist):
    before, _ = get_counting(viewer_browser, "/")
    assert county_row(before, "06037") == ["Los Angeles County", "1", "1", "0"]
    los_angeles_complies(los_angeles, journalist)
    after, _ = get_counting(viewer_browser, "/")
    assert county_row(after, "06037") == ["Los Angeles County", "1", "0", "0"]
    counties, _ = get_counting(viewer_browser, "/counties/?with_requests=on")
    assert "Complied" in " ".join(county_row(counties, "06037"))


def test_a_page_computed_before_a_write_commits_is_not_served_after(los_angeles):
    """A reader in another process may compute a page from the old rows after the write has
    given the data a new version but before it commits; the commit gives it another."""
    with transaction.atomic():
        County.objects.filter(pk=los_angeles.county_id).update(name="County of Los Angeles")
        stale = page_cache.cached("probe", compute=lambda: "from the rows before the write")
        assert stale == "from the rows before the write"
        transaction.on_commit(lambda: None)
    # (pytest-django's transaction never commits: run the write's commit hooks by hand.)
    for _, callback, _ in connection.run_on_commit:
        callback()
    assert page_cache.cached("probe", compute=lambda: "fresh") == "fresh"


def test_a_change_made_in_the_admin_shows_at_once(los_angeles, county, viewer_browser):
    get_counting(viewer_browser, "/")  # cached with the old name
    admin = Client()
    admin.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    url = reverse("admin:requests_tracker_county_change", args=[county.pk])
    data = unchanged_post(admin.get(url))
    data["name"] = "County of Los Angeles"
    assert admin.post(url, data).status_code == 302
    after, _ = get_counting(viewer_browser, "/")
    assert county_row(after, "06037")[0] == "County of Los Angeles"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("viewer", "anonymous"),
        ("anonymous", "viewer"),
        ("editor", "journalist"),
        ("journalist", "editor"),
    ],
)
def test_a_reader_never_gets_the_page_kept_for_another_role(
    first, second, los_angeles, journalist, settings, request
):
    """Whoever came first, the next reader gets exactly the pages computed for their own role
    (what a role is shown differs: who logged what is for newsroom members only, never for
    anonymous readers of a public instance)."""
    settings.TRACKER_PUBLIC = True
    services.log_response(
        data_request=los_angeles, kind="declined", received_on=dt.date(2025, 8, 1), actor=journalist
    )
    browsers = {
        role: Client() if role == "anonymous" else request.getfixturevalue(f"{role}_browser")
        for role in (first, second)
    }
    pages = ("/", "/counties/", "/map/CA/", "/requests/")

    def visit(role: str) -> list[str]:
        # Per-response tokens (CSP nonces, CSRF) aside, a page is its HTML.
        return [PER_RESPONSE.sub("", get_counting(browsers[role], page)[0]) for page in pages]

    with override_settings(PAGE_CACHE_SECONDS=0):
        computed_for_second = visit(second)
    visit(first)  # keeps the pages of its role
    assert visit(second) == computed_for_second
    assert ("logged by journalist" in computed_for_second[0]) == (second != "anonymous")


def test_days_overdue_move_at_midnight_without_a_write(county, viewer_browser):
    campaign = letters_of_july_17("Letters of 2025-07-17", [county])
    services.flag_overdue(today=dt.date(2025, 9, 1))

    def days_overdue(url: str) -> str:
        html, _ = get_counting(viewer_browser, url)
        row = BeautifulSoup(html, "html.parser").find("tr", attrs={"data-fips": "06037"})
        return row.find("strong", class_="overdue-count").get_text(strip=True)

    # Twenty seconds apart, across midnight in the newsroom's time zone: well within the time an
    # entry is kept, so only the day in its key can tell the two visits apart.
    newsroom = ZoneInfo(site_settings.TIME_ZONE)
    for url in (f"/campaigns/{campaign.pk}/", "/map/CA/"):
        with time_machine.travel(dt.datetime(2025, 9, 1, 23, 59, 50, tzinfo=newsroom), tick=False):
            assert days_overdue(url) == "16"
        with time_machine.travel(dt.datetime(2025, 9, 2, 0, 0, 10, tzinfo=newsroom), tick=False):
            assert days_overdue(url) == "17"


def test_with_the_cache_off_every_visit_reads_everything(los_angeles, viewer_browser, settings):
    settings.PAGE_CACHE_SECONDS = 0
    _, first = get_counting(viewer_browser, "/")
    _, second = get_counting(viewer_browser, "/")
    assert second == first


def test_the_county_list_table_is_kept_per_query(viewer_browser):
    CountyFactory(name="Alameda County", fips="06001", state="CA")
    CountyFactory(name="Travis County", fips="48453", state="TX")
    california, _ = get_counting(viewer_browser, "/counties/?state=CA")
    texas, _ = get_counting(viewer_browser, "/counties/?state=TX")
    assert "Alameda County" in california and "Travis County" not in california
    assert "Travis County" in texas and "Alameda County" not in texas


ROSTER = "Jail roster of 2025-08-01"


@pytest.fixture
def cited_roster(los_angeles, journalist, settings):
    """A public instance whose dashboard shows a roster cited on Los Angeles's request, as an
    anonymous reader got it (the page is now kept): (the roster, that reader)."""
    settings.TRACKER_PUBLIC = True
    roster = services.add_source(
        title=ROSTER, url="https://county.example/roster", actor=journalist
    )
    services.cite_source(record=los_angeles, source=roster, actor=journalist)
    reader = Client()
    assert ROSTER in reader.get("/").content.decode()
    return roster, reader


def test_a_source_marked_sensitive_leaves_every_kept_page_at_once(cited_roster, editor):
    roster, reader = cited_roster
    services.update_source(source=roster, actor=editor, sensitive=True)
    assert ROSTER not in reader.get("/").content.decode()


def test_a_new_campaign_is_offered_in_the_request_filters_at_once(county, viewer_browser):
    def offered() -> list[str]:
        html, _ = get_counting(viewer_browser, "/requests/")
        select = BeautifulSoup(html, "html.parser").find("select", attrs={"name": "campaign"})
        return [option.get_text(strip=True) for option in select.find_all("option")]

    assert offered() == ["Any campaign"]
    letters_of_july_17("Letters of 2025-07-17", [county])
    assert offered() == ["Any campaign", "Letters of 2025-07-17"]


def test_addresses_a_visitor_invents_cannot_fill_the_cache(
    los_angeles, viewer_browser, monkeypatch
):
    """Queries are the reader's to choose; past the bound a variant is rendered, not kept."""
    monkeypatch.setattr(page_cache, "MAX_NEW_VARIANTS", 2)
    first_visits = {n: get_counting(viewer_browser, f"/counties/?x={n}")[1] for n in (1, 2, 3)}
    _, again_1 = get_counting(viewer_browser, "/counties/?x=1")
    _, again_3 = get_counting(viewer_browser, "/counties/?x=3")
    assert again_1 < first_visits[1]  # kept
    assert again_3 == first_visits[3]  # the third new variant was not kept
    _, plain = get_counting(viewer_browser, "/counties/")
    _, plain_again = get_counting(viewer_browser, "/counties/")
    assert plain_again < plain  # the page without a query is always kept


def test_any_write_to_the_record_gives_a_new_version_however_it_is_made(county):
    """Raw SQL, a set-based update, a bulk insert: every statement that writes the record's
    tables passes the one receiver (page_cache.data_changed)."""
    before = page_cache.data_version()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE requests_tracker_county SET name = %s WHERE id = %s",
            ["County of Los Angeles", county.pk],
        )
    after_sql = page_cache.data_version()
    CountyFactory.create_batch(2)
    after_bulk = page_cache.data_version()
    assert len({before, after_sql, after_bulk}) == 3


def test_bookkeeping_no_page_shows_keeps_the_version(county, journalist):
    source = services.add_source(title="Letter", url="https://doj.example/letter", actor=journalist)
    version = page_cache.data_version()
    services.watch(user=journalist, county=county)
    SourcePage.objects.create(source=source, number=1, text="Letter text")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM requests_tracker_county")
    assert page_cache.data_version() == version


@pytest.fixture
def computed_elsewhere(monkeypatch):
    """Another process is computing every kept page right now: its claim is held."""
    claim = page_cache.cache.add

    def add(key: str, *args, **kwargs) -> bool:
        return False if key.endswith(":computing") else claim(key, *args, **kwargs)

    monkeypatch.setattr(page_cache.cache, "add", add)


def test_while_another_process_computes_a_page_readers_get_the_copy_it_replaces(
    los_angeles, viewer_browser, journalist, settings, request
):
    settings.PAGE_CACHE_STALE_SECONDS = 5
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=False) as clock:
        get_counting(viewer_browser, "/")
        clock.shift(dt.timedelta(seconds=3))
        los_angeles_complies(los_angeles, journalist)
        clock.shift(dt.timedelta(seconds=4))  # the copy is 7 s old, 4 s behind the answer
        request.getfixturevalue("computed_elsewhere")
        served, queries = get_counting(viewer_browser, "/")
    # The copy made before the answer, without reading its rows again.
    assert county_row(served, "06037") == ["Los Angeles County", "1", "1", "0"]
    assert queries < 20


def test_with_no_stale_seconds_the_next_reader_gets_the_current_data(
    los_angeles, viewer_browser, journalist, settings
):
    settings.PAGE_CACHE_STALE_SECONDS = 0
    get_counting(viewer_browser, "/")
    los_angeles_complies(los_angeles, journalist)
    # Nobody else is computing the page: this reader computes it from the current rows.
    after, _ = get_counting(viewer_browser, "/")
    assert county_row(after, "06037") == ["Los Angeles County", "1", "0", "0"]


def test_no_copy_made_before_a_source_was_marked_sensitive_is_served_even_while_computed(
    cited_roster, editor, request
):
    roster, reader = cited_roster
    services.update_source(source=roster, actor=editor, sensitive=True)
    request.getfixturevalue("computed_elsewhere")
    assert ROSTER not in reader.get("/").content.decode()


def test_a_copy_missing_more_than_the_stale_seconds_of_writes_is_not_served(
    los_angeles, viewer_browser, journalist, settings, request
):
    get_counting(viewer_browser, "/")
    settings.PAGE_CACHE_STALE_SECONDS = 0  # the copy misses the write made after it
    los_angeles_complies(los_angeles, journalist)
    request.getfixturevalue("computed_elsewhere")
    after, _ = get_counting(viewer_browser, "/")
    assert county_row(after, "06037") == ["Los Angeles County", "1", "0", "0"]


def test_only_writes_that_may_hide_something_give_a_new_hiding_version(
    los_angeles, journalist, editor
):
    def hiding() -> str:
        return page_cache.versions()[1]

    start = hiding()
    services.log_response(  # a response added, the request's status re-derived
        data_request=los_angeles,
        kind="acknowledged",
        received_on=dt.date(2025, 7, 20),
        actor=journalist,
    )
    services.flag_overdue(today=dt.date(2025, 9, 1))  # the request's derived flag
    assert hiding() == start
    roster = services.add_source(
        title="Jail roster", url="https://county.example/roster", actor=journalist
    )
    assert hiding() == start
    services.update_source(source=roster, actor=editor, sensitive=True)
    marked = hiding()
    assert marked != start
    County.objects.filter(pk=los_angeles.county_id).update(name="County of Los Angeles")
    assert hiding() != marked


@pytest.fixture
def newsroom_clock(settings):
    """Production's delay (a kept page at most 5 s behind other people's writes), on a clock
    the test moves."""
    settings.PAGE_CACHE_STALE_SECONDS = 5
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=False) as clock:
        yield clock


def test_under_steady_writes_a_kept_page_is_computed_again_once_per_stale_seconds(
    los_angeles, viewer_browser, journalist, newsroom_clock
):
    """A busy newsroom logs an answer a second: readers other than the writer get the copy for up
    to PAGE_CACHE_STALE_SECONDS, then one of them computes the page with every answer since."""
    first, first_queries = get_counting(viewer_browser, "/")
    assert county_row(first, "06037") == ["Los Angeles County", "1", "1", "0"]
    los_angeles_complies(los_angeles, journalist)
    newsroom_clock.shift(dt.timedelta(seconds=4))
    served, served_queries = get_counting(viewer_browser, "/")
    assert county_row(served, "06037") == ["Los Angeles County", "1", "1", "0"]
    assert served_queries <= first_queries - 5  # the kept sections are not read again
    newsroom_clock.shift(dt.timedelta(seconds=2))
    after, _ = get_counting(viewer_browser, "/")
    assert county_row(after, "06037") == ["Los Angeles County", "1", "0", "0"]


def test_whoever_logs_an_answer_sees_it_on_the_next_page_at_once(
    los_angeles, viewer_browser, journalist_browser, newsroom_clock
):
    for browser in (viewer_browser, journalist_browser):
        row = county_row(get_counting(browser, "/")[0], "06037")
        assert row == ["Los Angeles County", "1", "1", "0"]
    newsroom_clock.shift(dt.timedelta(seconds=1))
    logged = journalist_browser.post(
        f"/requests/{los_angeles.pk}/responses/",
        {
            "response-kind": "complied",
            "response-received_on": "2025-08-01",
            "response-source_url": "https://news.example/la-complies",
            "response-source_title": "Los Angeles sends its list",
            "response-source_kind": "news_report",
        },
    )
    assert logged.status_code == 302, logged.content.decode()[:2000]
    newsroom_clock.shift(dt.timedelta(seconds=1))
    mine = county_row(get_counting(journalist_browser, "/")[0], "06037")
    assert mine == ["Los Angeles County", "1", "0", "0"]
    # Another reader may get the copy (at most PAGE_CACHE_STALE_SECONDS behind)...
    theirs = county_row(get_counting(viewer_browser, "/")[0], "06037")
    assert theirs in (["Los Angeles County", "1", "1", "0"], mine)
    # ...and gets the answer once that time has passed.
    newsroom_clock.shift(dt.timedelta(seconds=5))
    assert county_row(get_counting(viewer_browser, "/")[0], "06037") == mine


def test_a_write_that_may_hide_something_shows_at_once_even_within_the_stale_seconds(
    newsroom_clock, cited_roster, editor
):
    roster, reader = cited_roster
    newsroom_clock.shift(dt.timedelta(seconds=1))
    services.update_source(source=roster, actor=editor, sensitive=True)
    assert ROSTER not in reader.get("/").content.decode()


def test_with_no_stale_seconds_a_write_shows_even_on_a_clock_that_stands_still(
    los_angeles, viewer_browser, journalist, settings
):
    settings.PAGE_CACHE_STALE_SECONDS = 0
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=False):
        get_counting(viewer_browser, "/")
        los_angeles_complies(los_angeles, journalist)
        after, _ = get_counting(viewer_browser, "/")
    assert county_row(after, "06037") == ["Los Angeles County", "1", "0", "0"]


@pytest.fixture
def cache_calls(monkeypatch):
    """The calls made to the shared cache about kept pages, as (method, keys) in order: in
    production each is a round trip to Redis, which a busy web process pays about a third of a
    millisecond for."""
    calls: list[tuple[str, list[str]]] = []
    inside: list[str] = []  # the local cache of tests answers get_many with get

    for method in ("get", "get_many", "add", "set", "set_many", "delete", "incr"):
        original = getattr(page_cache.cache, method)

        def counted(first, *args, _method=method, _original=original, **kwargs):
            keys = list(first) if _method in ("get_many", "set_many") else [first]
            if not inside and any(key.startswith("tracker:page:") for key in keys):
                calls.append((_method, keys))
            inside.append(_method)
            try:
                return _original(first, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(page_cache.cache, method, counted)
    return calls


def test_a_kept_block_costs_one_read_of_the_cache_and_one_write_when_computed(
    los_angeles, viewer_browser, journalist, settings, cache_calls
):
    settings.PAGE_CACHE_STALE_SECONDS = 0
    get_counting(viewer_browser, "/")
    los_angeles_complies(los_angeles, journalist)
    cache_calls.clear()
    after, _ = get_counting(viewer_browser, "/")
    assert county_row(after, "06037") == ["Los Angeles County", "1", "0", "0"]
    # Each entry is read once, with the data's versions in the same call, and written once (an
    # entry any query may make is also admitted: `admitted`); nobody claims to be computing it,
    # since no copy could be served meanwhile.
    entries = [(method, keys) for method, keys in cache_calls if not keys[0].endswith(":admitted")]
    methods = [method for method, _ in entries]
    assert methods.count("get_many") == methods.count("set") >= 3
    assert set(methods) == {"get_many", "set"}, entries
    cache_calls.clear()
    get_counting(viewer_browser, "/")
    assert {method for method, keys in cache_calls if not keys[0].endswith(":admitted")} == {
        "get_many"
    }
