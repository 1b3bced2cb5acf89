"""A national export: its rows are read and sent a chunk at a time (memory does not grow with the
rows) and arrive whole, and an export cut off by the server's timeout is seen as cut off by the
client. The 1M-row figures are the bench's (docs/performance.md)."""

from __future__ import annotations

import csv
import http.client
import io
import socket
import time

import pytest
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


class SlowReader(http.client.HTTPConnection):
    """An HTTP client whose socket takes in only a few kilobytes at a time (SO_RCVBUF), so a
    server that streams is soon made to wait for it, while one that read every row before
    sending would be done reading the database whatever the client does."""

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(self.timeout)
        self.sock.connect((self.host, self.port))


def open_export(web: Gunicorn, token: str) -> http.client.HTTPResponse:
    """The unfiltered request export, asked for by a slow reader; its headers read."""
    connection = SlowReader("127.0.0.1", int(web.url.rsplit(":", 1)[1]), timeout=60)
    connection.request(
        "GET", "/api/v1/requests/?format=csv", headers={"Authorization": f"Token {token}"}
    )
    response = connection.getresponse()
    assert response.status == 200
    return response


def export_transactions() -> int:
    """Sessions of the app (not this test's) holding a transaction open on the test database:
    a streamed export holds one from its count to its last row. Only client sessions count: the
    20,000 rows just written wake autovacuum, whose worker shows on the same database with a
    transaction of its own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
            "AND xact_start IS NOT NULL"
        )
        return cursor.fetchone()[0]


@pytest.mark.integration
def test_an_export_streams_its_rows_while_the_client_reads_and_arrives_whole(
    app_env,  # noqa: F811
    started,  # noqa: F811
    tmp_path,
    editor,
):
    """The rows come from the database a chunk at a time while they are sent, so memory does not
    grow with the rows: half-way through the client's reading, the export is still reading the
    database (its transaction is open); the whole body then holds every row, in the list's
    order, as many as X-Row-Count promised."""
    token, _ = Token.objects.get_or_create(user=editor)
    add_requests(20_000)
    web = Gunicorn(app_env, tmp_path / "gunicorn.log", workers=1)
    started.append(web)

    response = open_export(web, token.key)
    body = bytearray(response.read(64 * 1024))
    time.sleep(0.5)  # the worker fills the socket's buffers, then waits for the client
    assert export_transactions() == 1, "the export is still reading rows while it sends them"
    body += response.read()
    assert export_transactions() == 0, "and its transaction ends with the last row"

    lines = body.decode().split("\r\n")
    assert lines.pop() == ""
    ids = [line[: line.index(",")] for line in lines[1:]]
    expected = DataRequest.objects.order_by("-issued_on", "-id").values_list("id", flat=True)
    assert ids == [str(pk) for pk in expected]
    assert response.headers["X-Row-Count"] == "20000"


@pytest.mark.integration
def test_an_export_cut_off_by_the_timeout_is_seen_as_incomplete(
    app_env,  # noqa: F811
    started,  # noqa: F811
    tmp_path,
    editor,
):
    add_requests(20_000)
    token, _ = Token.objects.get_or_create(user=editor)
    web = Gunicorn({**app_env, "GUNICORN_TIMEOUT": "2"}, tmp_path / "gunicorn.log", workers=1)
    started.append(web)

    response = open_export(web, token.key)
    assert response.headers["Transfer-Encoding"] == "chunked"
    promised = int(response.headers["X-Row-Count"])
    assert promised == 20_000
    received = bytearray(response.read(64 * 1024))
    # A slow reader: the worker blocks on a full socket until the timeout kills it.
    time.sleep(4)
    with pytest.raises(http.client.IncompleteRead) as cut:
        response.read()
    received += cut.value.partial
    rows = list(csv.reader(io.StringIO(received.decode(errors="replace"))))
    assert len(rows) - 1 < promised
    assert "WORKER TIMEOUT" in web.logs()
