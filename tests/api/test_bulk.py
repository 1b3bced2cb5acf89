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
