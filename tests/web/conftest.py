"""Fixtures for the page tests: a browser-like client per role, and one request with a response.

`<role>_browser` is Django's test client signed in with a session cookie, as a journalist's
browser is (the API's token clients are `<role>_client`; the real Chromium is tests/browser/).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from requests_tracker import services
from requests_tracker.models import DataRequest, Response, Source
from tests.factories import AgencyFactory, SourceFactory, UserFactory

INTERNAL_NOTE = "Call the PIO back before Friday."


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
def answered(data_request, journalist) -> Answered:
    """Los Angeles' request with an internal note, and a public statement logged by a journalist."""
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
