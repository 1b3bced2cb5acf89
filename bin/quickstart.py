#!/usr/bin/env python3
"""Set up and start the tracker on the embedded defaults: `python3 bin/quickstart.py`.

Creates .venv, installs the project, migrates a SQLite database under var/, loads California's
counties and the demo data, makes sure an admin login exists, then runs the web server, a Celery
worker and Celery beat (with a broker that needs no server) until Ctrl-C.

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


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - say so clearly on an older Python
        sys.exit("Python 3.11 or newer is needed.")
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")

    VAR.mkdir(exist_ok=True)
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "true")}
    manage = [PYTHON, "manage.py"]
    run(*manage, "migrate", "--no-input", env=env)
    run(*manage, "load_counties", env=env)
    run(*manage, "load_demo", env=env)
    user, password = admin_login()
    run(
        *manage, "ensure_admin", "--username", user, env={**env, "TRACKER_ADMIN_PASSWORD": password}
    )

    processes = [
        subprocess.Popen(
            [str(a) for a in (*manage, "runserver", ADDRESS, "--noreload")], cwd=ROOT, env=env
        ),
        subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--pool=solo",
            ],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(VAR / "celerybeat-schedule"),
            ],
            cwd=ROOT,
            env=env,
        ),
    ]
    print(f"\nDOJ Request Tracker: http://{ADDRESS}/admin/  (user {user!r}, password {password!r})")
    print(f"Health: http://{ADDRESS}/healthz   Stop with Ctrl-C.\n", flush=True)
    stopping = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Also when started in the background, where SIGINT arrives ignored.
        signal.signal(signum, lambda *_: stopping.append(True))
    try:
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(1)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


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
