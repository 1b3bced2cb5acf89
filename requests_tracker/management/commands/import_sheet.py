"""`manage.py import_sheet KIND FILE [--dry-run] [--user USERNAME]`

Why it exists: newsrooms keep their first notes in spreadsheets. This reads a CSV or XLSX file of
requests, responses, escalations, sources or figures (columns: docs/import.md) and writes each row
through the same services as the pages, all or nothing: one failing row keeps the whole file out,
and every failing row is listed with its number, column and reason. `--dry-run` shows what the
file would do and writes nothing; importing the same file twice changes nothing the second time.
The admin's import page runs the same service.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_tracker import services
from requests_tracker.exchange import spreadsheet_import


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of one kind of record, through the services (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", choices=sorted(spreadsheet_import.KINDS), help="What the rows are."
        )
        parser.add_argument("file", type=Path, help="A .csv or .xlsx file; row 1 names columns.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="Record the rows as logged by this user."
        )

    def handle(self, *args: object, kind: str, file: Path, **options: object) -> None:
        dry_run, user = bool(options["dry_run"]), options["user"]
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user named {user!r}.")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        result = services.import_sheet(kind=kind, content=content, actor=actor, dry_run=dry_run)
        for row in result.rows:
            detail = f" ({row.detail})" if row.detail else ""
            self.stdout.write(f"row {row.row}: {row.action}: {row.record}{detail}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(result.errors)} problem(s) in {file.name}: nothing was imported."
            )
        summary = f"{result.created} created, {result.on_file} already on file"
        if dry_run:
            self.stdout.write(f"Dry run of {file.name}: {summary}. Nothing was written.")
        else:
            self.stdout.write(f"Imported {file.name}: {summary}.")
