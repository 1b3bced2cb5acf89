"""Source documents: queueing the reading of a stored file, and keeping its text page by page."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from requests_tracker import uploads
from requests_tracker.extraction import ExtractionResult, extract_document
from requests_tracker.models import ExtractionStatus, Source, SourcePage
from requests_tracker.services.work_queue import enqueue

logger = logging.getLogger(__name__)

SKIPPED = "skipped"


@dataclass(frozen=True)
class ExtractionOutcome:
    source_id: int
    status: str
    pages: int = 0
    note: str = ""


def queue_text_extraction(*, source: Source) -> None:
    """Mark the source's document "pending" and have the worker read it once this commits.

    Call it in the transaction that stores a new file. The row, not the broker, records the work:
    if the broker is down, `manage.py extract_text` finds the pending document later.
    """
    Source.objects.filter(pk=source.pk).update(
        extraction_status=ExtractionStatus.PENDING, extraction_note=""
    )
    source.extraction_status, source.extraction_note = ExtractionStatus.PENDING, ""
    source_id = source.pk
    transaction.on_commit(lambda: _queue(source_id))


def _queue(source_id: int) -> None:
    from requests_tracker.tasks import extract_source_text_task

    enqueue(extract_source_text_task, source_id, what=f"reading source {source_id}")


def sources_to_extract(*, everything: bool = False) -> Iterator[int]:
    """Ids of the sources whose document should be read: those with a file whose text is not done
    (pending, failed, OCR unavailable, or never tried); with `everything`, every one with a file.

    Yields ids only, streamed from the database, so a backfill never holds the records.
    """
    sources = Source.objects.exclude(file="")
    if not everything:
        sources = sources.exclude(extraction_status=ExtractionStatus.DONE)
    return sources.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000)


def extract_source_text(*, source_id: int) -> ExtractionOutcome:
    """Read the text of a source's stored document and keep it, one SourcePage row per page.

    The reading happens outside any transaction and holds no lock (OCR can take minutes). Then, in
    one transaction, the row is locked and, if it still holds the file that was read (same name
    and SHA-256), its pages are replaced and the status, method, page count, note and time are
    written. If the file was replaced meanwhile nothing is written: the new file has its own run.
    Running it again gives the same result, so a message delivered twice costs only time.

    A source with no file is skipped. A file stored before the upload rules gets its type and size
    from its bytes; a type the rules refuse, a missing file or an unreadable document ends
    "failed" with the reason. Only this one document is in memory, read from storage as a stream.
    """
    snapshot = (
        Source.objects.filter(pk=source_id)
        .values("file", "sha256", "content_type", "file_size")
        .first()
    )
    if snapshot is None or not snapshot["file"]:
        return ExtractionOutcome(source_id, SKIPPED, note="No stored file.")
    name = snapshot["file"]
    content_type, file_size = snapshot["content_type"], snapshot["file_size"]
    storage = Source._meta.get_field("file").storage
    try:
        with storage.open(name, "rb") as stream:
            if file_size is None:
                file_size = storage.size(name)
            if not content_type:
                content_type = uploads.detect_type(stream).content_type
            result = extract_document(stream, content_type)
    except FileNotFoundError:
        result = ExtractionResult(ExtractionStatus.FAILED, note="The stored file is missing.")
    except ValidationError as error:
        result = ExtractionResult(ExtractionStatus.FAILED, note=" ".join(error.messages))
    except Exception as error:  # any failure of one document is recorded on it, not raised
        logger.exception("Reading the document of source %s failed", source_id)
        result = ExtractionResult(
            ExtractionStatus.FAILED, note=f"Reading failed: {type(error).__name__}: {error}"[:500]
        )
    return _keep(source_id, name, snapshot["sha256"], content_type, file_size, result)


def _keep(
    source_id: int,
    name: str,
    sha256: str,
    content_type: str,
    file_size: int | None,
    result: ExtractionResult,
) -> ExtractionOutcome:
    with transaction.atomic():
        current = (
            Source.objects.select_for_update().filter(pk=source_id).values("file", "sha256").first()
        )
        if current is None or (current["file"], current["sha256"]) != (name, sha256):
            return ExtractionOutcome(source_id, SKIPPED, note="The file changed while it was read.")
        SourcePage.objects.filter(source_id=source_id).delete()
        SourcePage.objects.bulk_create(
            (SourcePage(source_id=source_id, number=p.number, text=p.text) for p in result.pages),
            batch_size=100,
        )
        now = timezone.now()
        Source.objects.filter(pk=source_id).update(
            content_type=content_type,
            file_size=file_size,
            extraction_status=result.status,
            extraction_method=result.method,
            extraction_note=result.note[:500],
            page_count=result.page_count,
            extracted_at=now,
            # API clients syncing by updated_since see the new text and status.
            updated_at=now,
        )
    return ExtractionOutcome(source_id, result.status, len(result.pages), result.note)
