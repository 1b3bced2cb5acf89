"""Uploading a document through the API: the model's upload rules and their words (no rule of the
API's own), a clean 400 naming the limit even for 26 MB, nothing stored for a refused file, the
document's fields on the source, and `sensitive` for editors only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_tracker.models import ExtractionStatus, Source
from requests_tracker.services.sources import SENSITIVE_EDITORS_ONLY
from tests.documents import (
    REFUSED_UPLOADS,
    SUBPOENA_PAGES,
    files_under,
    read_on_commit,
    refused_upload_ids,
    text_pdf,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def upload_source(client, name: str, content: bytes, **fields):
    return client.post(
        "/api/v1/sources/",
        {
            "title": "Grand jury subpoena",
            "kind": "court_filing",
            "file": SimpleUploadedFile(name, content, "application/pdf"),
            **fields,
        },
        format="multipart",
    )


@pytest.mark.parametrize(
    ("what", "name", "content", "reason"), REFUSED_UPLOADS, ids=refused_upload_ids()
)
def test_a_refused_upload_is_a_400_on_file_with_its_reason_and_stores_nothing(
    media, journalist_client, what, name, content, reason
):
    response = upload_source(journalist_client, name, content())

    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert list(error["fields"]) == ["file"]
    assert reason in " ".join(error["fields"]["file"])
    assert not Source.objects.exists()
    assert files_under(media) == []


def test_the_size_limit_is_the_setting_named_in_the_error(media, journalist_client, settings):
    settings.SOURCE_MAX_UPLOAD_MB = 1
    response = upload_source(journalist_client, "subpoena.pdf", b"%PDF-1.7\n" + b"0" * 1_100_000)
    assert response.json()["error"]["fields"]["file"] == ["The file is 1.1 MB; the limit is 1 MB."]


def test_a_real_pdf_is_accepted_with_its_document_fields_and_read_after_commit(
    media, journalist_client, anonymous_client, monkeypatch, django_capture_on_commit_callbacks
):
    read_on_commit(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_source(journalist_client, "subpoena.pdf", text_pdf(SUBPOENA_PAGES))

    assert response.status_code == 201, response.content
    created = response.json()
    source = Source.objects.get()
    assert created["file_url"] == f"http://testserver/sources/{source.pk}/file"
    assert (created["content_type"], created["file_size"]) == ("application/pdf", source.file_size)
    assert created["extraction_status"] == ExtractionStatus.PENDING  # as it stood at the write
    assert "sensitive" not in created  # a journalist is not shown the field

    read = journalist_client.get(f"/api/v1/sources/{source.pk}/").json()
    assert (read["extraction_status"], read["page_count"]) == ("done", 2)
    # An API client follows file_url with its token; without one, the file does not exist.
    download = journalist_client.get(created["file_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert anonymous_client.get(created["file_url"]).status_code == 404
    anonymous_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert anonymous_client.get(created["file_url"]).status_code == 404
    assert files_under(media) == [source.file.name]


def test_a_journalist_may_not_mark_a_source_sensitive(journalist_client, editor_client, media):
    # 403, as any refusal by role: the request is well formed, the role may not make it.
    response = upload_source(journalist_client, "roster.pdf", text_pdf(["Roster"]), sensitive=True)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert response.json()["error"]["fields"] == {"sensitive": [SENSITIVE_EDITORS_ONLY]}
    assert not Source.objects.exists() and files_under(media) == []

    mine = upload_source(journalist_client, "letter.pdf", text_pdf(["Letter"])).json()
    refused = journalist_client.patch(
        f"/api/v1/sources/{mine['id']}/", {"sensitive": True}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["fields"] == {"sensitive": [SENSITIVE_EDITORS_ONLY]}
    unchanged = journalist_client.patch(
        f"/api/v1/sources/{mine['id']}/", {"sensitive": False, "title": "Letter"}, format="json"
    )
    assert unchanged.status_code == 200


def test_an_editor_marks_a_source_sensitive_and_only_editors_see_the_field(
    editor_client, journalist_client, media
):
    created = upload_source(editor_client, "roster.pdf", text_pdf(["Roster"]), sensitive=True)
    assert created.status_code == 201
    assert created.json()["sensitive"] is True
    roster = created.json()["id"]
    assert journalist_client.get(f"/api/v1/sources/{roster}/").status_code == 404

    cleared = editor_client.patch(f"/api/v1/sources/{roster}/", {"sensitive": False}, format="json")
    assert cleared.json()["sensitive"] is False
    assert "sensitive" not in journalist_client.get(f"/api/v1/sources/{roster}/").json()


def test_a_sensitive_source_cannot_be_cited_by_id_by_someone_who_may_not_see_it(
    newsroom, journalist_client, editor_client
):
    roster = editor_client.post(
        "/api/v1/sources/",
        {"title": "Roster", "url": "https://county.example/roster", "sensitive": True},
        format="json",
    ).json()["id"]
    missing = Source.objects.order_by("-pk").first().pk + 1000
    answers = [
        journalist_client.post(
            "/api/v1/responses/",
            {
                "request": newsroom.request.pk,
                "kind": "acknowledged",
                "received_on": "2025-08-02",
                "sources": [source_id],
            },
            format="json",
        )
        for source_id in (roster, missing)
    ]
    # The same refusal as for an id never used: the writer learns nothing.
    assert [answer.status_code for answer in answers] == [400, 400]
    reasons = [answer.json()["error"]["fields"]["sources"] for answer in answers]
    assert reasons[0] == [reason.replace(str(missing), str(roster)) for reason in reasons[1]]
