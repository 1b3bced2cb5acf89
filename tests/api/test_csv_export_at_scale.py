"""A national export: 100,000 requests arrive whole, in memory that does not grow with the rows,
and an export cut off by the server's timeout is seen as cut off by the client."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from requests_tracker.models import DataRequest
from tests.factories import AgencyFactory, CountyFactory
from tests.integration.conftest import worker_database_url  # noqa: F401 (a fixture)
from tests.integration.servers import Gunicorn, app_env, started  # noqa: F401 (fixtures)


def add_requests(n: int) -> None:
    """n requests to one county, written in one statement (the services take ~1 ms each)."""
    county = CountyFactory()
    agency = AgencyFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {DataRequest._meta.db_table} (
                created_at, updated_at, addressee, issued_on, due_on, due_basis, due_rule,
                data_sought, legal_authority, summary, internal_note, status, county_id,
                issuing_agency_id, original_due_basis, original_due_rule)
            SELECT now(), now(), 'Sheriff', date '2025-07-17' + (n %% 60), date '2025-09-30',
                'stated', 'within 30 days', '["charges", "release_dates"]', '8 U.S.C. 1373',
                'Request number ' || n, '', 'awaiting', %s, %s, 'stated', 'within 30 days'
            FROM generate_series(1, %s) AS n
            """,
            [county.pk, agency.pk, n],
        )


def worker_peak_rss(web: Gunicorn) -> int:
    """The most memory (kB) the gunicorn worker (the master's one child) has held so far."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == web.process.pid:
                status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        if parent == web.process.pid:
            return int(status.split("VmHWM:")[1].split()[0])
    raise AssertionError("no gunicorn worker found")


def stream_export(web: Gunicorn, token: str, *, timeout: float) -> requests.Response:
    """The unfiltered request export, asked for as a client streaming it would."""
    return requests.get(
        f"{web.url}/api/v1/requests/?format=csv",
        headers={"Authorization": f"Token {token}"},
        stream=True,
        timeout=timeout,
    )


def export(web: Gunicorn, token: str) -> tuple[list[str], str]:
    """The ids of an unfiltered request export, read as a client streams it, and its
    X-Row-Count."""
    response = stream_export(web, token, timeout=60)
    assert response.status_code == 200
    ids: list[str] = []
    tail = b""
    for chunk in response.iter_content(64 * 1024):
        lines = (tail + chunk).split(b"\r\n")
        tail = lines.pop()
        ids += [line[: line.index(b",")].decode() for line in lines if line]
    assert tail == b""
    return ids[1:], response.headers["X-Row-Count"]


@pytest.mark.integration
def test_a_100k_row_export_arrives_whole_and_in_constant_memory(
    app_env,  # noqa: F811
    started,  # noqa: F811
    tmp_path,
    editor,
):
    token, _ = Token.objects.get_or_create(user=editor)
    add_requests(10_000)
    web = Gunicorn(app_env, tmp_path / "gunicorn.log", workers=1)
    started.append(web)
    small_ids, small_count = export(web, token.key)
    small_peak = worker_peak_rss(web)
    add_requests(90_000)
    started_at = time.perf_counter()
    ids, count = export(web, token.key)
    elapsed = time.perf_counter() - started_at
    peak = worker_peak_rss(web)

    expected = DataRequest.objects.order_by("-issued_on", "-id").values_list("id", flat=True)
    assert ids == [str(pk) for pk in expected]
    assert (small_count, count) == ("10000", "100000") and len(small_ids) == 10_000
    # Ten times the rows in about the same memory: rows are read and sent a chunk at a time.
    assert peak - small_peak < 16 * 1024, (small_peak, peak)
    # Through the serializer this took minutes and met gunicorn's timeout (docs/performance.md).
    assert elapsed < 45, elapsed


@pytest.mark.integration
def test_an_export_cut_off_by_the_timeout_is_seen_as_incomplete(
    app_env,  # noqa: F811
    started,  # noqa: F811
    tmp_path,
    editor,
):
    add_requests(60_000)
    token, _ = Token.objects.get_or_create(user=editor)
    web = Gunicorn({**app_env, "GUNICORN_TIMEOUT": "2"}, tmp_path / "gunicorn.log", workers=1)
    started.append(web)

    response = stream_export(web, token.key, timeout=30)
    assert response.status_code == 200
    assert response.headers["Transfer-Encoding"] == "chunked"
    promised = int(response.headers["X-Row-Count"])
    assert promised == 60_000
    received = bytearray()
    chunks = response.iter_content(64 * 1024)
    received += next(chunks)
    # A slow reader: the worker blocks on a full socket until the timeout kills it.
    time.sleep(5)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for chunk in chunks:
            received += chunk
    rows = list(csv.reader(io.StringIO(received.decode(errors="replace"))))
    assert len(rows) - 1 < promised
    assert "WORKER TIMEOUT" in web.logs()
