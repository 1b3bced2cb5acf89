"""What a search costs on a seeded database: PostgreSQL's plan for each group's query, and the
time and SQL queries of the pages and API lists that search.

Run it against a database filled by `python -m bench.seed --requests N` (it only reads: a
viewer is created for the run inside a transaction that is rolled back):

    DEBUG=true SECRET_KEY=bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench \\
    .venv/bin/python bench/search_plans.py ["Los Angeles" jail ...] [--repeat 9]

Printed (Markdown): per query, each group's EXPLAIN (ANALYZE, BUFFERS) for its first page of
rows and for its total, then the median and p90 time and the SQL queries of /search/,
/requests/?q= and /api/v1/requests/?q= (and of /requests/ without a search, for comparison).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils.http import urlencode  # noqa: E402

from requests_tracker.models import DataRequest  # noqa: E402
from requests_tracker.selectors import search  # noqa: E402

DEFAULT_QUERIES = ["Los Angeles", "declined", "jail"]
PAGE_ROWS = search.PREVIEW_ROWS


def plan(run: Callable[[], object]) -> str:
    """PostgreSQL's plan, as run, for the one query `run` makes."""
    with CaptureQueriesContext(connection) as captured:
        run()
    [query] = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
        return "\n".join(row[0] for row in cursor.fetchall())


def timed(client: Client, path: str, repeat: int) -> tuple[float, float, int]:
    client.get(path)  # warm-up
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
    return statistics.median(times), p90, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="*", default=DEFAULT_QUERIES)
    parser.add_argument("--repeat", type=int, default=9)
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Plans are PostgreSQL's: point DATABASE_URL at a seeded PostgreSQL database.")
    setup_test_environment()
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user("search-bench-viewer")
            user.groups.add(Group.objects.get(name="viewer"))
            client = Client()
            client.force_login(user)
            print(f"{DataRequest.objects.count():,} requests.\n")
            for query in options.queries:
                print(f"## “{query}”\n")
                for key in search.GROUPS:
                    rows = search.group_rows(key, query, user)
                    first_page = plan(lambda rows=rows: list(rows[:PAGE_ROWS]))
                    total = plan(lambda rows=rows: rows.order_by().count())
                    print(f"### {key}: the rows\n\n```\n{first_page}\n```\n")
                    print(f"### {key}: the total\n\n```\n{total}\n```\n")
                print("| what | median ms | p90 ms | queries |\n|---|---|---|---|")
                encoded = urlencode({"q": query})
                for path in (
                    "/requests/",
                    f"/search/?{encoded}",
                    f"/requests/?{encoded}",
                    f"/api/v1/requests/?{encoded}&page_size=50",
                ):
                    median, p90, count = timed(client, path, options.repeat)
                    print(f"| GET {path} | {median:.1f} | {p90:.1f} | {count} |")
                print()
            transaction.set_rollback(True)
    finally:
        teardown_test_environment()


if __name__ == "__main__":
    main()
