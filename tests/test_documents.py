"""Keeping a document's text (services/documents.py), searching it (selectors/documents.py) and
the extract_text command."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from requests_tracker.documents import document_text
from requests_tracker.models import ExtractionStatus, Source, SourcePage
from requests_tracker.selectors.documents import (
    search_documents,
    sources_matching_text,
    visible_sources,
)
from requests_tracker.services import documents
from tests.documents import require_tesseract, scanned_pdf, text_pdf, upload

pytestmark = pytest.mark.django_db

LETTER_PAGES = [
    "U.S. Department of Justice, Civil Rights Division. July 17, 2025.",
    "Under 8 U.S.C. 1373, a local government may not restrict sending information "
    "regarding immigration status to federal officials.",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(title: str, content: bytes, *, sensitive: bool = False, **fields) -> Source:
    """A source with a file as an upload stores it: validated, hashed, under a random name."""
    from requests_tracker import services

    source = services.add_source(title=title, file=upload("document", content), **fields)
    if sensitive:
        Source.objects.filter(pk=source.pk).update(sensitive=True)
        source.refresh_from_db()
    return source


def read(source: Source) -> Source:
    documents.extract_source_text(source_id=source.pk)
    source.refresh_from_db()
    return source


def message_lost(*sources: Source) -> None:
    """As if the queued reading never reached a worker, longer ago than a reading may take."""
    long_ago = timezone.now() - documents.reading_window() - dt.timedelta(seconds=1)
    Source.objects.filter(pk__in=[s.pk for s in sources]).update(extraction_queued_at=long_ago)


# --- keeping the text ---------------------------------------------------------------------------


def test_reading_a_document_keeps_each_page_and_records_how_it_went():
    source = read(stored("DOJ letter", text_pdf(LETTER_PAGES)))

    assert source.extraction_status == ExtractionStatus.DONE
    assert source.extraction_method == "pdf_text"
    assert source.page_count == 2
    assert source.extracted_at is not None
    assert source.content_type == "application/pdf"
    assert source.file_size == source.file.size
    pages = list(source.pages.values_list("number", "text"))
    assert [number for number, _ in pages] == [1, 2]
    assert "8 U.S.C. 1373" in pages[1][1]


def test_reading_twice_gives_the_same_pages_not_twice_as_many():
    source = stored("DOJ letter", text_pdf(LETTER_PAGES))
    read(source)
    first = list(SourcePage.objects.values_list("number", "text"))
    read(source)
    assert list(SourcePage.objects.values_list("number", "text")) == first


def test_a_file_replaced_while_it_was_read_is_left_to_its_own_reading(monkeypatch):
    source = stored("DOJ letter", text_pdf(LETTER_PAGES))
    real = document_text.extract_document

    def replaced_meanwhile(stream, content_type, **kwargs):
        result = real(stream, content_type, **kwargs)
        Source.objects.filter(pk=source.pk).update(sha256="0" * 64)
        return result

    monkeypatch.setattr(documents, "extract_document", replaced_meanwhile)
    outcome = documents.extract_source_text(source_id=source.pk)

    assert outcome.status == documents.SKIPPED
    assert not SourcePage.objects.exists()
    source.refresh_from_db()
    # Still waiting: the new file's own reading (queued when it was stored) records the result.
    assert source.extraction_status == ExtractionStatus.PENDING


def test_a_file_stored_before_the_rules_gets_its_type_and_size_or_fails_with_the_reason(media):
    (media / "sources").mkdir()
    (media / "sources" / "notes.txt").write_bytes(b"Release date: unknown.\n")
    (media / "sources" / "page.html").write_bytes(b"<html><script>alert(1)</script></html>")
    notes = Source.objects.create(title="Notes", file="sources/notes.txt")
    page = Source.objects.create(title="Page", file="sources/page.html")

    notes, page = read(notes), read(page)

    assert (notes.extraction_status, notes.content_type, notes.file_size) == (
        "done",
        "text/plain",
        23,
    )
    assert page.extraction_status == ExtractionStatus.FAILED
    assert "HTML" in page.extraction_note and "not accepted" in page.extraction_note


def test_a_missing_file_fails_with_the_reason():
    source = Source.objects.create(title="Lost", file="sources/gone.pdf")
    assert read(source).extraction_note == "The stored file is missing."
    assert source.extraction_status == ExtractionStatus.FAILED


def test_queueing_marks_pending_and_queues_the_task_only_on_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    from requests_tracker import tasks

    queued = []
    monkeypatch.setattr(tasks.extract_source_text_task, "delay", queued.append)
    source = stored("DOJ letter", text_pdf(LETTER_PAGES))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        documents.queue_text_extraction(source=source)
    assert Source.objects.get(pk=source.pk).extraction_status == ExtractionStatus.PENDING
    assert queued == []
    for callback in callbacks:
        callback()
    assert queued == [source.pk]


# --- search -------------------------------------------------------------------------------------


@pytest.fixture
def letter_and_roster():
    letter = read(stored("DOJ letter to the Sheriff", text_pdf(LETTER_PAGES)))
    roster = read(
        stored(
            "Jail roster",
            text_pdf(["Booking list", "Scheduled release date: 2025-08-01 for booking 4471"]),
            sensitive=True,
        )
    )
    return letter, roster


def test_search_finds_the_source_with_a_snippet_and_the_page_of_the_match(
    letter_and_roster, editor
):
    letter, _ = letter_and_roster
    [hit] = search_documents('"8 U.S.C. 1373"', editor)
    assert hit.source == letter
    assert hit.page == 2
    assert "1373" in hit.snippet and "immigration status" in hit.snippet
    assert "<mark>" in hit.snippet_html and "1373</mark>" in hit.snippet_html


def test_search_escapes_the_document_text_in_snippets(editor, settings):
    source = Source.objects.create(title="Memo", url="https://example.org/memo")
    SourcePage.objects.create(
        source=source, number=1, text="release date <script>alert(1)</script> & later"
    )
    [hit] = search_documents("release date", editor)
    assert "<script" not in hit.snippet_html
    assert "&amp; later" in hit.snippet_html
    assert hit.snippet_html.startswith("<mark>release")


def test_a_sensitive_source_is_found_only_by_editors(
    letter_and_roster, editor, journalist, viewer, settings
):
    _, roster = letter_and_roster
    settings.TRACKER_PUBLIC = True
    assert [hit.source for hit in search_documents("release date", editor)] == [roster]
    for user in (journalist, viewer, AnonymousUser()):
        assert search_documents("release date", user) == []
        assert list(sources_matching_text("release date", user)) == []
        assert roster not in visible_sources(user)
    assert list(sources_matching_text("release date", editor)) == [roster]


def test_nobody_who_cannot_read_the_tracker_finds_anything(letter_and_roster, settings):
    settings.TRACKER_PUBLIC = False
    assert search_documents("1373", AnonymousUser()) == []
    settings.TRACKER_PUBLIC = True
    assert [hit.source.title for hit in search_documents("1373", AnonymousUser())] == [
        "DOJ letter to the Sheriff"
    ]


def test_search_stems_words_and_reads_phrases_and_exclusions(letter_and_roster, editor):
    letter, roster = letter_and_roster
    assert [hit.source for hit in search_documents("released", editor)] == [roster]
    assert [hit.source for hit in search_documents("restricting information", editor)] == [letter]
    assert search_documents('"release scheduled"', editor) == []
    assert search_documents("information -immigration", editor) == []


def test_document_search_matches_and_ranks_on_the_stored_vector_through_its_index(
    letter_and_roster, editor
):
    """The query search_documents runs reads the pages' stored vector (answered by its GIN
    index) and never parses a page's text again to rank it."""
    with CaptureQueriesContext(connection) as captured:
        search_documents("release", editor, snippets=False)
    [sql] = [q["sql"] for q in captured.captured_queries if "sourcepage" in q["sql"]]
    assert "to_tsvector" not in sql
    assert "search_vector" in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM requests_tracker_sourcepage "
            "WHERE search_vector @@ websearch_to_tsquery('english'::regconfig, 'release')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "sourcepage_search" in plan


# --- extract_text -------------------------------------------------------------------------------


def test_extract_text_reads_documents_without_text_and_all_of_them_with_all():
    done = read(stored("Read already", text_pdf(["Read already"])))
    waiting = stored("Not read yet", text_pdf(LETTER_PAGES))
    message_lost(waiting)
    Source.objects.create(title="Only an address", url="https://example.org/a")
    SourcePage.objects.filter(source=done).update(text="stale")

    out = StringIO()
    call_command("extract_text", "--sync", stdout=out)
    assert out.getvalue().strip() == "1 document(s) read: 1 done."
    assert Source.objects.get(pk=waiting.pk).extraction_status == ExtractionStatus.DONE
    assert SourcePage.objects.get(source=done).text == "stale"

    out = StringIO()
    call_command("extract_text", "--all", "--dry-run", stdout=out)
    assert out.getvalue().startswith("2 document(s) would be read")

    call_command("extract_text", "--all", "--sync", stdout=StringIO())
    assert SourcePage.objects.get(source=done).text == "Read already"


def test_extract_text_queues_one_task_per_document_for_the_worker(monkeypatch):
    from requests_tracker import tasks

    queued = []
    monkeypatch.setattr(tasks.extract_source_text_task, "delay", queued.append)
    sources = [stored(f"Letter {n}", text_pdf([f"Letter {n}"])) for n in range(3)]
    message_lost(*sources)

    out = StringIO()
    call_command("extract_text", stdout=out)
    assert queued == [source.pk for source in sources]
    assert out.getvalue().strip() == "3 document(s) queued for the worker."


def test_extract_text_holds_one_document_at_a_time(settings, monkeypatch):
    """Memory in use before each document is read does not grow with the documents done."""
    settings.DEBUG = True  # the worst case: Django would keep every query, page texts included
    content = text_pdf(["Scheduled release date and booking details. " * 150] * 8)
    message_lost(*(stored(f"Roster {n}", content) for n in range(10)))
    in_use_before_each: list[int] = []
    read_one = documents.extract_source_text

    def measured(*, source_id: int):
        in_use_before_each.append(tracemalloc.get_traced_memory()[0])
        return read_one(source_id=source_id)

    monkeypatch.setattr(documents, "extract_source_text", measured)
    tracemalloc.start()
    try:
        call_command("extract_text", "--all", "--sync", stdout=StringIO())
    finally:
        tracemalloc.stop()

    one_document = sum(
        len(text)
        for text in SourcePage.objects.filter(source=Source.objects.first()).values_list(
            "text", flat=True
        )
    )
    assert one_document > 40_000
    assert len(in_use_before_each) == 10
    # From the second document on (the first warms caches), at most one document's worth.
    assert in_use_before_each[-1] - in_use_before_each[1] < one_document, in_use_before_each


def test_a_scanned_document_is_found_by_the_words_in_its_picture(journalist):
    require_tesseract()
    scan = read(
        stored("Subpoena (scan)", scanned_pdf(["Grand jury subpoena", "scheduled release date"]))
    )
    assert scan.extraction_method == "ocr"
    [hit] = search_documents("scheduled release date", journalist)
    assert (hit.source, hit.page) == (scan, 2)
    assert "scheduled release date" in hit.snippet.lower()


# --- nothing stays pending for good -------------------------------------------------------------


def test_a_document_whose_message_was_lost_is_queued_again_by_the_sweep_after_the_window():
    source = stored("DOJ letter", text_pdf(LETTER_PAGES))
    queued_at = Source.objects.get(pk=source.pk).extraction_queued_at
    window = documents.reading_window()

    assert documents.sweep_pending_documents(now=queued_at + window / 2) == []
    assert documents.sweep_pending_documents(now=queued_at + window + dt.timedelta(seconds=1)) == [
        source.pk
    ]
    # Queued again just now: in flight, so the next sweep leaves it alone.
    assert documents.sweep_pending_documents(now=queued_at + window * 1.5) == []


def test_the_sweep_marks_failed_a_document_whose_readings_died_every_time(settings):
    settings.EXTRACTION_MAX_ATTEMPTS = 2
    source = stored("Bomb", text_pdf(LETTER_PAGES))
    Source.objects.filter(pk=source.pk).update(extraction_attempts=2)
    message_lost(source)

    assert documents.sweep_pending_documents(now=timezone.now()) == []
    source.refresh_from_db()
    assert source.extraction_status == ExtractionStatus.FAILED
    assert "did not finish in 2 attempts" in source.extraction_note


def test_an_unexpected_error_leaves_the_document_pending_until_its_last_attempt(
    settings, monkeypatch
):
    settings.EXTRACTION_MAX_ATTEMPTS = 2
    source = stored("DOJ letter", text_pdf(LETTER_PAGES))

    def crash(stream, content_type):
        raise RuntimeError("the reader fell over")

    monkeypatch.setattr(documents, "extract_document", crash)
    first = read(source)
    assert first.extraction_status == ExtractionStatus.PENDING
    assert first.extraction_note.startswith("Reading failed (attempt 1 of 2): RuntimeError")
    second = read(source)
    assert second.extraction_status == ExtractionStatus.FAILED
    assert second.extraction_note.startswith("Reading failed (attempt 2 of 2)")


def test_extract_text_leaves_a_document_in_flight_to_its_reading(monkeypatch):
    from requests_tracker import tasks

    queued = []
    monkeypatch.setattr(tasks.extract_source_text_task, "delay", queued.append)
    in_flight = stored("Being read", text_pdf(["Being read"]))
    lost = stored("Message lost", text_pdf(["Message lost"]))
    message_lost(lost)

    call_command("extract_text", stdout=StringIO())
    call_command("extract_text", "--all", stdout=StringIO())
    assert queued == [lost.pk]
    assert Source.objects.get(pk=in_flight.pk).extraction_attempts == 0


def test_the_worker_skips_a_second_message_for_a_document_already_read():
    source = read(stored("DOJ letter", text_pdf(LETTER_PAGES)))
    outcome = documents.extract_source_text(source_id=source.pk, only_if_waiting=True)
    assert outcome.status == documents.SKIPPED
    assert source.extraction_attempts == 1
