"""The OpenAPI description is valid, complete, served with its docs offline, and exact: a
schemathesis run with every check, as each role, against a live server finds no failure."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as settings_for_hypothesis
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance


@pytest.fixture
def openapi(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_valid_openapi(openapi):
    validate(openapi)
    assert openapi["openapi"].startswith("3.")


def test_the_schema_describes_every_endpoint_with_its_filters_and_errors(openapi):
    paths = openapi["paths"]
    for name in [
        "counties",
        "agencies",
        "campaigns",
        "requests",
        "responses",
        "escalations",
        "sources",
        "figures",
        "activity",
        "webhooks",
    ]:
        assert f"/api/v1/{name}/" in paths, name
        listing = paths[f"/api/v1/{name}/"]["get"]
        assert list(listing["responses"]["200"]["content"]) == ["application/json"], name
        assert {"401", "403", "429"} <= set(listing["responses"]), name
        export = paths[f"/api/v1/{name}.csv"]["get"]
        assert list(export["responses"]["200"]["content"]) == ["text/csv"], name
        assert export["operationId"] == f"{name}_csv" and export["tags"] == [name]
    assert "/api/v1/stats/" in paths and "/api/v1/counties/{fips}/" in paths
    request_filters = {p["name"] for p in paths["/api/v1/requests/"]["get"]["parameters"]}
    assert {
        "state",
        "county",
        "campaign",
        "status",
        "overdue",
        "issued_after",
        "issued_before",
        "due_before",
        "updated_since",
        "search",
        "ordering",
        "cursor",
        "page_size",
    } <= request_filters
    assert "format" not in request_filters  # CSV is requests.csv, its own operation
    export_filters = {p["name"] for p in paths["/api/v1/requests.csv"]["get"]["parameters"]}
    assert export_filters == request_filters - {"cursor", "page_size", "If-None-Match"}
    create = paths["/api/v1/responses/"]["post"]
    assert create["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert create["requestBody"]["content"]["application/json"]["examples"]
    assert "multipart/form-data" in paths["/api/v1/sources/"]["post"]["requestBody"]["content"]
    detail = paths["/api/v1/requests/{id}/"]["get"]
    assert "304" in detail["responses"] and "ETag" in detail["responses"]["200"]["headers"]


def test_the_schema_names_the_enums_and_the_auth_schemes(openapi):
    schemas = openapi["components"]["schemas"]
    assert schemas["RequestStatusEnum"]["enum"] == [
        "awaiting",
        "acknowledged",
        "extended",
        "partial",
        "complied",
        "declined",
        "escalated",
        "closed",
    ]
    assert "ResponseKindEnum" in schemas and "EscalationStatusEnum" in schemas
    schemes = openapi["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "apiKey" and schemes["cookieAuth"]["in"] == "cookie"
    assert {} in openapi["paths"]["/api/v1/requests/"]["get"]["security"]
    assert {} not in openapi["paths"]["/api/v1/webhooks/"]["get"]["security"]


def test_the_docs_page_loads_swagger_ui_from_this_server(settings):
    from django.test import Client

    # Production serves collected files; the test serves them from the sidecar package.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    for cdn in ("cdn.", "unpkg", "jsdelivr", "cdnjs"):
        assert cdn not in page
    bundle = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200


# --- schemathesis against a live server --------------------------------------------------------

ROLES = ["editor", "journalist", "viewer", "anonymous-public", "anonymous-closed"]
EXAMPLES_PER_MODE = int(os.environ.get("SCHEMA_EXAMPLES", "4"))
"""Examples per operation and mode where the role's request is read (~45 operations x 2 modes x
4); one where every request is refused before its input is read (401 or 403: anonymous on a
closed instance; writes for viewers and anonymous readers), since any input gets the same
answer there."""
WRITES = {"POST", "PATCH", "PUT", "DELETE"}
WRITE_REFUSALS = {400, 412}
"""What a schema-valid write may also get. The schema describes the shape of a body; whether the
ids it names exist, a date is not in the future or a response's categories are among those the
request sought is decided by the service (400, naming the field and the rule), and a random
If-Match is a stale version (412). Reads get no such allowance."""


def positive_write_refused_only_by_a_rule(ctx, response, case):
    """positive_data_acceptance, allowing WRITE_REFUSALS for writes (see above)."""
    if case.method.upper() in WRITES and response.status_code in WRITE_REFUSALS:
        return None
    return positive_data_acceptance(ctx, response, case)


@pytest.fixture
def live_api(live_server, newsroom, viewer, settings):
    # Hundreds of requests in a few seconds: lift the rate limit for this run only.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }
    return live_server


def schema_as(role: str, live_server, settings, django_user_model) -> schemathesis.BaseSchema:
    settings.TRACKER_PUBLIC = role == "anonymous-public"
    options: dict = {"request-timeout": 20}
    if not role.startswith("anonymous"):
        user = django_user_model.objects.get(username=role)
        key = Token.objects.get_or_create(user=user)[0].key
        # Through the schema's own security scheme, so the auth checks know it is a real one.
        options["auth"] = {"openapi": {"tokenAuth": {"api_key": f"Token {key}"}}}
    config = schemathesis.Config.from_dict(options)
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/", config=config)


def refused_before_reading(role: str, method: str) -> bool:
    """Whether `role` is refused this method on every operation (401/403), whatever it sends."""
    readers_only = role in {"viewer", "anonymous-public"}
    return role == "anonymous-closed" or (readers_only and method.upper() in WRITES)


@pytest.mark.parametrize("role", ROLES)
def test_the_live_api_keeps_to_its_schema(role, live_api, settings, django_user_model):
    """Every operation, with valid and with invalid input, as each role (anonymous on a public
    and on a closed instance), with every check schemathesis has: no server error, documented
    status codes, headers and bodies, valid input accepted, invalid input refused."""
    schema = schema_as(role, live_api, settings, django_user_model)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    failures: dict[str, str] = {}
    for operation in operations:
        examples = 1 if refused_before_reading(role, operation.method) else EXAMPLES_PER_MODE
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings_for_hypothesis(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            def call(case):
                case.call_and_validate(
                    excluded_checks=[positive_data_acceptance],
                    additional_checks=[positive_write_refused_only_by_a_rule],
                )

            try:
                call()
            except Unsatisfiable:
                # No input breaks this operation's schema (all its parameters are free text).
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, FailureGroup) as failure:  # collect: report every operation
                failures[f"{operation.label} ({mode.value})"] = str(failure)[:2000]
    if failures:
        pytest.fail("\n\n".join(f"{name}:\n{text}" for name, text in failures.items()))
