"""`python -m bench`: the tracker at 10k, 100k and 1M requests, served and loaded as in production.

For each size, in one run on PostgreSQL:
1. a database `bench_<N>` seeded with `python -m bench.seed --requests N` (reused when it already
   holds that N, that seed and the current migrations; `--reseed` forces a fresh one);
2. the app (config.wsgi) and the floor (bench/floor.py) each served by gunicorn with the same
   settings (2 sync workers, 300 s timeout) on 127.0.0.1, signed in as a viewer;
3. every endpoint in bench/endpoints.py requested once (it must answer 200; an optional one that
   answers 404 is skipped with a note) and counted in SQL statements, then driven by wrk at 1, 10
   and 50 clients, `--repeats` times in rotation; reported per point: the median over repeats of
   requests per second, p50 and p99 latency, and the API list's ratio to the floor;
4. each gunicorn worker's memory after the run;
5. flag_overdue on the day that newly flags about 10% of the requests, against one hand-written
   statement that sets the same flags and writes the same Activity rows, each timed inside a
   transaction that is rolled back, with the peak RSS of the flag_overdue process.

Results go to bench/results.json and bench/results.md (and, with --docs, into the marked section
of docs/performance.md). `--quick` is the same pipeline at 300 and 600 requests, one repeat of one
second, for a smoke run; the CI test tests/test_bench_quick.py runs that pipeline on its own data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench import report
from bench.endpoints import ENDPOINTS
from bench.servers import GUNICORN_TIMEOUT, ROOT, Server, get, run_with_peak_rss, wrk

DEFAULT_SIZES = [10_000, 100_000, 1_000_000]
DEFAULT_CLIENTS = [1, 10, 50]
FLOOR = "floor"
"""Results key of the floor's measurements (the API list done by hand)."""


@dataclass
class Options:
    sizes: list[int] = field(default_factory=lambda: list(DEFAULT_SIZES))
    clients: list[int] = field(default_factory=lambda: list(DEFAULT_CLIENTS))
    repeats: int = 3
    seconds: int = 5
    """wrk's duration per point; a slow endpoint gets longer (see `duration_for`)."""
    max_seconds: int = 20
    warmup_seconds: int = 1
    """wrk at 2 clients before measuring, so both workers have loaded code and templates."""
    seed: int = 2025
    flag_share: float = 0.10
    reseed: bool = False
    server_url: str = "postgres://postgres@127.0.0.1:5432/postgres"
    """The PostgreSQL server where bench databases are created (any database on it)."""
    log_dir: Path = ROOT / "var" / "bench"
    progress: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True)

    def duration_for(self, one_request_seconds: float) -> int:
        """At least `seconds`, and long enough for about 10 requests from one client, up to
        `max_seconds` (a 7 s page gets about 3 requests per run from one client)."""
        wanted = math.ceil(10 * one_request_seconds)
        return max(self.seconds, min(wanted, self.max_seconds))


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def schema_mark() -> str:
    """Changes whenever a migration is added or edited: a seeded database is then rebuilt."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "requests_tracker" / "migrations").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def app_environment(database: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The app's settings for the bench: production-like (DEBUG off, a shared Redis cache), plain
    HTTP on 127.0.0.1, static files from the app folders, throttles out of the way of the load
    generator."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_")) and key != "CI"
    }
    env.update(
        DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY", "bench-only-not-a-secret"),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        TRACKER_PUBLIC="false",
        API_THROTTLE_USER="100000000/min",
        API_THROTTLE_ANON="100000000/min",
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore",
    )
    env.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/5")
    # As in production: one Redis cache shared by the workers (rate counts, the page cache,
    # whose entries are kept apart per database).
    env.setdefault("CACHE_URL", "redis://127.0.0.1:6379/6")
    env.update(extra or {})
    return env


def probe(step: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    stdout, _, _ = run_with_peak_rss([sys.executable, "-m", "bench.probe", step, *args], env)
    return json.loads(stdout.strip().splitlines()[-1])


def manage(env: dict[str, str], *args: str) -> tuple[str, float, float]:
    return run_with_peak_rss([sys.executable, "manage.py", *args], env)


# --- databases ----------------------------------------------------------------------------------


def ensure_database(size: int, options: Options) -> tuple[str, dict[str, Any]]:
    """`bench_<size>`, seeded for `size` requests with the options' seed; reused when it is."""
    name = f"bench_{size}"
    mark = f"bench.seed requests={size} seed={options.seed} schema={schema_mark()}"
    url = database_url(options.server_url, name)
    with psycopg.connect(options.server_url, autocommit=True) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None and row[0] == mark and not options.reseed:
            options.progress(f"{name}: reusing ({mark})")
            return url, {"reused": True, "mark": mark}
        if row is not None:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env = app_environment(url)
    options.progress(f"{name}: migrating")
    _, migrate_seconds, _ = manage(env, "migrate", "--verbosity", "0")
    options.progress(f"{name}: seeding {size:,} requests")
    out, seed_seconds, seed_rss = run_with_peak_rss(
        [sys.executable, "-m", "bench.seed", "--requests", str(size), "--seed", str(options.seed)],
        env,
    )
    with psycopg.connect(options.server_url, autocommit=True) as admin:
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{mark}'")
    options.progress(f"{name}: seeded in {seed_seconds:.0f} s")
    return url, {
        "reused": False,
        "mark": mark,
        "migrate_seconds": migrate_seconds,
        "seed_seconds": seed_seconds,
        "seed_peak_rss_mb": seed_rss,
        "seed_output": out.strip().splitlines()[-1],
    }


def vacuum(url: str) -> None:
    """Reclaim what a rolled-back pass left behind, so every pass starts from the same state."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            "VACUUM (ANALYZE) requests_tracker_datarequest, requests_tracker_escalation, "
            "requests_tracker_activity"
        )


# --- one size -----------------------------------------------------------------------------------


def median(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "rps": median([run["rps"] for run in runs]),
        "p50_ms": median([run["p50_ms"] for run in runs]),
        "p99_ms": median([run["p99_ms"] for run in runs]),
        "errors": sum(run["errors"] for run in runs),
        "seconds": runs[0]["seconds"] if runs else None,
        "runs": runs,
    }


def measure_endpoints(
    app: Server, floor: Server, cookie: str, ids: dict[str, int], options: Options
) -> dict[str, Any]:
    """Every endpoint checked once, warmed up, then driven by wrk in rotation."""
    targets: list[tuple[str, Server, str]] = []
    results: dict[str, Any] = {}
    for endpoint in ENDPOINTS:
        path = endpoint.url(**ids)
        status, seconds, _ = get(app.port, path, cookie)
        entry: dict[str, Any] = {"path": path, "status": status, "one_request_s": seconds}
        results[endpoint.key] = entry
        if status == 404 and endpoint.optional:
            entry["skipped"] = "not built yet (404)"
            continue
        if status != 200:
            raise RuntimeError(f"{path} answered {status}; the bench expects 200")
        targets.append((endpoint.key, app, path))
        if endpoint.floor_path:
            status, seconds, _ = get(floor.port, endpoint.floor_path)
            if status != 200:
                raise RuntimeError(f"the floor answered {status} for {endpoint.floor_path}")
            results[FLOOR] = {"path": endpoint.floor_path, "status": 200, "one_request_s": seconds}
            targets.append((FLOOR, floor, endpoint.floor_path))

    for key, server, path in targets:  # warm up both workers (imports, templates, connections)
        if options.warmup_seconds:
            wrk(server.base_url + path, clients=2, seconds=options.warmup_seconds, cookie=cookie)
            server.settle(path, cookie)
        _, results[key]["one_request_s"], _ = get(server.port, path, cookie)

    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for repeat in range(options.repeats):
        for key, server, path in targets:
            seconds = options.duration_for(results[key]["one_request_s"])
            for clients in options.clients:
                options.progress(
                    f"  repeat {repeat + 1}/{options.repeats} {key} {clients} client(s) {seconds} s"
                )
                run = wrk(server.base_url + path, clients=clients, seconds=seconds, cookie=cookie)
                run["seconds"] = seconds
                server.sample()
                run["restarted_after"] = server.settle(path, cookie)
                runs.setdefault((key, clients), []).append(run)
    for key, _, _ in targets:
        results[key]["clients"] = {
            str(clients): summarize(runs[(key, clients)]) for clients in options.clients
        }
    return results


def measure_flag_overdue(url: str, env: dict[str, str], options: Options) -> dict[str, Any]:
    """flag_overdue against the hand-written statement, alternating, each rolled back."""
    day = probe("flag-date", env, "--share", str(options.flag_share))
    service_runs, hand_runs = [], []
    for _ in range(options.repeats):
        vacuum(url)
        hand_runs.append(probe("hand", env, "--today", day["today"]))
        vacuum(url)
        stdout, _, peak = run_with_peak_rss(
            [sys.executable, "-m", "bench.probe", "flag", "--today", day["today"]], env
        )
        run = json.loads(stdout.strip().splitlines()[-1])
        run["process_peak_rss_mb"] = peak
        service_runs.append(run)
    vacuum(url)
    service = median([run["seconds"] for run in service_runs])
    hand = median([run["seconds"] for run in hand_runs])
    same_rows = all(
        (s["requests_flagged"], s["escalations_flagged"])
        == (h["requests_flagged"], h["escalations_flagged"])
        for s, h in zip(service_runs, hand_runs, strict=True)
    )
    return {
        **day,
        "service_seconds": service,
        "hand_seconds": hand,
        "ratio": service / hand if hand else None,
        "same_rows_changed": same_rows,
        "peak_rss_mb": max(run["process_peak_rss_mb"] for run in service_runs),
        "service_runs": service_runs,
        "hand_runs": hand_runs,
    }


def measure_size(url: str, size: int, options: Options, *, flag: bool = True) -> dict[str, Any]:
    """Serve, load and measure one seeded database; every process started here is stopped."""
    env = app_environment(url)
    options.log_dir.mkdir(parents=True, exist_ok=True)
    prepared = probe("prepare", env)
    ids = {"request_id": prepared["request_id"], "campaign_id": prepared["campaign_id"]}
    counts = probe("queries", env)
    app = Server("config.wsgi:application", env, options.log_dir / f"app-{size}.log")
    floor = Server("bench.floor:application", env, options.log_dir / f"floor-{size}.log")
    load_before = os.getloadavg()
    try:
        app.start("/healthz")
        floor.start("/floor/requests/")
        endpoints = measure_endpoints(app, floor, prepared["cookie"], ids, options)
        memory = {"app": app.memory(), "floor": floor.memory()}
    finally:
        app.stop()
        floor.stop()
    for key, entry in endpoints.items():
        if key in counts:
            entry["queries"] = counts[key]["queries"]
    result = {
        "size": size,
        "data": prepared["data"],
        "subjects": ids,
        "endpoints": endpoints,
        "memory": memory,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    if flag:
        options.progress(f"  flag_overdue at {size:,}")
        result["flag_overdue"] = measure_flag_overdue(url, env, options)
    return result


# --- the whole run ------------------------------------------------------------------------------


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except OSError:
        return "missing"
    return (done.stdout or done.stderr).strip().splitlines()[0]


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip()


CALIBRATION_SQL = "SELECT sum(i % 7) FROM generate_series(1, 400000) AS i"


def _python_work() -> int:
    """A fixed piece of pure Python (building, sorting and summing tuples), as the app's own
    request handling is: its time says how fast this machine runs Python today."""
    rows = [(i * 7919 % 1000, str(i)) for i in range(40_000)]
    rows.sort()
    return sum(key for key, _ in rows)


def machine_speed(server_url: str, repeats: int = 5) -> dict[str, float | None]:
    """Milliseconds (medians of `repeats`) of the same fixed work on every run: pure Python in
    this process, and one statement on the PostgreSQL server, so that runs on two machines (or
    on one machine busy with other work) are compared knowing how fast each ran. None where the
    server does not answer."""

    def median_ms(work: Callable[[], object]) -> float:
        work()
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            work()
            times.append((time.perf_counter() - started) * 1000)
        return round(statistics.median(times), 1)

    speed: dict[str, float | None] = {"python_ms": median_ms(_python_work), "sql_ms": None}
    try:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as connection:
            speed["sql_ms"] = median_ms(lambda: connection.execute(CALIBRATION_SQL).fetchone())
    except psycopg.OperationalError:
        pass
    return speed


def describe(options: Options) -> dict[str, Any]:
    """What a reader needs to compare two runs: when, which code, which machine and settings
    (with how fast it ran a fixed piece of Python and of SQL: machine_speed)."""
    return {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "cores": os.cpu_count(),
        "machine_speed": machine_speed(options.server_url),
        "python": platform.python_version(),
        "postgresql": _version(["psql", "--version"]),
        "wrk": _version(["wrk", "--version"]),
        "gunicorn": f"2 sync workers, timeout {GUNICORN_TIMEOUT} s, one per server (app and floor)",
        "repeats": options.repeats,
        "clients": options.clients,
        "seconds": options.seconds,
        "max_seconds": options.max_seconds,
        "seed": options.seed,
        "endpoints": {endpoint.key: endpoint.path for endpoint in ENDPOINTS},
    }


def run(options: Options) -> dict[str, Any]:
    results: dict[str, Any] = {"meta": describe(options), "sizes": {}}
    for size in options.sizes:
        options.progress(f"== {size:,} requests")
        url, seeding = ensure_database(size, options)
        measured = measure_size(url, size, options)
        measured["seeding"] = seeding
        results["sizes"][str(size)] = measured
    results["meta"]["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["targets"] = report.targets(results)
    return results


def write(results: dict[str, Any], json_path: Path, markdown_path: Path) -> str:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=1, default=str) + "\n")
    markdown = report.markdown(results)
    markdown_path.write_text(markdown + "\n")
    return markdown


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n\n")[0].strip("`")
    )
    parser.add_argument("--sizes", help="request counts, comma separated (10000,100000,1000000)")
    parser.add_argument("--clients", help="concurrent clients, comma separated (1,10,50)")
    parser.add_argument("--repeats", type=int, help="wrk runs per point; medians reported (3)")
    parser.add_argument("--seconds", type=int, help="wrk duration per run, at least (5)")
    parser.add_argument("--seed", type=int, default=2025, help="seed_bench's seed (2025)")
    parser.add_argument("--reseed", action="store_true", help="rebuild databases even if seeded")
    parser.add_argument("--quick", action="store_true", help="300 and 600 requests, 1 s, once")
    parser.add_argument("--docs", action="store_true", help="also update docs/performance.md")
    parser.add_argument("--out", type=Path, help="results JSON (bench/results.json)")
    args = parser.parse_args(argv)

    options = Options(seed=args.seed, reseed=args.reseed)
    out = ROOT / "bench" / "results.json"
    if args.quick:
        options.sizes, options.clients, options.repeats, options.seconds = [300, 600], [1, 10], 1, 1
        out = ROOT / "var" / "bench" / "quick-results.json"
    if args.sizes:
        options.sizes = [int(size) for size in args.sizes.split(",")]
    if args.clients:
        options.clients = [int(clients) for clients in args.clients.split(",")]
    options.repeats = args.repeats or options.repeats
    options.seconds = args.seconds or options.seconds
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        options.server_url = database_url(os.environ["DATABASE_URL"], "postgres")
    out = args.out or out

    started = time.perf_counter()
    results = run(options)
    results["meta"]["wall_seconds"] = round(time.perf_counter() - started)
    markdown = write(results, out, out.with_suffix(".md"))
    if args.docs:
        report.update_docs(ROOT / "docs" / "performance.md", markdown)
    print(markdown)


if __name__ == "__main__":
    main()
