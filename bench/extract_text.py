"""Peak memory of `manage.py extract_text --all` over many documents, through a real worker pool.

It creates a throwaway database beside the one DATABASE_URL names (Django's test database,
`test_<name>`: your data is never touched), stores N generated text PDFs (3 pages each, all
different) through services.add_source, starts `celery worker --concurrency=2` (prefork) on the
broker CELERY_BROKER_URL names, runs `manage.py extract_text --all` (which queues one task per
document), waits until every document is read, and reports:

- the queueing command's peak RSS (it loads ids only);
- each worker process's RSS when idle, after the first tenth of the documents, and its peak
  (VmHWM) at the end: if the pool held documents, the peak would grow with N;
- the same `extract_text --all --sync` (read in one process) peak RSS, for N/10 and N documents.

    SECRET_KEY=bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/4 \\
    .venv/bin/python bench/extract_text.py [--documents 1000]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
MEDIA = Path(tempfile.mkdtemp(prefix="extract-bench-"))
os.environ["MEDIA_ROOT"] = str(MEDIA)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from requests_tracker import services  # noqa: E402
from requests_tracker.models import ExtractionStatus, Source  # noqa: E402
from tests.documents import text_pdf, upload  # noqa: E402


def kib(status: str, field: str) -> int:
    for line in status.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def proc_status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return ""


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def worker_memory(pid: int, field: str) -> dict[str, int]:
    memory = {"main": kib(proc_status(pid), field)}
    for n, child in enumerate(sorted(children_of(pid)), 1):
        memory[f"pool child {n}"] = kib(proc_status(child), field)
    return memory


def run_measured(args: list[str], env: dict[str, str]) -> tuple[int, float, str]:
    """Run a command; its peak RSS in KiB, seconds taken, and its output.

    The peak is the process's own VmHWM, read until it exits (rusage would also count the memory
    of this process, which it was forked from before exec).
    """
    started = time.monotonic()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=output, stderr=output)
        peak = 0
        while process.poll() is None:
            peak = max(peak, kib(proc_status(process.pid), "VmHWM"))
            time.sleep(0.02)
        output.seek(0)
        text = output.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{text}")
    return peak, time.monotonic() - started, text.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    options = parser.parse_args()
    total = options.documents

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    test_url = urlsplit(os.environ["DATABASE_URL"])._replace(
        path="/" + connection.settings_dict["NAME"]
    )
    env = {
        **os.environ,
        "DATABASE_URL": test_url.geturl(),
        "MEDIA_ROOT": str(MEDIA),
        "CONN_MAX_AGE": "0",
        "DEBUG": "false",
    }
    worker = None
    try:
        print(f"storing {total} generated text PDFs ...", file=sys.stderr)
        for n in range(total):
            pages = [
                f"Document {n}, page {page}. Scheduled release date 2025-08-{n % 28 + 1:02d}. " * 12
                for page in (1, 2, 3)
            ]
            services.add_source(title=f"Roster {n}", file=upload("roster.pdf", text_pdf(pages)))
        connection.close()

        import redis

        redis.Redis.from_url(env["CELERY_BROKER_URL"]).delete("celery", "unacked", "unacked_index")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=2",
             "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        time.sleep(8)
        idle = worker_memory(worker.pid, "VmRSS")

        queue_peak, queue_seconds, queue_output = run_measured(
            [sys.executable, "manage.py", "extract_text", "--all"], env
        )
        started = time.monotonic()
        tenth: dict[str, int] = {}
        while True:
            done = Source.objects.filter(extraction_status=ExtractionStatus.DONE).count()
            if not tenth and done >= total // 10:
                tenth = worker_memory(worker.pid, "VmRSS")
            if done >= total:
                break
            if worker.poll() is not None or time.monotonic() - started > 1800:
                raise SystemExit(f"worker stopped or too slow: {done} of {total} read")
            time.sleep(0.5)
        pool_seconds = time.monotonic() - started
        peak = worker_memory(worker.pid, "VmHWM")
        connection.close()

        sync = {}
        for count in (total // 10, total):
            ids = list(Source.objects.order_by("pk").values_list("pk", flat=True)[:count])
            Source.objects.exclude(pk__in=ids).update(extraction_status="done")
            Source.objects.filter(pk__in=ids).update(extraction_status="pending")
            connection.close()
            sync[count] = run_measured([sys.executable, "manage.py", "extract_text", "--sync"], env)
        failed = Source.objects.exclude(extraction_status=ExtractionStatus.DONE).count()
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    print(f"## extract_text over {total} generated text PDFs (3 pages each)\n")
    print(f"- queueing (`extract_text --all`): {queue_output!r}, {queue_seconds:.1f} s, "
          f"peak RSS {queue_peak / 1024:.0f} MiB")  # fmt: skip
    print(f"- worker pool (prefork, 2 children) read them all in {pool_seconds:.0f} s "
          f"({total / pool_seconds:.1f} documents/s); documents not read: {failed}\n")  # fmt: skip
    print("| worker process | RSS idle (MiB) | RSS after a tenth (MiB) | peak RSS, VmHWM (MiB) |")
    print("|---|---|---|---|")
    for name in peak:
        print(
            f"| {name} | {idle.get(name, 0) / 1024:.0f} | {tenth.get(name, 0) / 1024:.0f} "
            f"| {peak[name] / 1024:.0f} |"
        )
    print("\n| `extract_text --all --sync` | seconds | peak RSS (MiB) |")
    print("|---|---|---|")
    for count, (rss, seconds, _) in sync.items():
        print(f"| {count} documents | {seconds:.0f} | {rss / 1024:.0f} |")
    print(f"\nbench process peak RSS (generating the PDFs): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
