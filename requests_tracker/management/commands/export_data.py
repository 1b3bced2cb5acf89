"""`manage.py export_data PATH [--database ALIAS]`

Why it exists: a record journalists stake stories on must survive a lost server, and move between
servers and database engines. This writes every record (counties through activity, sources with
their documents and hashes, the history tables) to one zip archive with a manifest of counts and
per-table checksums; `import_data` restores it exactly. What it leaves out (secrets) and when to
use pg_dump instead: requests_tracker/exchange/archive.py and docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_tracker.exchange import archive


class Command(BaseCommand):
    help = "Write every record, the documents and the history to one archive file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The archive to write (a .zip file).")
        parser.add_argument(
            "--database", default="default", help="The database to read (default: default)."
        )

    def handle(self, *args: object, path: Path, database: str, **options: object) -> None:
        if path.exists():
            raise CommandError(f"{path} exists already: choose a new file name.")
        try:
            summary = archive.write_archive(path, using=database)
        except archive.ArchiveError as error:
            path.unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        totals, *tables = archive.describe(summary.tables, summary.files)
        self.stdout.write("\n".join([f"Wrote {path}: {totals}.", *tables]))
        for problem in summary.problems:
            self.stderr.write(f"Warning: {problem}")
