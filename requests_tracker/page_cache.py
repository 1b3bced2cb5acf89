"""What the busiest pages show, kept per data version: the dashboard's sections, the county
list's table, the state maps, a campaign's figures and charts, the request filters' choices and
the stats answer.

- `data_changed` is the one receiver of writes: every connection runs each SQL statement through
  `_watch_writes`, which calls it when the statement writes one of the record's tables (an
  INSERT, UPDATE or DELETE on `requests_tracker_*` or the users), whoever wrote it: a service,
  the admin, a set-based job, a bulk load, a restore. (psycopg's COPY bypasses Django's
  cursor: only the benchmark's seeder uses it, outside the app, on databases of its own.) It
  gives the data a new version at once and again when the transaction commits, so whatever a
  page computed from the old rows in between is filed under a version nobody asks for again.
  Bookkeeping no kept page shows (webhook deliveries, document pages, watches, feed tokens) does
  not count as a change (nor CourtListener deliveries as received, before their entries are
  recorded). A write that may hide something (`hides`: a DELETE, an UPDATE other than a
  request's or escalation's derived status and dates) also gives a new "hiding" version.
- `cached(name, *vary, compute=...)` answers from the cache when the copy kept for the name,
  today's date (days overdue move at midnight) and `vary` (role, sort, filters) was made from the
  current versions. Under steady logging it does not compute a page again for every write: a copy
  at most PAGE_CACHE_STALE_SECONDS old is served although writes came after it, unless one of
  them may hide something or the reader made one of them (`RecentWritersMiddleware` notes who
  wrote: the person who logs an answer sees it on the next page at once, everyone else within
  those seconds). An older copy is computed again by the first reader to claim it; while that
  reader computes, the others still get the copy if it misses at most those seconds of writes.
  So a busy page is computed about once per PAGE_CACHE_STALE_SECONDS by one process, not once
  per write by every reader. The pages not kept (a request's, a county's) show every write at
  once.
- `{% kept "name" %}` (templatetags/tracker_kept.py) keeps a template's block through `cached`,
  varied by the reader's role and query; `admitted` bounds how many variants are kept.

Every copy also expires after settings.PAGE_CACHE_SECONDS (0 turns the cache off), so a change
made around the code above (a database shell) shows within that time. The versions live in the
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
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from requests_tracker import permissions
from requests_tracker.models import DataRequest

T = TypeVar("T")
COMPUTING_SECONDS = 30
"""How long a process's claim to be computing a page holds if it never finishes (killed)."""
MAX_NEW_VARIANTS = 500
"""New entries (a page with a query, a map, a campaign's rows, ...) kept per PAGE_CACHE_SECONDS:
about 50 MB of Redis at most, however many addresses a visitor invents."""


def _database() -> str:
    """Which database the entries are about, so that two sites (or a site and its benchmark
    databases) sharing one Redis never read each other's pages."""
    db = settings.DATABASES["default"]
    where = f"{db.get('HOST', '')}:{db.get('PORT', '')}:{db['NAME']}"
    return hashlib.blake2b(where.encode(), digest_size=6).hexdigest()


def _version_keys() -> tuple[str, str]:
    where = _database()
    return f"tracker:data-version:{where}", f"tracker:hiding-version:{where}"


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0))


def _stale_seconds() -> float:
    return float(getattr(settings, "PAGE_CACHE_STALE_SECONDS", 0))


def versions() -> tuple[str, str] | None:
    """The data's current versions, made on first use; None while the cache cannot be reached.

    The first changes with every write; the second only with a write that may hide what a page
    showed (`hides`): a copy made before it is never served again, not even while stale."""
    keys = _version_keys()
    found = cache.get_many(keys)
    if len(found) < len(keys):
        for missing in set(keys) - set(found):
            cache.add(missing, _new_version(), timeout=None)
        found = cache.get_many(keys)
        if len(found) < len(keys):
            return None
    return found[keys[0]], found[keys[1]]


def _current_and_copy(entry_key: str) -> tuple[tuple[str, str] | None, Any]:
    """The data's current versions (as `versions`) and what is kept under `entry_key`, in one
    round trip to Redis: each kept block asks for both on every visit, and a round trip costs
    about a third of a millisecond in a busy web process."""
    keys = _version_keys()
    found = cache.get_many([*keys, entry_key])
    if all(key in found for key in keys):
        return (found[keys[0]], found[keys[1]]), found.get(entry_key)
    # First use, or Redis away: whatever is kept was made under versions nobody asks for.
    return versions(), None


def data_version() -> str | None:
    """The version that changes with every write (None while the cache cannot be reached)."""
    current = versions()
    return current[0] if current else None


def _new_version() -> str:
    """Unique, and telling when it was made."""
    return f"{time.time():.6f}:{uuid.uuid4().hex[:12]}"


def _bumped_at(version: str) -> float:
    try:
        return float(version.partition(":")[0])
    except ValueError:  # a version made before versions told their time
        return float("inf")


def _bump() -> None:
    cache.set(_version_keys()[0], _new_version(), timeout=None)


def _bump_hiding() -> None:
    cache.set_many({key: _new_version() for key in _version_keys()}, timeout=None)


def data_changed(connection: Any, *, hiding: bool = True) -> None:
    """A write was made on `connection`: a new version now, and another when its transaction
    commits. Once per atomic block, however many statements it runs (a service's write is one
    block: its outermost transaction, or a savepoint inside another). `hiding`: the write may
    hide something a page showed (see `hides`)."""
    if not _seconds():
        return
    bump = _bump_hiding if hiding else _bump
    if connection.in_atomic_block:
        block = set(connection.savepoint_ids)
        if not any(f is bump and ids == block for ids, f, _ in connection.run_on_commit):
            connection.on_commit(bump)
            connection.on_commit(_note_writer)
            _note_writer()
    else:
        _note_writer()
    bump()


WRITE = re.compile(
    r'\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(requests_tracker_\w+|auth_user\w*)',
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

DERIVED_COLUMNS = {
    "requests_tracker_datarequest": frozenset(
        {*DataRequest.DERIVED_FIELDS, *DataRequest.DUE_FIELDS, "updated_at"}
    ),
    "requests_tracker_escalation": frozenset({"overdue_since", "updated_at"}),
}
"""What the services re-derive on a record when an answer, escalation, extension or overdue flag
is recorded: an update of these alone adds a fact, it takes none away."""
SET_COLUMNS = re.compile(r'"(\w+)"\s*=')


def hides(statement: str, table: str, sql: str) -> bool:
    """Whether a write may hide something a kept page showed, so that no copy made before it is
    served again, not even while a fresh one is computed: every DELETE and every UPDATE (a source
    marked sensitive, an answer put under embargo, a text corrected), except the updates that
    only add: a request's or escalation's derived status and dates, a user's sign-in time. An
    INSERT adds a record; a copy made before it shows nothing the record hides."""
    if statement == "INSERT":
        return False
    if statement != "UPDATE":
        return True
    if table == "auth_user":
        return False
    if table in DERIVED_COLUMNS:
        assignments = sql.partition(" SET ")[2].partition(" WHERE ")[0]
        return not set(SET_COLUMNS.findall(assignments)) <= DERIVED_COLUMNS[table]
    return True


def _watch_writes(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
    result = execute(sql, params, many, context)
    written = WRITE.match(sql) if sql[:1] in "IUDiud " else None
    if written:
        statement = written.group(1).split()[0].upper()
        # A table's history is shown where the table is.
        table = written.group(2).lower().replace("_historical", "_", 1)
        if table not in NOT_SHOWN:
            data_changed(context["connection"], hiding=hides(statement, table, sql))
    return result


def watch_writes(connection: Any, **_: Any) -> None:
    """Run every statement of `connection` through the write watcher (connection_created)."""
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


@dataclass(frozen=True)
class Copy:
    """A kept page (or block, or answer) and the versions of the data it was made from."""

    version: str
    hiding: str
    made_at: float
    value: Any


def _entry_key(name: str, *vary: Any) -> str:
    parts = "\x1f".join(str(part) for part in (timezone.localdate(), *vary))
    digest = hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()
    return f"tracker:page:{_database()}:{name}:{digest}"


def _young(copy: Copy) -> bool:
    """Whether `copy` was made at most PAGE_CACHE_STALE_SECONDS ago (never, with 0: not even
    on a clock that stands still)."""
    seconds = _stale_seconds()
    return seconds > 0 and time.time() - copy.made_at <= seconds


def _servable_while_computed(copy: Copy, current: tuple[str, str]) -> bool:
    """Whether `copy`, out of date and no longer young, may be served while another process
    computes its successor: it misses at most PAGE_CACHE_STALE_SECONDS of writes (it was made at
    most that long before the newest one)."""
    return copy.made_at >= _bumped_at(current[0]) - _stale_seconds()


def cached(name: str, *vary: Any, compute: Callable[[], T], bounded: bool = True) -> T:
    """`compute()`, or what it gave under the same name, day and `vary` from the current data.

    A copy made before the newest writes is served while it is young (`_young`), or while another
    process computes its successor (`_servable_while_computed`), never when a write since may hide
    something (`hides`) or the reader made one (`RecentWritersMiddleware`); otherwise the reader
    computes the page from the current rows. `bounded`: the copy counts against MAX_NEW_VARIANTS
    (`admitted`); a page without a query is always kept."""
    if not _seconds():
        return compute()
    entry_key = _entry_key(name, *vary)
    current, copy = _current_and_copy(entry_key)
    if current is None:
        return compute()
    if isinstance(copy, Copy) and (copy.version, copy.hiding) == current:
        return copy.value
    stale = isinstance(copy, Copy) and copy.hiding == current[1]
    if stale and _young(copy) and not _reader_wrote_since(copy.made_at):
        return copy.value
    # The claim tells other processes they may serve the stale copy meanwhile; with no copy
    # they could serve (none, or none without a write that may hide something, or no stale
    # seconds), nobody reads it, and it would cost two round trips to Redis for nothing.
    computing = f"{entry_key}:computing"
    claimed = False
    if stale and _stale_seconds() > 0:
        claimed = cache.add(computing, True, timeout=COMPUTING_SECONDS)
        if (
            not claimed
            and _servable_while_computed(copy, current)
            and not _reader_wrote_since(copy.made_at)
        ):
            return copy.value
    started = time.time()  # the copy shows the data as they were then, or later
    try:
        value = compute()
    finally:
        if claimed:
            cache.delete(computing)
    if not bounded or admitted(entry_key):
        cache.set(entry_key, Copy(*current, started, value), timeout=_seconds())
    return value


_current_request: ContextVar[Any] = ContextVar("page_cache_request", default=None)


class RecentWritersMiddleware:
    """Keeps the request at hand while it is answered, so that a write made for it notes its
    user as a recent writer (`_note_writer`), and a kept page read for it is never a copy made
    before that user's last write (`_reader_wrote_since`): whoever logs an answer sees it on the
    next page they open, while other readers may get a copy up to PAGE_CACHE_STALE_SECONDS old."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def _writer_key(user_id: int) -> str:
    return f"tracker:wrote:{_database()}:{user_id}"


def _signed_in_user_id() -> int | None:
    """The id of the user the current request is answered for, once known (the session's user,
    or the API's token user after the view has authenticated it); None outside a request."""
    request = _current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is None or not user.is_authenticated:
        return None
    return user.pk


def _note_writer() -> None:
    """The current request's user wrote now (called at the statement, and again at commit):
    noted for as long as any copy is kept."""
    user_id = _signed_in_user_id()
    if user_id is not None and _stale_seconds() > 0:
        cache.set(_writer_key(user_id), time.time(), timeout=_seconds())


def _reader_wrote_since(made_at: float) -> bool:
    """Whether the current request's user has written since `made_at`."""
    user_id = _signed_in_user_id()
    if user_id is None:
        return False
    wrote_at = cache.get(_writer_key(user_id))
    return wrote_at is not None and wrote_at >= made_at


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
