"""The embedded PostgreSQL server when several processes want it first at once, as on a new
checkout: the test run's workers, or the quick start's web, worker and beat."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from config import embedded_database

ROOT = Path(__file__).resolve().parent.parent
JOIN = (
    "import sys; from pathlib import Path; from config import embedded_database; "
    "print(embedded_database.start(Path(sys.argv[1])).port)"
)


def test_processes_starting_it_together_on_a_new_folder_all_get_it(tmp_path):
    """Each one initialises or joins the one server and finds the app's database; before, the
    ones that created the database at the same moment failed on the catalog's unique index."""
    data_dir = tmp_path / "postgres"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", JOIN, str(data_dir)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        answers = [process.communicate(timeout=180) for process in processes]
        assert [process.returncode for process in processes] == [0, 0, 0], answers
        ports = {out.strip().splitlines()[-1] for out, _ in answers}
        assert len(ports) == 1, answers  # one server, joined by all
        assert (data_dir / "PG_VERSION").exists()
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        embedded_database.stop(data_dir)
