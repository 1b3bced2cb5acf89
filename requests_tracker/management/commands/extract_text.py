"""`manage.py extract_text [--all] [--sync] [--dry-run]`

Why it exists: every upload is read by the worker (and beat's sweep queues again what was left
pending), but documents stored before text extraction existed, those whose reading failed or
waited for Tesseract, and a re-read of everything after an extraction change need a way in. By
default it queues one task per document for the worker pool; `--sync` reads them here, one after
another. A document whose reading is queued or running (in flight) is left to it. Only ids are
loaded up front and one document is held at a time, so a backfill of thousands of files runs in
constant memory.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice

from django.core.management.base import BaseCommand, CommandParser
from django.db import reset_queries
from django.utils import timezone

from requests_tracker.services import documents


class Command(BaseCommand):
    help = "Read the text of stored source documents that have none yet (--all: every one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Read every stored document again, not only those without text.",
        )
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Read the documents in this process instead of queueing them for the worker.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the documents without reading any."
        )

    def handle(
        self, *args: object, everything: bool, sync: bool, dry_run: bool, **options: object
    ) -> None:
        ids = documents.sources_to_extract(everything=everything)
        if dry_run:
            total = sum(1 for _ in ids)
            self.stdout.write(f"{total} document(s) would be read (dry run: nothing queued).")
            return
        if not sync:
            from requests_tracker.tasks import extract_source_text_task

            queued = 0
            for batch in _batches(ids):
                for source_id in documents.mark_for_reading(source_ids=batch, now=timezone.now()):
                    extract_source_text_task.delay(source_id)
                    queued += 1
            self.stdout.write(f"{queued} document(s) queued for the worker.")
            return
        outcomes: Counter[str] = Counter()
        # A PDF reader leaves reference cycles behind; collecting them after each document keeps
        # memory flat. Freezing what is already loaded makes each collection cost about 1 ms.
        gc.collect()
        gc.freeze()
        try:
            for source_id in ids:
                if not documents.mark_for_reading(source_ids=[source_id], now=timezone.now()):
                    continue  # went in flight meanwhile
                outcome = documents.extract_source_text(source_id=source_id)
                outcomes[outcome.status] += 1
                if outcome.note and self.verbosity >= 2:
                    self.stdout.write(f"  source {source_id}: {outcome.status}: {outcome.note}")
                # With DEBUG on, Django keeps every query (page texts included): drop them.
                reset_queries()
                gc.collect()
        finally:
            gc.unfreeze()
        summary = ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items()))
        self.stdout.write(f"{sum(outcomes.values())} document(s) read: {summary or 'none'}.")


def _batches(ids: Iterable[int], size: int = 500) -> Iterator[list[int]]:
    iterator = iter(ids)
    while batch := list(islice(iterator, size)):
        yield batch
