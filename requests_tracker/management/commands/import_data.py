"""`manage.py import_data PATH [--database ALIAS]`

Why it exists: to bring a tracker back from an `export_data` archive, on a new server or another
database engine, exactly as it was: the same ids, the history, the event log, the documents.
It refuses a database that is not empty or not migrated to the archive's version, checks every
checksum before and after, and says what it restored. Then set passwords, API tokens and webhook
secrets again (the archive holds no secrets): docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_tracker.exchange import archive


class Command(BaseCommand):
    help = "Restore an export_data archive into an empty, migrated database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The archive export_data wrote.")
        parser.add_argument("--database", default="default", help="The database to restore into.")

    def handle(self, *args: object, path: Path, database: str, **options: object) -> None:
        try:
            summary = archive.restore_archive(path, using=database)
        except archive.ArchiveError as error:
            raise CommandError(f"{error} Nothing was restored.") from error
        totals, *tables = archive.describe(summary.tables, summary.files)
        checked = "every table's checksum matches the archive"
        self.stdout.write("\n".join([f"Restored {path}: {totals}; {checked}.", *tables]))
        if summary.subscriptions_switched_off:
            self.stdout.write(
                f"{summary.subscriptions_switched_off} webhook subscription(s) are switched off "
                "until an editor gives each a new secret."
            )
        self.stdout.write(
            "Users have no password yet (manage.py changepassword, or a password reset); API "
            "tokens are made again with create_api_token."
        )
