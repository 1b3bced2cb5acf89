"""`python -m bench.first_visits`: the first visit after a write, page by page, as bench/busy.py
measures it, alone and optionally against another commit in the same run.

    python -m bench.first_visits --size 1000000 --visits 7 --against a6370c4 --rounds 2

On a copy of `bench_<size>` (seeded by `python -m bench`): one gunicorn server with
`PAGE_CACHE_STALE_SECONDS=0`; per page, a response logged through the API, then the first GET
timed and a second (the page as kept); the median of `--visits`. With `--against REV`, the same
measurement of REV's code (a git worktree under var/bench/, removed after) alternates with this
checkout's, `--rounds` times each, so that both meet the same machine: on a shared machine the
milliseconds of two runs minutes apart differ more than the change measured. Prints a table;
writes nothing else. The pages and the measuring are bench/busy.py's (PAGES, FIRST_VISIT_EXTRA,
measure_first_visits), so a worktree of an earlier commit is measured by its own bench code.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def measure(size: int, visits: int) -> dict[str, dict[str, float]]:
    """{page: {"first": ms, "kept": ms}} for this checkout's code (the one on sys.path)."""
    from bench import busy
    from bench.run import app_environment, probe
    from bench.servers import Server

    options = busy.BusyOptions(first_visits=visits)
    options.log_dir.mkdir(parents=True, exist_ok=True)
    with busy.copied_database(options.server_url, f"bench_{size}", f"busy_{size}") as url:
        busy.flush(options.cache_url)
        base = {"CACHE_URL": options.cache_url, "CELERY_BROKER_URL": options.broker_url}
        env = app_environment(url, base)
        prepared, writer = probe("prepare", env), probe("editor", env)
        ids = {"request_id": prepared["request_id"], "campaign_id": prepared["campaign_id"]}
        pages = [(key, path.format(**ids)) for key, path in busy.PAGES + busy.FIRST_VISIT_EXTRA]
        server = Server(
            "config.wsgi:application",
            app_environment(url, {**base, "PAGE_CACHE_STALE_SECONDS": "0"}),
            options.log_dir / f"first-visits-{size}.log",
        )
        server.start("/healthz")
        try:
            busy.warm(server, prepared["cookie"], [path for _, path in pages])
            found = busy.measure_first_visits(server, prepared["cookie"], pages, writer, options)
        finally:
            server.stop()
            busy.flush(options.cache_url)
            busy.flush(options.broker_url)
    return {
        key: {"first": page["first_p50_ms"], "kept": page["kept_p50_ms"]}
        for key, page in found.items()
    }


def measure_at(checkout: Path, size: int, visits: int) -> dict[str, dict[str, float]]:
    """`measure` run by `checkout`'s code, in a process of its own."""
    answer = subprocess.run(
        [sys.executable, str(Path(__file__)), "--size", str(size), "--visits", str(visits),
         "--json"],
        cwd=checkout,
        env={**os.environ, "PYTHONPATH": str(checkout)},
        check=True,
        capture_output=True,
        text=True,
    )  # fmt: skip
    return json.loads(answer.stdout.strip().splitlines()[-1])


def compare(size: int, visits: int, against: str, rounds: int) -> dict[str, list[Any]]:
    """Rounds of this checkout and of `against`, alternating; per page the median of each."""
    from bench.servers import worktree

    runs: dict[str, list[dict[str, dict[str, float]]]] = {"this": [], against: []}
    with worktree(against) as other:
        for _ in range(rounds):
            runs["this"].append(measure_at(ROOT, size, visits))
            runs[against].append(measure_at(other, size, visits))
    pages = list(runs["this"][0])
    return {
        page: [statistics.median(run[page]["first"] for run in runs[name]) for name in runs]
        for page in pages
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.first_visits")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--visits", type=int, default=7, help="writes and visits per page (7)")
    parser.add_argument("--against", help="another commit, measured alternately in this run")
    parser.add_argument("--rounds", type=int, default=2, help="alternations with --against (2)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.json:
        print(json.dumps(measure(args.size, args.visits)))
        return
    if not args.against:
        for page, times in measure(args.size, args.visits).items():
            print(f"{page:16s} first {times['first']:7.1f} ms   kept {times['kept']:7.1f} ms")
        return
    from bench.run import Options, machine_speed

    speed = machine_speed(Options().server_url)
    print(f"machine: fixed Python work {speed['python_ms']} ms, fixed SQL {speed['sql_ms']} ms")
    print(f"first visit after a write at {args.size:,}, p50 ms: this checkout | {args.against}")
    for page, (mine, theirs) in compare(args.size, args.visits, args.against, args.rounds).items():
        print(f"{page:16s} {mine:7.1f} | {theirs:7.1f}   ({mine / theirs:.2f}x)")


if __name__ == "__main__":
    main()
