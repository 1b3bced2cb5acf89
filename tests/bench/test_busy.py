"""bench/busy.py in quick mode: a tiny database, 1 s per point, once. The whole pipeline runs
(readers and a writer against gunicorn with the page cache on and off, first visits after a
write, search, the API list against the floor, the floor's two statements) and every page
answers with no error. Never timings: those belong to `python -m bench.busy`."""

from __future__ import annotations

import json
import shutil
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from bench import busy, report
from bench import seeding as bench_seed
from tests.ci import unavailable
from tests.database import database_url


@pytest.mark.django_db(transaction=True)
def test_quick_busy_bench_serves_every_page_and_writes_its_entries(tmp_path) -> None:
    if not shutil.which("wrk"):
        unavailable("wrk is not installed (apt-get install wrk)")
    call_command("load_counties", "--all", stdout=StringIO())
    bench_seed.seed(requests=300, seed=11)
    options = busy.BusyOptions(
        sizes=[300],
        repeats=1,
        seconds=1,
        first_visits=2,
        statement_repeats=2,
        log_dir=tmp_path,
        progress=lambda message: print(message, file=sys.stderr),
    )

    measured = busy.measure_size(database_url(), 300, options)
    meta = {"started": "now", "commit": "test", "cores": 2, "repeats": 1, "seconds": 1}
    meta.update(readers=options.readers, first_visits=options.first_visits)
    out = tmp_path / "results.json"
    markdown = busy.write({"meta": meta, "sizes": {"300": measured}}, out)

    pages = [key for key, _ in busy.PAGES]
    for mode in busy.CACHE_MODES:
        for rate in options.rates:
            point = measured["mixed"][mode][f"{rate:g}"]
            run = point["runs"][0]
            assert point["errors"] == 0 and point["write_errors"] == 0, (mode, rate, run)
            for key in pages:
                assert run["per_page"][key]["requests"] > 0, (mode, rate, key)
            assert (run["writes"] > 0) == (rate > 0), (mode, rate)
    for key, _ in busy.PAGES + busy.FIRST_VISIT_EXTRA:
        visit = measured["first_visit"][key]
        assert visit["statuses"] == [200] and visit["write_statuses"] == [201], visit
    assert measured["search_subpoena"]["errors"] == 0
    for key, points in measured["api_list"].items():
        for clients in ("10", "50"):
            assert points[clients]["errors"] == 0 and points[clients]["rps"], (key, clients)
    assert measured["floor_statements"]["same_bytes"]

    written = json.loads(out.read_text())
    assert written["busy"]["sizes"]["300"]["size"] == 300
    assert {target["target"] for target in written["targets"]} == {
        target["target"] for target in report.busy_targets(written["busy"])
    }
    assert len(written["targets"]) == 6
    assert all(isinstance(target["met"], bool) for target in written["targets"])
    for _, path in busy.PAGES:
        assert f"`{path.format(**measured['subjects'])}`" in markdown
