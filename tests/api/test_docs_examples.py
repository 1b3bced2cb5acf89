"""docs/api.md's curl examples, run as written against a live server."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from requests_tracker.models import Activity, DataRequest, Response
from tests.ci import unavailable
from tests.factories import CountyFactory, make_request

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)


def examples() -> list[str]:
    return BLOCK.findall(DOC.read_text())


@pytest.fixture
def shell_tools():
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        # CI must run them: .ci/run installs the tools.
        unavailable(f"docs/api.md's examples need {', '.join(missing)}")


def run(block: str, *, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"{block}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result.stdout


def test_the_docs_show_the_three_jobs():
    blocks = examples()
    assert len(blocks) == 6
    assert any("requests.csv?" in block and "state=CA" in block for block in blocks)
    assert any("activity.next" in block for block in blocks)
    assert any("/api/v1/responses/" in block and "sources" in block for block in blocks)


def test_the_curl_examples_in_the_docs_work(
    shell_tools, live_server, newsroom, journalist, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "letter.pdf").write_bytes(b"%PDF-1.4 letter from the sheriff")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "TRACKER": live_server.url,
        "TOKEN": Token.objects.create(user=journalist).key,
    }
    pull_csv, pull_json, pull_stats, sync, log_response, upload = examples()
    california = DataRequest.objects.filter(county__state="CA").count()

    # Job 1: the status of every California request.
    run(pull_csv, cwd=tmp_path, env=env)
    with (tmp_path / "california-requests.csv").open() as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == california and {row["State"] for row in rows} == {"CA"}
    run(pull_json, cwd=tmp_path, env=env)
    lines = (tmp_path / "california-requests.tsv").read_text().splitlines()
    assert len(lines) == california and lines[0].split("\t")[0].startswith("06")
    assert '"total": 2' in run(pull_stats, cwd=tmp_path, env=env)

    # Job 2: sync, then write, then sync again: every event exactly once.
    run(sync, cwd=tmp_path, env=env)
    make_request(county=CountyFactory(name="Fresno County", fips="06019"), actor=journalist)
    run(sync, cwd=tmp_path, env=env)
    synced = [line for line in (tmp_path / "activity.jsonl").read_text().splitlines() if line]
    assert len(synced) == Activity.objects.count() == len(set(synced))

    # Job 3: log a county's response with a source, then upload a copy of a letter.
    answer = run(log_response, cwd=tmp_path, env=env)
    assert '"request_status": "declined"' in answer
    logged = Response.objects.latest("id")
    assert logged.request == newsroom.request and logged.logged_by == journalist
    assert [s.url for s in logged.sources.all()] == [
        "https://news.example/2025/08/01/sheriff-roster"
    ]
    uploaded = run(upload, cwd=tmp_path, env=env)
    assert '"sha256"' in uploaded and str(logged.pk) in uploaded
    assert logged.sources.count() == 2
