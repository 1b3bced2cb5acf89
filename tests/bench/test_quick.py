"""The bench in quick mode: every endpoint answers, none costs more SQL with more data, the floor
returns what the API returns, and the whole pipeline (gunicorn, wrk, flag_overdue against the
hand-written statement, results.json and its tables) runs end to end.

Never timings: those belong to `python -m bench` and docs/performance.md.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from bench import floor, probe, report
from bench import run as bench
from bench import seeding as bench_seed
from bench.endpoints import ENDPOINTS
from tests.ci import unavailable
from tests.database import database_url
from tests.factories import UserFactory


def require(condition: object, why: str) -> None:
    """Skip where a tool is missing (a failure under CI)."""
    if not condition:
        unavailable(why)


def seed(requests: int, seed: int) -> None:
    call_command("load_counties", "--all", stdout=StringIO())
    bench_seed.seed(requests=requests, seed=seed)


@pytest.mark.django_db
def test_every_endpoint_answers_with_the_same_query_count_at_two_sizes(client) -> None:
    seed(300, seed=11)
    client.force_login(UserFactory(username="bench-viewer", role="viewer"))
    ids = probe.subjects()
    small = probe.count_queries(client, ENDPOINTS, ids)

    seed(300, seed=12)  # twice the requests, answers and activity
    large = probe.count_queries(client, ENDPOINTS, ids)

    for endpoint in ENDPOINTS:
        answered = {small[endpoint.key]["status"], large[endpoint.key]["status"]}
        assert answered == {200} or (endpoint.optional and answered == {404}), endpoint.path
        assert small[endpoint.key]["queries"] == large[endpoint.key]["queries"], endpoint.path


def call_floor(query: str) -> dict:
    answer: dict = {}

    def start_response(status: str, headers: list) -> None:
        answer["status"] = status

    environ = {"PATH_INFO": "/floor/requests/", "QUERY_STRING": query, "wsgi.input": io.BytesIO()}
    body = b"".join(floor.application(environ, start_response))
    assert answer["status"] == "200 OK"
    return json.loads(body)


@pytest.mark.django_db(transaction=True)
def test_the_floor_returns_the_rows_and_fields_the_api_list_returns(client, monkeypatch) -> None:
    seed(300, seed=11)
    client.force_login(UserFactory(username="bench-viewer", role="viewer"))
    monkeypatch.setenv("DATABASE_URL", database_url())
    monkeypatch.setattr(floor, "_connection", None)
    query = "state=CA&status=awaiting,acknowledged&page_size=3"

    api = client.get(f"/api/v1/requests/?{query}").json()
    by_hand = call_floor(query)
    floor._database().close()

    assert api["results"], "the seeded data has California requests to list"
    assert by_hand["results"] == api["results"]
    assert (by_hand["next"] is None) == (api["next"] is None)


@pytest.mark.django_db(transaction=True)
def test_quick_bench_serves_loads_and_reports_every_endpoint(tmp_path) -> None:
    require(shutil.which("wrk"), "wrk is not installed (apt-get install wrk)")
    seed(300, seed=11)
    options = bench.Options(
        sizes=[300],
        clients=[1],
        repeats=1,
        seconds=1,
        warmup_seconds=0,
        log_dir=tmp_path,
        progress=lambda message: print(message, file=sys.stderr),
    )

    measured = bench.measure_size(database_url(), 300, options)
    results = {"meta": bench.describe(options), "sizes": {"300": measured}}
    results["targets"] = report.targets(results)
    markdown = bench.write(results, tmp_path / "results.json", tmp_path / "results.md")
    # How fast this machine ran the fixed work, printed with the run (comparing machines).
    assert results["meta"]["machine_speed"]["python_ms"] > 0
    assert f"fixed Python work {results['meta']['machine_speed']['python_ms']} ms" in markdown

    for endpoint in ENDPOINTS:
        entry = measured["endpoints"][endpoint.key]
        if entry.get("skipped"):
            assert endpoint.optional and entry["status"] == 404
            continue
        run = entry["clients"]["1"]["runs"][0]
        assert entry["status"] == 200, endpoint.path
        assert run["requests"] > 0 and run["errors"] == 0, (endpoint.path, run)
        assert entry["queries"] > 0
        assert entry["path"] in markdown
    assert measured["endpoints"]["floor"]["clients"]["1"]["runs"][0]["requests"] > 0
    assert report.api_ratio(measured, 1) is not None
    flag = measured["flag_overdue"]
    assert flag["requests_newly_overdue"] > 0 and flag["same_rows_changed"]
    assert flag["service_runs"][0]["requests_flagged"] == flag["requests_newly_overdue"]
    assert flag["peak_rss_mb"] > 0
    assert len(measured["memory"]["app"]["workers"]) == 2
    assert measured["memory"]["app"]["max_rss_mb"] > 0
    assert measured["memory"]["app"]["workers_replaced"] == 0
    assert json.loads((tmp_path / "results.json").read_text())["sizes"]["300"]["size"] == 300
    assert {target["target"] for target in results["targets"]} >= {
        "API list p99 at 50 clients < 250 ms",
        "a gunicorn worker's RSS under 200 MB after the run (the most seen after any point)",
    }
