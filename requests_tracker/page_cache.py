"""What the busiest pages show, kept per data version: the dashboard's sections, the county
list's table, the state maps, a campaign's figures and charts, and the stats answer.

- `data_changed` is the one receiver of writes: every connection runs each SQL statement through
  `_watch_writes`, which calls it when the statement writes one of the record's tables (an
  INSERT, UPDATE or DELETE on `requests_tracker_*` or the users), whoever wrote it: a service,
  the admin, a set-based job, a bulk load, a restore. (psycopg's COPY bypasses Django's
  cursor: only the benchmark's seeder uses it, outside the app, on databases of its own.) It
  gives the data a new version at once and again when the transaction commits, so whatever a
  page computed from the old rows in between is filed under a version nobody asks for again.
  Bookkeeping no kept page shows (webhook deliveries, document pages, watches, feed tokens) does
  not count as a change (nor CourtListener deliveries as received, before their entries are
  recorded).
- `cached(name, *vary, compute=...)` answers from the cache when an entry for the name, the
  current version, today's date (days overdue move at midnight) and `vary` (role, sort, filters)
  exists, else computes and keeps it.
- `template_context(request)` gives a template's `{% cache %}` blocks the same key (and
  `admitted` bounds how many variants are kept).

Every entry also expires after settings.PAGE_CACHE_SECONDS (0 turns the cache off), so a change
made around the code above (a database shell) shows within that time. The version lives in the
default cache: the shared Redis of production (CACHE_URL), so a write in one process reaches every
worker; with the per-process cache of a quick local start, the worker's overdue flags reach the
web process within PAGE_CACHE_SECONDS. While Redis is away nothing is cached and every page is
computed afresh (shared_cache.FailOpenRedisCache).
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from requests_tracker import permissions

T = TypeVar("T")
MAX_NEW_VARIANTS = 500
"""New entries (a page with a query, a map, a campaign's rows, ...) kept per PAGE_CACHE_SECONDS:
about 50 MB of Redis at most, however many addresses a visitor invents."""


def _database() -> str:
    """Which database the entries are about, so that two sites (or a site and its benchmark
    databases) sharing one Redis never read each other's pages."""
    db = settings.DATABASES["default"]
    where = f"{db.get('HOST', '')}:{db.get('PORT', '')}:{db['NAME']}"
    return hashlib.blake2b(where.encode(), digest_size=6).hexdigest()


def _version_key() -> str:
    return f"tracker:data-version:{_database()}"


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0))


def data_version() -> str | None:
    """The current version, made on first use; None while the cache cannot be reached."""
    version = cache.get(_version_key())
    if version is None:
        cache.add(_version_key(), uuid.uuid4().hex, timeout=None)
        version = cache.get(_version_key())
    return version


def _bump() -> None:
    cache.set(_version_key(), uuid.uuid4().hex, timeout=None)


def data_changed(connection: Any) -> None:
    """A write was made on `connection`: a new version now, and another when its transaction
    commits. Once per atomic block, however many statements it runs (a service's write is one
    block: its outermost transaction, or a savepoint inside another)."""
    if not _seconds():
        return
    if connection.in_atomic_block:
        block = set(connection.savepoint_ids)
        if any(f is _bump and ids == block for ids, f, _ in connection.run_on_commit):
            return
        connection.on_commit(_bump)
    _bump()


WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(requests_tracker_\w+|auth_user\w*)',
    re.IGNORECASE,
)
NOT_SHOWN = frozenset(
    {
        "requests_tracker_webhookdelivery",
        "requests_tracker_webhooksubscription",
        "requests_tracker_sourcepage",
        "requests_tracker_watch",
        "requests_tracker_feedtoken",
        "requests_tracker_courtlistenerdelivery",
        "requests_tracker_inboundmessage",
        "requests_tracker_inboundmessage_attachments",
        "requests_tracker_mailsender",
    }
)
"""Tables of bookkeeping no kept page shows: writing them gives the data no new version."""


def _watch_writes(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
    result = execute(sql, params, many, context)
    written = WRITE.match(sql) if sql[:1] in "IUDiud " else None
    if written:
        # A table's history is shown where the table is.
        table = written.group(1).lower().replace("_historical", "_", 1)
        if table not in NOT_SHOWN:
            data_changed(context["connection"])
    return result


def watch_writes(connection: Any, **_: Any) -> None:
    """Run every statement of `connection` through the write watcher (connection_created)."""
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def key(name: str, *vary: Any) -> str | None:
    """The cache key of `name` varied by `vary` under today's data version (None: no caching)."""
    if not _seconds():
        return None
    version = data_version()
    if version is None:
        return None
    parts = "\x1f".join(str(part) for part in (timezone.localdate(), *vary))
    digest = hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()
    return f"tracker:page:{name}:{version}:{digest}"


def cached(name: str, *vary: Any, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave last under the same name, version, day and `vary`."""
    entry_key = key(name, *vary)
    if entry_key is None:
        return compute()
    hit = cache.get(entry_key)
    if hit is not None:
        return hit
    value = compute()
    if admitted(entry_key):
        cache.set(entry_key, value, timeout=_seconds())
    return value


def admitted(entry_key: str) -> bool:
    """Whether a new variant may be kept: at most MAX_NEW_VARIANTS in any PAGE_CACHE_SECONDS.

    Queries are the reader's to choose (`?x=1`, `?x=2`, ...), so without a bound anyone could
    fill the cache that also holds the rate limits; past it, pages are computed each time, as
    they would be with no cache."""
    seconds = _seconds()
    if not cache.add(f"{entry_key}:admitted", True, timeout=seconds):
        return True  # admitted before, and still within its time
    window = f"tracker:page-variants:{_database()}:{int(time.time() // seconds)}"
    cache.add(window, 0, timeout=2 * seconds)
    if cache.incr(window) <= MAX_NEW_VARIANTS:
        return True
    cache.delete(f"{entry_key}:admitted")
    return False


def reader_vary(request: Any) -> tuple[str, str]:
    """What a page's content depends on besides the data: the reader's role and the query."""
    return (permissions.role_of(request.user) or "anonymous", request.GET.urlencode())


def fragment_key(request: Any) -> str:
    """The vary-on value of a template `{% cache %}` block: version, day, role and query.

    With the cache off, a key that is never the same twice, so every block is rendered."""
    return key("fragment", *reader_vary(request)) or uuid.uuid4().hex


def template_context(request: Any) -> dict[str, Any]:
    """What a page's `{% cache page_cache_seconds <name> page_key %}` blocks need. A page asked
    with a query is a variant of its own, kept only if `admitted` (the plain page always is)."""
    page_key = fragment_key(request)
    if request.GET and _seconds() and not admitted(page_key):
        return {"page_cache_seconds": 0, "page_key": page_key}  # rendered, not kept
    return {"page_cache_seconds": _seconds(), "page_key": page_key}
