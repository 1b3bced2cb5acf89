"""`manage.py sync_dockets [--case ID ...]`

Why it exists: beat's sweep fetches followed dockets every COURTLISTENER_SYNC_SECONDS, but an
editor who just linked a case, or who knows a webhook was missed, wants the entries now, without
a worker. It does exactly what the sweep does (services.courts.catch_up): records deliveries
left waiting, then fetches each followed docket's entries and records the missing ones. Running
it twice writes nothing the second time. docs/courts.md.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_tracker.models import Case
from requests_tracker.services import courts


class Command(BaseCommand):
    help = "Fetch followed CourtListener dockets and record the entries not yet on file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--case",
            type=int,
            action="append",
            dest="case_ids",
            metavar="ID",
            help="Only this case (repeatable); default: every case linked to a docket.",
        )

    def handle(self, *args: object, case_ids: list[int] | None, **options: object) -> None:
        if case_ids:
            linked = set(
                Case.objects.filter(
                    pk__in=case_ids, courtlistener_docket_id__isnull=False
                ).values_list("pk", flat=True)
            )
            missing = sorted(set(case_ids) - linked)
            if missing:
                raise CommandError(
                    f"No case linked to a CourtListener docket has the id {missing[0]}."
                )
        result = courts.catch_up(case_ids=case_ids)
        lines = [f"{result.delivered} entr(ies) recorded from deliveries left waiting."]
        if not result.configured:
            lines.append("COURTLISTENER_TOKEN is not set: no docket was fetched.")
        else:
            lines.append(
                f"{result.cases} docket(s) fetched: {result.entries} new entr(ies) recorded."
            )
            if result.unreachable:
                lines.append(
                    "CourtListener could not serve (tried again at the next sweep): "
                    + ", ".join(result.unreachable)
                )
        self.stdout.write("\n".join(lines))
        if result.unreachable:
            raise CommandError(f"{len(result.unreachable)} docket(s) could not be fetched.")
