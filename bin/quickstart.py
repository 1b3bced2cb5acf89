#!/usr/bin/env python3
"""Set up and start the tracker on the embedded defaults: `python3 bin/quickstart.py`.

Creates .venv and installs the project into it (again only when pyproject.toml changed), then
carries on inside it: writes the local settings to .env if they are not there yet (a generated
SECRET_KEY and DEBUG=true, which `manage.py`, the worker and beat read too), starts the
embedded PostgreSQL server under var/
(unless DATABASE_URL names another), migrates, loads California's counties and the demo data,
makes sure an admin login exists, then runs the web server, a Celery worker and Celery beat
(with a broker that needs no server) until Ctrl-C. On Ctrl-C the three stop, and so does the
embedded server once no other process (a `manage.py` command, a test run) still uses it.

`--serve-only` skips the installation and set-up and only starts the three processes (used by
the tests). VAR_DIR moves everything kept under var/ (database, broker, uploads, beat's
schedule, the admin password) elsewhere.

Admin login: TRACKER_ADMIN_USER / TRACKER_ADMIN_PASSWORD if set; otherwise user "admin" with a
generated password, printed once and kept in var/admin-password.txt.
"""

from __future__ import annotations

import hashlib
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
VAR = Path(os.environ.get("VAR_DIR", ROOT / "var"))
ENV_FILE = ROOT / ".env"
ADDRESS = os.environ.get("TRACKER_ADDRESS", "127.0.0.1:8000")

STOP_GRACE_SECONDS = 2.0
"""How long web, worker and beat get to stop on their own after Ctrl-C before they are killed."""


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - say so clearly on an older Python
        sys.exit("Python 3.11 or newer is needed.")
    serve_only = "--serve-only" in sys.argv[1:]
    if Path(sys.prefix).resolve() != VENV.resolve():
        # Carry on inside the project's own environment, where Django and the database are.
        if not PYTHON.exists():
            venv.create(VENV, with_pip=True)
        os.execv(PYTHON, [str(PYTHON), __file__, *sys.argv[1:]])
    if not serve_only:
        install()
    write_local_settings()
    VAR.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    hold_database()
    if not serve_only:
        set_up(env)
    user, password = admin_login()
    return serve(env, user=user, password=password)


def install() -> None:
    """Install the project into .venv, unless it was installed from this same pyproject.toml."""
    stamp = VENV / "installed-pyproject.sha256"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    stamp.write_text(wanted + "\n")


def write_local_settings() -> None:
    """Give .env the local settings it lacks (a new secret key, debug on), so that every
    process started in this checkout, `manage.py` commands included, runs with the same ones."""
    lines = ENV_FILE.read_text().splitlines() if ENV_FILE.exists() else []
    names = {line.split("=", 1)[0].strip() for line in lines if "=" in line}
    missing = {
        "DEBUG": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    added = [f"{name}={value}" for name, value in missing.items() if name not in names]
    if not added:
        return
    if not lines:
        lines = [
            "# Local settings of this checkout, written by bin/quickstart.py and read by",
            "# manage.py, the web server, the worker and beat. Never commit this file.",
        ]
    ENV_FILE.write_text("\n".join([*lines, *added]) + "\n")
    ENV_FILE.chmod(0o600)


def hold_database() -> None:
    """Start the embedded PostgreSQL server (when DATABASE_URL names none) and hold it while
    this script runs: the last process using it stops it (config/embedded_database)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    from config import embedded_database

    if settings.DATABASES["default"]["ENGINE"] != "config.embedded_database":
        return
    try:
        place = embedded_database.start(settings.EMBEDDED_DATABASE_DIR)
    except embedded_database.EmbeddedDatabaseUnavailable as error:
        sys.exit(str(error))
    print(f"Embedded PostgreSQL is running (socket in {place.host}).", flush=True)


def set_up(env: dict[str, str]) -> None:
    """The database migrated, counties, demo data and the admin login (each step is
    idempotent)."""
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
Commands beside it use the same database and settings, e.g.
  .venv/bin/python manage.py create_api_token {user}
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
