"""A real Celery worker reads uploaded documents (a text PDF and a scan) and search finds them.

The documents go in as a newsroom's client sends them: multipart uploads to /api/v1/sources/,
whose service stores them and queues their reading when the write commits."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from requests_tracker import services
from requests_tracker.models import ExtractionStatus, Source
from requests_tracker.selectors.documents import search_documents
from tests.api.conftest import signed_in
from tests.documents import require_tesseract, scanned_pdf, text_pdf, upload
from tests.factories import UserFactory
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration


def upload_source(editor, title: str, content: bytes, *, sensitive: bool = False) -> Source:
    """Upload a document through the API, as an editor (only editors mark one sensitive)."""
    response = signed_in(editor).post(
        "/api/v1/sources/",
        {
            "title": title,
            "kind": "primary_document",
            "file": SimpleUploadedFile("upload.pdf", content, "application/pdf"),
            "sensitive": sensitive,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return Source.objects.get(pk=response.json()["id"])


def all_read(*sources: Source) -> bool:
    return (
        not Source.objects.filter(pk__in=[s.pk for s in sources])
        .exclude(extraction_status__in=[ExtractionStatus.DONE, ExtractionStatus.FAILED])
        .exists()
    )


def test_uploaded_text_and_scanned_pdfs_are_read_by_the_worker_and_found_by_search(
    celery_processes, settings, tmp_path
):
    require_tesseract()
    settings.MEDIA_ROOT = tmp_path
    celery_processes.start_worker(MEDIA_ROOT=str(tmp_path))
    editor = UserFactory(username="editor-integration", role="editor")
    journalist = UserFactory(username="journalist-integration", role="journalist")

    letter = upload_source(
        editor,
        "DOJ letter to the Sheriff",
        text_pdf(
            [
                "U.S. Department of Justice, July 17, 2025.",
                "Under 8 U.S.C. 1373 a county may not restrict sharing immigration status.",
            ]
        ),
    )
    scan = upload_source(
        editor,
        "Grand jury subpoena (scan)",
        scanned_pdf(["GRAND JURY SUBPOENA", "Produce the scheduled release date\nof each person"]),
        sensitive=True,
    )

    assert wait_until(lambda: all_read(letter, scan), timeout=60), celery_processes.logs()

    [found] = search_documents('"8 U.S.C. 1373"', journalist)
    assert (found.source, found.page) == (letter, 2)
    assert "<mark>1373</mark>" in found.snippet_html

    [found] = search_documents("scheduled release date", editor)
    assert (found.source, found.page) == (scan, 2)
    assert found.source.extraction_method == "ocr"
    assert "scheduled release date" in found.snippet.lower()
    # The scan is sensitive: a journalist's search does not reveal it.
    assert search_documents("scheduled release date", journalist) == []


def test_extract_text_queues_documents_that_the_worker_reads(celery_processes, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sources = [
        services.add_source(title=f"Letter {n}", file=upload("x.pdf", text_pdf([f"Letter {n}"])))
        for n in range(5)
    ]
    # As if stored before text extraction existed: never read, nothing in flight (the messages
    # the uploads queued find nothing waiting and are skipped).
    Source.objects.filter(pk__in=[s.pk for s in sources]).update(
        extraction_status="", extraction_queued_at=None
    )
    out = StringIO()
    call_command("extract_text", stdout=out)
    assert out.getvalue().strip() == "5 document(s) queued for the worker."

    celery_processes.start_worker(MEDIA_ROOT=str(tmp_path))
    assert wait_until(lambda: all_read(*sources), timeout=60), celery_processes.logs()
    assert set(Source.objects.values_list("extraction_status", flat=True)) == {"done"}
    assert [page.text for page in sources[3].pages.all()] == ["Letter 3"]
