"""Uploading a document on the request page: the one set of upload rules, its reasons shown
beside the file field, nothing stored for a refused file; and the sensitive box for editors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_tracker.models import ExtractionStatus, Response, Source
from tests.documents import (
    REFUSED_UPLOADS,
    SUBPOENA_PAGES,
    files_under,
    read_on_commit,
    refused_upload_ids,
    text_pdf,
)
from tests.web.conftest import page_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

SENSITIVE_LABEL = "Sensitive (personal data of people in custody)"


def add_source(client, data_request, name: str, content: bytes, **fields):
    return client.post(
        f"/requests/{data_request.pk}/sources/",
        {
            "source-title": "Grand jury subpoena",
            "source-kind": "court_filing",
            "source-file": SimpleUploadedFile(name, content, "application/pdf"),
            **fields,
        },
    )


def log_response_with(client, data_request, name: str, content: bytes, **fields):
    return client.post(
        f"/requests/{data_request.pk}/responses/",
        {
            "response-kind": "declined",
            "response-received_on": "2025-08-01",
            "response-source_file": SimpleUploadedFile(name, content, "application/pdf"),
            "response-source_title": "Sheriff's letter",
            "response-source_kind": "primary_document",
            **fields,
        },
    )


def error_beside(response, field_id: str) -> str:
    error = page_of(response).find(id=f"{field_id}_error")
    assert error is not None, f"no error beside {field_id}"
    return error.get_text(" ", strip=True)


WAYS_IN = {
    # how the file is sent, and the id of the field its error must stand beside
    "add a source": (add_source, "id_source-file"),
    "beside a response": (log_response_with, "id_response-source_file"),
}


@pytest.mark.parametrize("way", WAYS_IN)
@pytest.mark.parametrize(
    ("what", "name", "content", "reason"), REFUSED_UPLOADS, ids=refused_upload_ids()
)
def test_a_refused_file_is_an_error_beside_it_and_nothing_is_stored(
    media, data_request, journalist_browser, way, what, name, content, reason
):
    send, field_id = WAYS_IN[way]
    response = send(journalist_browser, data_request, name, content())

    assert response.status_code == 400
    assert reason in error_beside(response, field_id)
    assert not Response.objects.exists()
    assert not Source.objects.exists()
    assert files_under(media) == []


def test_a_text_file_holding_a_script_is_refused(media, data_request, journalist_browser):
    notes = b"Release dates follow.\n<script>alert(document.cookie)</script>\n"
    response = add_source(journalist_browser, data_request, "notes.txt", notes)
    assert "text containing HTML or SVG markup" in error_beside(response, "id_source-file")
    assert files_under(media) == []


def test_a_real_pdf_is_stored_read_and_shown_on_its_page(
    media,
    data_request,
    journalist_browser,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    read_on_commit(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        response = add_source(
            journalist_browser, data_request, "subpoena.pdf", text_pdf(SUBPOENA_PAGES)
        )

    assert response.status_code == 302
    source = Source.objects.get()
    assert list(data_request.sources.all()) == [source]
    assert (source.content_type, source.page_count) == ("application/pdf", 2)
    assert source.extraction_status == ExtractionStatus.DONE
    assert files_under(media) == [source.file.name]

    request_page = page_of(journalist_browser.get(f"/requests/{data_request.pk}/"))
    assert request_page.find("a", href=f"/sources/{source.pk}/") is not None
    source_page = journalist_browser.get(f"/sources/{source.pk}/").content.decode()
    assert SUBPOENA_PAGES[0] in source_page and "<dt>Pages</dt><dd>2</dd>" in source_page


def test_only_editors_see_the_sensitive_box_on_the_source_fields(
    data_request, editor_browser, journalist_browser
):
    editor_page = editor_browser.get(f"/requests/{data_request.pk}/").content.decode()
    assert editor_page.count(SENSITIVE_LABEL) == 3  # response, escalation and source forms
    assert 'name="source-sensitive"' in editor_page
    assert 'name="response-source_sensitive"' in editor_page
    journalist_page = journalist_browser.get(f"/requests/{data_request.pk}/").content.decode()
    assert SENSITIVE_LABEL not in journalist_page and "sensitive" not in journalist_page


def test_an_editor_marks_an_upload_sensitive_and_a_journalists_tick_is_not_read(
    data_request, editor_browser, journalist_browser
):
    assert (
        add_source(
            editor_browser,
            data_request,
            "roster.pdf",
            text_pdf(["Roster"]),
            **{"source-sensitive": "on"},
        ).status_code
        == 302
    )
    assert (
        log_response_with(
            journalist_browser,
            data_request,
            "letter.pdf",
            text_pdf(["Letter"]),
            **{"response-source_sensitive": "on"},
        ).status_code
        == 302
    )

    assert dict(Source.objects.values_list("title", "sensitive")) == {
        "Grand jury subpoena": True,
        "Sheriff's letter": False,
    }
