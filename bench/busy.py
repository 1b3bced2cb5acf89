"""`python -m bench.busy`: the tracker as its users meet it, while an editor is writing.

The main bench (`python -m bench`) asks one address again and again, so the pages kept in the page
cache answer from it after the first request. Readers do not meet that: any write gives the data a
new version, and the next visit to every kept page computes it again. This measures, per size, on
a COPY of the seeded database (`busy_<N>`, made from `bench_<N>` as a template and dropped after;
writes never touch `bench_<N>`):

1. **mixed**: gunicorn serving the app (bench/run.py's settings: 2 sync workers, the shared Redis
   page cache on as in production), ten readers signed in as a viewer cycling over seven pages
   (`PAGES`), while one editor logs responses through the API (`POST /api/v1/responses/`) at 0, 1
   and 5 writes a second; the same with the page cache off (`PAGE_CACHE_SECONDS=0`). Per point:
   reader pages a second, p50 per page, the writes' p50; medians of `--repeats` runs, alternating
   cache on and off and the write rates. (There is no response header telling a page served
   from the cache from one computed, so no hit share is reported.)
2. **first visit after a write**, one client: for each page of `PAGES` and `FIRST_VISIT_EXTRA`, one
   response logged through the API, then the first GET of the page timed (and a second GET, the
   page as kept); the medians of `--first-visits`. On a server of its own with
   `PAGE_CACHE_STALE_SECONDS=0`, so that the first GET computes the page rather than getting the
   copy kept a few seconds before (what the mixed workload's readers get).
3. **search "subpoena"**, one client: wrk for `--seconds`, p50.
4. **API list against the floor**: `/api/v1/requests/?state=CA&status=awaiting&page_size=50`
   signed in as a viewer and anonymously (a server with TRACKER_PUBLIC on), against the floor
   (bench/floor.py) at 10 and 50 clients; and the floor's statement against an independent
   hand-written one (`floor.check_statements`): the same bytes, and each one's time.

Results go into bench/results.json under "busy" (the rest of the file, the last `python -m bench`
run, is kept), its targets beside the main bench's (bench/report.py), and bench/results.md.
`--quick` runs the pipeline on `bench_300` for 1 s per point, once, into var/bench/.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis

from bench import floor, report
from bench.endpoints import API_LIST_QUERY
from bench.run import (
    Options,
    app_environment,
    database_url,
    describe,
    ensure_database,
    probe,
    schema_mark,
)
from bench.servers import ROOT, Server, get, wrk

PAGES: list[tuple[str, str]] = [
    ("dashboard", "/"),
    ("campaign_page", "/campaigns/{campaign_id}/"),
    ("request_list", "/requests/"),
    ("county_list", "/counties/"),
    ("county_page", "/counties/06037/"),
    ("request_page", "/requests/{request_id}/"),
    ("search", "/search/?q=Los+Angeles"),
]
"""What the ten readers cycle over, each starting at a different page."""
FIRST_VISIT_EXTRA: list[tuple[str, str]] = [
    ("stats", "/api/v1/stats/"),
    ("map", "/map/CA/"),
    ("search_subpoena", "/search/?q=subpoena"),
]
SEARCH_SUBPOENA = "/search/?q=subpoena"
API_LIST = f"/api/v1/requests/?{API_LIST_QUERY}"
FLOOR_LIST = f"/floor/requests/?{API_LIST_QUERY}"
FLOOR_CHECK_PAGES = [
    ("CA", ["awaiting"], 50),
    ("TX", ["awaiting", "acknowledged"], 200),
    ("WY", ["awaiting"], 50),
]
"""The pages both floor statements are compared on: the bench's (California's 58 counties), a
long page of two statuses, and a small state (the newest-first walk reads far more rows)."""
DEFAULT_SIZES = [100_000, 1_000_000]
DEFAULT_RATES = [0, 1, 5]
CACHE_MODES = {"on": {}, "off": {"PAGE_CACHE_SECONDS": "0"}}


@dataclass
class BusyOptions:
    sizes: list[int] = field(default_factory=lambda: list(DEFAULT_SIZES))
    rates: list[float] = field(default_factory=lambda: list(DEFAULT_RATES))
    readers: int = 10
    repeats: int = 3
    seconds: int = 10
    """Length of each mixed run, of the search run and of each API/floor wrk run."""
    first_visits: int = 10
    api_clients: list[int] = field(default_factory=lambda: [10, 50])
    statement_repeats: int = 30
    server_url: str = "postgres://postgres@127.0.0.1:5432/postgres"
    cache_url: str = "redis://127.0.0.1:6379/8"
    """The page cache of the runs: flushed before each size (its entries would outlive the copy)."""
    seed_missing: bool = False
    """Seed `bench_<N>` when it is not (only for --quick's tiny database)."""
    broker_url: str = "redis://127.0.0.1:6379/9"
    """Celery's broker: tasks the writes queue (no worker runs them), flushed after each size."""
    log_dir: Path = ROOT / "var" / "bench"
    progress: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True)


# --- the database copy --------------------------------------------------------------------------


@contextlib.contextmanager
def copied_database(server_url: str, template: str, name: str, wait: float = 300) -> Iterator[str]:
    """`name` created from `template` (which must have no other session while it is copied:
    retried for up to `wait` seconds), dropped when the block ends."""
    deadline = time.monotonic() + wait
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        while True:
            try:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                break
            except psycopg.errors.ObjectInUse:
                if time.monotonic() > deadline:
                    raise
                time.sleep(2)
    try:
        yield database_url(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- requests -----------------------------------------------------------------------------------


def post_response(port: int, token: str, request_id: int, n: int) -> tuple[int, float]:
    """One response logged through the API (a public statement dated today): (status, s)."""
    body = json.dumps(
        {
            "request": request_id,
            "kind": "public_statement",
            "received_on": dt.datetime.now(floor.TIME_ZONE).date().isoformat(),
            "quotation": f"Busy bench statement {n}",
        }
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        started = time.perf_counter()
        connection.request(
            "POST",
            "/api/v1/responses/",
            body=body,
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


@dataclass
class Writer:
    """An editor logging responses at `rate` a second, paced from the start (a write that takes
    longer than the interval delays the next one; missed slots are not made up in a burst)."""

    port: int
    token: str
    request_ids: list[int]
    rate: float
    done: list[tuple[int, float]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    count: int = 0

    def write(self) -> tuple[int, float]:
        request_id = self.request_ids[self.count % len(self.request_ids)]
        self.count += 1
        try:
            answer = post_response(self.port, self.token, request_id, self.count)
        except OSError:
            answer = (0, 0.0)
        self.done.append(answer)
        return answer

    def run(self) -> None:
        if not self.rate:
            return
        interval = 1 / self.rate
        next_at = time.monotonic()
        while not self.stop.is_set():
            self.write()
            next_at = max(next_at + interval, time.monotonic())
            self.stop.wait(max(next_at - time.monotonic(), 0))


def read_pages(
    port: int, cookie: str, pages: list[tuple[str, str]], offset: int, deadline: float
) -> list[tuple[str, int, float]]:
    """One reader: the pages in turn from `offset` until `deadline`: (key, status, seconds)."""
    done = []
    i = offset
    while time.monotonic() < deadline:
        key, path = pages[i % len(pages)]
        i += 1
        try:
            status, seconds, _ = get(port, path, cookie, timeout=120)
        except OSError:
            status, seconds = 0, 0.0
        done.append((key, status, seconds))
    return done


def p50_ms(values: list[float]) -> float | None:
    return statistics.median(values) * 1000 if values else None


def median(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def mixed_run(
    server: Server,
    cookie: str,
    pages: list[tuple[str, str]],
    writer: Writer,
    readers: int,
    seconds: float,
) -> dict[str, Any]:
    """`readers` threads reading `pages` and the writer writing, for `seconds`."""
    results: list[list[tuple[str, int, float]]] = [[] for _ in range(readers)]
    started = time.monotonic()
    deadline = started + seconds

    def reader(n: int) -> None:
        results[n] = read_pages(server.port, cookie, pages, n, deadline)

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(readers)]
    writing = threading.Thread(target=writer.run)
    writing.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.stop.set()
    writing.join()
    elapsed = time.monotonic() - started
    reads = [read for reader_reads in results for read in reader_reads]
    per_page = {
        key: {
            "requests": sum(1 for k, _, _ in reads if k == key),
            "p50_ms": p50_ms([s for k, status, s in reads if k == key and status == 200]),
            "errors": sum(1 for k, status, _ in reads if k == key and status != 200),
        }
        for key, _ in pages
    }
    return {
        "seconds": elapsed,
        "pages": len(reads),
        "pages_per_s": len(reads) / elapsed,
        "per_page": per_page,
        "errors": sum(entry["errors"] for entry in per_page.values()),
        "writes": len(writer.done),
        "writes_per_s": len(writer.done) / elapsed,
        "write_p50_ms": p50_ms([s for status, s in writer.done if status == 201]),
        "write_errors": sum(1 for status, _ in writer.done if status != 201),
    }


def summarize_mixed(runs: list[dict[str, Any]], pages: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "pages_per_s": median([run["pages_per_s"] for run in runs]),
        "per_page_p50_ms": {
            key: median([run["per_page"][key]["p50_ms"] for run in runs]) for key, _ in pages
        },
        "write_p50_ms": median([run["write_p50_ms"] for run in runs]),
        "writes_per_s": median([run["writes_per_s"] for run in runs]),
        "errors": sum(run["errors"] for run in runs),
        "write_errors": sum(run["write_errors"] for run in runs),
        "runs": runs,
    }


def warm(server: Server, cookie: str, paths: list[str]) -> None:
    """Every path twice from two clients at once, so both workers have loaded what it needs."""
    for path in paths:
        threads = [threading.Thread(target=get, args=(server.port, path, cookie)) for _ in "ab"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def measure_mixed(
    servers: dict[str, Server],
    cookie: str,
    pages: list[tuple[str, str]],
    writer: dict[str, Any],
    options: BusyOptions,
) -> dict[str, Any]:
    """Every (cache mode, write rate) point `repeats` times, alternating."""
    runs: dict[tuple[str, float], list[dict[str, Any]]] = {}
    for repeat in range(options.repeats):
        for mode, server in servers.items():
            for rate in options.rates:
                options.progress(
                    f"  mixed {repeat + 1}/{options.repeats}: cache {mode}, {rate:g} writes/s, "
                    f"{options.readers} readers, {options.seconds} s"
                )
                pacing = Writer(server.port, writer["token"], writer["request_ids"], rate)
                run = mixed_run(server, cookie, pages, pacing, options.readers, options.seconds)
                runs.setdefault((mode, rate), []).append(run)
    return {
        mode: {f"{rate:g}": summarize_mixed(runs[(mode, rate)], pages) for rate in options.rates}
        for mode in servers
    }


def measure_first_visits(
    server: Server,
    cookie: str,
    pages: list[tuple[str, str]],
    writer: dict[str, Any],
    options: BusyOptions,
) -> dict[str, Any]:
    """Per page: a write, then the first GET timed, then a second (the page as kept)."""
    pacing = Writer(server.port, writer["token"], writer["request_ids"], 0)
    found: dict[str, Any] = {}
    for key, path in pages:
        first, kept, statuses, write_statuses = [], [], set(), set()
        for _ in range(options.first_visits):
            write_statuses.add(pacing.write()[0])
            status, seconds, _ = get(server.port, path, cookie, timeout=120)
            first.append(seconds)
            statuses.add(status)
            status, seconds, _ = get(server.port, path, cookie, timeout=120)
            kept.append(seconds)
            statuses.add(status)
        found[key] = {
            "path": path,
            "first_p50_ms": p50_ms(first),
            "kept_p50_ms": p50_ms(kept),
            "statuses": sorted(statuses),
            "write_statuses": sorted(write_statuses),
            "errors": sum(1 for s in statuses if s != 200)
            + sum(1 for s in write_statuses if s != 201),
        }
    return found


def wrk_points(
    targets: dict[str, tuple[Server, str, str]], clients: list[int], options: BusyOptions
) -> dict[str, Any]:
    """wrk on each (server, path, cookie) at each client count, `repeats` times in rotation."""
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for repeat in range(options.repeats):
        for key, (server, path, cookie) in targets.items():
            for n in clients:
                options.progress(f"  {key} {repeat + 1}/{options.repeats}: {n} client(s)")
                run = wrk(server.base_url + path, clients=n, seconds=options.seconds, cookie=cookie)
                server.settle(path, cookie)
                runs.setdefault((key, n), []).append(run)
    return {
        key: {
            str(n): {
                "rps": median([run["rps"] for run in runs[(key, n)]]),
                "p50_ms": median([run["p50_ms"] for run in runs[(key, n)]]),
                "p99_ms": median([run["p99_ms"] for run in runs[(key, n)]]),
                "errors": sum(run["errors"] for run in runs[(key, n)]),
                "runs": runs[(key, n)],
            }
            for n in clients
        }
        for key in targets
    }


# --- one size -----------------------------------------------------------------------------------


def flush(url: str) -> None:
    """Empty one Redis database of the run's own (without Redis the app computes every page)."""
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pass
    finally:
        client.close()


def measure_size(url: str, size: int, options: BusyOptions) -> dict[str, Any]:
    """Everything above on the database `url` (a copy: it is written to); every server started
    here is stopped."""
    options.log_dir.mkdir(parents=True, exist_ok=True)
    flush(options.cache_url)
    base = {"CACHE_URL": options.cache_url, "CELERY_BROKER_URL": options.broker_url}
    env = app_environment(url, base)
    prepared = probe("prepare", env)
    writer = probe("editor", env)
    ids = {"request_id": prepared["request_id"], "campaign_id": prepared["campaign_id"]}
    cookie = prepared["cookie"]
    pages = [(key, path.format(**ids)) for key, path in PAGES]
    extra = [(key, path.format(**ids)) for key, path in FIRST_VISIT_EXTRA]
    result: dict[str, Any] = {"size": size, "data": prepared["data"], "subjects": ids}

    options.progress(f"  floor statements at {size:,}")
    result["floor_statements"] = floor.check_statements(
        url, FLOOR_CHECK_PAGES, repeats=options.statement_repeats
    )

    servers = {
        mode: Server(
            "config.wsgi:application",
            app_environment(url, {**base, **settings}),
            options.log_dir / f"busy-app-cache-{mode}-{size}.log",
        )
        for mode, settings in CACHE_MODES.items()
    }
    public = Server(
        "config.wsgi:application",
        app_environment(url, {**base, "TRACKER_PUBLIC": "true"}),
        options.log_dir / f"busy-app-public-{size}.log",
    )
    floor_server = Server(
        "bench.floor:application", env, options.log_dir / f"busy-floor-{size}.log"
    )
    started = [*servers.values(), public, floor_server]
    try:
        for server in servers.values():
            server.start("/healthz")
        public.start("/healthz")
        floor_server.start(FLOOR_LIST)
        warm(public, "", [API_LIST])
        warm(floor_server, "", [FLOOR_LIST])
        for server in servers.values():
            warm(server, cookie, [API_LIST, SEARCH_SUBPOENA] + [p for _, p in pages + extra])

        api = wrk_points(
            {
                "api_list_viewer": (servers["on"], API_LIST, cookie),
                "api_list_anonymous": (public, API_LIST, ""),
                "floor": (floor_server, FLOOR_LIST, ""),
            },
            options.api_clients,
            options,
        )
        result["api_list"] = api
        public.stop()
        floor_server.stop()

        options.progress(f"  search 'subpoena' at {size:,}, 1 client")
        search = [
            wrk(servers["on"].base_url + SEARCH_SUBPOENA, clients=1, seconds=options.seconds,
                cookie=cookie)
            for _ in range(options.repeats)
        ]  # fmt: skip
        result["search_subpoena"] = {
            "path": SEARCH_SUBPOENA,
            "p50_ms": median([run["p50_ms"] for run in search]),
            "errors": sum(run["errors"] for run in search),
            "runs": search,
        }

        options.progress(f"  first visit after a write at {size:,}")
        # The first reader after a write computes the page: on a server that serves no copy
        # out of date (PAGE_CACHE_STALE_SECONDS=0), else the copy kept a few seconds earlier
        # would answer and nothing would be computed.
        fresh = Server(
            "config.wsgi:application",
            app_environment(url, {**base, "PAGE_CACHE_STALE_SECONDS": "0"}),
            options.log_dir / f"busy-app-cache-fresh-{size}.log",
        )
        started.append(fresh)
        fresh.start("/healthz")
        warm(fresh, cookie, [p for _, p in pages + extra])
        result["first_visit"] = measure_first_visits(fresh, cookie, pages + extra, writer, options)
        fresh.stop()
        result["mixed"] = measure_mixed(servers, cookie, pages, writer, options)
        result["memory"] = {mode: server.memory() for mode, server in servers.items()}
    finally:
        for server in started:
            server.stop()
        flush(options.cache_url)
        flush(options.broker_url)
    result["pages"] = dict(pages)
    result["first_visit_pages"] = dict(pages + extra)
    return result


def seeded_database(size: int, options: BusyOptions) -> str:
    """The name of `bench_<size>`, seeded as `python -m bench` seeds it. Only `--quick`'s tiny
    database is seeded here; a large one must already be (`python -m bench --sizes N`): this
    never drops or rebuilds one that another run may be seeding or reading."""
    name = f"bench_{size}"
    if options.seed_missing:
        ensure_database(size, Options(server_url=options.server_url))
        return name
    mark = f"bench.seed requests={size} seed=2025 schema={schema_mark()}"
    with psycopg.connect(options.server_url, autocommit=True) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    if row is None or row[0] != mark:
        raise SystemExit(
            f"{name} is not seeded for this code ({row[0] if row else 'missing'!r}, wanted "
            f"{mark!r}): run `python -m bench --sizes {size}` first, or wait for its seeding"
        )
    return name


# --- the command --------------------------------------------------------------------------------


def run(options: BusyOptions) -> dict[str, Any]:
    meta = describe(Options(repeats=options.repeats, seconds=options.seconds))
    meta.update(
        readers=options.readers,
        rates=options.rates,
        first_visits=options.first_visits,
        api_clients=options.api_clients,
    )
    busy: dict[str, Any] = {"meta": meta, "sizes": {}}
    for size in options.sizes:
        options.progress(f"== busy: {size:,} requests")
        name = seeded_database(size, options)
        with copied_database(options.server_url, name, f"busy_{size}") as url:
            measured = measure_size(url, size, options)
        measured["measured"] = {"started": meta["started"], "commit": meta["commit"]}
        busy["sizes"][str(size)] = measured
    meta["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return busy


def write(busy: dict[str, Any], json_path: Path) -> str:
    """`busy` into `json_path` (kept beside what the file already holds; sizes measured by an
    earlier busy run and not this one are kept, each with when and at which commit it was
    measured), its targets, and the Markdown of the whole file beside it."""
    results: dict[str, Any] = {}
    if json_path.exists():
        results = json.loads(json_path.read_text())
    sizes = {**results.get("busy", {}).get("sizes", {}), **busy["sizes"]}
    busy = {**busy, "sizes": {size: sizes[size] for size in sorted(sizes, key=int)}}
    results["busy"] = busy
    results["targets"] = report.targets(results)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=1, default=str) + "\n")
    markdown = report.markdown(results)
    json_path.with_suffix(".md").write_text(markdown + "\n")
    return markdown


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.busy", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", help="request counts, comma separated (100000,1000000)")
    parser.add_argument("--rates", help="writes a second, comma separated (0,1,5)")
    parser.add_argument("--repeats", type=int, help="runs per point; medians reported (3)")
    parser.add_argument("--seconds", type=int, help="length of each run (10)")
    parser.add_argument("--first-visits", type=int, help="writes then first visits per page (10)")
    parser.add_argument("--quick", action="store_true", help="300 requests, 1 s, once")
    parser.add_argument("--out", type=Path, help="results JSON (bench/results.json)")
    args = parser.parse_args(argv)

    options = BusyOptions()
    out = ROOT / "bench" / "results.json"
    if args.quick:
        options.sizes, options.repeats, options.seconds = [300], 1, 1
        options.first_visits, options.statement_repeats = 2, 3
        options.seed_missing = True
        out = ROOT / "var" / "bench" / "busy-quick.json"
    if args.sizes:
        options.sizes = [int(size) for size in args.sizes.split(",")]
    if args.rates:
        options.rates = [float(rate) for rate in args.rates.split(",")]
    options.repeats = args.repeats or options.repeats
    options.seconds = args.seconds or options.seconds
    options.first_visits = args.first_visits or options.first_visits
    busy = run(options)
    print(write(busy, args.out or out))


if __name__ == "__main__":
    main()
