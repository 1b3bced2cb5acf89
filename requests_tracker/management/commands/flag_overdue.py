"""`manage.py flag_overdue [--dry-run] [--today YYYY-MM-DD]`

Why it exists: the beat schedule flags overdue requests every OVERDUE_CHECK_MINUTES, but an editor
needs to run the same pass by hand (after loading old letters, after the worker was down, or to see
what a date would change with --dry-run) without a broker. It calls the very service the scheduled
task calls: one set-based pass, safe to run while the scheduled task runs too.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_tracker import services


class Command(BaseCommand):
    help = "Flag requests and escalations whose due date has passed, and clear answered ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would change without writing anything.",
        )
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="Judge deadlines as of this date instead of today in TIME_ZONE.",
        )

    def handle(self, *args: object, dry_run: bool, today: str | None, **options: object) -> None:
        if today:
            try:
                as_of = dt.date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(
                    f"--today must be a date like 2025-08-17, not {today!r}."
                ) from error
        else:
            as_of = services.local_today()
        result = services.flag_overdue(today=as_of, dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        note = " (dry run: nothing written)" if dry_run else ""
        lines = [
            f"Overdue check as of {as_of.isoformat()}{note}:",
            f"  {result.requests_flagged} request(s) {verb} flagged overdue",
            f"  {result.requests_cleared} request(s) {verb} cleared",
            f"  {result.escalations_flagged} escalation(s) {verb} flagged overdue",
            f"  {result.escalations_cleared} escalation(s) {verb} cleared",
        ]
        self.stdout.write("\n".join(lines))
