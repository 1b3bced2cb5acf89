"""Real servers for the deployment and fault tests: a private Redis the test may stop and start,
gunicorn with the project's config file, and a Celery worker with one pool process.

The private Redis listens on a free port of its own, so stopping it never touches the machine's
shared Redis. Everything started here is stopped at teardown, by process id.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.ci import unavailable
from tests.integration.conftest import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen, *, group: bool = True) -> None:
    if process.poll() is None:
        if group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        if group:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait(timeout=5)


class PrivateRedis:
    """redis-server on 127.0.0.1:<free port>, without persistence; stop() and start() at will."""

    def __init__(self, directory: Path) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            unavailable("redis-server is not installed (apt-get install redis-server)")
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, group=False)
            self.process = None


class ProjectProcess:
    """`python -m <module> ...` in the project folder, in a session of its own (so stop() ends
    its children too), output to `log`."""

    def __init__(self, module_args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", *module_args],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def logs(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        _stop(self.process)


class Gunicorn(ProjectProcess):
    """`gunicorn config.wsgi:application -c config/gunicorn_conf.py` on 127.0.0.1:<free port>."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 2) -> None:
        self.port = free_port()
        super().__init__(
            ["gunicorn", "config.wsgi:application", "-c", "config/gunicorn_conf.py"]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)],
            env,
            log,
        )
        try:
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.logs()}"
            try:
                requests.get(f"{self.url}/healthz", timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer:\n{self.logs()}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Worker(ProjectProcess):
    """`celery worker` with ONE pool process, so a test knows which process runs its task."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        super().__init__(
            ["celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
            + [f"--hostname=faults-{uuid.uuid4().hex[:8]}@%h"],
            env,
            log,
        )

    def pool_processes(self) -> list[int]:
        """Process ids of the worker's pool (the children of the main process)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def app_env(worker_database_url: str) -> dict[str, str]:
    """The environment of app processes: the test database, persistent connections as in
    production; tests add a broker and a cache."""
    return {
        **os.environ,
        "DATABASE_URL": worker_database_url,
        "CONN_MAX_AGE": "60",
        "PYTHONUNBUFFERED": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


@pytest.fixture
def started(tmp_path: Path) -> Iterator[list]:
    """Servers a test starts (Gunicorn, Worker, CeleryProcesses): all stopped at teardown."""
    servers: list = []
    try:
        yield servers
    finally:
        for server in reversed(servers):
            server.stop()
