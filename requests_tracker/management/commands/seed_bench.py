"""`manage.py seed_bench --requests N [--seed S]`

Why it exists: to measure pages and jobs at newsroom scale. A demo database holds a handful of
requests, where every page is fast whatever it costs per row; a national DOJ campaign reaches
every one of the ~3,200 U.S. counties, and years of campaigns make a million requests. This
command builds such a database (`python -m bench` measures it), so a list that grows a query per
row or a job that slows down with the table shows up before a newsroom finds it.

It loads every county (`load_counties --all`), then writes N requests with their answers,
escalations, sources and Activity straight to the tables with PostgreSQL COPY
(requests_tracker/bench_data.py: a million requests in a few minutes, where going through the
services took about 6 ms per answered request). Statuses and overdue flags are derived with
workflow.py's functions, as the services derive them; history tables are not filled. The choices
come from a random generator seeded with --seed, so the same N and seed give the same database
(and the same status counts) every time. Dates are fixed, not taken from the clock: the data is
"as of" SEEDED_AS_OF.

It adds to what is there; run it on a migrated database meant for benchmarks.
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_tracker import bench_data


class Command(BaseCommand):
    help = "Create N benchmark requests over every U.S. county, written with COPY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--requests", type=int, required=True, metavar="N", help="How many requests."
        )
        parser.add_argument(
            "--seed", type=int, default=2025, metavar="S", help="Random seed (default 2025)."
        )

    def handle(self, *args: object, requests: int, seed: int, **options: object) -> None:
        if requests < 1:
            raise CommandError("--requests must be 1 or more.")
        started = time.perf_counter()
        call_command("load_counties", "--all", stdout=self.stdout)
        result = bench_data.seed(requests=requests, seed=seed)
        elapsed = time.perf_counter() - started
        statuses = ", ".join(f"{status} {n:,}" for status, n in result.by_status.items() if n)
        self.stdout.write(
            f"{result.requests:,} benchmark requests in {result.campaigns} campaign(s), seed "
            f"{seed}, as of {bench_data.SEEDED_AS_OF.isoformat()}: {result.responses:,} "
            f"responses, {result.escalations:,} escalations, {result.sources:,} sources, "
            f"{result.activity:,} activity rows; {statuses}; {result.overdue:,} overdue. "
            f"{elapsed:.1f} s."
        )
