"""Finding 8: the API and its OpenAPI description agree, so generated clients and schema-driven
tools get what the schema promises: multi-value filters read both ways, constraints stated
where the server applies them, a component name that does not collide with clients' own
types, and stored addresses that pass the schema's `format: uri`."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest

from requests_tracker.models import Source


@pytest.fixture
def openapi(client) -> dict:
    return json.loads(client.get("/api/schema/", {"format": "json"}).content)


def parameter(openapi: dict, path: str, name: str) -> dict:
    found = [p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == name]
    assert found, name
    return found[0]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:300]
    return sorted(row["id"] for row in response.json()["results"])


# --- Multi-value filters -------------------------------------------------------------------------


def test_repeated_and_comma_separated_values_give_the_same_rows(california, viewer_client):
    comma = viewer_client.get("/api/v1/requests/?state=CA&status=awaiting,declined")
    repeated = viewer_client.get("/api/v1/requests/?state=CA&status=awaiting&status=declined")
    # Three: Los Angeles (declined), Riverside and Fresno (awaiting). The repeated form used to
    # keep the last value only.
    assert len(ids(comma)) == 3
    assert ids(repeated) == ids(comma)
    mixed = viewer_client.get("/api/v1/requests/?status=awaiting,declined&status=escalated")
    assert len(ids(mixed)) == 5


def test_repeated_states_and_counties_add_up(california, viewer_client):
    both = viewer_client.get("/api/v1/requests/?state=CA&state=IL")
    assert len(ids(both)) == 5
    two = viewer_client.get("/api/v1/requests/?county=06037&county=17031")
    assert ids(two) == ids(viewer_client.get("/api/v1/requests/?county=06037,17031"))
    assert len(ids(two)) == 2


def test_the_stats_read_repeated_values_too(california, viewer_client):
    repeated = viewer_client.get("/api/v1/stats/?status=awaiting&status=declined").json()
    comma = viewer_client.get("/api/v1/stats/?status=awaiting,declined").json()
    assert repeated == comma and repeated["total"] == 4


def test_repeated_ordering_is_read_in_order(california, viewer_client):
    repeated = viewer_client.get("/api/v1/requests/?ordering=-due_on&ordering=issued_on")
    comma = viewer_client.get("/api/v1/requests/?ordering=-due_on,issued_on")
    assert [r["id"] for r in repeated.json()["results"]] == [
        r["id"] for r in comma.json()["results"]
    ]


def test_the_schema_says_lists_are_sent_repeated_or_comma_separated(openapi):
    status = parameter(openapi, "/api/v1/requests/", "status")
    assert status["style"] == "form" and status["explode"] is True
    assert status["schema"]["type"] == "array" and status["schema"]["maxItems"] == 100
    assert "status=a&status=b" in status["description"]
    assert "status=a,b" in status["description"]
    state = parameter(openapi, "/api/v1/requests/", "state")
    assert state["schema"]["items"]["pattern"] == "^(?:[A-Za-z]{2})$"
    county = parameter(openapi, "/api/v1/requests/", "county")
    assert county["schema"]["items"]["pattern"] == "^(?:[0-9]{5})$"


# --- Constraints ---------------------------------------------------------------------------------


def test_the_schema_states_the_bounds_the_server_applies(openapi, viewer_client, newsroom):
    assert parameter(openapi, "/api/v1/requests/", "page_size")["schema"]["maximum"] == 200
    assert viewer_client.get("/api/v1/requests/", {"page_size": 201}).status_code == 400
    campaign = parameter(openapi, "/api/v1/requests/", "campaign")["schema"]
    assert campaign["minimum"] == 1
    assert viewer_client.get("/api/v1/requests/", {"campaign": 0}).status_code == 400
    overdue = parameter(openapi, "/api/v1/requests/", "overdue")["schema"]
    assert overdue == {"type": "boolean"}
    summary = openapi["components"]["schemas"]["ResponseCreateRequest"]["properties"]["summary"]
    assert summary["maxLength"] == 20_000


def test_empty_values_are_ignored_and_the_schema_says_so(openapi, viewer_client, newsroom):
    since = parameter(openapi, "/api/v1/requests/", "updated_since")
    assert since["allowEmptyValue"] is True
    assert ids(viewer_client.get("/api/v1/requests/?updated_since=")) == ids(
        viewer_client.get("/api/v1/requests/")
    )


def test_every_request_body_refuses_unknown_keys_and_says_so(openapi, journalist_client, newsroom):
    schemas = openapi["components"]["schemas"]
    bodies = {
        media["schema"]["$ref"].rsplit("/", 1)[-1]
        for operations in openapi["paths"].values()
        for operation in operations.values()
        for media in operation.get("requestBody", {}).get("content", {}).values()
    }
    assert "ResponseCreateRequest" in bodies and "PatchedWebhookSubscriptionWriteRequest" in bodies
    for name in bodies:
        assert schemas[name]["additionalProperties"] is False, name
    # Read shapes are not bodies: a reader may get fields added later.
    assert "additionalProperties" not in schemas["DataRequest"]
    refused = journalist_client.post(
        "/api/v1/responses/",
        {
            "request": newsroom.request.pk,
            "kind": "acknowledged",
            "received_on": "2025-08-02",
            "mood": "grumpy",
        },
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"mood": ["This field cannot be written here."]}


def test_every_status_the_server_can_give_is_documented(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "414", "429"} <= codes, (method, path)
            if method in ("post", "patch"):
                assert {"409", "413", "415"} <= codes, (method, path)
            if method in ("patch", "delete"):
                assert "412" in codes, (method, path)
            # The web server's 414 has no JSON body; the others have the error shape.
            assert "content" not in operation["responses"]["414"]


def test_no_component_is_called_response(openapi):
    schemas = openapi["components"]["schemas"]
    assert "Response" not in schemas
    assert "CountyResponse" in schemas
    create = openapi["paths"]["/api/v1/responses/"]["post"]["responses"]["201"]
    assert create["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CountyResponse"
    }


# --- Addresses -----------------------------------------------------------------------------------

URI_FORMAT = jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True)


@pytest.mark.parametrize(
    "address",
    [
        "https://example.com/ü",
        "https://例え.jp/",
        "https://example.com/a|b",
        "https://example.com/%zz",
        "https://example.com/[draft]",
        "https://example.com/a#b#c",
        "https://example.com/a^b",
    ],
)
def test_an_address_that_is_not_a_uri_is_not_stored(address, journalist_client):
    assert not URI_FORMAT.is_valid(address)  # what the schema's clients check
    response = journalist_client.post("/api/v1/sources/", {"title": "Letter", "url": address})
    assert response.status_code == 400
    assert "URI" in response.json()["error"]["fields"]["url"][0]
    assert not Source.objects.filter(title="Letter").exists()


@pytest.mark.parametrize(
    "address",
    [
        "https://example.com/%C3%BC",
        "https://xn--r8jz45g.jp/",
        "https://example.com/a?b=c&d=e#top",
        "https://example.com/it's",
        "https://[2001:db8::1]/letter.pdf",
    ],
)
def test_an_address_that_is_a_uri_is_stored_as_sent(address, journalist_client):
    assert URI_FORMAT.is_valid(address)
    response = journalist_client.post("/api/v1/sources/", {"title": "Letter", "url": address})
    assert response.status_code == 201, response.content
    assert response.json()["url"] == address


def test_a_webhook_address_must_be_a_uri_too(editor_client):
    response = editor_client.post("/api/v1/webhooks/", {"url": "https://hooks.example/ü"})
    assert response.status_code == 400
    assert "url" in response.json()["error"]["fields"]
