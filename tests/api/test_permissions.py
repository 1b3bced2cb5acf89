"""Who may do what through the API: every endpoint and method, for every kind of client.

The rules come from requests_tracker/permissions.py: viewers read; journalists also create and
edit their own entries; editors edit and delete anything and manage campaigns and webhooks;
anonymous clients read only on a public instance. Without credentials a refusal is 401, with
credentials but without the role it is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from requests_tracker.models import Activity
from tests.api.conftest import Newsroom
from tests.factories import detainer_metric

ROLES = ["anonymous_public", "anonymous_closed", "viewer", "journalist", "editor"]
CLIENT_FIXTURE = {
    "anonymous_public": "anonymous_client",
    "anonymous_closed": "anonymous_client",
    "viewer": "viewer_client",
    "journalist": "journalist_client",
    "editor": "editor_client",
}
# Which roles each rule lets through.
ALLOWED = {
    "read": {"anonymous_public", "viewer", "journalist", "editor"},
    "create": {"journalist", "editor"},
    "edit_own": {"journalist", "editor"},  # the journalist fixture owns the record
    "editor": {"editor"},
}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: Callable[[Newsroom, Any], str]
    rule: str
    ok: int
    body: Callable[[Newsroom, Any], dict] | None = None


def _doj(room: Newsroom, lone: Any) -> int:
    return room.campaign.issuing_agency_id


CASES = [
    Case("api root", "get", lambda r, lone: "/api/v1/", "read", 200),
    Case("counties list", "get", lambda r, lone: "/api/v1/counties/", "read", 200),
    Case("county", "get", lambda r, lone: "/api/v1/counties/06037/", "read", 200),
    Case("agencies list", "get", lambda r, lone: "/api/v1/agencies/", "read", 200),
    Case("agency", "get", lambda r, lone: f"/api/v1/agencies/{_doj(r, lone)}/", "read", 200),
    Case(
        "agency create",
        "post",
        lambda r, lone: "/api/v1/agencies/",
        "create",
        201,
        lambda r, lone: {"name": "San Diego County Sheriff", "level": "county", "county": "06073"},
    ),
    Case("campaigns list", "get", lambda r, lone: "/api/v1/campaigns/", "read", 200),
    Case("campaign", "get", lambda r, lone: f"/api/v1/campaigns/{r.campaign.pk}/", "read", 200),
    Case(
        "campaign create",
        "post",
        lambda r, lone: "/api/v1/campaigns/",
        "editor",
        201,
        lambda r, lone: {
            "title": "September letters",
            "issuing_agency": _doj(r, lone),
            "issued_on": "2025-09-01",
            "counties": ["06037", "06073"],
            "due_basis": "calendar_days",
            "due_days": 30,
            "data_sought": ["noncitizen_roster"],
        },
    ),
    Case(
        "campaign edit",
        "patch",
        lambda r, lone: f"/api/v1/campaigns/{r.campaign.pk}/",
        "editor",
        200,
        lambda r, lone: {"summary": "Letters to four sheriffs."},
    ),
    Case("requests list", "get", lambda r, lone: "/api/v1/requests/", "read", 200),
    Case("request", "get", lambda r, lone: f"/api/v1/requests/{r.request.pk}/", "read", 200),
    Case(
        "request create",
        "post",
        lambda r, lone: "/api/v1/requests/",
        "create",
        201,
        lambda r, lone: {
            "county": "06073",
            "issuing_agency": _doj(r, lone),
            "issued_on": "2025-08-01",
            "due_basis": "stated",
            "due_on": "2025-08-31",
            "due_rule": "no later than August 31",
            "data_sought": ["charges"],
        },
    ),
    Case(
        "request edit",
        "patch",
        lambda r, lone: f"/api/v1/requests/{lone.pk}/",
        "edit_own",
        200,
        lambda r, lone: {"summary": "Letter to the sheriff."},
    ),
    Case("request delete", "delete", lambda r, lone: f"/api/v1/requests/{lone.pk}/", "editor", 204),
    Case("responses list", "get", lambda r, lone: "/api/v1/responses/", "read", 200),
    Case("response", "get", lambda r, lone: f"/api/v1/responses/{r.response.pk}/", "read", 200),
    Case(
        "response create",
        "post",
        lambda r, lone: "/api/v1/responses/",
        "create",
        201,
        lambda r, lone: {
            "request": r.other_request.pk,
            "kind": "acknowledged",
            "received_on": "2025-07-21",
        },
    ),
    Case(
        "response edit",
        "patch",
        lambda r, lone: f"/api/v1/responses/{r.response.pk}/",
        "edit_own",
        200,
        lambda r, lone: {"summary": "Declined by letter."},
    ),
    Case(
        "response delete",
        "delete",
        lambda r, lone: f"/api/v1/responses/{r.response.pk}/",
        "editor",
        204,
    ),
    Case("escalations list", "get", lambda r, lone: "/api/v1/escalations/", "read", 200),
    Case(
        "escalation", "get", lambda r, lone: f"/api/v1/escalations/{r.escalation.pk}/", "read", 200
    ),
    Case(
        "escalation create",
        "post",
        lambda r, lone: "/api/v1/escalations/",
        "create",
        201,
        lambda r, lone: {
            "request": r.other_request.pk,
            "kind": "administrative_subpoena",
            "issued_on": "2025-09-12",
            "follows": r.escalation.pk,
        },
    ),
    Case(
        "escalation edit",
        "patch",
        lambda r, lone: f"/api/v1/escalations/{r.escalation.pk}/",
        "edit_own",
        200,
        lambda r, lone: {"status": "contested"},
    ),
    Case(
        "escalation delete",
        "delete",
        lambda r, lone: f"/api/v1/escalations/{r.escalation.pk}/",
        "editor",
        204,
    ),
    Case("sources list", "get", lambda r, lone: "/api/v1/sources/", "read", 200),
    Case("source", "get", lambda r, lone: f"/api/v1/sources/{r.source.pk}/", "read", 200),
    Case(
        "source create",
        "post",
        lambda r, lone: "/api/v1/sources/",
        "create",
        201,
        lambda r, lone: {"title": "Sheriff's statement", "url": "https://news.example/stmt"},
    ),
    Case(
        "source edit",
        "patch",
        lambda r, lone: f"/api/v1/sources/{r.source.pk}/",
        "edit_own",
        200,
        lambda r, lone: {"title": "DOJ letter of July 17"},
    ),
    Case(
        "source cite",
        "post",
        lambda r, lone: f"/api/v1/sources/{r.source.pk}/cite/",
        "create",
        200,
        lambda r, lone: {"escalations": [r.escalation.pk]},
    ),
    Case("figures list", "get", lambda r, lone: "/api/v1/figures/", "read", 200),
    Case("figure", "get", lambda r, lone: f"/api/v1/figures/{r.figure.pk}/", "read", 200),
    Case(
        "figure create",
        "post",
        lambda r, lone: "/api/v1/figures/",
        "create",
        201,
        lambda r, lone: {
            "county": "06073",
            "metric": detainer_metric("transfers-to-ice-on-judicial-warrants").slug,
            "value": "20",
            "period_start": "2025-05-01",
            "period_end": "2025-06-30",
            "source": r.source.pk,
        },
    ),
    Case("activity feed", "get", lambda r, lone: "/api/v1/activity/", "read", 200),
    Case(
        "activity event",
        "get",
        lambda r, lone: f"/api/v1/activity/{Activity.objects.order_by('id').first().pk}/",
        "read",
        200,
    ),
    Case("stats", "get", lambda r, lone: "/api/v1/stats/", "read", 200),
    Case("webhooks list", "get", lambda r, lone: "/api/v1/webhooks/", "editor", 200),
    Case("webhook", "get", lambda r, lone: f"/api/v1/webhooks/{r.webhook.pk}/", "editor", 200),
    Case(
        "webhook create",
        "post",
        lambda r, lone: "/api/v1/webhooks/",
        "editor",
        201,
        lambda r, lone: {
            "url": "https://dashboards.example/hook",
            "event_types": ["status_changed"],
        },
    ),
    Case(
        "webhook edit",
        "patch",
        lambda r, lone: f"/api/v1/webhooks/{r.webhook.pk}/",
        "editor",
        200,
        lambda r, lone: {"is_active": False},
    ),
    Case(
        "webhook delete",
        "delete",
        lambda r, lone: f"/api/v1/webhooks/{r.webhook.pk}/",
        "editor",
        204,
    ),
]


def expected_status(case: Case, role: str) -> int:
    if role in ALLOWED[case.rule]:
        return case.ok
    return 401 if role.startswith("anonymous") else 403


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_permission_matrix(case, newsroom, lone_request, settings, request):
    """Each endpoint and method, tried by every kind of client. Each try runs in a savepoint
    that is rolled back, so every client meets the same records (and the suite stays fast)."""
    outcomes = {}
    for role in ROLES:
        settings.TRACKER_PUBLIC = role == "anonymous_public"
        client = request.getfixturevalue(CLIENT_FIXTURE[role])
        with transaction.atomic():
            body = case.body(newsroom, lone_request) if case.body else None
            response = getattr(client, case.method)(
                case.path(newsroom, lone_request), body, format="json"
            )
            transaction.set_rollback(True)
        wanted = expected_status(case, role)
        code = response.json()["error"]["code"] if response.status_code >= 400 else None
        outcomes[role] = (response.status_code, code)
        if response.status_code != wanted:
            outcomes[role] += (response.content[:300],)
    assert outcomes == {
        role: (
            expected_status(case, role),
            {401: "not_authenticated", 403: "permission_denied"}.get(expected_status(case, role)),
        )
        for role in ROLES
    }


def test_a_journalist_cannot_edit_a_colleagues_response(newsroom, other_journalist_client):
    response = other_journalist_client.patch(
        f"/api/v1/responses/{newsroom.response.pk}/", {"summary": "Mine now"}, format="json"
    )
    assert response.status_code == 403
    newsroom.response.refresh_from_db()
    assert newsroom.response.summary == ""


def test_a_journalist_cannot_edit_a_request_an_editor_entered(newsroom, journalist_client):
    response = journalist_client.patch(
        f"/api/v1/requests/{newsroom.request.pk}/", {"summary": "x"}, format="json"
    )
    assert response.status_code == 403


def test_a_signed_in_user_without_a_role_is_refused_with_403(newsroom):
    from tests.api.conftest import signed_in
    from tests.factories import UserFactory

    stranger = signed_in(UserFactory(username="stranger"))
    assert stranger.get("/api/v1/requests/").status_code == 403


def test_a_wrong_token_is_401_even_on_a_public_instance(newsroom, settings):
    from rest_framework.test import APIClient

    settings.TRACKER_PUBLIC = True
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/requests/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_readers_never_see_internal_notes_or_who_logged_what(
    newsroom, anonymous_client, settings
):
    settings.TRACKER_PUBLIC = True
    hidden = {"internal_note", "created_by", "logged_by", "actor", "verified_by"}

    def keys(value: Any) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for item in value.values() for k in keys(item)}
        if isinstance(value, list):
            return {k for item in value for k in keys(item)}
        return set()

    paths = [
        "/api/v1/requests/",
        f"/api/v1/requests/{newsroom.request.pk}/",
        "/api/v1/responses/",
        "/api/v1/escalations/",
        "/api/v1/sources/",
        "/api/v1/figures/",
        "/api/v1/activity/",
        "/api/v1/campaigns/",
    ]
    for path in paths:
        body = anonymous_client.get(path).json()
        assert not keys(body) & hidden, path
        assert "Call the PIO back." not in str(body)
    csv_text = b"".join(
        anonymous_client.get("/api/v1/requests/?format=csv").streaming_content
    ).decode()
    assert "Internal note" not in csv_text and "Call the PIO back." not in csv_text
    assert "Entered by" not in csv_text and "editor" not in csv_text


def test_newsroom_members_see_internal_notes(newsroom, viewer_client):
    body = viewer_client.get(f"/api/v1/requests/{newsroom.request.pk}/").json()
    assert body["internal_note"] == "Call the PIO back."
    assert body["responses"][0]["logged_by"] == "journalist"


def test_session_clients_need_the_csrf_token_to_write(newsroom, journalist):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(journalist)
    payload = {
        "request": newsroom.other_request.pk,
        "kind": "acknowledged",
        "received_on": "2025-07-21",
    }
    refused = client.post("/api/v1/responses/", payload, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]
    assert client.get("/api/v1/requests/").status_code == 200  # reads need no token

    token = "a" * 32  # what a browser holds in its csrftoken cookie and echoes in the header
    client.cookies["csrftoken"] = token
    accepted = client.post("/api/v1/responses/", payload, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content
