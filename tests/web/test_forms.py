"""The three forms on a request's page go through the services: good input is saved with its
Activity and redirects back; bad input re-renders the page with the error beside its field and
saves nothing."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_tracker.models import (
    Activity,
    ActivityVerb,
    DataRequest,
    Escalation,
    RequestStatus,
    Response,
    Source,
)

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Response.objects.count(),
        Escalation.objects.count(),
        Source.objects.count(),
        Activity.objects.count(),
    )


def test_a_journalist_logs_a_declined_response_and_the_status_changes_with_activity(
    data_request, journalist_browser, journalist
):
    response = journalist_browser.post(
        f"/requests/{data_request.pk}/responses/",
        {
            "response-kind": "declined",
            "response-received_on": "2025-08-01",
            "response-legal_basis_cited": "SB 54",
            "response-quotation": "Local law enforcement does not participate.",
            "response-source_url": "https://news.example/sf-declines",
            "response-source_title": "San Francisco declines",
            "response-source_kind": "news_report",
        },
    )
    logged = Response.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{data_request.pk}/#response-{logged.pk}"
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.DECLINED
    assert logged.logged_by == journalist
    assert [s.url for s in logged.sources.all()] == ["https://news.example/sf-declines"]
    verbs = set(Activity.objects.filter(request=data_request).values_list("verb", flat=True))
    assert {ActivityVerb.RESPONSE_LOGGED, ActivityVerb.STATUS_CHANGED} <= verbs

    page = journalist_browser.get(response["Location"])
    html = page.content.decode()
    assert "Response logged (declined). Status: Declined." in html
    assert 'class="pill pill--declined">Declined<' in html
    assert "San Francisco declines" in html


def test_a_response_dated_before_the_request_shows_the_error_beside_the_field_and_saves_nothing(
    data_request, journalist_browser
):
    before = counts()
    response = journalist_browser.post(
        f"/requests/{data_request.pk}/responses/",
        {
            "response-kind": "declined",
            "response-received_on": "2025-07-01",
            "response-source_url": "https://news.example/too-early",
            "response-source_kind": "news_report",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(
        r'<p class="field-error" id="id_response-received_on_error">([^<]*)</p>', html
    )
    assert error is not None
    assert "before the request was issued (2025-07-17)" in error.group(1)
    assert 'aria-invalid="true"' in html
    field_tag = re.search(r'<input[^>]*id="id_response-received_on"[^>]*>', html).group(0)
    ids = re.search(r'aria-describedby="([^"]*)"', field_tag).group(1).split()
    assert "id_response-received_on_error" in ids, "the field points at its error"
    assert 'value="2025-07-01"' in html, "what was typed is kept"
    assert counts() == before
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.AWAITING


def test_a_response_that_is_not_a_date_is_refused_by_the_form(data_request, journalist_browser):
    before = counts()
    response = journalist_browser.post(
        f"/requests/{data_request.pk}/responses/",
        {"response-kind": "declined", "response-received_on": "last Tuesday"},
    )
    assert response.status_code == 400
    assert 'id="id_response-received_on_error"' in response.content.decode()
    assert counts() == before


def test_a_source_address_too_long_keeps_the_response_from_being_saved(
    data_request, journalist_browser
):
    before = counts()
    response = journalist_browser.post(
        f"/requests/{data_request.pk}/responses/",
        {
            "response-kind": "declined",
            "response-received_on": "2025-08-01",
            "response-source_url": "https://news.example/" + "x" * 990,
            "response-source_kind": "news_report",
        },
    )
    assert response.status_code == 400
    assert 'id="id_response-source_url_error"' in response.content.decode()
    assert counts() == before


def test_a_source_the_service_refuses_is_shown_on_the_source_field_and_nothing_is_saved(
    data_request, journalist_browser, monkeypatch
):
    from django.core.exceptions import ValidationError

    from requests_tracker.services import sources

    def refuse(**kwargs):
        raise ValidationError({"url": "That address is not allowed."})

    monkeypatch.setattr(sources, "add_source", refuse)
    before = counts()
    response = journalist_browser.post(
        f"/requests/{data_request.pk}/responses/",
        {
            "response-kind": "declined",
            "response-received_on": "2025-08-01",
            "response-source_url": "https://news.example/refused",
            "response-source_kind": "news_report",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="id_response-source_url_error">That address is not allowed.<', html), (
        "the source's error sits beside the source field, not the response's"
    )
    assert counts() == before


def test_an_extension_without_its_new_due_date_is_an_error_on_that_field(
    data_request, journalist_browser
):
    response = journalist_browser.post(
        f"/requests/{data_request.pk}/responses/",
        {"response-kind": "extension_granted", "response-received_on": "2025-08-01"},
    )
    assert response.status_code == 400
    assert 'id="id_response-new_due_on_error"' in response.content.decode()


def test_filing_an_escalation_makes_the_request_escalated(data_request, journalist_browser):
    response = journalist_browser.post(
        f"/requests/{data_request.pk}/escalations/",
        {
            "escalation-kind": "administrative_subpoena",
            "escalation-issued_on": "2025-09-02",
            "escalation-due_on": "2025-09-30",
            "escalation-status": "open",
            "escalation-source_kind": "court_filing",
        },
    )
    escalation = Escalation.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#escalation-{escalation.pk}")
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.ESCALATED


def test_an_escalation_before_the_request_is_an_error_on_its_date(data_request, journalist_browser):
    before = counts()
    response = journalist_browser.post(
        f"/requests/{data_request.pk}/escalations/",
        {
            "escalation-kind": "demand_letter",
            "escalation-issued_on": "2025-07-01",
            "escalation-status": "open",
            "escalation-source_kind": "court_filing",
        },
    )
    assert response.status_code == 400
    assert 'id="id_escalation-issued_on_error"' in response.content.decode()
    assert counts() == before


def test_a_source_added_by_address_is_cited_on_the_request(data_request, journalist_browser):
    response = journalist_browser.post(
        f"/requests/{data_request.pk}/sources/",
        {
            "source-url": "https://www.justice.gov/letter.pdf",
            "source-title": "DOJ letter",
            "source-kind": "primary_document",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#sources")
    assert list(
        DataRequest.objects.get(pk=data_request.pk).sources.values_list("title", flat=True)
    ) == ["DOJ letter"]
    assert Activity.objects.filter(verb=ActivityVerb.SOURCE_ADDED).count() == 1


def test_an_uploaded_source_is_stored_with_its_hash(
    data_request, journalist_browser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    content = b"%PDF-1.4 the letter"
    response = journalist_browser.post(
        f"/requests/{data_request.pk}/sources/",
        {
            "source-file": SimpleUploadedFile("letter.pdf", content, "application/pdf"),
            "source-title": "DOJ letter (copy)",
            "source-kind": "primary_document",
        },
    )
    assert response.status_code == 302
    source = data_request.sources.get()
    assert source.sha256 == hashlib.sha256(content).hexdigest()


def test_a_source_with_neither_address_nor_file_is_an_error_on_the_address(
    data_request, journalist_browser
):
    before = counts()
    response = journalist_browser.post(
        f"/requests/{data_request.pk}/sources/",
        {"source-title": "Something", "source-kind": "news_report"},
    )
    assert response.status_code == 400
    assert 'id="id_source-url_error"' in response.content.decode()
    assert counts() == before
