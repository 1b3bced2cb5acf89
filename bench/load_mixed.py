"""A bounded load run: 50 clients for 60 s of mixed reads and writes; it must end with no error.

Not a speed benchmark (bench/run.py and docs/performance.md are): this checks that under steady
concurrent load the app answers every request, loses no write and keeps its invariants. Steps:

1. migrate the database DATABASE_URL names and, if it holds no requests, seed it
   (`python -m bench.seed --requests N`); use a database meant for benchmarks;
2. start a private redis-server (broker and shared cache) on a free port and gunicorn with
   config/gunicorn_conf.py on 127.0.0.1 (WEB_CONCURRENCY workers);
3. drive it with wrk (bench/load_mixed.lua): API lists and details, the changes feed, the
   dashboard and list pages (signed in), and responses logged through the API;
4. check: no socket error, no timeout, no answer other than 2xx; every response answered 201 is
   stored, and every stored response has its one `response_logged` event (writes still in flight
   when wrk stops may be stored unanswered, at most one per client); print the figures as
   Markdown (docs/security.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_load SECRET_KEY=load \\
    .venv/bin/python bench/load_mixed.py [--clients 50] [--seconds 60] [--workers 4]

Needs wrk (Debian package `wrk`) and redis-server. The API's rate limits are lifted for the run
(they would answer 429 by design); everything else runs with production settings (DEBUG off).
It exits non-zero when any check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "load-run-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Pages served without collectstatic (no manifest): plain storage, files from the app folders.
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench import seed  # noqa: E402
from requests_tracker.models import (  # noqa: E402
    Activity,
    ActivityVerb,
    DataRequest,
    Response,
)

LUA = Path(__file__).with_name("load_mixed.lua")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {timeout} s")


def signed_in_editor() -> tuple[str, str]:
    """An editor's API token and a session cookie value for the pages."""
    user, _ = get_user_model().objects.get_or_create(username="load-editor")
    user.groups.add(Group.objects.get(name="editor"))
    token, _ = Token.objects.get_or_create(user=user)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return token.key, session.session_key


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--requests", type=int, default=1000, help="requests to seed if empty")
    args = parser.parse_args()
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install {tool})")

    call_command("migrate", verbosity=0)
    if not DataRequest.objects.exists():
        print(f"Seeding {args.requests} requests ...", file=sys.stderr)
        call_command("load_counties", "--all", verbosity=0)
        seed.seed(requests=args.requests, seed=2025)
    token, session = signed_in_editor()
    ids = list(DataRequest.objects.filter(county__state="CA").values_list("pk", flat=True)[:200])
    responses_before = Response.objects.count()
    events_before = Activity.objects.filter(verb=ActivityVerb.RESPONSE_LOGGED).count()

    scratch = Path(tempfile.mkdtemp(prefix="load-mixed-"))
    redis_port, web_port = free_port(), free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(scratch)],
        stdout=subprocess.DEVNULL,
    )
    env = {
        **os.environ,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
        "API_THROTTLE_ANON": "1000000/min",
        "API_THROTTLE_USER": "1000000/min",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "DEBUG": "false",
    }
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        + ["-c", "config/gunicorn_conf.py", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=(scratch / "gunicorn.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{web_port}"
        wait_for(f"{base}/healthz")
        print(
            f"wrk: {args.clients} clients, {args.seconds} s, {args.workers} gunicorn workers",
            file=sys.stderr,
        )
        run = subprocess.run(
            ["wrk", "-t", "2", "-c", str(args.clients), "-d", f"{args.seconds}s"]
            + ["--timeout", "30s", "-s", str(LUA), base, "--", token, session]
            + [",".join(map(str, ids))],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=10)

    line = next(line for line in run.stdout.splitlines() if line.startswith("LOAD_RESULT "))
    result = json.loads(line.removeprefix("LOAD_RESULT "))
    statuses = {int(status): count for status, count in result["statuses"].items()}
    created = statuses.get(201, 0)
    responses_added = Response.objects.count() - responses_before
    events_added = (
        Activity.objects.filter(verb=ActivityVerb.RESPONSE_LOGGED).count() - events_before
    )
    errors = result["errors"]
    failures = []
    if any(errors.values()):
        failures.append(f"wrk errors: {errors}")
    if any(not 200 <= status < 300 for status in statuses):
        failures.append(f"answers other than 2xx: {statuses}")
    acknowledged = set(result["created"])
    missing = acknowledged - set(
        Response.objects.filter(pk__in=acknowledged).values_list("pk", flat=True)
    )
    if missing or len(acknowledged) != created:
        failures.append(f"answered 201 but not stored: {sorted(missing)}")
    # Writes still in flight when wrk stopped may be stored without their answer being read:
    # at most one per connection. Every stored response has its one event (none half-done).
    if not created <= responses_added <= created + args.clients:
        failures.append(f"201 answers {created}, responses stored {responses_added}")
    if events_added != responses_added:
        failures.append(
            f"responses stored {responses_added}, response_logged events {events_added}"
        )

    seconds = result["duration_us"] / 1e6
    latency = result["latency_ms"]
    print(
        "| clients | seconds | requests | req/s | writes (201) | p50 ms | p90 ms | p99 ms | "
        "max ms | errors |\n|---|---|---|---|---|---|---|---|---|---|\n"
        f"| {args.clients} | {seconds:.0f} | {result['requests']} | "
        f"{result['requests'] / seconds:.1f} | {created} | {latency['p50']:.0f} | "
        f"{latency['p90']:.0f} | {latency['p99']:.0f} | {latency['max']:.0f} | "
        f"{sum(errors.values()) + sum(c for s, c in statuses.items() if not 200 <= s < 300)} |"
    )
    print(
        f"\nStatuses: {dict(sorted(statuses.items()))}; {len(acknowledged) - len(missing)} of "
        f"{len(acknowledged)} responses answered 201 are stored; stored in all: "
        f"{responses_added} responses, {events_added} response_logged events."
    )
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
