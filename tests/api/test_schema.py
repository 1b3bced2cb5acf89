"""The OpenAPI description is valid, complete, served with its docs offline, and true: a short
schemathesis run against a live server finds no server error and no answer that breaks it."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)


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
        assert "text/csv" in listing["responses"]["200"]["content"], name
        assert {"401", "403", "429"} <= set(listing["responses"]), name
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
        "format",
    } <= request_filters
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

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES_PER_MODE = 5


@pytest.fixture
def live_schema(live_server, newsroom, editor, settings):
    # Hundreds of requests in a few seconds: lift the rate limit for this run only.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }
    token = Token.objects.create(user=editor)
    config = schemathesis.Config.from_dict(
        {"headers": {"Authorization": f"Token {token.key}"}, "request-timeout": 20}
    )
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/", config=config)


def test_the_live_api_keeps_to_its_schema(live_schema):
    """Every operation, with valid and with invalid input, as an editor (who may call all)."""
    operations = [result.ok() for result in live_schema.get_all_operations()]
    assert len(operations) >= 40
    failures: dict[str, str] = {}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_MODE,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            def call(case):
                case.call_and_validate(checks=CHECKS)

            try:
                call()
            except Unsatisfiable:
                # No input breaks this operation's schema (all its parameters are free text).
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, FailureGroup) as failure:  # collect: report every operation
                failures[f"{operation.label} ({mode.value})"] = str(failure)[:2000]
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())
