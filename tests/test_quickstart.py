"""The README's first command as a new user meets it: the quick start sets up its embedded
PostgreSQL server, serves from it, and commands run beside it with no variables set use the same
database and settings; on Ctrl-C (or SIGTERM) web, worker, beat and the server stop.

Everything the quick start keeps under var/ goes to the test's own folder (VAR_DIR), so the
developer's database is never touched; the settings come from the checkout's .env, which the
quick start writes when it lacks them, exactly as for a user.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.ci import unavailable
from tests.database import database_url

ROOT = Path(__file__).resolve().parent.parent
CELERY = ROOT / ".venv" / "bin" / "celery"
STOP_WITHIN_SECONDS = 3.0
SET_BY_TESTS = {
    # What the test run itself sets; a user who just cloned the repository has none of them.
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "TRACKER_PUBLIC",
    "STATICFILES_BACKEND",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as file:
        return [int(child) for child in file.read().split()]


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().split(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def as_a_new_user(var: Path, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in SET_BY_TESTS}
    return {**env, "VAR_DIR": str(var), "PYTHONUNBUFFERED": "1", **extra}


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # To a file, not a pipe: web, worker and beat inherit it, and a pipe nobody reads until the
    # end blocks them once its buffer (64 KB) is full.
    with log.open("wb") as output:  # the children keep their own copy of it
        return subprocess.Popen(
            [sys.executable, "bin/quickstart.py", *args],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            # As when started in the background (`&`): the shell hands it an ignored SIGINT.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )


def wait_for_health(url: str, process: subprocess.Popen, log: Path, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return json.loads(answer.read())
        except OSError as error:
            last = str(error)
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {timeout} s ({last}):\n{log.read_text()[-4000:]}")


def stop_and_time(process: subprocess.Popen, signum: int, watched: list[int]) -> float:
    started = time.monotonic()
    process.send_signal(signum)
    process.wait(timeout=15)
    while any(running(pid) for pid in watched) and time.monotonic() - started < 15:
        time.sleep(0.05)
    return time.monotonic() - started


def require_venv() -> None:
    if not CELERY.exists():
        unavailable("needs the quick start's .venv (python3 bin/quickstart.py creates it)")


def test_a_new_user_gets_the_app_on_embedded_postgresql_and_commands_beside_it_just_work(
    tmp_path,
):
    """The README: one command sets up and serves; `manage.py create_api_token admin` beside it,
    with no variables set, prints a token the running app accepts; Ctrl-C stops everything."""
    require_venv()
    port = free_port()
    var, log = tmp_path / "var", tmp_path / "quickstart.log"
    env = as_a_new_user(var, TRACKER_ADDRESS=f"127.0.0.1:{port}")
    process = start([], env, log)
    try:
        health = wait_for_health(f"http://127.0.0.1:{port}/healthz", process, log, timeout=240)
        assert health["engine"].startswith("PostgreSQL 18"), health
        assert health["engine"].endswith("(embedded)"), health
        assert (var / "postgres" / "PG_VERSION").exists()

        command = subprocess.run(
            [sys.executable, "manage.py", "create_api_token", "admin"],
            cwd=ROOT,
            env=as_a_new_user(var),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert command.returncode == 0, command.stderr
        token = command.stdout.strip().splitlines()[-1]
        api = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/requests/?state=CA",
            headers={"Authorization": f"Token {token}"},
        )
        with urllib.request.urlopen(api, timeout=10) as answer:
            listed = json.loads(answer.read())
        assert listed["results"], "the demo data's requests, read with the new token"

        server_pid = int((var / "postgres" / "postmaster.pid").read_text().split()[0])
        watched = [*children_of(process.pid), server_pid]
        elapsed = stop_and_time(process, signal.SIGINT, watched)
    finally:
        if process.poll() is None:
            process.kill()
    assert not any(running(pid) for pid in watched), "web, worker, beat and PostgreSQL stopped"
    # A busy machine adds seconds; a process that does not stop is still there at 15 s.
    assert elapsed < STOP_WITHIN_SECONDS + 5, f"took {elapsed:.1f} s to stop"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_quickstart_stops_web_worker_and_beat_within_3_seconds(signum, tmp_path, transactional_db):
    require_venv()
    port = free_port()
    log = tmp_path / "quickstart.log"
    env = as_a_new_user(
        tmp_path / "var",
        DATABASE_URL=database_url(),
        DEBUG="true",
        TRACKER_ADDRESS=f"127.0.0.1:{port}",
        TRACKER_ADMIN_PASSWORD="quickstart-test-password",
    )
    process = start(["--serve-only"], env, log)
    try:
        wait_for_health(f"http://127.0.0.1:{port}/healthz", process, log, timeout=90)
        children = children_of(process.pid)
        assert len(children) == 3, "web, worker and beat"
        time.sleep(2)  # let worker and beat finish starting: a stop mid-boot is the easy case
        assert all(running(child) for child in children)
        elapsed = stop_and_time(process, signum, children)
    finally:
        if process.poll() is None:
            process.kill()
    assert not any(running(child) for child in children)
    assert elapsed < STOP_WITHIN_SECONDS, f"took {elapsed:.1f} s to stop"
