"""Processes the bench starts and reads: gunicorn servers, wrk runs, their memory.

Everything listens on and is driven at 127.0.0.1 only, and every process started here is stopped
by its own id when the step that started it ends.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WRK_SCRIPT = BENCH_DIR / "wrk_report.lua"

GUNICORN_WORKERS = 2
GUNICORN_TIMEOUT = 300
"""The production default (config/gunicorn_conf.py, sized for a CSV export of a million rows): a
request longer than this kills the worker."""
GUNICORN_SETTINGS = [
    "--workers",
    str(GUNICORN_WORKERS),
    "--worker-class",
    "sync",
    "--timeout",
    str(GUNICORN_TIMEOUT),
    "--graceful-timeout",
    "5",
    "--log-level",
    "warning",
]
"""The same for the app and the floor, so their difference is the app's own work."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def memory_mb(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM) of one process, in MB."""
    values: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    return values


@dataclass
class Server:
    """gunicorn serving `app` (a WSGI path) on a free port of 127.0.0.1."""

    app: str
    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    first_workers: list[int] = field(default_factory=list)
    ready_path: str = "/"
    restarts: int = 0
    replaced: set[int] = field(default_factory=set)
    max_rss_mb: float = 0.0
    max_peak_rss_mb: float = 0.0
    checkout: Path = ROOT
    """Whose code gunicorn serves: this checkout, or another commit's worktree (worktree())."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str, timeout: float = 60) -> None:
        self.ready_path = ready_path
        log = self.log_path.open("ab")
        command = [sys.executable, "-m", "gunicorn", self.app, "--bind", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            command + GUNICORN_SETTINGS,
            cwd=self.checkout,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited; see {self.log_path}")
            try:
                get(self.port, ready_path)
            except OSError:
                time.sleep(0.2)
                continue
            if len(self.workers()) == GUNICORN_WORKERS:
                self.first_workers = self.workers()
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {self.app} did not answer {ready_path} in {timeout} s")

    def settle(self, next_path: str, cookie: str = "") -> bool:
        """Make sure no abandoned work is left before the next point; True if it restarted.

        A sync worker finishes every request it accepted, even one whose client has gone: when
        wrk stops, the requests still queued (up to one per connection) keep the workers busy
        for a while, which the next point would measure. If a cheap request is not answered at
        once, the server is restarted (dropping that work) and both workers are warmed up with
        the next path, so the next point starts from the same state as the first.
        """
        try:
            status, seconds, _ = get(self.port, self.ready_path, timeout=2)
            if seconds < 1:
                return False
        except OSError:
            pass
        self.sample()
        self.stop(quick=True)
        self.port = free_port()
        self.start(self.ready_path)
        warmers = [
            threading.Thread(target=get, args=(self.port, next_path, cookie))
            for _ in range(GUNICORN_WORKERS)
        ]
        for warmer in warmers:
            warmer.start()
        for warmer in warmers:
            warmer.join()
        self.restarts += 1
        return True

    def workers(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def sample(self) -> None:
        """Note each worker's memory and whether any was replaced since the last start."""
        workers = self.workers()
        for pid in workers:
            memory = memory_mb(pid)
            self.max_rss_mb = max(self.max_rss_mb, memory.get("rss_mb", 0))
            self.max_peak_rss_mb = max(self.max_peak_rss_mb, memory.get("peak_rss_mb", 0))
        self.replaced.update(set(self.first_workers) - set(workers))

    def memory(self) -> dict[str, Any]:
        """Each worker's memory now; the most any worker held when sampled (after each wrk run)
        and at its peak; how many workers were replaced (killed by the timeout or crashed)."""
        self.sample()
        return {
            "workers": [memory_mb(pid) for pid in self.workers()],
            "max_rss_mb": self.max_rss_mb,
            "max_peak_rss_mb": self.max_peak_rss_mb,
            "workers_replaced": len(self.replaced),
            "restarts": self.restarts,
        }

    def stop(self, *, quick: bool = False) -> None:
        """Graceful stop (SIGTERM); `quick` drops the requests in progress (SIGQUIT)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT if quick else signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def worktree(revision: str) -> Iterator[Path]:
    """A checkout of `revision` (a git worktree under var/bench/), removed when the block ends:
    to measure an earlier commit's code beside this one's in the same run."""
    workdir = ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        checkout = Path(folder) / "worktree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(checkout), revision],
            cwd=ROOT,
            check=True,
        )
        try:
            (checkout / "var" / "bench").mkdir(parents=True, exist_ok=True)
            yield checkout
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT)


def get(port: int, path: str, cookie: str = "", timeout: float = 60) -> tuple[int, float, int]:
    """One GET without following redirects: (status, seconds, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, len(body)
    finally:
        connection.close()


def wrk(
    url: str, *, clients: int, seconds: int, cookie: str = "", timeout: int = GUNICORN_TIMEOUT
) -> dict[str, Any]:
    """One wrk run: `clients` connections kept busy for `seconds`, one thread.

    Returns requests per second, latency percentiles in ms (of the requests that completed) and
    the errors wrk counted: non-2xx/3xx answers, timeouts, broken connections.
    """
    command = [
        "wrk",
        "-t1",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        f"{timeout}s",
        "-s",
        str(WRK_SCRIPT),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    finished = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + timeout + 60
    )
    line = next(
        (line for line in finished.stdout.splitlines() if line.startswith("BENCH_JSON ")), None
    )
    if finished.returncode or line is None:
        raise RuntimeError(
            f"wrk failed ({finished.returncode}): {finished.stderr or finished.stdout}"
        )
    report = json.loads(line.removeprefix("BENCH_JSON "))
    errors = report["errors"]
    completed = report["requests"]
    latency = report["latency_us"]
    return {
        "requests": completed,
        "rps": completed / (report["duration_us"] / 1e6),
        "p50_ms": latency["p50"] / 1000 if completed else None,
        "p90_ms": latency["p90"] / 1000 if completed else None,
        "p99_ms": latency["p99"] / 1000 if completed else None,
        "max_ms": latency["max"] / 1000 if completed else None,
        "errors": sum(errors.values()),
        "error_detail": {kind: n for kind, n in errors.items() if n},
        "bytes": report["bytes"],
    }


def run_with_peak_rss(command: list[str], env: dict[str, str]) -> tuple[str, float, float]:
    """Run a child to completion: (its standard output, wall seconds, its own peak RSS in MB).

    The peak comes from wait4 on that one child, so it is not mixed with other children's."""
    started = time.perf_counter()
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-child-{os.getpid()}.out"
    with (
        out_path.open("w+") as out,
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.PIPE, text=True
        ) as process,
    ):
        stderr = process.stderr.read() if process.stderr else ""
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        stdout = out.read()
    out_path.unlink(missing_ok=True)
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return stdout, seconds, usage.ru_maxrss / 1024
