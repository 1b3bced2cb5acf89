"""Finding 4: every input is bounded, and a hostile one gets a short JSON 400 (or 413) in the
API's one error shape, with nothing saved: huge or deeply nested bodies, long lists, thousands
of unknown keys, values of the wrong JSON type, malformed filters and orderings. Nothing under
/api/ answers with an HTML page, not even an unexpected exception."""

from __future__ import annotations

import json
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from requests_tracker import selectors
from requests_tracker.api.parsers import MAX_JSON_DEPTH
from requests_tracker.models import (
    Activity,
    Campaign,
    DataRequest,
    Response,
    Source,
    WebhookSubscription,
)


def saved() -> tuple[int, ...]:
    return (
        Response.objects.count(),
        DataRequest.objects.count(),
        Campaign.objects.count(),
        Activity.objects.count(),
    )


def post_raw(client: APIClient, path: str, body: str | bytes):
    return client.generic("POST", path, body, content_type="application/json")


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status and error["code"] == code
    return error


def a_response(newsroom, **fields) -> dict:
    return {"request": newsroom.request.pk, "kind": "acknowledged", "received_on": "2025-08-02"}


# --- Bodies -------------------------------------------------------------------------------------


def test_json_nested_a_thousand_levels_is_a_400_not_a_server_error(newsroom, journalist_client):
    before = saved()
    body = json.dumps(a_response(newsroom))[:-1] + ', "summary": ' + "[" * 1000 + "]" * 1000 + "}"
    error = assert_error_shape(
        post_raw(journalist_client, "/api/v1/responses/", body), 400, "parse_error"
    )
    assert str(MAX_JSON_DEPTH) in error["message"]
    assert saved() == before


def test_nesting_up_to_the_limit_is_read_and_brackets_inside_strings_do_not_count(
    newsroom, journalist_client
):
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    body = {**a_response(newsroom), "summary": "[[[[" * 50}
    response = post_raw(journalist_client, "/api/v1/responses/", json.dumps(body))
    assert response.status_code == 201
    # Read, then refused for its type: not a parse error.
    deep = json.dumps(a_response(newsroom))[:-1] + f', "summary": {nested[1:-1]}' + "}"
    error = assert_error_shape(
        post_raw(journalist_client, "/api/v1/responses/", deep), 400, "invalid"
    )
    assert "summary" in error["fields"]


def test_a_body_over_the_size_limit_is_a_413_and_saves_nothing(newsroom, journalist_client):
    before = saved()
    # A 10 MB summary was stored, and a 50-row page then weighed 16 MB.
    body = json.dumps({**a_response(newsroom), "summary": "x" * 10_000_000})
    error = assert_error_shape(
        post_raw(journalist_client, "/api/v1/responses/", body), 413, "too_large"
    )
    assert "2,621,440 bytes" in error["message"]
    assert saved() == before


def test_the_body_limit_is_the_setting(newsroom, journalist_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 500
    body = json.dumps({**a_response(newsroom), "summary": "x" * 600})
    assert post_raw(journalist_client, "/api/v1/responses/", body).status_code == 413
    small = json.dumps({**a_response(newsroom), "summary": "x" * 100})
    assert post_raw(journalist_client, "/api/v1/responses/", small).status_code == 201


def test_a_summary_past_the_text_limit_is_refused_naming_the_limit(newsroom, journalist_client):
    body = {**a_response(newsroom), "summary": "x" * 20_001}
    error = assert_error_shape(journalist_client.post("/api/v1/responses/", body), 400, "invalid")
    assert "20,000" in error["fields"]["summary"][0]


# --- Lists ---------------------------------------------------------------------------------------


def test_a_campaign_to_50000_counties_is_refused_at_once_without_looking_any_up(
    newsroom, editor_client
):
    before = saved()
    body = {
        "title": "Every county, many times",
        "issuing_agency": newsroom.campaign.issuing_agency_id,
        "issued_on": "2025-09-01",
        "due_basis": "calendar_days",
        "due_days": 30,
        "data_sought": ["charges"],
        "counties": ["06037"] * 50_000,
    }
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.post("/api/v1/campaigns/", body)
    assert time.monotonic() - started < 3  # it took 20 s
    error = assert_error_shape(response, 400, "invalid")
    assert error["fields"] == {"counties": ["Give at most 4,000 items (this list has 50,000)."]}
    assert not [q for q in queries.captured_queries if "requests_tracker_county" in q["sql"]]
    assert saved() == before


def test_a_campaigns_counties_are_looked_up_in_one_query(newsroom, editor_client):
    from tests.factories import CountyFactory

    counties = [CountyFactory(fips=f"{60100 + n:05d}") for n in range(40)]
    body = {
        "title": "Forty counties",
        "issuing_agency": newsroom.campaign.issuing_agency_id,
        "issued_on": "2025-09-01",
        "due_basis": "calendar_days",
        "due_days": 30,
        "data_sought": ["charges"],
        "counties": [county.fips for county in counties] + ["99999"],
    }
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.post("/api/v1/campaigns/", body)
    error = assert_error_shape(response, 400, "invalid")
    assert error["fields"] == {"counties": ["No county has FIPS code 99999."]}
    lookups = [q for q in queries.captured_queries if 'FROM "requests_tracker_county"' in q["sql"]]
    assert len(lookups) == 1


def test_a_list_of_ids_longer_than_the_limit_is_refused_before_any_lookup(
    newsroom, journalist_client
):
    before = saved()
    body = {**a_response(newsroom), "sources": list(range(1, 50_002))}
    with CaptureQueriesContext(connection) as queries:
        response = journalist_client.post("/api/v1/responses/", body)
    error = assert_error_shape(response, 400, "invalid")
    assert error["fields"] == {"sources": ["Give at most 100 items (this list has 50,001)."]}
    assert not [q for q in queries.captured_queries if "requests_tracker_source" in q["sql"]]
    assert saved() == before


# --- Unknown keys and wrong types ---------------------------------------------------------------


def test_200000_unknown_keys_get_a_short_answer_naming_a_few(newsroom, journalist_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000_000  # the keys alone weigh 3 MB
    before = saved()
    body = {**a_response(newsroom), **{f"key{n}": n for n in range(200_000)}}
    response = post_raw(journalist_client, "/api/v1/responses/", json.dumps(body))
    error = assert_error_shape(response, 400, "invalid")
    assert len(response.content) < 2_000
    assert list(error["fields"]) == ["key0", "key1", "key2", "key3", "key4", "non_field_errors"]
    assert error["fields"]["non_field_errors"] == ["199,995 more fields cannot be written here."]
    assert saved() == before


def test_a_long_unknown_key_is_cut_short_in_the_answer(newsroom, journalist_client):
    body = {**a_response(newsroom), "k" * 100_000: 1}
    response = journalist_client.post("/api/v1/responses/", body)
    assert response.status_code == 400 and len(response.content) < 1_000


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/responses/", {"sources": {}}, "sources"),
        ("/api/v1/responses/", {"official": 5}, "official"),
        ("/api/v1/responses/", {"records_provided": "12"}, "records_provided"),
        ("/api/v1/responses/", {"records_provided": True}, "records_provided"),
        ("/api/v1/responses/", {"request": "1"}, "request"),
        ("/api/v1/responses/", {"categories_provided": "charges"}, "categories_provided"),
        ("/api/v1/figures/", {"value": 995}, "value"),
    ],
)
def test_values_of_the_wrong_json_type_are_refused_not_coerced(
    newsroom, journalist_client, path, body, field
):
    before = saved()
    base = a_response(newsroom) if path.endswith("responses/") else {}
    response = journalist_client.post(path, {**base, **body})
    error = assert_error_shape(response, 400, "invalid")
    assert field in error["fields"]
    assert saved() == before


def test_is_active_zero_does_not_switch_a_webhook_off(newsroom, editor_client):
    response = editor_client.patch(f"/api/v1/webhooks/{newsroom.webhook.pk}/", {"is_active": 0})
    error = assert_error_shape(response, 400, "invalid")
    assert error["fields"] == {"is_active": ["Give true or false."]}
    assert WebhookSubscription.objects.get(pk=newsroom.webhook.pk).is_active


# --- Filters and ordering -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("/api/v1/requests/", "ordering=issued_on,", "ordering"),
        ("/api/v1/requests/", "ordering=,", "ordering"),
        ("/api/v1/requests/", "ordering=summary", "ordering"),
        ("/api/v1/responses/", "ordering=,received_on", "ordering"),
        ("/api/v1/counties/", "ordering=name,,fips", "ordering"),
        ("/api/v1/requests/", "status=awaiting,", "status"),
        ("/api/v1/requests/", "status=awaiting&status=", "status"),
        ("/api/v1/requests/", "status=maybe", "status"),
        ("/api/v1/requests/", "state=California", "state"),
        ("/api/v1/requests/", "county=%D9%A0%D9%A6%D9%A0%D9%A3%D9%A7", "county"),
        ("/api/v1/requests/", "campaign=0", "campaign"),
        ("/api/v1/requests/", "campaign=abc", "campaign"),
        ("/api/v1/requests/", "overdue=maybe", "overdue"),
        ("/api/v1/requests/", "issued_after=2025-13-01", "issued_after"),
        ("/api/v1/requests/", "issued_after=20250701", "issued_after"),
        ("/api/v1/requests/", "updated_since=last%20tuesday", "updated_since"),
        ("/api/v1/requests/", "page_size=201", "page_size"),
        ("/api/v1/requests/", "page_size=0", "page_size"),
        ("/api/v1/counties/", "page=0", "page"),
        ("/api/v1/counties/", "page=1.5", "page"),
        ("/api/v1/counties/", "format=csv&page_size=1.5", "page_size"),
        ("/api/v1/sources/", "verified=1", "verified"),
        ("/api/v1/activity/", "verb=" + ",".join(["status_changed"] * 101), "verb"),
    ],
)
def test_a_malformed_query_value_is_a_json_400_naming_it(
    newsroom, viewer_client, path, query, parameter
):
    response = viewer_client.get(f"{path}?{query}")
    error = assert_error_shape(response, 400, "invalid")
    assert parameter in error["fields"], error


@pytest.mark.parametrize("query", ["status=", "updated_since=", "ordering=", "cursor=", "page="])
def test_an_empty_query_value_is_the_same_as_leaving_it_out(newsroom, viewer_client, query):
    everything = viewer_client.get("/api/v1/requests/").json()["results"]
    response = viewer_client.get(f"/api/v1/requests/?{query}")
    assert response.status_code == 200
    assert response.json()["results"] == everything


def test_a_time_that_overflows_once_converted_is_still_read(newsroom, viewer_client):
    early = viewer_client.get("/api/v1/requests/", {"updated_since": "0001-01-01T00:00:00+01:00"})
    assert early.status_code == 200 and len(early.json()["results"]) == 2
    late = viewer_client.get("/api/v1/requests/", {"updated_since": "9999-12-31T23:00:00-05:00"})
    assert late.status_code == 200 and late.json()["results"] == []


# --- No HTML 500 under /api/ --------------------------------------------------------------------


def broken(*args, **kwargs):
    raise RuntimeError("the database caught fire")


def test_an_unexpected_exception_under_api_is_a_json_500(newsroom, viewer, monkeypatch):
    monkeypatch.setattr(selectors, "county_tallies", broken)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(viewer)
    response = client.get("/api/v1/counties/")
    error = assert_error_shape(response, 500, "server_error")
    assert "fire" not in response.content.decode()
    assert error["message"] == "Something went wrong on our side."


def test_pages_outside_the_api_keep_their_html_error_page(viewer, monkeypatch):
    from requests_tracker.web import views

    monkeypatch.setattr(views, "render", broken)
    browser = Client(raise_request_exception=False)
    browser.force_login(viewer)
    response = browser.get("/requests/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


TOO_MANY_FIELDS = {f"f{n}": "1" for n in range(10)}


@pytest.mark.parametrize("sent_in", ["query_string", "multipart_body"])
def test_more_fields_than_django_reads_is_a_json_400_bad_request(
    sent_in, viewer, journalist, settings
):
    """Django itself refuses a query string or form body with more fields than
    DATA_UPLOAD_MAX_NUMBER_FIELDS (TooManyFieldsSent) while the request is read, before the view
    does anything with it; under /api/ that is the API's JSON 400 `bad_request`
    (api/errors.py bad_request), not Django's HTML page, and nothing is saved."""

    def send():
        client = Client(raise_request_exception=False)
        if sent_in == "query_string":
            # A list a viewer may read: only the refusal can make it anything but a 200.
            client.force_login(viewer)
            return client.get("/api/v1/counties/", TOO_MANY_FIELDS)
        # Sources read multipart/form-data bodies (uploads); the other endpoints read only JSON.
        client.force_login(journalist)
        return client.post("/api/v1/sources/", {"title": "Roster", **TOO_MANY_FIELDS})

    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    within = send()  # The same request under a limit it keeps to is read.
    if sent_in == "query_string":
        assert within.status_code == 200
    else:
        assert "f0" in assert_error_shape(within, 400, "invalid")["fields"]
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    before = Source.objects.count()
    error = assert_error_shape(send(), 400, "bad_request")
    assert error["message"] == "The request could not be read."
    assert error["fields"] == {}
    assert Source.objects.count() == before
