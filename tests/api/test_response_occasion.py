"""A response records where it was said and where the data it refers to is already public; both
show on the request's page, and an address that is not a URI is refused by name."""

from __future__ import annotations

import pytest
from django.test import Client

from requests_tracker.models import Response

pytestmark = pytest.mark.django_db


def test_where_said_and_already_public_are_kept_and_shown(newsroom, journalist, journalist_client):
    body = {
        "request": newsroom.other_request.pk,
        "kind": "declined",
        "received_on": "2025-09-12",
        "said_at": "A letter to DOJ's Civil Rights Division",
        "already_public_url": "https://sheriff.example/inmate-information-center",
    }
    created = journalist_client.post("/api/v1/responses/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["said_at"] == body["said_at"]
    browser = Client()
    browser.force_login(journalist)
    page = browser.get(newsroom.other_request.get_absolute_url()).content.decode()
    assert "A letter to DOJ&#x27;s Civil Rights Division" in page
    assert 'href="https://sheriff.example/inmate-information-center"' in page

    refused = journalist_client.post(
        "/api/v1/responses/", {**body, "already_public_url": "javascript:alert(1)"}, format="json"
    )
    assert refused.status_code == 400
    assert "already_public_url" in refused.json()["error"]["fields"]
    assert Response.objects.filter(request=newsroom.other_request).count() == 1
