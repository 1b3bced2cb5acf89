"""Where an endpoint's time goes on a seeded benchmark database: a profile and its slowest SQL.

    python -m bench.profile --size 1000000 dashboard stats request_list

For each endpoint key of bench/endpoints.py: requested once to warm up, then `--repeat` times
in-process (Django's test Client, signed in as the bench's viewer) under pyinstrument; then once
more with every SQL statement timed, and the `--explain` slowest statements run again under
EXPLAIN (ANALYZE, BUFFERS). Each endpoint's full profile and plans go to
var/bench/profiles/<key>-<size>.txt (kept out of git); standard output gets a short summary: the
call tree down to 2% of the time, and the plans. Run `python -m bench` first: it seeds the
database and creates the viewer. Nothing is written to the database.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from typing import Any

from bench.endpoints import ENDPOINTS
from bench.run import app_environment, database_url
from bench.servers import ROOT

PROFILE_DIR = ROOT / "var" / "bench" / "profiles"


def _queries_of(client: Any, url: str) -> list[tuple[float, str, Any]]:
    from django.db import connection

    timed: list[tuple[float, str, Any]] = []

    def record(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - started, sql, params))

    with connection.execute_wrapper(record):
        client.get(url)
    return sorted(timed, key=lambda item: -item[0])


def explain(sql: str, params: Any) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _short(text: str, limit: int = 1500) -> str:
    """A statement or its parameters as they read in a report: long IN lists folded."""
    text = re.sub(r"(%s, ){10,}%s", lambda m: f"%s × {m.group(0).count('%s')}", text)
    return text if len(text) <= limit else text[:limit] + " …"


def profile_endpoint(client: Any, key: str, url: str, repeat: int, explain_top: int) -> str:
    from pyinstrument import Profiler

    client.get(url)
    profiler = Profiler(interval=0.001)
    started = time.perf_counter()
    with profiler:
        for _ in range(repeat):
            response = client.get(url)
    per_request = (time.perf_counter() - started) / repeat
    tree = profiler.output_text(unicode=False, color=False, show_all=False)
    queries = _queries_of(client, url)
    sql_seconds = sum(seconds for seconds, _, _ in queries)
    parts = [
        f"## {key}: GET {url} -> {response.status_code}, {per_request * 1000:.0f} ms per request "
        f"in-process ({repeat} runs), {len(queries)} SQL statements taking "
        f"{sql_seconds * 1000:.0f} ms",
        "### Profile (pyinstrument)",
        tree,
    ]
    for seconds, sql, params in queries[:explain_top]:
        parts += [
            f"### Query of {seconds * 1000:.1f} ms",
            _short(sql),
            f"params: {_short(repr(params), 300)}",
            re.sub(
                r"'\{[0-9,]{200,}\}'",
                lambda m: f"'{{… {m.group(0).count(',') + 1} ids}}'",
                explain(sql, params),
            ),
        ]
    return "\n\n".join(parts)


def _summary(tree: str, share: float = 0.02) -> str:
    """The call tree's lines that take at least `share` of the root's time."""
    lines = tree.splitlines()
    root_time = None
    kept = []
    for line in lines:
        words = line.strip().lstrip("|-`").split()
        try:
            seconds = float(words[0])
        except (IndexError, ValueError):
            continue
        root_time = root_time or seconds
        if seconds >= share * root_time:
            kept.append(line)
    return "\n".join(kept)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("keys", nargs="+", choices=[endpoint.key for endpoint in ENDPOINTS])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", type=int, default=2, help="slowest statements to EXPLAIN")
    args = parser.parse_args(argv)

    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        server = "postgres://postgres@127.0.0.1:5432/postgres"
    os.environ.update(app_environment(database_url(server, f"bench_{args.size}")))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.probe import VIEWER, subjects

    client = Client()
    client.force_login(get_user_model().objects.get(username=VIEWER))
    ids = subjects()
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    endpoints = {endpoint.key: endpoint for endpoint in ENDPOINTS}
    for key in args.keys:
        text = profile_endpoint(client, key, endpoints[key].url(**ids), args.repeat, args.explain)
        path = PROFILE_DIR / f"{key}-{args.size}.txt"
        path.write_text(text + "\n")
        head, _, rest = text.partition("### Profile (pyinstrument)\n\n")
        tree, _, plans = rest.partition("\n\n### Query")
        print(head + "Profile, lines of 2% or more:\n\n" + _summary(tree))
        print("\n### Query" + plans if plans else "")
        print(f"(full profile: {path.relative_to(ROOT)})\n", file=sys.stderr)


if __name__ == "__main__":
    main()
