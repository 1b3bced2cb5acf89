"""Finding 8: the API and its OpenAPI description agree, so generated clients and schema-driven
tools get what the schema promises: multi-value filters read both ways, constraints stated
where the server applies them, a component name that does not collide with clients' own
types, and stored addresses that pass the schema's `format: uri`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import jsonschema_rs
import pytest

from requests_tracker import services
from requests_tracker.models import Source
from requests_tracker.security import webhook_targets
from tests.factories import detainer_metric


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


def test_filters_by_id_take_several_ids_repeated_or_comma_separated(
    california, journalist, viewer_client
):
    san_diego = california.other_request
    services.log_response(
        data_request=san_diego,
        kind="acknowledged",
        received_on=dt.date(2025, 9, 12),
        actor=journalist,
        today=dt.date(2025, 9, 15),
    )
    both = f"{california.request.pk},{san_diego.pk}"
    comma = viewer_client.get("/api/v1/responses/", {"request": both})
    repeated = viewer_client.get(
        f"/api/v1/responses/?request={california.request.pk}&request={san_diego.pk}"
    )
    # One response on each request; before, `request` took one id (a list was a 400).
    assert len(ids(comma)) == 2
    assert ids(repeated) == ids(comma)
    one = viewer_client.get("/api/v1/responses/", {"request": san_diego.pk})
    assert len(ids(one)) == 1
    refused = viewer_client.get("/api/v1/responses/", {"request": f"{san_diego.pk},0"})
    assert refused.status_code == 400 and "request" in refused.json()["error"]["fields"]


def test_every_id_filter_says_it_takes_a_list_of_ids(openapi):
    for path, operations in openapi["paths"].items():
        for item in operations.get("get", {}).get("parameters", []):
            if item["name"] in ("request", "campaign", "case", "source", "issuing_agency"):
                assert item["schema"]["type"] == "array", (path, item["name"])
                assert item["schema"]["items"]["minimum"] == 1, (path, item["name"])


# --- Constraints ---------------------------------------------------------------------------------


def test_the_schema_states_the_bounds_the_server_applies(openapi, viewer_client, newsroom):
    assert parameter(openapi, "/api/v1/requests/", "page_size")["schema"]["maximum"] == 200
    assert viewer_client.get("/api/v1/requests/", {"page_size": 201}).status_code == 400
    campaign = parameter(openapi, "/api/v1/requests/", "campaign")["schema"]["items"]
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


# --- Types a generated client can use ----------------------------------------------------------

MOMENT = {
    "anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]
}
MOMENT_FORMAT = jsonschema_rs.validator_for(MOMENT, validate_formats=True)


def test_times_categories_and_orderings_have_types_a_generated_client_can_use(openapi):
    # Before: times were `{"type": "string", "anyOf": [{"format": ...}]}` and categories a
    # JSONField, both `Any` in a generated client; orderings an enum of "-received_on" & co.
    for path, name in [
        ("/api/v1/requests/", "updated_since"),
        ("/api/v1/activity/", "since"),
        ("/api/v1/docket-entries/", "recorded_since"),
    ]:
        assert parameter(openapi, path, name)["schema"] == MOMENT, (path, name)
    schemas = openapi["components"]["schemas"]
    for component, field in [
        ("DataRequest", "data_sought"),
        ("DataRequestDetail", "data_sought"),
        ("Campaign", "data_sought"),
        ("CountyResponse", "categories_provided"),
    ]:
        shape = schemas[component]["properties"][field]
        assert shape["type"] == "array", (component, field)
        assert shape["items"] == {"$ref": "#/components/schemas/DataCategoryEnum"}
    ordering = parameter(openapi, "/api/v1/responses/", "ordering")
    assert ordering["schema"]["items"] == {
        "type": "string",
        "pattern": "^-?(?:received_on|created_at|updated_at)$",
    }
    assert "`received_on`" in ordering["description"]


@pytest.mark.parametrize(
    ("since", "status"),
    [
        ("2025-08-01T09:30:00-07:00", 200),
        ("2025-08-01T16:30:00.25Z", 200),
        ("2025-08-01t16:30:00z", 200),
        ("2025-08-01", 200),
        ("2016-12-31T15:59:60-08:00", 200),  # a leap second: 23:59:60 in UTC
        ("0000-01-01T00:00:00Z", 200),  # year 0, which the format allows: the earliest time
        ("0000-02-29", 200),
        ("2025-08-01T09:30:00", 400),  # no offset
        ("2025-08-01 16:30:00Z", 400),
        ("2025-08-01T16:30Z", 400),
        ("2025-08-01T12:00:60Z", 400),
        ("2025-08-01T09:30:00+24:00", 400),
        ("2025-02-29", 400),
        (" 2025-08-01", 400),
        ("20250801", 400),
    ],
)
def test_a_time_is_read_exactly_as_the_schemas_formats_say(since, status, viewer_client):
    assert MOMENT_FORMAT.is_valid(since) is (status == 200)
    answer = viewer_client.get("/api/v1/activity/", {"since": since})
    assert answer.status_code == status, answer.content[:300]
    if status == 400:
        assert "since" in answer.json()["error"]["fields"]


def test_a_leap_second_and_year_0_read_as_the_moments_they_name(newsroom, viewer_client):
    everything = ids(viewer_client.get("/api/v1/activity/", {"page_size": 200}))
    assert ids(viewer_client.get("/api/v1/activity/", {"since": "0000-01-01"})) == everything
    later = viewer_client.get("/api/v1/requests/", {"updated_since": "2998-12-31T23:59:60Z"})
    assert ids(later) == []


# --- Bodies: what the schema says is what the server takes ------------------------------------


def body_schema(openapi: dict, component: str, field: str) -> jsonschema_rs.Validator:
    """A validator of one field of a request body, as schemathesis reads it (formats too)."""
    shape = openapi["components"]["schemas"][component]["properties"][field]
    shape = {**shape, "components": openapi["components"]}
    return jsonschema_rs.validator_for(shape, validate_formats=True)


def test_a_date_refused_after_today_says_so_in_the_schema(openapi, journalist_client, newsroom):
    today = services.local_today()
    received_on = body_schema(openapi, "ResponseCreateRequest", "received_on")
    assert received_on.is_valid(today.isoformat())
    assert received_on.is_valid("0001-01-01") and not received_on.is_valid("0000-01-01")
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert not received_on.is_valid(tomorrow)
    answer = journalist_client.post(
        "/api/v1/responses/",
        {"request": newsroom.request.pk, "kind": "acknowledged", "received_on": tomorrow},
    )
    assert answer.status_code == 400
    for component in (
        "DataRequestCreateRequest",
        "CampaignCreateRequest",
        "EscalationCreateRequest",
    ):
        assert not body_schema(openapi, component, "issued_on").is_valid(tomorrow), component


def test_categories_come_once_and_a_letter_seeks_at_least_one(openapi, journalist_client, newsroom):
    data_sought = body_schema(openapi, "DataRequestCreateRequest", "data_sought")
    assert not data_sought.is_valid([]) and not data_sought.is_valid(["charges", "charges"])
    provided = body_schema(openapi, "ResponseCreateRequest", "categories_provided")
    assert provided.is_valid([]) and not provided.is_valid(["charges", "charges"])
    counties = body_schema(openapi, "CampaignCreateRequest", "counties")
    assert not counties.is_valid([])


@pytest.mark.parametrize("value", ["995", "-12.5", "0.25", "1000000000000.5"])
def test_a_number_written_with_digits_is_taken(value, openapi, journalist_client, newsroom):
    valid = body_schema(openapi, "ReportedFigureCreateRequest", "value").is_valid(value)
    answer = journalist_client.post("/api/v1/figures/", a_figure(newsroom, value))
    assert valid is (answer.status_code == 201), answer.content[:300]


@pytest.mark.parametrize("value", ["1e3", "+5", " 5", "5.", ".5", "\u0661", "", "-", "5.123"])
def test_a_number_the_schema_refuses_is_refused(value, openapi, journalist_client, newsroom):
    # Python's Decimal reads "1e3", "+5", " 5" and Arabic-Indic digits; the schema does not.
    assert not body_schema(openapi, "ReportedFigureCreateRequest", "value").is_valid(value)
    answer = journalist_client.post("/api/v1/figures/", a_figure(newsroom, value))
    assert answer.status_code == 400 and "value" in answer.json()["error"]["fields"]


def a_figure(newsroom, value: str) -> dict:
    """A figure under a metric of its own (one figure per metric, place, period and source)."""
    metric = detainer_metric("detainer-" + hashlib.sha256(value.encode()).hexdigest()[:12])
    return {
        "county": newsroom.request.county.fips,
        "metric": metric.slug,
        "value": value,
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "source": newsroom.source.pk,
    }


@pytest.mark.parametrize("title", [" ", "\t\n", "\u3000", "\x1c"])
def test_text_that_may_not_be_blank_must_hold_more_than_spaces(title, openapi, journalist_client):
    # The server trims the spaces at a text's ends; the schema's pattern says as much.
    assert not body_schema(openapi, "SourceCreateRequest", "title").is_valid(title)
    answer = journalist_client.post(
        "/api/v1/sources/", {"title": title, "url": "https://news.example/a"}
    )
    assert answer.status_code == 400 and "title" in answer.json()["error"]["fields"]


def test_text_is_measured_as_sent_before_its_spaces_are_trimmed(openapi, journalist_client):
    title = "A" * 300 + " "  # 301 characters; 300 once trimmed
    assert not body_schema(openapi, "SourceCreateRequest", "title").is_valid(title)
    answer = journalist_client.post(
        "/api/v1/sources/", {"title": title, "url": "https://news.example/b"}
    )
    assert answer.status_code == 400 and "title" in answer.json()["error"]["fields"]


def test_ids_in_bodies_are_whole_numbers_from_1(openapi):
    for component, field in [
        ("ResponseCreateRequest", "request"),
        ("PatchedResponseUpdateRequest", "responding_agency"),
        ("EscalationCreateRequest", "follows"),
        ("ReportedFigureCreateRequest", "source"),
    ]:
        ids_of = body_schema(openapi, component, field)
        assert ids_of.is_valid(1) and not ids_of.is_valid(0), (component, field)
        assert not ids_of.is_valid(2**63), (component, field)
    sources = body_schema(openapi, "ResponseCreateRequest", "sources")
    assert not sources.is_valid([0])


def test_a_form_upload_has_no_nulls_and_json_brings_an_address(openapi):
    schemas = openapi["components"]["schemas"]
    upload = schemas["SourceUploadRequest"]
    assert set(upload["required"]) == {"title", "file"}
    assert not any("nullable" in field for field in upload["properties"].values())
    by_address = schemas["SourceCreateRequest"]
    assert "file" not in by_address["properties"] and "url" in by_address["required"]


@pytest.mark.parametrize(
    "address",
    [
        "https://hooks.example/tracker",
        "HTTPS://hooks.example:8443/a?b=c",
        "https://[2001:db8::1]/hook",
        "http://hooks.example/tracker",
        "ftp://hooks.example/tracker",
        "https://user:pass@hooks.example/",
        "https://@hooks.example/",
        "https://:443/",
        "https:///path",
    ],
)
@pytest.mark.parametrize("allow_http", [True, False])
def test_a_webhook_address_has_the_form_the_schema_says(address, allow_http, settings):
    settings.WEBHOOK_ALLOW_HTTP = allow_http
    form = {"type": "string", "format": "uri", "pattern": webhook_targets.address_pattern()}
    schema_says = jsonschema_rs.validator_for(form, validate_formats=True).is_valid(address)
    try:
        webhook_targets.parse_target(address)
    except webhook_targets.TargetRefused:
        assert not schema_says
    else:
        assert schema_says


def test_the_schema_gives_the_webhook_address_pattern(openapi):
    url = openapi["components"]["schemas"]["WebhookSubscriptionWriteRequest"]["properties"]["url"]
    assert url["pattern"] == webhook_targets.address_pattern()


def test_a_malformed_body_is_a_400_even_with_a_stale_if_match(newsroom, journalist_client):
    # What to mend in the body comes first; the version is checked once the body can be read.
    answer = journalist_client.patch(
        f"/api/v1/responses/{newsroom.response.pk}/",
        {"kind": "maybe"},
        HTTP_IF_MATCH='"stale"',
    )
    assert answer.status_code == 400 and "kind" in answer.json()["error"]["fields"]
    stale = journalist_client.patch(
        f"/api/v1/responses/{newsroom.response.pk}/", {"kind": "declined"}, HTTP_IF_MATCH='"x"'
    )
    assert stale.status_code == 412


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
