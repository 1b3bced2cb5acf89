"""The request list is built from plain rows, not model instances and serializer fields, and
answers exactly what DataRequestSerializer (the schema's description of a row) shows, field by
field and in the same order, for every reader."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from requests_tracker import selectors, services
from requests_tracker.api.serializers import DataRequestSerializer
from requests_tracker.models import Source
from tests.api.conftest import TODAY
from tests.factories import CountyFactory, SourceFactory, make_request

ROLES = ["anonymous", "viewer", "journalist", "editor"]


@pytest.fixture
def varied(california, journalist, editor):
    """Besides the newsroom's California requests: one citing a sensitive source beside a public
    one, one citing only a sensitive source (unsourced to the public), one overdue, one entered
    by nobody (an import), a source without kind or date, and text that JSON escapes."""
    roster = services.add_source(
        title="Jail roster", url="https://county.example/roster", sensitive=True, actor=editor
    )
    bare = SourceFactory(kind="", published_on=None, publisher="", title="Note \u2028 “quoted”")
    both = make_request(
        county=CountyFactory(name="Kern County", fips="06029", slug="kern-county"),
        issued_on=dt.date(2025, 8, 4),
        summary='Roster "of" detainees, line\u2029separator',
        sources=[bare],
        actor=journalist,
        today=TODAY,
    )
    services.cite_source(source=roster, record=both, actor=editor)
    only_sensitive = make_request(
        county=CountyFactory(name="Kings County", fips="06031", slug="kings-county"),
        issued_on=dt.date(2025, 8, 4),
        actor=journalist,
        today=TODAY,
    )
    services.cite_source(source=roster, record=only_sensitive, actor=editor)
    make_request(
        county=CountyFactory(name="Lake County", state="IL", fips="17097"),
        issued_on=dt.date(2025, 6, 2),
        actor=None,
        today=TODAY,
    )
    services.flag_overdue(today=TODAY)
    return california


def client_for(role, request, settings):
    settings.TRACKER_PUBLIC = True
    if role == "anonymous":
        return request.getfixturevalue("anonymous_client"), AnonymousUser()
    return request.getfixturevalue(f"{role}_client"), request.getfixturevalue(role)


def serializer_rows(user) -> list[dict]:
    """What DataRequestSerializer makes of every request, in the list's order, as JSON."""
    records = selectors.data_requests().order_by("-issued_on", "-id")
    context = {"request": SimpleNamespace(user=user), "today": services.local_today()}
    data = DataRequestSerializer(records, many=True, context=context).data
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("role", ROLES)
def test_every_row_is_exactly_what_the_serializer_shows(varied, role, request, settings):
    client, user = client_for(role, request, settings)
    response = client.get("/api/v1/requests/", {"page_size": 200})
    assert response.status_code == 200
    rows = response.json()["results"]
    expected = serializer_rows(user)
    assert len(rows) == len(expected) == 8, [r["county"]["name"] for r in rows]
    for row, wanted in zip(rows, expected, strict=True):
        assert row == wanted
        assert list(row) == list(wanted), "the fields come in the serializer's order"
        assert [list(s) for s in row["sources"]] == [list(s) for s in wanted["sources"]]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_cursor_walk_matches_the_serializer(varied, role, request, settings):
    client, user = client_for(role, request, settings)
    seen, url = [], "/api/v1/requests/?page_size=3&ordering=-days_overdue,county"
    while url:
        page = client.get(url).json()
        seen += page["results"]
        url = page["next"]
    records = selectors.data_requests().order_by("overdue_rank", "county_name", "id")
    context = {"request": SimpleNamespace(user=user), "today": services.local_today()}
    expected = json.loads(
        JSONRenderer().render(DataRequestSerializer(records, many=True, context=context).data)
    )
    assert seen == expected


def test_sensitive_sources_stay_hidden_in_the_rows(
    varied, viewer_client, anonymous_client, settings
):
    settings.TRACKER_PUBLIC = True
    kern = next(
        row
        for row in viewer_client.get("/api/v1/requests/?county=06029").json()["results"]
        if row["county"]["fips"] == "06029"
    )
    withheld = [s for s in kern["sources"] if s["withheld"]]
    assert len(kern["sources"]) == 2 and len(withheld) == 1
    assert withheld[0]["title"] == "a sensitive source (editors only)"
    assert "county.example/roster" not in json.dumps(kern)
    public = anonymous_client.get("/api/v1/requests/?county=06031").json()["results"]
    assert public[0]["sources"] == [] and public[0]["unsourced"] is True
    assert "internal_note" not in public[0] and "created_by" not in public[0]


def test_the_list_reads_only_the_columns_it_shows(varied, viewer_client):
    """Not every column of five tables (a user's password hash, the search vectors, the
    original deadline): the page query names what a row shows."""
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get("/api/v1/requests/?state=CA&status=awaiting&page_size=50")
    assert response.status_code == 200
    page_sql = next(q["sql"] for q in queries if 'FROM "requests_tracker_datarequest"' in q["sql"])
    for column in ('"password"', '"search_vector"', '"original_due_rule"', '"sanctuary_status"'):
        assert column not in page_sql


@pytest.mark.parametrize("size", [1, 200])
def test_a_page_of_requests_costs_four_queries_whatever_its_size(
    varied, editor_client, django_assert_num_queries, size
):
    # The token with its user, the user's role, the page, the page's sources.
    with django_assert_num_queries(4):
        response = editor_client.get(f"/api/v1/requests/?page_size={size}")
    assert response.status_code == 200


def test_a_page_without_rows_needs_no_sources_query(
    varied, editor_client, django_assert_num_queries
):
    with django_assert_num_queries(3):
        response = editor_client.get("/api/v1/requests/?state=NY")
    assert response.json() == {"next": None, "next_cursor": None, "results": []}


def test_a_source_kind_left_empty_reads_as_empty(varied, editor_client):
    rows = editor_client.get("/api/v1/requests/?county=06029").json()["results"]
    bare = next(s for s in rows[0]["sources"] if not s["withheld"] and s["kind"] == "")
    assert bare["published_on"] is None
    assert Source.objects.get(pk=bare["id"]).kind == ""
