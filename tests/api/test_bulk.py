"""POST /api/v1/campaigns/{id}/bulk/: one call with a list of ids answers row by row; a dry run
writes nothing; only editors may call it; bad input is a 400 naming the field."""

from __future__ import annotations

import pytest

from requests_tracker.models import Escalation
from tests.factories import CountyFactory, letters_of_july_17

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    counties = [CountyFactory(name="Kern County", fips="06029"), CountyFactory(fips="06019")]
    return letters_of_july_17("July 2025 letters", counties)


def subpoena(campaign, **extra) -> dict:  # noqa: ANN001
    return {
        "action": "file_escalation",
        "requests": list(campaign.requests.values_list("pk", flat=True)),
        "kind": "administrative_subpoena",
        "issued_on": "2025-09-01",
        **extra,
    }


def test_a_dry_run_then_the_action_answer_row_by_row(campaign, editor_client):
    url = f"/api/v1/campaigns/{campaign.pk}/bulk/"
    dry = editor_client.post(url, subpoena(campaign, dry_run=True), format="json")
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert (body["dry_run"], body["done"], body["refused"]) == (True, 2, 0)
    assert {row["request"] for row in body["rows"]} == set(
        campaign.requests.values_list("pk", flat=True)
    )
    assert not Escalation.objects.exists()

    done = editor_client.post(url, subpoena(campaign), format="json").json()
    assert (done["dry_run"], done["done"]) == (False, 2)
    again = editor_client.post(url, subpoena(campaign), format="json").json()
    assert again["done"] == 0 and all("kind" in row["errors"] for row in again["rows"])
    assert Escalation.objects.count() == 2


def test_only_editors_and_clear_errors(campaign, journalist_client, editor_client):
    url = f"/api/v1/campaigns/{campaign.pk}/bulk/"
    assert journalist_client.post(url, subpoena(campaign), format="json").status_code == 403
    missing = editor_client.post(url, subpoena(campaign, kind=None), format="json")
    assert missing.status_code == 400 and "kind" in missing.content.decode()
    other = letters_of_july_17("Other", [CountyFactory(name="Inyo County", fips="06027")])
    stray = subpoena(campaign)
    stray["requests"] = [*stray["requests"], other.requests.get().pk]
    refused = editor_client.post(url, stray, format="json")
    assert refused.status_code == 400 and "requests" in refused.content.decode()
    stray = editor_client.post(url, {**subpoena(campaign), "action": "follow"}, format="json")
    assert stray.status_code == 400
    assert stray.json()["error"]["fields"]["kind"] == ["Not a field of this action."]
    assert not Escalation.objects.exists()


def test_holding_and_lifting_a_campaigns_requests_answers_row_by_row(
    campaign, editor_client, anonymous_client, settings
):
    settings.TRACKER_PUBLIC = True
    url = f"/api/v1/campaigns/{campaign.pk}/bulk/"
    ids = list(campaign.requests.values_list("pk", flat=True))
    past = {"action": "set_embargo", "requests": ids, "embargo_reason": "Series runs Sunday"}
    refused = editor_client.post(url, {**past, "embargo_until": "2020-01-01T09:00:00Z"})
    assert refused.json()["done"] == 0
    assert all("embargo_until" in row["errors"] for row in refused.json()["rows"])

    held = editor_client.post(url, {**past, "embargo_until": "2099-01-01T09:00:00Z"}, format="json")
    assert held.status_code == 200, held.content
    assert held.json()["done"] == 2
    assert anonymous_client.get("/api/v1/requests/").json()["results"] == []
    assert editor_client.get("/api/v1/requests/").json()["results"][0]["embargoed"] is True

    lifted = editor_client.post(url, {"action": "lift_embargo", "requests": ids}, format="json")
    assert [row["ok"] for row in lifted.json()["rows"]] == [True, True]
    again = editor_client.post(url, {"action": "lift_embargo", "requests": ids}, format="json")
    assert again.json()["done"] == 0
    assert len(anonymous_client.get("/api/v1/requests/").json()["results"]) == 2


def test_the_embargo_action_holds_and_lifts_one_record(campaign, editor_client, viewer_client):
    request_id = campaign.requests.values_list("pk", flat=True).first()
    url = f"/api/v1/requests/{request_id}/embargo/"
    body = {"until": "2099-01-01T09:00:00Z", "reason": "Legal review"}
    assert viewer_client.post(url, body, format="json").status_code == 403
    held = editor_client.post(url, body, format="json")
    assert held.status_code == 200 and held.json()["embargo_reason"] == "Legal review"
    assert viewer_client.get(f"/api/v1/requests/{request_id}/").status_code == 404
    assert viewer_client.delete(url).status_code == 403
    lifted = editor_client.delete(url)
    assert lifted.status_code == 200 and lifted.json()["embargoed"] is False
    assert viewer_client.get(f"/api/v1/requests/{request_id}/").status_code == 200


def test_the_schema_says_what_holding_and_lifting_an_embargo_answer(campaign, editor_client):
    """Both answer 200 with the record as its own address shows it; the schema used to say a
    lift answers 204 with no body, which a generated client then refused to read."""
    operations = editor_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    request_id = campaign.requests.values_list("pk", flat=True).first()
    url = f"/api/v1/requests/{request_id}/embargo/"
    shown = set(editor_client.get(f"/api/v1/requests/{request_id}/").json())
    held = editor_client.post(url, {"until": "2099-01-01T09:00:00Z", "reason": "Legal review"})
    lifted = editor_client.delete(url)
    for method, answer in (("post", held), ("delete", lifted)):
        documented = operations["/api/v1/requests/{id}/embargo/"][method]["responses"]
        assert answer.status_code == 200 and "204" not in documented
        schema = documented["200"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/DataRequestDetail"}
        assert set(answer.json()) == shown
