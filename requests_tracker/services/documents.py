"""Source documents: queueing the reading of a stored file, and keeping its text page by page.

The row, not the broker, records the work. A document waiting to be read is "pending", with the
time its reading was last queued or started (`extraction_queued_at`) and the readings started
since it was queued (`extraction_attempts`):
- in flight: pending, and queued or started less than `reading_window()` ago (the reading's
  time limit plus the task's margin: past it, a reading that started has ended or died);
- stale: pending and not in flight. Beat's sweep (`sweep_pending_documents`, every
  EXTRACTION_SWEEP_SECONDS) queues every stale document again, so a message lost with a broker
  outage, a web process that could not queue, or a worker killed mid-read leaves nothing
  pending for good; a document whose readings died EXTRACTION_MAX_ATTEMPTS times is marked
  failed instead of being tried forever;
- a reading that raised an unexpected error leaves the document pending (retried by the sweep)
  until its last attempt, which marks it failed with the error.
`manage.py extract_text` never queues a document in flight.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from requests_tracker.documents import uploads
from requests_tracker.documents.document_text import ExtractionResult, extract_document
from requests_tracker.models import ExtractionStatus, Source, SourcePage
from requests_tracker.services.work_queue import enqueue

logger = logging.getLogger(__name__)

SKIPPED = "skipped"
TASK_MARGIN_SECONDS = 120
"""How far past EXTRACTION_TIME_LIMIT_SECONDS the reading task is killed (tasks.py)."""


@dataclass(frozen=True)
class ExtractionOutcome:
    source_id: int
    status: str
    pages: int = 0
    note: str = ""


def reading_window() -> dt.timedelta:
    """How long after it was queued or started a pending document counts as in flight."""
    return dt.timedelta(seconds=settings.EXTRACTION_TIME_LIMIT_SECONDS + TASK_MARGIN_SECONDS)


def in_flight(now: dt.datetime) -> Q:
    """Sources whose reading is queued or running now."""
    return Q(
        extraction_status=ExtractionStatus.PENDING,
        extraction_queued_at__gt=now - reading_window(),
    )


def queue_text_extraction(*, source: Source) -> None:
    """Mark the source's document "pending" and have the worker read it once this commits.

    Call it in the transaction that stores a new file. If the message cannot be sent, the
    sweep finds the pending document later.
    """
    _mark_pending(Source.objects.filter(pk=source.pk), now=timezone.now())
    source.extraction_status, source.extraction_note = ExtractionStatus.PENDING, ""
    source_id = source.pk
    transaction.on_commit(lambda: _queue(source_id))


def _mark_pending(sources, *, now: dt.datetime) -> int:
    return sources.update(
        extraction_status=ExtractionStatus.PENDING,
        extraction_note="",
        extraction_queued_at=now,
        extraction_attempts=0,
    )


def _queue(source_id: int) -> None:
    enqueue(
        "requests_tracker.tasks.extract_source_text_task",
        source_id,
        what=f"reading source {source_id}",
    )


def sources_to_extract(
    *, everything: bool = False, now: dt.datetime | None = None
) -> Iterator[int]:
    """Ids of the sources whose document should be read: those with a file whose text is not done
    (pending, failed, OCR unavailable, or never tried); with `everything`, every one with a file.
    Documents in flight are left to the reading already under way.

    Yields ids only, streamed from the database, so a backfill never holds the records.
    """
    sources = Source.objects.exclude(file="").exclude(in_flight(now or timezone.now()))
    if not everything:
        sources = sources.exclude(extraction_status=ExtractionStatus.DONE)
    return sources.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000)


def mark_for_reading(*, source_ids: list[int], now: dt.datetime) -> list[int]:
    """Mark these documents pending (queued now), skipping any that went in flight meanwhile;
    returns the ids marked. For `extract_text`, before it queues or reads them."""
    with transaction.atomic():
        ids = list(
            Source.objects.filter(pk__in=source_ids)
            .exclude(file="")
            .exclude(in_flight(now))
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        _mark_pending(Source.objects.filter(pk__in=ids), now=now)
    return ids


def sweep_pending_documents(*, now: dt.datetime) -> list[int]:
    """Queue again every stale pending document (see the module's docstring); mark failed
    those whose readings died EXTRACTION_MAX_ATTEMPTS times. Returns the ids to queue (the
    caller queues them). Set-based: three statements whatever the number of documents."""
    limit = settings.EXTRACTION_MAX_ATTEMPTS
    stale = (
        Source.objects.filter(extraction_status=ExtractionStatus.PENDING)
        .exclude(file="")
        .exclude(in_flight(now))
    )
    with transaction.atomic():
        given_up = stale.filter(extraction_attempts__gte=limit).update(
            extraction_status=ExtractionStatus.FAILED,
            extraction_note=f"Reading did not finish in {limit} attempts (the worker stopped "
            "or ran out of time each time).",
            extracted_at=now,
            updated_at=now,
        )
        ids = list(
            stale.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)
        )
        Source.objects.filter(pk__in=ids).update(extraction_queued_at=now)
    if given_up or ids:
        logger.info("Document sweep: %d queued again, %d given up.", len(ids), given_up)
    return ids


def _start_reading(source_id: int, *, only_if_waiting: bool) -> tuple[dict | None, str]:
    """Count the attempt and restart the in-flight clock: (the file to read, ""), or (None, why
    there is nothing to read: no file; with `only_if_waiting`, no longer pending)."""
    with transaction.atomic():
        sources = Source.objects.select_for_update().filter(pk=source_id)
        snapshot = sources.values(
            "file",
            "sha256",
            "content_type",
            "file_size",
            "extraction_status",
            "extraction_attempts",
        ).first()
        if snapshot is None or not snapshot["file"]:
            return None, "No stored file."
        if only_if_waiting and snapshot["extraction_status"] != ExtractionStatus.PENDING:
            return None, "Read already (a second message for the same document)."
        sources.update(
            extraction_queued_at=timezone.now(), extraction_attempts=F("extraction_attempts") + 1
        )
    snapshot["extraction_attempts"] += 1
    return snapshot, ""


def extract_source_text(*, source_id: int, only_if_waiting: bool = False) -> ExtractionOutcome:
    """Read the text of a source's stored document and keep it, one SourcePage row per page.

    The attempt is counted first (module docstring). The reading happens outside any
    transaction and holds no lock (OCR can take minutes). Then, in one transaction, the row is
    locked and, if it still holds the file that was read (same name and SHA-256), its pages are
    replaced and the status, method, page count, note and time are written. If the file was
    replaced meanwhile nothing is written: the new file has its own run. Running it again gives
    the same result, so a message delivered twice costs only time; the worker passes
    `only_if_waiting`, so a second message for a document already read is skipped.

    A source with no file is skipped. A file stored before the upload rules gets its type and size
    from its bytes; a type the rules refuse, a missing file or an unreadable document ends
    "failed" with the reason; an unexpected error leaves it pending for the sweep until the last
    attempt. Only this one document is in memory, read from storage as a stream.
    """
    snapshot, nothing_to_read = _start_reading(source_id, only_if_waiting=only_if_waiting)
    if snapshot is None:
        return ExtractionOutcome(source_id, SKIPPED, note=nothing_to_read)
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
        attempt, limit = snapshot["extraction_attempts"], settings.EXTRACTION_MAX_ATTEMPTS
        result = ExtractionResult(
            ExtractionStatus.PENDING if attempt < limit else ExtractionStatus.FAILED,
            note=f"Reading failed (attempt {attempt} of {limit}): {type(error).__name__}: {error}"[
                :500
            ],
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
