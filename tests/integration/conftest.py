"""Fixtures that run a real Celery worker and beat, as subprocesses, against Redis and the
pytest-django test database.

The database is the test run's (the embedded PostgreSQL server, or DATABASE_URL's). The broker
is the machine's Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379), a database per test
process. Without a Redis answering these tests skip, saying why; under CI
they fail instead (tests/ci.py), so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.brokers import publishing_to
from tests.database import database_url

PROJECT_ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def purged_broker(broker_url: str) -> str:
    """The broker's queue, emptied of messages left by earlier runs."""
    import redis

    client = redis.Redis.from_url(broker_url)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    client.close()
    return broker_url


@pytest.fixture
def worker_database_url(transactional_db: None) -> str:
    """DATABASE_URL of the test database, for processes that must see what the test commits."""
    return database_url()


class CeleryProcesses:
    """Starts `celery worker` / `celery beat` subprocesses; stops them all at teardown."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []

    def _start(self, name: str, args: list[str], extra_env: dict[str, str]) -> None:
        log = self.log_dir / f"{name}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=PROJECT_ROOT,
            env={**self.env, **extra_env},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # so teardown can stop the worker's pool children too
        )
        self.processes.append((name, process, log))

    def start_worker(self, **extra_env: str) -> None:
        self._start(
            "worker",
            [
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=integration-{uuid.uuid4().hex[:8]}@%h",
            ],
            extra_env,
        )

    def start_beat(self, **extra_env: str) -> None:
        self._start(
            "beat",
            [
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.log_dir / 'beat-schedule'}",
                f"--pidfile={self.log_dir / 'beat.pid'}",
            ],
            extra_env,
        )

    def logs(self) -> str:
        parts = []
        for name, process, log in self.processes:
            text = log.read_text(errors="replace") if log.exists() else ""
            parts.append(f"----- {name} (exit {process.poll()}) -----\n{text[-6000:]}")
        return "\n".join(parts)

    def assert_running(self) -> None:
        for name, process, _ in self.processes:
            assert process.poll() is None, f"celery {name} exited early:\n{self.logs()}"

    def stop(self) -> None:
        for _, process, _ in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _, process, _ in self.processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


@pytest.fixture
def celery_env(worker_database_url: str, purged_broker: str) -> Iterator[dict[str, str]]:
    """The environment of every subprocess: the test database and the real broker, to which
    this process publishes too."""
    with publishing_to(purged_broker):
        yield {
            **os.environ,
            "DATABASE_URL": worker_database_url,
            "CELERY_BROKER_URL": purged_broker,
            "CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
        }


@pytest.fixture
def celery_processes(celery_env: dict[str, str], tmp_path: Path) -> Iterator[CeleryProcesses]:
    processes = CeleryProcesses(celery_env, tmp_path)
    try:
        yield processes
    finally:
        processes.stop()


def wait_until(condition: Callable[[], object], *, timeout: float, interval: float = 0.2) -> object:
    """Poll `condition` until it returns something truthy or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


# Private Redis, gunicorn and one-process worker fixtures (deployment and fault tests).
from tests.integration.servers import app_env, private_redis, started  # noqa: E402, F401
