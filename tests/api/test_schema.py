"""The OpenAPI description is valid, complete, served with its docs offline, and exact: a
schemathesis run with every check, as each role, against a live server finds no failure."""

from __future__ import annotations

import json
import os
import re

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

from tests.api.conftest import LISTS


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
    for name in LISTS:
        assert f"/api/v1/{name}/" in paths, name
        listing = paths[f"/api/v1/{name}/"]["get"]
        assert list(listing["responses"]["200"]["content"]) == ["application/json"], name
        assert {"401", "403", "429"} <= set(listing["responses"]), name
        export = paths[f"/api/v1/{name}.csv"]["get"]
        assert list(export["responses"]["200"]["content"]) == ["text/csv"], name
        operation = name.replace("-", "_")  # an identifier in generated clients
        assert export["operationId"] == f"{operation}_csv" and export["tags"] == [name]
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
    assert export_filters == request_filters - {"cursor", "page_size", "expand", "If-None-Match"}
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

DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
FIPS_LIST = r"[0-9]{5}(, [0-9]{5})*( and [0-9,]+ more)?"
BEYOND_THE_SCHEMA: dict[str, list[tuple[str, str]]] = {
    # An id names a record or not: whether one exists (and the writer may see it) is the
    # database's to say, which no schema can.
    "names no record on file that the writer may see": [
        (r".+", r'Invalid pk "[^"]*" - object does not exist\.'),
        (
            r"county|counties",
            r"No county has FIPS codes? [0-9]{5}(, [0-9]{5})*( and [0-9,]+ more)?\.",
        ),
        (r"requests", r"No request with the id\(s\) [0-9, ]+\."),
        (r"requests", r"Not requests of this campaign: [0-9, ]+\."),
        (r"metric|person", r"No (metric|person) has the slug .*\."),
    ],
    # The value is well formed, but the record it refers to (or the one being changed) says no.
    "compares a value with a record on file": [
        (
            r"received_on",
            rf"A response cannot be dated before the request was issued \({DATE}\)\.",
        ),
        (r"categories_provided", r"The request did not ask for: [a-z_, ]+\."),
        (r"new_due_on", r"The new due date cannot be before the request was issued\."),
        (
            r"issued_on",
            rf"An escalation cannot come before the request it escalates \({DATE}\)\.",
        ),
        (r"follows", r"An escalation can only follow one on the same request\."),
        (r"follows", r"An escalation cannot follow itself\."),
        (r"corrects", r"A correction counts the same metric, place and period\."),
        (r"due_rule", r"Say why the due date changed: quote the letter or give the rule\."),
        (r"due_on", r"The due date cannot be before the issue date\."),
        (
            r"url",
            r"Refused: the host resolves to an? [a-z -]+ address, which webhooks may not reach\.",
        ),
    ],
    # JSON Schema has no way to compare two values, or to make one field's presence depend on
    # another's value without splitting the body in alternatives (which generated clients turn
    # into one model per alternative).
    "compares two values of one body": [
        (r"new_due_on", r"An extension needs its new due date\."),
        (r"new_due_on", r"Only an extension carries a new due date\."),
        (r"due_on", r"Give the due date the letter states\."),
        (r"due_days", r"Give the number of days the letter allows \(0 or more\)\."),
        (r"due_on", rf"[0-9]+ (calendar|business) days from {DATE} is {DATE}, not {DATE}\."),
        (r"due_rule", r"Quote the letter's words for the deadline\."),
        (r"[a-z_]+", r"Required for this action\."),
        (r"[a-z_]+", r"Not a field of this action\."),
    ],
    # Whether a file is a PDF, a spreadsheet or a picture is read from its bytes.
    "judges a file by its bytes": [(r"file", r".+")],
}
"""Why a write the schema calls valid may still be refused with 400: a rule no JSON Schema can
state, each as (field, reason) patterns of the error's `fields`. A refusal is allowed only when
every field it names fails for one of these reasons; anything else is a gap between schema and
server, and fails the run."""


def refused_beyond_the_schema(response) -> bool:
    """Whether a 400 names only rules of BEYOND_THE_SCHEMA."""
    try:
        fields = response.json()["error"]["fields"]
    except (ValueError, KeyError, TypeError):
        return False
    rules = [rule for group in BEYOND_THE_SCHEMA.values() for rule in group]
    return bool(fields) and all(
        any(re.fullmatch(field, name) and re.fullmatch(reason, text) for field, reason in rules)
        for name, reasons in fields.items()
        for text in reasons
    )


def positive_write_refused_only_beyond_the_schema(ctx, response, case):
    """positive_data_acceptance, but for the two refusals of a schema-valid write that depend on
    what is on file rather than on what was sent:

    - 412, only when the client sent If-Match: a generated tag is not the record's version (the
      schema cannot name the version on file; a write without If-Match is never refused so);
    - 400, only for the rules of BEYOND_THE_SCHEMA, each named by its reason.

    Reads get no allowance; nor do writes for anything else (a blank title, a date after today,
    an empty list of categories, a number in another script's digits: the schema says so)."""
    if case.method.upper() in WRITES:
        sent = {name.lower() for name in (case.headers or {})}
        if response.status_code == 412 and "if-match" in sent:
            return None
        if response.status_code == 400 and refused_beyond_the_schema(response):
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
    assert len(operations) >= 60
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
                    additional_checks=[positive_write_refused_only_beyond_the_schema],
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
