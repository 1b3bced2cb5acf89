#!/usr/bin/env python3
"""Set up and start the tracker on the embedded defaults: `python3 bin/quickstart.py`.

Creates .venv, installs the project, migrates a SQLite database under var/, loads California's
counties and the demo data, makes sure an admin login exists, then runs the web server, a Celery
worker and Celery beat (with a broker that needs no server) until Ctrl-C.

`--serve-only` skips the set-up and only starts the three processes (used by the tests).

Admin login: TRACKER_ADMIN_USER / TRACKER_ADMIN_PASSWORD if set; otherwise user "admin" with a
generated password, printed once and kept in var/admin-password.txt.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
VAR = ROOT / "var"
ADDRESS = os.environ.get("TRACKER_ADDRESS", "127.0.0.1:8000")


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


STOP_GRACE_SECONDS = 2.0
"""How long web, worker and beat get to stop on their own after Ctrl-C before they are killed."""


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - say so clearly on an older Python
        sys.exit("Python 3.11 or newer is needed.")
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "true")}
    if "--serve-only" not in sys.argv[1:]:
        set_up(env)
    user, password = admin_login()
    return serve(env, user=user, password=password)


def set_up(env: dict[str, str]) -> None:
    """The venv, the project installed into it, the database migrated, counties, demo data and
    the admin login (each step is idempotent)."""
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")

    VAR.mkdir(exist_ok=True)
    manage = [PYTHON, "manage.py"]
    run(*manage, "migrate", "--no-input", env=env)
    run(*manage, "load_counties", env=env)
    run(*manage, "load_demo", env=env)
    user, password = admin_login()
    run(
        *manage, "ensure_admin", "--username", user, env={**env, "TRACKER_ADMIN_PASSWORD": password}
    )


def serve(env: dict[str, str], *, user: str, password: str) -> int:
    """Run the web server, a Celery worker and Celery beat until Ctrl-C (SIGINT) or SIGTERM,
    then stop all three within STOP_GRACE_SECONDS (killing what has not stopped by then)."""
    manage = [PYTHON, "manage.py"]
    celery = [BIN / "celery", "-A", "config"]
    VAR.mkdir(exist_ok=True)  # beat keeps its schedule there (--serve-only skips set_up)
    commands = [
        [*manage, "runserver", ADDRESS, "--noreload"],
        [*celery, "worker", "--loglevel=INFO", "--concurrency=1", "--pool=solo"],
        [*celery, "beat", "--loglevel=INFO", "--schedule", VAR / "celerybeat-schedule"],
    ]
    processes = [
        # Each child gets its own session and default signal handling (a background start
        # would otherwise hand them an ignored SIGINT); this script stops them itself.
        subprocess.Popen(
            [str(part) for part in command],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            preexec_fn=_default_signals,
        )
        for command in commands
    ]
    base = f"http://{ADDRESS}"
    print(
        f"""
DOJ Request Tracker is running (web, Celery worker and beat).
  Journalists' pages  {base}/          (dashboard, counties, requests, campaigns)
  Admin               {base}/admin/    user {user!r}, password {password!r}
  API and its docs    {base}/api/v1/   {base}/api/docs/
  Health              {base}/healthz
Stop with Ctrl-C.
""",
        flush=True,
    )
    stopping: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda received, _frame: stopping.append(received))
    try:
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.1)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return 0


def _default_signals() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


def admin_login() -> tuple[str, str]:
    user = os.environ.get("TRACKER_ADMIN_USER", "admin")
    password = os.environ.get("TRACKER_ADMIN_PASSWORD")
    if password:
        return user, password
    stored = VAR / "admin-password.txt"
    if stored.exists():
        return user, stored.read_text().strip()
    password = secrets.token_urlsafe(12)
    stored.write_text(password + "\n")
    stored.chmod(0o600)
    return user, password


if __name__ == "__main__":
    raise SystemExit(main())
