"""Writes go through the services: rules apply, errors name the field, failures save nothing."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from requests_tracker.models import Activity, Campaign, DataRequest, Response, Source


def counts() -> tuple[int, int, int]:
    return Response.objects.count(), Activity.objects.count(), DataRequest.objects.count()


def test_logging_a_response_returns_the_requests_new_status(newsroom, journalist_client):
    request = newsroom.other_request
    assert request.status == "escalated"
    answer = journalist_client.post(
        "/api/v1/escalations/",
        {"request": request.pk, "kind": "lawsuit", "issued_on": "2025-09-12"},
        format="json",
    )
    assert answer.status_code == 201
    # Close the ladder, then the county's answer decides the status again.
    for escalation in request.escalations.all():
        assert (
            journalist_client.patch(
                f"/api/v1/escalations/{escalation.pk}/", {"status": "complied"}, format="json"
            ).status_code
            == 200
        )
    response = journalist_client.post(
        "/api/v1/responses/",
        {
            "request": request.pk,
            "kind": "partial",
            "received_on": "2025-09-13",
            "categories_provided": ["charges"],
            "records_provided": 12,
            "sources": [newsroom.source.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["request_status"] == "complied"  # the last escalation ended in compliance
    assert body["sources"][0]["id"] == newsroom.source.pk and body["unsourced"] is False
    assert body["logged_by"] == "journalist"
    assert response["ETag"]


def test_an_acknowledgement_moves_an_awaiting_request_to_acknowledged(newsroom, journalist_client):
    fresh = journalist_client.post(
        "/api/v1/requests/",
        {
            "county": "06073",
            "issuing_agency": newsroom.campaign.issuing_agency_id,
            "issued_on": "2025-08-01",
            "due_basis": "business_days",
            "due_days": 10,
            "data_sought": ["charges"],
        },
        format="json",
    ).json()
    assert fresh["status"] == "awaiting"
    assert fresh["due_rule"].startswith("10 business days from 2025-08-01")
    body = journalist_client.post(
        "/api/v1/responses/",
        {"request": fresh["id"], "kind": "acknowledged", "received_on": "2025-08-02"},
        format="json",
    ).json()
    assert body["request_status"] == "acknowledged"


def test_a_response_that_breaks_a_rule_names_the_field_and_saves_nothing(
    newsroom, journalist_client
):
    before = counts()
    response = journalist_client.post(
        "/api/v1/responses/",
        {
            "request": newsroom.request.pk,
            "kind": "partial",
            "received_on": "2025-07-01",  # before the request was issued
            "categories_provided": ["detainer_history"],  # not asked for
        },
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert set(error["fields"]) == {"received_on", "categories_provided"}
    assert "before the request was issued" in error["fields"]["received_on"][0]
    assert counts() == before


def test_type_errors_are_reported_per_field_in_the_same_shape(newsroom, journalist_client):
    response = journalist_client.post(
        "/api/v1/responses/",
        {"request": 999999, "kind": "shrugged", "received_on": "yesterday", "records_provided": -1},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"request", "kind", "received_on", "records_provided"}
    assert all(isinstance(reason, str) for reasons in fields.values() for reason in reasons)


def test_a_bad_item_in_a_list_is_named_by_its_position(newsroom, editor_client):
    response = editor_client.post(
        "/api/v1/campaigns/",
        {
            "title": "Letters",
            "issuing_agency": newsroom.campaign.issuing_agency_id,
            "issued_on": "2025-09-01",
            "counties": ["06037", "6037"],
            "due_basis": "calendar_days",
            "due_days": 30,
            "data_sought": ["charges", "horoscopes"],
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"counties.1", "data_sought.1"}


def test_malformed_json_is_a_400_in_the_error_shape(journalist_client, newsroom):
    response = journalist_client.post(
        "/api/v1/responses/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_unknown_addresses_under_api_answer_json_404(viewer_client):
    response = viewer_client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_issuing_a_campaign_issues_a_request_to_each_county(newsroom, editor_client):
    response = editor_client.post(
        "/api/v1/campaigns/",
        {
            "title": "September letters",
            "issuing_agency": newsroom.campaign.issuing_agency_id,
            "issued_on": "2025-09-01",
            "counties": ["06037", "06073"],
            "due_basis": "calendar_days",
            "due_days": 30,
            "data_sought": ["noncitizen_roster", "release_dates"],
            "legal_authority": "8 U.S.C. 1373",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["requests"]["total"] == 2 and body["requests"]["by_status"]["awaiting"] == 2
    campaign = Campaign.objects.get(pk=body["id"])
    assert sorted(campaign.requests.values_list("county__fips", flat=True)) == ["06037", "06073"]
    assert set(campaign.requests.values_list("due_on", flat=True)) == {dt.date(2025, 10, 1)}


def test_a_source_uploaded_as_a_file_is_stored_with_its_sha256(
    newsroom, journalist_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    letter = b"%PDF-1.4 DOJ letter of July 17, 2025"
    response = journalist_client.post(
        "/api/v1/sources/",
        {
            "title": "DOJ letter (PDF)",
            "kind": "primary_document",
            "file": SimpleUploadedFile("letter.pdf", letter, content_type="application/pdf"),
            "responses": [newsroom.response.pk],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(letter).hexdigest()
    assert body["file_url"] == f"http://testserver/sources/{body['id']}/file"
    assert body["cited_on"]["responses"] == [newsroom.response.pk]
    assert (body["content_type"], body["file_size"]) == ("application/pdf", len(letter))
    assert body["extraction_status"] == "pending"
    assert Activity.objects.filter(verb="source_added", response=newsroom.response).exists()


def test_a_source_needs_an_address_or_a_file(journalist_client, newsroom):
    # As the schema says: JSON brings the address, multipart/form-data the file.
    response = journalist_client.post("/api/v1/sources/", {"title": "Hearsay"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"url"}
    blank = journalist_client.post(
        "/api/v1/sources/", {"title": "Hearsay", "url": ""}, format="json"
    )
    assert set(blank.json()["error"]["fields"]) == {"url"}
    no_file = journalist_client.post(
        "/api/v1/sources/",
        {"title": "Hearsay", "url": "https://news.example/hearsay"},
        format="multipart",
    )
    assert no_file.status_code == 400 and set(no_file.json()["error"]["fields"]) == {"file"}
    in_json = journalist_client.post(
        "/api/v1/sources/", {"title": "Hearsay", "file": "letter.pdf"}, format="json"
    )
    assert in_json.status_code == 400 and "file" in in_json.json()["error"]["fields"]


def test_adding_a_source_already_on_file_reuses_it(newsroom, journalist_client):
    response = journalist_client.post(
        "/api/v1/sources/", {"title": "Same", "url": newsroom.source.url}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["id"] == newsroom.source.pk
    assert Source.objects.count() == 1


def test_detail_sends_an_etag_and_answers_304_when_it_still_matches(newsroom, viewer_client):
    url = f"/api/v1/requests/{newsroom.request.pk}/"
    first = viewer_client.get(url)
    tag = first["ETag"]
    assert tag and "Authorization" in first["Vary"]
    again = viewer_client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again["ETag"] == tag and not again.content
    newsroom.request.summary = "changed"
    from requests_tracker import services

    services.update_request(data_request=newsroom.request, actor=None, summary="A new summary.")
    changed = viewer_client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_if_match_refuses_to_overwrite_a_newer_version(newsroom, journalist_client):
    url = f"/api/v1/responses/{newsroom.response.pk}/"
    tag = journalist_client.get(url)["ETag"]
    first = journalist_client.patch(
        url, {"summary": "First edit"}, format="json", HTTP_IF_MATCH=tag
    )
    assert first.status_code == 200
    stale = journalist_client.patch(
        url, {"summary": "Stale edit"}, format="json", HTTP_IF_MATCH=tag
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    newsroom.response.refresh_from_db()
    assert newsroom.response.summary == "First edit"


def test_clients_are_throttled_at_the_configured_rate(
    newsroom, viewer_client, anonymous_client, settings
):
    settings.TRACKER_PUBLIC = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "3/min"},
    }
    assert [anonymous_client.get("/api/v1/counties/").status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    assert [viewer_client.get("/api/v1/counties/").status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    refused = viewer_client.get("/api/v1/counties/")
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0


def test_editing_the_due_date_is_recorded_in_the_feed(newsroom, editor_client):
    response = editor_client.patch(
        f"/api/v1/requests/{newsroom.request.pk}/",
        {"due_on": "2025-09-30", "due_basis": "stated", "due_rule": "Extended by phone"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["due_on"] == "2025-09-30"
    assert Activity.objects.filter(verb="due_date_changed", request=newsroom.request).exists()


def test_status_is_not_writable_through_the_api(newsroom, editor_client):
    response = editor_client.patch(
        f"/api/v1/requests/{newsroom.request.pk}/",
        {"status": "complied", "summary": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["status"]
    assert "Derived" in response.json()["error"]["fields"]["status"][0]
    newsroom.request.refresh_from_db()
    assert newsroom.request.summary == ""
    assert newsroom.request.status == "declined"


def test_a_new_webhook_shows_its_secret_once(editor_client):
    created = editor_client.post(
        "/api/v1/webhooks/", {"url": "https://desk.example/hook"}, format="json"
    ).json()
    assert len(created["secret"]) == 64
    shown = editor_client.get(f"/api/v1/webhooks/{created['id']}/").json()
    assert "secret" not in shown


def test_switching_a_disabled_webhook_back_on_clears_its_failures(newsroom, editor_client):
    webhook = newsroom.webhook
    type(webhook).objects.filter(pk=webhook.pk).update(
        is_active=False, consecutive_failures=5, disabled_reason="Receiver down"
    )
    body = editor_client.patch(
        f"/api/v1/webhooks/{webhook.pk}/", {"is_active": True}, format="json"
    ).json()
    assert body["is_active"] is True
    assert body["consecutive_failures"] == 0 and body["disabled_reason"] == ""


def test_deleting_a_response_rederives_the_requests_status(newsroom, editor_client):
    response = editor_client.delete(f"/api/v1/responses/{newsroom.response.pk}/")
    assert response.status_code == 204
    newsroom.request.refresh_from_db()
    assert newsroom.request.status == "awaiting"


def test_a_letter_dated_in_the_far_future_is_refused_not_a_server_error(newsroom, editor_client):
    # Bug fixed: the deadline was counted before the date was checked, and 30 days after
    # 9999-12-20 is past the last date Python can hold (a 500).
    for path, extra in [
        ("/api/v1/requests/", {"county": "06073"}),
        ("/api/v1/campaigns/", {"title": "Letters", "counties": ["06073"]}),
    ]:
        response = editor_client.post(
            path,
            {
                "issuing_agency": newsroom.campaign.issuing_agency_id,
                "issued_on": "9999-12-20",
                "due_basis": "calendar_days",
                "due_days": 30,
                "data_sought": ["charges"],
                **extra,
            },
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {
            "issued_on": ["The issue date cannot be in the future."]
        }
