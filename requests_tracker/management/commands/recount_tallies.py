"""`manage.py recount_tallies [--compact]`

Why it exists: the tallies (requests_tracker/tallies.py) are kept by PostgreSQL's triggers on
every write to the requests table, so they never need this in normal use. After a repair that
bypassed the triggers (a table restored with triggers disabled, a TRUNCATE by hand), this
rebuilds every tally from the requests in one transaction; `--compact` only folds each bucket's
rows into one, which flag_overdue does on each pass.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from requests_tracker import tallies


class Command(BaseCommand):
    help = "Rebuild the request tallies from the requests table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--compact", action="store_true", help="Only fold each bucket's rows into one."
        )

    def handle(self, *args: object, compact: bool, **options: object) -> None:
        with transaction.atomic():
            if compact:
                tallies.compact()
            else:
                tallies.recount()
        self.stdout.write("Tallies compacted." if compact else "Tallies recounted.")
