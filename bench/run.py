"""How the API, the pages and the overdue job cost as the tracker grows.

For each size (default 1,000 and 10,000 requests) this script creates a throwaway database beside
the one DATABASE_URL names (Django's test database, `test_<name>`: your data is never touched),
migrates it, fills it with `manage.py seed_bench --requests N`, then measures in-process with the
Django test Client (no network, no server): each target is requested once to warm up, then R
times, timing each run and counting its SQL queries. The throwaway database is dropped afterwards.

Printed: a Markdown table with, per size, the median and p90 in milliseconds and the SQL queries
per run, and the ratio of the medians (large / small), which shows how the cost grows with size.
A list endpoint or page should cost the same number of queries at every size.

    DEBUG=true SECRET_KEY=bench TRACKER_PUBLIC=false \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench \\
    .venv/bin/python bench/run.py [--sizes 1000,10000] [--repeat 15] [--seed 2025]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from requests_tracker import services  # noqa: E402
from requests_tracker.models import Activity, DataRequest, Escalation, Response  # noqa: E402

FLAG_AS_OF = dt.date(2026, 6, 1)
"""Long after every seeded due date: the first flag_overdue run flags every waiting request."""

PAGES = [
    ("GET /api/v1/requests/?page_size=200", "/api/v1/requests/?page_size=200"),
    ("GET /api/v1/stats/", "/api/v1/stats/"),
    ("GET /api/v1/activity/?page_size=200", "/api/v1/activity/?page_size=200"),
    ("GET /requests/ (viewer)", "/requests/"),
    ("GET / dashboard (viewer)", "/"),
]
FLAG_FIRST = "flag_overdue: first run (flags all)"
FLAG_AGAIN = "flag_overdue: second run (idempotent)"


@dataclass
class Measure:
    ms: list[float] = field(default_factory=list)
    queries: set[int] = field(default_factory=set)

    def add(self, seconds: float, queries: int) -> None:
        self.ms.append(seconds * 1000)
        self.queries.add(queries)

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def p90(self) -> float:
        """Nearest-rank 90th percentile: the run that 90% of the runs are not slower than."""
        ordered = sorted(self.ms)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]

    @property
    def query_label(self) -> str:
        return "/".join(str(q) for q in sorted(self.queries))


def timed(run: Callable[[], object]) -> tuple[float, int, object]:
    """Seconds, SQL statements and result of `run()`. Counted with an execute wrapper, not
    connection.queries: with DEBUG on, that log is capped (9,000) and seeding fills it."""
    statements = 0

    def count(execute, sql, params, many, context):  # noqa: ANN001
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - started
    return elapsed, statements, result


def measure_pages(client: Client, repeat: int) -> dict[str, Measure]:
    results = {}
    for label, url in PAGES:
        measure = Measure()
        for attempt in range(repeat + 1):
            seconds, queries, response = timed(lambda url=url: client.get(url))
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            if attempt:  # the first run warms caches (templates, ORM) and is not counted
                measure.add(seconds, queries)
        results[label] = measure
    return results


def measure_flag_overdue(repeat: int) -> tuple[dict[str, Measure], services.OverdueResult]:
    """Both runs inside a transaction rolled back afterwards, so every repetition flags afresh."""
    first, again = Measure(), Measure()
    flagged = None
    for attempt in range(repeat + 1):
        with transaction.atomic():
            seconds, queries, flagged = timed(lambda: services.flag_overdue(today=FLAG_AS_OF))
            seconds_again, queries_again, repeat_result = timed(
                lambda: services.flag_overdue(today=FLAG_AS_OF)
            )
            if repeat_result.changed:
                raise SystemExit(f"flag_overdue is not idempotent: {repeat_result}")
            transaction.set_rollback(True)
        if attempt:
            first.add(seconds, queries)
            again.add(seconds_again, queries_again)
    return {FLAG_FIRST: first, FLAG_AGAIN: again}, flagged


def bench_size(
    size: int, *, repeat: int, seed: int
) -> tuple[dict[str, Measure], dict[str, object]]:
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        call_command("seed_bench", requests=size, seed=seed, stdout=StringIO())
        seeded_in = time.perf_counter() - started
        viewer = get_user_model().objects.create_user("bench-viewer", password=None)
        viewer.groups.add(Group.objects.get(name="viewer"))
        client = Client()
        client.force_login(viewer)
        results = measure_pages(client, repeat)
        flag_results, flagged = measure_flag_overdue(repeat)
        results.update(flag_results)
        facts = {
            "requests": DataRequest.objects.count(),
            "responses": Response.objects.count(),
            "escalations": Escalation.objects.count(),
            "activity": Activity.objects.count(),
            "overdue before the run": DataRequest.objects.filter(
                overdue_since__isnull=False
            ).count(),
            "flagged by the first run": flagged.requests_flagged + flagged.escalations_flagged,
            "seed_bench seconds": round(seeded_in, 1),
        }
        return results, facts
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def table(sizes: list[int], runs: dict[int, dict[str, Measure]]) -> str:
    small, large = sizes[0], sizes[-1]
    head = ["What"]
    for size in sizes:
        head += [f"{size:,}: median ms", f"{size:,}: p90 ms", f"{size:,}: queries"]
    head.append(f"median ×{large // small} size")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label in runs[small]:
        row = [label]
        for size in sizes:
            measure = runs[size][label]
            row += [f"{measure.median:.1f}", f"{measure.p90:.1f}", measure.query_label]
        row.append(f"{runs[large][label].median / runs[small][label].median:.2f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="Request counts, comma separated.")
    parser.add_argument("--repeat", type=int, default=15, help="Timed runs per target.")
    parser.add_argument("--seed", type=int, default=2025, help="Seed passed to seed_bench.")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    setup_test_environment()
    runs, facts = {}, {}
    try:
        for size in sizes:
            print(f"Seeding and measuring {size:,} requests…", file=sys.stderr, flush=True)
            runs[size], facts[size] = bench_size(size, repeat=args.repeat, seed=args.seed)
    finally:
        teardown_test_environment()

    print(
        f"Database: {connection.vendor}; {args.repeat} timed runs per target after one warm-up; "
        f"seed {args.seed}; flag_overdue as of {FLAG_AS_OF.isoformat()}.\n"
    )
    print(table(sizes, runs))
    print()
    for size in sizes:
        print(f"- {size:,}: " + ", ".join(f"{key} {value:,}" for key, value in facts[size].items()))


if __name__ == "__main__":
    main()
