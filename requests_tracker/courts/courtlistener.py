"""CourtListener (Free Law Project): a small client of its REST API v4 and a strict reader of its
docket-alert webhook deliveries, following CourtListener's own documentation:

- "REST API, v4": `Authorization: Token <token>`; JSON; deep (cursor) pagination through each
  page's `next` address when ordered by id; 5,000 queries an hour; ISO-8601 date filters. Its
  "Change Log" (v4.2): `omit=recap_documents__plain_text` leaves the documents' text out.
- "PACER Data APIs": `/dockets/{id}/` (id, court_id, docket_number, case_name, date_filed,
  date_terminated, absolute_url); `/docket-entries/?docket={id}`, 20 a page (id, docket,
  entry_number, date_filed, description, recap_documents: description, is_available,
  filepath_local, absolute_url).
- "Advanced Help for API Fields": files are at https://storage.courtlistener.com/ + the path;
  `absolute_url` is a page /$type/$id/$slug/ whose slug may be any value but not left out.
- "Legal Alert APIs": `POST /docket-alerts/` with `docket` answers the alert's `id`;
  `DELETE /docket-alerts/{id}/` removes it. "Legal Search API": `/search/?type=r&q=` lists
  federal cases (docket_id, caseName, docketNumber, court_id, dateFiled, dateTerminated,
  docket_absolute_url).
- "Webhook API": events are POSTed as JSON (Content-Type: application/json) with an
  Idempotency-Key header (a UUID, the same for a retried event), body {"webhook": {"version",
  "event_type", "date_created", "deprecation_date"}, "payload": ...}. A docket alert is
  event_type 1 with `payload.results`: docket entries as in the docket-entry API, less
  resource_uri and tags, `docket` an id. Versions 1 and 2 are alike for docket alerts. Events
  come from two documented addresses (SENDER_ADDRESSES) and are not signed.

Errors: a webhook body that is not a docket alert raises InvalidPayload naming the field. A call
with no usable answer raises Unreachable (`status`: the last HTTP status, if any): no connection
or a timeout, 429 or 5xx past the retries, an answer over `max_bytes` or not in the documented
shape, or a `next` page away from the API. A 4xx other than 429 (or a redirect) is not tried
again and raises Refused, a subclass of Unreachable (401/403: a wrong token or no access to the
PACER APIs; 404: no such docket). A client is for one thread at a time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import json
import logging
import re
import time
from collections import namedtuple
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

logger = logging.getLogger(__name__)

SITE = "https://www.courtlistener.com"
STORAGE = "https://storage.courtlistener.com/"
USER_AGENT = "DOJ-Request-Tracker-CourtListener/1"

# "Webhook API" > Webhook Security: "Our webhook events will be sent from one of two IP addresses".
SENDER_ADDRESSES: tuple[str, ...] = ("34.210.230.218", "54.189.59.91")
DOCKET_ALERT = 1
"""webhook.event_type of a docket alert (DOCKET_ALERT = 1, SEARCH_ALERT = 2, RECAP_FETCH = 3)."""
WEBHOOK_VERSIONS = (1, 2)

MAX_DESCRIPTION, MAX_NAME, MAX_SHORT, MAX_PATH, MAX_DOCUMENTS = 10_000, 2_000, 200, 1_000, 1_000
MAX_RETRY_AFTER = 300.0
"""The longest a Retry-After header makes the client wait before trying again (seconds)."""
MAX_BACKOFF, MAX_PAGES, LARGEST_ID = 60.0, 500, 2**63 - 1

DOCKET_PAGE = re.compile(r"/docket/(\d+)/(?:[A-Za-z0-9._~%+-]+/)*\Z", re.ASCII)
FILE_PATH = re.compile(r"[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*\Z", re.ASCII)
API_DOCKET = re.compile(r"/dockets/(\d+)/\Z", re.ASCII)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)


@dataclass(frozen=True)
class Docket:
    id: int
    court: str
    docket_number: str
    case_name: str
    date_filed: dt.date | None
    date_terminated: dt.date | None
    url: str


@dataclass(frozen=True)
class Entry:
    id: int | None  # None: an entry known only from the public record (load_demo)
    docket_id: int | None
    entry_number: int | None
    date_filed: dt.date | None
    description: str
    document_url: str
    """The RECAP PDF on storage.courtlistener.com when CourtListener has it, else the entry's
    page on www.courtlistener.com (its main document's page, or the docket's at #entry-N)."""


class InvalidPayload(ValueError):
    """Not what CourtListener documents; `field` is where (payload.results[1].docket)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Unreachable(Exception):
    """No usable answer from CourtListener; `status` is the last HTTP status, if any."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Refused(Unreachable):
    """CourtListener answered 4xx (other than 429) or a redirect: asking again will not help."""


# --- Reading what CourtListener sends ----------------------------------------------------------


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _loads(text: str | bytes, field: str) -> Any:
    """JSON, refusing NaN and Infinity and an object that names a key twice."""

    def no_constant(name: str) -> Any:
        raise InvalidPayload(field, f"not JSON ({name} is not a number)")

    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({key for key, _ in pairs}) < len(pairs):
            raise InvalidPayload(field, "not JSON without repeats (a key appears twice)")
        return dict(pairs)

    try:
        return json.loads(text, parse_constant=no_constant, object_pairs_hook=no_repeats)
    except InvalidPayload:
        raise
    except (ValueError, RecursionError) as error:
        raise InvalidPayload(field, "not JSON") from error


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidPayload(field, "missing" if value is None else "not an object")
    return value


def _at(obj: dict[str, Any], key: str, where: str, read: Callable[..., Any], **how: Any) -> Any:
    """obj[key] read by `read`, errors naming where.key; a missing key is an error."""
    if key not in obj:
        raise InvalidPayload(f"{where}.{key}", "missing")
    return read(obj[key], f"{where}.{key}", **how)


def _list(value: Any, field: str, *, most: int) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidPayload(field, "not a list")
    if len(value) > most:
        raise InvalidPayload(field, f"more than {most:,} items")
    return value


def _id(value: Any, field: str) -> int:
    if type(value) is not int or not 0 < value <= LARGEST_ID:
        raise InvalidPayload(field, f"not an id: {_show(value)}")
    return value


def _number(value: Any, field: str) -> int | None:
    if value is not None and (type(value) is not int or not 0 <= value <= LARGEST_ID):
        raise InvalidPayload(field, f"not a whole number: {_show(value)}")
    return value


def _text(value: Any, field: str, *, most: int, null: bool = False) -> str:
    if value is None and null:
        return ""
    if not isinstance(value, str):
        raise InvalidPayload(field, f"not text: {_show(value)}")
    if len(value) > most:
        raise InvalidPayload(field, f"longer than {most:,} characters")
    if "\x00" in value:
        raise InvalidPayload(field, "contains a NUL character")
    return value


def _date(value: Any, field: str) -> dt.date | None:
    """A date (2025-06-30), or null; a date-time (the search API's) is read as its date."""
    if value is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        if ISO_DATE.match(value):
            return dt.date.fromisoformat(value)
        if len(value) <= 40:
            return dt.datetime.fromisoformat(value).date()
    raise InvalidPayload(field, f"not a date: {_show(value)}")


def _page_path(value: Any, field: str, *, docket_id: int | None = None) -> str:
    """An absolute_url: a page of a docket (or of one of its documents) on CourtListener."""
    path = _text(value, field, most=MAX_PATH)
    match = DOCKET_PAGE.match(path)
    if not match:
        raise InvalidPayload(field, f"not a docket page of CourtListener: {_show(path)}")
    if docket_id is not None and int(match.group(1)) != docket_id:
        raise InvalidPayload(field, f"a page of docket {match.group(1)}, not of {docket_id}")
    return path


def _file_path(value: Any, field: str) -> str | None:
    if value in (None, ""):
        return None
    path = _text(value, field, most=MAX_PATH)
    if not FILE_PATH.match(path) or any(part in (".", "..") for part in path.split("/")):
        raise InvalidPayload(field, f"not a storage path: {_show(path)}")
    return path


def _docket_of(value: Any, field: str, *, webhook: bool) -> int:
    """An entry's `docket`: an id in a webhook, the docket's API address in the REST API."""
    if webhook or not isinstance(value, str):
        return _id(value, field)
    match = API_DOCKET.search(urlsplit(value[:MAX_PATH]).path)
    if not match:
        raise InvalidPayload(field, f"not a docket's API address: {_show(value)}")
    return _id(int(match.group(1)), field)


_Document = namedtuple("_Document", "attachment description file_path page")


def _document(raw: Any, where: str, docket_id: int) -> _Document:
    doc = _object(raw, where)
    available = doc.get("is_available")
    if available is not None and not isinstance(available, bool):
        raise InvalidPayload(f"{where}.is_available", f"not true or false: {_show(available)}")
    file_path = _at(doc, "filepath_local", where, _file_path)
    return _Document(
        attachment=_number(doc.get("attachment_number"), f"{where}.attachment_number"),
        description=_text(
            doc.get("description"), f"{where}.description", most=MAX_DESCRIPTION, null=True
        ),
        file_path=None if available is False else file_path,
        page=_at(doc, "absolute_url", where, _page_path, docket_id=docket_id),
    )


def _entries(
    results: list[Any], field: str, *, webhook: bool, docket_id: int | None
) -> list[Entry]:
    """Docket entries, all of one docket (`docket_id`, or the first entry's when None)."""
    entries: list[Entry] = []
    for index, raw in enumerate(results):
        where = f"{field}[{index}]"
        entry = _object(raw, where)
        entry_id = _at(entry, "id", where, _id)
        if any(entry_id == seen.id for seen in entries):
            raise InvalidPayload(f"{where}.id", f"{entry_id} appears twice")
        docket = _at(entry, "docket", where, _docket_of, webhook=webhook)
        if docket_id is not None and docket != docket_id:
            first = f"{field}[0]" if webhook else "the docket asked for"
            raise InvalidPayload(f"{where}.docket", f"docket {docket}, not {docket_id} as {first}")
        docket_id = docket
        raw_docs = _at(entry, "recap_documents", where, _list, most=MAX_DOCUMENTS)
        docs = [
            _document(doc, f"{where}.recap_documents[{n}]", docket)
            for n, doc in enumerate(raw_docs)
        ]
        number = _at(entry, "entry_number", where, _number)
        description = _at(entry, "description", where, _text, most=MAX_DESCRIPTION, null=True)
        main = [doc for doc in docs if not doc.attachment] or docs
        if not description.strip() and main:
            description = main[0].description  # "a second, shorter description" on the document
        pdf = next((doc.file_path for doc in main if doc.file_path), None)
        if pdf:
            url = STORAGE + pdf
        elif main:
            url = SITE + main[0].page
        else:  # the docket's page; its slug may be any value but not left out
            url = f"{SITE}/docket/{docket}/docket/" + ("" if number is None else f"#entry-{number}")
        date_filed = _at(entry, "date_filed", where, _date)
        entries.append(Entry(entry_id, docket, number, date_filed, description.strip(), url))
    return entries


def parse_docket_alert(body: bytes, *, max_entries: int = 500) -> tuple[int, list[Entry]]:
    """The docket and the entries of a docket-alert webhook delivery ("Webhook API").

    Refuses (InvalidPayload, naming the field) anything but a JSON object whose webhook is a
    docket alert of a known version and whose payload.results holds 1 to `max_entries` docket
    entries, all of one docket, with descriptions of at most 10,000 characters and with pages
    and files on CourtListener's own sites."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidPayload("body", "not UTF-8 text") from error
    root = _object(_loads(text, "body"), "body")
    webhook = _object(root.get("webhook"), "webhook")
    event = webhook.get("event_type")
    if type(event) is not int or event != DOCKET_ALERT:
        reason = f"not a docket alert ({DOCKET_ALERT}): {_show(event)}"
        raise InvalidPayload("webhook.event_type", reason)
    version = webhook.get("version")
    if type(version) is not int or version not in WEBHOOK_VERSIONS:
        raise InvalidPayload("webhook.version", f"not a known version: {_show(version)}")
    created = webhook.get("date_created")
    try:
        dt.datetime.fromisoformat(_text(created, "webhook.date_created", most=40))
    except ValueError as error:
        reason = f"not a date-time: {_show(created)}"
        raise InvalidPayload("webhook.date_created", reason) from error
    payload = _object(root.get("payload"), "payload")
    results = _list(payload.get("results"), "payload.results", most=max_entries)
    if not results:
        raise InvalidPayload("payload.results", "no entries")
    entries = _entries(results, "payload.results", webhook=True, docket_id=None)
    return entries[0].docket_id, entries


DOCKET_FIELDS = ("id", "court_id", "docket_number", "case_name", "date_filed", "date_terminated")
SEARCH_FIELDS = ("docket_id", "court_id", "docketNumber", "caseName", "dateFiled", "dateTerminated")


def _docket(raw: Any, where: str, *, search: bool) -> Docket:
    """A docket from the docket API, or a federal case (type=r) from the search API."""
    key, court, number, name, filed, terminated = SEARCH_FIELDS if search else DOCKET_FIELDS
    docket = _object(raw, where)
    docket_id = _at(docket, key, where, _id)
    case_name = _at(docket, name, where, _text, most=MAX_NAME, null=True)
    if not case_name.strip() and not search:  # "fall back on the case_name_full"
        case_name = _text(
            docket.get("case_name_full"), f"{where}.case_name_full", most=MAX_NAME, null=True
        )
    page = "docket_absolute_url" if search else "absolute_url"
    return Docket(
        id=docket_id,
        court=_at(docket, court, where, _text, most=MAX_SHORT),
        docket_number=_at(docket, number, where, _text, most=MAX_SHORT, null=True),
        case_name=case_name.strip(),
        date_filed=_at(docket, filed, where, _date),
        date_terminated=_at(docket, terminated, where, _date),
        url=SITE + _at(docket, page, where, _page_path, docket_id=docket_id),
    )


def _page(raw: Any, where: str) -> tuple[list[Any], str | None]:
    page = _object(raw, where)
    results = _at(page, "results", where, _list, most=1_000)
    following = page.get("next")
    if following is not None:
        following = _text(following, f"{where}.next", most=MAX_PATH * 2)
    return results, following or None


@contextlib.contextmanager
def _as_documented() -> Iterator[None]:
    """An answer of the REST API that is not as documented is no usable answer."""
    try:
        yield
    except InvalidPayload as error:
        raise Unreachable(f"CourtListener's answer is not as documented: {error}") from error


def docket_id_from(text: str) -> int:
    """The docket id in "70538823", in a docket's address on CourtListener
    (https://www.courtlistener.com/docket/70538823/united-states-v-city-of-los-angeles/, with or
    without the scheme) or in its API address (.../api/rest/v4/dockets/70538823/)."""
    given = (text or "").strip()
    if given.isascii() and given.isdigit() and len(given) <= 19 and 0 < int(given) <= LARGEST_ID:
        return int(given)
    with contextlib.suppress(ValueError):
        parts = urlsplit(given if "://" in given else f"https://{given}")
        host = (parts.hostname or "").lower().removeprefix("www.")
        match = re.match(
            r"/docket/(\d{1,19})(?:/|\Z)|/api/rest/v\d+/dockets/(\d{1,19})/?\Z", parts.path
        )
        if parts.scheme in ("http", "https") and host == "courtlistener.com" and match:
            number = int(match.group(1) or match.group(2))
            if 0 < number <= LARGEST_ID:
                return number
    shown = given if len(given) <= 80 else given[:77] + "..."
    raise ValueError(
        f"Not a CourtListener docket: {shown!r}. Give the docket's number (70538823) or its "
        "address (https://www.courtlistener.com/docket/70538823/united-states-v-city-of-los-angeles/)."
    )


# --- The REST API ------------------------------------------------------------------------------


class CourtListener:
    """CourtListener's REST API v4 at `base_url` (https://www.courtlistener.com/api/rest/v4/).

    Calls start at least `min_interval` seconds apart. A connection error, a timeout, 429 (after
    its Retry-After, at most MAX_RETRY_AFTER seconds) and 5xx are tried again, `max_retries`
    times, `backoff` seconds after the first failure and twice as long after each next one;
    then Unreachable. An answer is read up to `max_bytes` and no further. `sleep` and `clock`
    are for tests, which need not wait."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        min_interval: float = 1.0,
        max_retries: int = 4,
        timeout: float = 10.0,
        max_bytes: int = 5_000_000,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        backoff: float = 1.0,
        user_agent: str = USER_AGENT,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"Not an API address: {base_url!r}")
        if not token or not token.isprintable() or token != token.strip():
            raise ValueError("A CourtListener API token is required (printable, no spaces).")
        if min(min_interval, max_retries, backoff) < 0 or min(timeout, max_bytes) <= 0:
            raise ValueError("min_interval, max_retries, backoff >= 0; timeout, max_bytes > 0")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.min_interval, self.max_retries, self.backoff = min_interval, max_retries, backoff
        self.timeout, self.max_bytes = timeout, max_bytes
        self.session = session or requests.Session()
        self.headers = {"Authorization": f"Token {token}", "User-Agent": user_agent}
        self.headers["Accept"] = "application/json"
        self._sleep, self._clock = sleep, clock
        self._last_call: float | None = None

    def docket(self, docket_id: int) -> Docket:
        docket_id = _id(docket_id, "docket_id")
        answer = self._call("GET", f"dockets/{docket_id}/")
        with _as_documented():
            docket = _docket(answer, "docket", search=False)
        if docket.id != docket_id:
            raise Unreachable(f"CourtListener answered docket {docket.id} for {docket_id}")
        return docket

    def entries(self, docket_id: int, *, filed_after: dt.date | None = None) -> Iterator[Entry]:
        """The docket's entries (filed on or after `filed_after`, or with no date), page after
        page, in the order CourtListener added them (by id)."""
        docket_id = _id(docket_id, "docket_id")
        params = {"docket": str(docket_id), "order_by": "id"}
        params["omit"] = "recap_documents__plain_text"
        if filed_after is not None:
            params["date_filed__gte"] = filed_after.isoformat()
        for page in self._pages("docket-entries/", params):
            with _as_documented():
                entries = _entries(page, "results", webhook=False, docket_id=docket_id)
            for entry in entries:
                if not (filed_after and entry.date_filed and entry.date_filed < filed_after):
                    yield entry

    def subscribe(self, docket_id: int) -> int:
        """Create a docket alert (webhook events for the docket's new entries); its id."""
        docket_id = _id(docket_id, "docket_id")
        answer = self._call("POST", "docket-alerts/", data={"docket": str(docket_id)})
        with _as_documented():
            alert = _object(answer, "alert")
            if _at(alert, "docket", "alert", _id) != docket_id:
                raise InvalidPayload("alert.docket", f"not {docket_id}")
            return _at(alert, "id", "alert", _id)

    def unsubscribe(self, alert_id: int) -> None:
        """Delete a docket alert; one that is already gone (404) counts as deleted."""
        alert_id = _id(alert_id, "alert_id")
        try:
            self._call("DELETE", f"docket-alerts/{alert_id}/")
        except Refused as error:
            if error.status != 404:
                raise

    def search_dockets(
        self, query: str, *, filed_after: dt.date | None = None, limit: int = 50
    ) -> list[Docket]:
        """Federal cases (search type=r) matching `query`, filed on or after `filed_after`."""
        if not query.strip() or len(query) > 1_000:
            raise ValueError("A search query of 1 to 1,000 characters is required.")
        if not 0 < limit <= 1_000:
            raise ValueError("limit: 1 to 1,000")
        params = {"type": "r", "q": query}
        if filed_after is not None:
            params["filed_after"] = filed_after.isoformat()
        found: dict[int, Docket] = {}
        for page in self._pages("search/", params):
            with _as_documented():
                dockets = [_docket(raw, f"results[{n}]", search=True) for n, raw in enumerate(page)]
            for docket in dockets:
                found.setdefault(docket.id, docket)
                if len(found) >= limit:
                    return list(found.values())
        return list(found.values())

    def _pages(self, path: str, params: dict[str, str] | None) -> Iterator[list[Any]]:
        url, seen = path, set()
        for _ in range(MAX_PAGES):
            answer = self._call("GET", url, params=params)
            with _as_documented():
                results, following = _page(answer, "page")
            yield results
            if following is None:
                return
            url, params = self._next_page(following), None
            if url in seen:
                raise Unreachable(f"CourtListener's pages loop back to {url}")
            seen.add(url)
        raise Unreachable(f"More than {MAX_PAGES} pages at {path}")

    def _next_page(self, url: str) -> str:
        """A `next` address, followed only on the API's own scheme, host, port and path."""
        base, parts = urlsplit(self.base_url), urlsplit(url)
        same = (parts.scheme, parts.netloc.lower()) == (base.scheme, base.netloc.lower())
        if not same or not parts.path.startswith(base.path):
            raise Unreachable(f"Not following a next page away from {self.base_url}: {url[:200]}")
        return url

    def _call(
        self, method: str, path: str, *, params: dict[str, str] | None = None, data: Any = None
    ) -> Any:
        url = urljoin(self.base_url, path)
        problem, status, wait, detail = "no answer", None, 0.0, ""
        for attempt in range(self.max_retries + 1):
            self._pace()
            try:
                status, headers, body = self._send(method, url, params, data)
            except requests.RequestException as error:
                problem, status, wait = type(error).__name__, None, self._backoff(attempt)
            else:
                if 200 <= status < 300:
                    if not body.strip():
                        return None
                    with _as_documented():
                        return _loads(body, "answer")
                with contextlib.suppress(ValueError, AttributeError):  # DRF's {"detail": ...}
                    detail = str(json.loads(body).get("detail", ""))[:200]
                if status == 429:
                    problem = "429 Too Many Requests"
                    wait = _retry_after(headers.get("Retry-After"))
                    wait = self._backoff(attempt) if wait is None else wait
                elif status >= 500:
                    problem, wait = f"{status} {detail}".strip(), self._backoff(attempt)
                else:
                    raise Refused(f"{method} {url}: {status} {detail}".strip(), status=status)
            if attempt < self.max_retries:
                logger.info("CourtListener: %s %s: %s; again in %.1f s", method, url, problem, wait)
                self._sleep(wait)
        attempts = self.max_retries + 1
        raise Unreachable(f"{method} {url}: {problem} after {attempts} attempts", status=status)

    def _send(
        self, method: str, url: str, params: dict[str, str] | None, data: Any
    ) -> tuple[int, Any, bytes]:
        """Status, headers and body; a body over max_bytes raises Unreachable (an error answer's
        is cut at 2,000 bytes, for its `detail`)."""
        options = {"headers": self.headers, "timeout": self.timeout, "allow_redirects": False}
        with self.session.request(
            method, url, params=params, data=data, stream=True, **options
        ) as response:
            ok = 200 <= response.status_code < 300
            limit = self.max_bytes if ok else 2_000
            declared = response.headers.get("Content-Length", "")
            too_large = Unreachable(f"{method} {url}: answer over {limit:,} bytes")
            if ok and declared.isdigit() and int(declared) > limit:
                raise too_large
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    if ok:
                        raise too_large
                    break
                chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks)

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff * 2**attempt, MAX_BACKOFF)

    def _pace(self) -> None:
        if self._last_call is not None:
            wait = self.min_interval - (self._clock() - self._last_call)
            if wait > 0:
                self._sleep(wait)
        self._last_call = self._clock()


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number of seconds or an HTTP date), at most MAX_RETRY_AFTER."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    with contextlib.suppress(TypeError, ValueError, IndexError):
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is not None:
            seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
            return min(max(seconds, 0.0), MAX_RETRY_AFTER)
    return None
