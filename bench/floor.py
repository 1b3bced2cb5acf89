"""The floor: the API's request list done by hand, to measure the tracker against.

A bare WSGI function (no Django) that answers `/floor/requests/?state=..&status=..&page_size=..`
with the same 50 rows, the same fields and the same JSON shape as `GET /api/v1/requests/` (county,
campaign, agency, sources, latest response, days overdue, a next-page cursor), from ONE SQL query
through psycopg, encoded with orjson. It does no authentication, no permission check and no
throttling: what is left is the least the job can cost on this machine, so project/floor is the
share of the time the framework spends above the data. Served by gunicorn with the same settings
as the app (bench/run.py); reads DATABASE_URL like the app.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import orjson
import psycopg

MAX_PAGE_SIZE = 200

SQL = """
SELECT r.id, c.fips, c.name, c.state, cp.id, cp.title, a.id, a.name, a.level,
       r.addressee, r.issued_on, r.due_on, r.due_basis, r.due_rule, r.data_sought,
       r.legal_authority, r.summary, r.internal_note, r.status, r.overdue_since,
       latest.kind, latest.received_on, cited.sources, u.username, r.created_at, r.updated_at
FROM requests_tracker_datarequest r
JOIN requests_tracker_county c ON c.id = r.county_id
JOIN requests_tracker_agency a ON a.id = r.issuing_agency_id
LEFT JOIN requests_tracker_campaign cp ON cp.id = r.campaign_id
LEFT JOIN auth_user u ON u.id = r.created_by_id
LEFT JOIN LATERAL (
    SELECT kind, received_on FROM requests_tracker_response
    WHERE request_id = r.id ORDER BY received_on DESC, id DESC LIMIT 1
) latest ON true
LEFT JOIN LATERAL (
    -- The bench reads as a viewer: a sensitive source is withheld (selectors.documents).
    SELECT json_agg(CASE WHEN s.sensitive THEN json_build_object(
        'id', s.id, 'title', 'a sensitive source (editors only)', 'url', '', 'kind', NULL,
        'publisher', '', 'published_on', NULL, 'withheld', true)
      ELSE json_build_object(
        'id', s.id, 'title', s.title, 'url', s.url, 'kind', s.kind,
        'publisher', s.publisher, 'published_on', s.published_on, 'withheld', false)
      END ORDER BY s.id) AS sources
    FROM requests_tracker_datarequest_sources rs
    JOIN requests_tracker_source s ON s.id = rs.source_id
    WHERE rs.datarequest_id = r.id
) cited ON true
WHERE c.state = %(state)s AND r.status = ANY(%(statuses)s)
ORDER BY r.issued_on DESC, r.id DESC
LIMIT %(limit)s
"""
"""The floor's statement: one plain join, filtered, sorted and limited once. PostgreSQL walks the
requests newest first (index request_newest_first), keeps the state's awaiting ones and stops at
the limit, so the per-row lateral reads run for the page's rows only. (It used to apply the LIMIT
in a subquery and then join the county again and sort a second time: the same rows, slower.)"""

SQL_INDEPENDENT = """
WITH page AS MATERIALIZED (
    SELECT id FROM requests_tracker_datarequest
    WHERE status = ANY(%(statuses)s)
      AND county_id IN (SELECT id FROM requests_tracker_county WHERE state = %(state)s)
    ORDER BY issued_on DESC, id DESC
    LIMIT %(limit)s
)
SELECT d.id,
       (SELECT fips FROM requests_tracker_county WHERE id = d.county_id),
       (SELECT name FROM requests_tracker_county WHERE id = d.county_id),
       (SELECT state FROM requests_tracker_county WHERE id = d.county_id),
       d.campaign_id,
       (SELECT title FROM requests_tracker_campaign WHERE id = d.campaign_id),
       d.issuing_agency_id,
       (SELECT name FROM requests_tracker_agency WHERE id = d.issuing_agency_id),
       (SELECT level FROM requests_tracker_agency WHERE id = d.issuing_agency_id),
       d.addressee, d.issued_on, d.due_on, d.due_basis, d.due_rule, d.data_sought,
       d.legal_authority, d.summary, d.internal_note, d.status, d.overdue_since,
       (SELECT kind FROM requests_tracker_response WHERE request_id = d.id
        ORDER BY received_on DESC, id DESC LIMIT 1),
       (SELECT received_on FROM requests_tracker_response WHERE request_id = d.id
        ORDER BY received_on DESC, id DESC LIMIT 1),
       (SELECT json_agg(json_build_object(
            'id', s.id,
            'title', CASE WHEN s.sensitive THEN 'a sensitive source (editors only)'
                          ELSE s.title END,
            'url', CASE WHEN s.sensitive THEN '' ELSE s.url END,
            'kind', CASE WHEN s.sensitive THEN NULL ELSE s.kind END,
            'publisher', CASE WHEN s.sensitive THEN '' ELSE s.publisher END,
            'published_on', CASE WHEN s.sensitive THEN NULL ELSE s.published_on END,
            'withheld', s.sensitive) ORDER BY s.id)
        FROM requests_tracker_source s
        WHERE s.id IN (SELECT source_id FROM requests_tracker_datarequest_sources
                       WHERE datarequest_id = d.id)),
       (SELECT username FROM auth_user WHERE id = d.created_by_id),
       d.created_at, d.updated_at
FROM page JOIN requests_tracker_datarequest d ON d.id = page.id
ORDER BY d.issued_on DESC, d.id DESC
"""
"""A second statement written independently of `SQL`, for `check_statements`: the page's ids
first (a materialized CTE with the state as a county subquery), then every other column by a
scalar subquery per row. It must give the same rows, byte for byte, once encoded."""

STATEMENTS = {"floor": SQL, "independent": SQL_INDEPENDENT}

_connection: psycopg.Connection | None = None
TIME_ZONE = ZoneInfo(os.environ.get("TIME_ZONE", "America/Los_Angeles"))


def _database() -> psycopg.Connection:
    """One connection per worker process, opened on its first request (after gunicorn forks)."""
    global _connection
    if _connection is None or _connection.closed:
        url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        _connection = psycopg.connect(url, autocommit=True)
    return _connection


def _row(values: tuple[Any, ...], today: dt.date) -> dict[str, Any]:
    (
        pk, fips, county, state, campaign_id, campaign_title, agency_id, agency, level,
        addressee, issued_on, due_on, due_basis, due_rule, data_sought, legal_authority,
        summary, internal_note, status, overdue_since, latest_kind, latest_on, sources,
        created_by, created_at, updated_at,
    ) = values  # fmt: skip
    sources = sources or []
    return {
        "id": pk,
        "county": {"fips": fips, "name": county, "state": state},
        "campaign": {"id": campaign_id, "title": campaign_title} if campaign_id else None,
        "issuing_agency": {"id": agency_id, "name": agency, "level": level},
        "addressee": addressee,
        "issued_on": issued_on,
        "due_on": due_on,
        "due_basis": due_basis,
        "due_rule": due_rule,
        "data_sought": data_sought,
        "legal_authority": legal_authority,
        "summary": summary,
        "internal_note": internal_note,
        "status": status,
        "overdue_since": overdue_since,
        "days_overdue": max((today - overdue_since).days + 1, 0) if overdue_since else 0,
        "latest_response_kind": latest_kind,
        "latest_response_on": latest_on,
        "sources": sources,
        "unsourced": not sources,
        "created_by": created_by,
        "created_at": created_at.astimezone(TIME_ZONE),
        "updated_at": updated_at.astimezone(TIME_ZONE),
    }


def _cursor(last: dict[str, Any]) -> str:
    position = orjson.dumps([last["issued_on"], last["id"]])
    return base64.urlsafe_b64encode(position).decode().rstrip("=")


def page_body(
    connection: psycopg.Connection,
    statement: str,
    state: str,
    statuses: list[str],
    size: int,
    *,
    host: str = "localhost",
    today: dt.date | None = None,
) -> bytes:
    """The JSON answer for one page of the list, read with `statement`."""
    with connection.cursor() as cursor:
        cursor.execute(statement, {"state": state, "statuses": statuses, "limit": size + 1})
        found = cursor.fetchall()
    today = today or dt.datetime.now(TIME_ZONE).date()
    rows = [_row(values, today) for values in found[:size]]
    next_link = None
    if len(found) > size:
        next_link = f"http://{host}/floor/requests/?cursor={_cursor(rows[-1])}"
    return orjson.dumps({"next": next_link, "results": rows})


def check_statements(
    url: str,
    queries: Iterable[tuple[str, list[str], int]] = (("CA", ["awaiting"], 50),),
    repeats: int = 30,
) -> dict[str, Any]:
    """Both statements on the same pages: whether their answers are the same bytes, and each
    statement's median time in ms (alternating, after one warm-up each), per page asked."""
    today = dt.datetime.now(TIME_ZONE).date()
    pages: list[dict[str, Any]] = []
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as db:
        for state, statuses, size in queries:
            bodies = {
                key: page_body(db, statement, state, statuses, size, today=today)
                for key, statement in STATEMENTS.items()
            }
            times: dict[str, list[float]] = {key: [] for key in STATEMENTS}
            params = {"state": state, "statuses": statuses, "limit": size + 1}
            for _ in range(repeats):
                for key, statement in STATEMENTS.items():
                    started = time.perf_counter()
                    db.execute(statement, params).fetchall()
                    times[key].append((time.perf_counter() - started) * 1000)
            pages.append(
                {
                    "query": {"state": state, "status": ",".join(statuses), "page_size": size},
                    "rows": len(orjson.loads(bodies["floor"])["results"]),
                    "same_bytes": len(set(bodies.values())) == 1,
                    "median_ms": {key: statistics.median(v) for key, v in times.items()},
                }
            )
    return {"pages": pages, "same_bytes": all(page["same_bytes"] for page in pages)}


def application(
    environ: dict[str, Any], start_response: Callable[[str, list[tuple[str, str]]], Any]
) -> Iterable[bytes]:
    if environ.get("PATH_INFO") != "/floor/requests/":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    state = query.get("state", ["CA"])[0]
    statuses = query.get("status", ["awaiting"])[0].split(",")
    size = min(max(int(query.get("page_size", ["50"])[0]), 1), MAX_PAGE_SIZE)
    host = environ.get("HTTP_HOST", "localhost")
    statement = STATEMENTS.get(query.get("statement", ["floor"])[0], SQL)
    body = page_body(_database(), statement, state, statuses, size, host=host)
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
