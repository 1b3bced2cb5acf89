"""The quick start's processes (web, worker, beat) stop promptly on Ctrl-C and on SIGTERM."""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parent.parent
CELERY = ROOT / ".venv" / "bin" / "celery"
STOP_WITHIN_SECONDS = 3.0


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


def wait_for_health(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError as error:
            last = str(error)
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {timeout} s ({last}):\n{log.read_text()[-4000:]}")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_quickstart_stops_web_worker_and_beat_within_3_seconds(signum, tmp_path):
    if not CELERY.exists():
        unavailable("needs the quick start's .venv (python3 bin/quickstart.py creates it)")
    port = free_port()
    env = {**os.environ, "DEBUG": "true", "TRACKER_ADDRESS": f"127.0.0.1:{port}"}
    env.setdefault("TRACKER_ADMIN_PASSWORD", "quickstart-test-password")
    # To a file, not a pipe: web, worker and beat inherit it, and a pipe nobody reads until the
    # end blocks them once its buffer (64 KB) is full.
    log = tmp_path / "quickstart.log"
    with log.open("wb") as output:  # the children keep their own copy of it
        process = subprocess.Popen(
            [sys.executable, "bin/quickstart.py", "--serve-only"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            # As when started in the background (`&`): the shell hands it an ignored SIGINT.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
    try:
        wait_for_health(f"http://127.0.0.1:{port}/healthz", process, log)
        children = children_of(process.pid)
        assert len(children) == 3, "web, worker and beat"
        time.sleep(2)  # let worker and beat finish starting: a stop mid-boot is the easy case
        assert all(running(child) for child in children)

        started = time.monotonic()
        process.send_signal(signum)
        process.wait(timeout=15)
        while any(running(child) for child in children) and time.monotonic() - started < 15:
            time.sleep(0.05)
        elapsed = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
    assert not any(running(child) for child in children)
    assert elapsed < STOP_WITHIN_SECONDS, f"took {elapsed:.1f} s to stop"
