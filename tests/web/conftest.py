"""Fixtures for the page tests: a browser-like client per role, and one request with a response.

`<role>_browser` is Django's test client signed in with a session cookie, as a journalist's
browser is (the API's token clients are `<role>_client`; the real Chromium is tests/browser/).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from requests_tracker import services
from requests_tracker.models import DataRequest, Response, Source
from tests.factories import AgencyFactory, SourceFactory, UserFactory, make_request

INTERNAL_NOTE = "Call the PIO back before Friday."


def page_of(response) -> BeautifulSoup:
    """The page as elements, to find the one that carries a fact (not text anywhere on it)."""
    return BeautifulSoup(response.content, "html.parser")


def fact(page: BeautifulSoup, term: str):
    """The `<dd>` beside the `<dt>` that reads `term` (the facts lists: "Due", "Sources", ...)."""
    for dt_element in page.find_all("dt"):
        if dt_element.get_text(" ", strip=True) == term:
            return dt_element.find_next_sibling("dd")
    raise AssertionError(f"no fact {term!r} on the page")


def row_linking_to(page: BeautifulSoup, path: str):
    """The table row holding the link to `path` (a request's row in a list of requests)."""
    link = page.find("a", href=path)
    assert link is not None, f"no link to {path} on the page"
    return link.find_parent("tr")


def shown(response, name: str):
    """What the page's template showed as `name`: a value, or what a callable in the context
    gave (pages pass what their cached blocks show as callables, read only when rendered)."""
    value = response.context[name]
    return value() if callable(value) else value


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anonymous_browser() -> Client:
    return Client()


@pytest.fixture
def viewer_browser(viewer) -> Client:
    return signed_in(viewer)


@pytest.fixture
def journalist_browser(journalist) -> Client:
    return signed_in(journalist)


@pytest.fixture
def editor_browser(editor) -> Client:
    return signed_in(editor)


@pytest.fixture
def outsider_browser(db) -> Client:
    """Signed in, but in no newsroom group."""
    return signed_in(UserFactory(username="stranger"))


@dataclass
class Answered:
    request: DataRequest
    response: Response
    source: Source


@pytest.fixture
def answered(county, journalist) -> Answered:
    """Los Angeles' request of 2025-07-17, entered by a journalist, with an internal note, and a
    public statement the journalist logged: every "who" a page may or may not show is filled."""
    data_request = make_request(county=county, issued_on=dt.date(2025, 7, 17), actor=journalist)
    services.update_request(
        data_request=data_request, actor=journalist, internal_note=INTERNAL_NOTE
    )
    source = SourceFactory(title="LASD statement", url="https://news.example/lasd")
    services.cite_source(source=source, record=data_request, actor=journalist)
    response = services.log_response(
        data_request=data_request,
        kind="public_statement",
        received_on=dt.date(2025, 7, 18),
        responding_agency=AgencyFactory(
            name="Los Angeles County Sheriff's Department", level="county"
        ),
        quotation="We don't ask about immigration status.",
        sources=[source],
        actor=journalist,
    )
    return Answered(
        request=DataRequest.objects.get(pk=data_request.pk), response=response, source=source
    )
