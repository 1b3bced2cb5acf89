"""Every list pages the same way: by cursor, with `next` (a whole address) and `next_cursor` (the
same position, to send as `cursor`), in every ordering it offers, each row once and in the order
one long page has them. Responses, escalations, sources and the other short lists used to be
numbered pages (`page=2`), so a client paged two ways and a row added meanwhile was read twice.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from requests_tracker import services
from requests_tracker.api.urls import router
from requests_tracker.models import Case, DataRequest, DocketEntry
from tests.api.conftest import LISTS
from tests.factories import SourceFactory


def orderings(prefix: str) -> list[str]:
    """Every `ordering` value a list offers, both ways ("" for its default order)."""
    viewset = next(viewset for name, viewset, _ in router.registry if name == prefix)
    offered = getattr(viewset, "filterset_class", None)
    ordering = offered.base_filters.get("ordering") if offered else None
    names = list(ordering.param_map) if ordering else []
    return ["", *names, *(f"-{name}" for name in names)]


@pytest.fixture
def varied(editor, journalist):
    """The demo newsroom, with what it lacks for paging: escalations with and without a due
    date (nulls sort last going up), a docket entry without a number, webhooks."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    requests = list(DataRequest.objects.order_by("id"))
    today = services.local_today()
    for n, data_request in enumerate(requests):
        for due_on in (None, data_request.issued_on + dt.timedelta(days=40 + n % 2)):
            services.file_escalation(
                data_request=data_request,
                kind="demand_letter",
                issued_on=data_request.issued_on + dt.timedelta(days=30),
                due_on=due_on,
                actor=journalist,
                today=today,
            )
    case = Case.objects.order_by("id").first()
    for _ in range(2):
        DocketEntry.objects.create(
            case=case,
            filed_on=dt.date(2025, 8, 1),
            description="Minute order",
            source=SourceFactory(kind="court_filing"),
        )
    for n in range(3):
        services.subscribe_webhook(url=f"https://hooks.example/{n}", actor=editor)


def walk(client, prefix: str, query: dict, page_size: int) -> list[int | str]:
    """The rows of a list, `page_size` at a time: the first page, then each page's
    `next_cursor` sent as `cursor`, checking that `next` is the same page's whole address."""
    seen: list[int | str] = []
    cursor = None
    for _ in range(1000):
        params = {**query, "page_size": page_size, **({"cursor": cursor} if cursor else {})}
        answer = client.get(f"/api/v1/{prefix}/", params)
        assert answer.status_code == 200, (prefix, params, answer.content[:300])
        body = answer.json()
        seen += [row.get("id", row.get("fips")) for row in body["results"]]
        cursor = body["next_cursor"]
        if body.get("has_more") is False or cursor is None:
            assert body.get("has_more") is False or body["next"] is None
            return seen
        link = urlsplit(body["next"])
        assert link.scheme == "http" and link.path == f"/api/v1/{prefix}/"
        assert parse_qs(link.query)["cursor"] == [cursor]
    raise AssertionError("never reached the last page")


@pytest.mark.parametrize("prefix", LISTS)
def test_every_list_pages_by_cursor_in_every_ordering_each_row_once(prefix, varied, editor_client):
    for ordering in orderings(prefix):
        query = {"ordering": ordering} if ordering else {}
        whole = walk(editor_client, prefix, query, 200)
        assert len(set(whole)) == len(whole), (prefix, ordering)
        small = max(1, len(whole) // 4)
        assert walk(editor_client, prefix, query, small) == whole, (prefix, ordering)


def test_a_list_with_nothing_to_page_has_neither_next_nor_a_cursor(editor_client):
    body = editor_client.get("/api/v1/responses/").json()
    assert body == {"next": None, "next_cursor": None, "results": []}


@pytest.mark.parametrize("prefix", ["counties", "responses", "sources", "requests"])
def test_a_page_number_is_refused_not_read_as_the_first_page_again(prefix, viewer_client):
    answer = viewer_client.get(f"/api/v1/{prefix}/", {"page": 2})
    assert answer.status_code == 400
    assert "cursor" in answer.json()["error"]["fields"]["page"][0]
    assert viewer_client.get(f"/api/v1/{prefix}/", {"page": ""}).status_code == 200
