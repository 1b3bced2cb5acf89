"""Keyset (cursor) paging: the order a list pages by (`ordering_of`, `rows_after`, shared with
the API's cursors in api/pagination.py) and the signed cursors of the journalists' pages.

A page link carries a cursor: the ordering values of the row at the page's edge and which way to
go from it. The next page is the rows strictly after the last row shown, in the list's own
order; the previous page the rows strictly before the first. Unlike a page number, this reads
only the rows shown (an index on the ordering serves it where one exists, instead of skipping
an offset), and a request added or changed while a reader pages neither repeats nor hides a row.
Every ordering ends with the id, so an edge is one row.

Cursors are signed (django.core.signing, with the list's ordering inside): a cursor that was
changed by hand, cut short, or made for another order is refused with `BadCursor`, which the
pages show as a 400 with the first page and a message, never a 500.

Counts are capped: `capped_count` counts at most `cap + 1` matching rows, so a page says
"more than 1,000" instead of counting a million rows on every page.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db.models import Field, Q, QuerySet

SALT = "requests_tracker.web.keyset"
MAX_CURSOR_LENGTH = 1000
FORWARD = "n"
BACKWARD = "p"
BAD_CURSOR_MESSAGE = (
    "This page link is not valid (it was changed, cut short or made for another order); "
    "here is the first page."
)


class BadCursor(ValueError):
    """A cursor that was not made by this list, for this order."""


@dataclass
class KeysetPage:
    """One page of a list, with the cursors of its neighbours."""

    object_list: list[Any]
    has_next: bool = False
    has_previous: bool = False
    next_cursor: str = ""
    previous_cursor: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def encode(order: Sequence[str], direction: str, position: Sequence[Any]) -> str:
    """A signed cursor for `position` (a row's ordering values) in `order`."""
    return signing.dumps(
        {"o": list(order), "d": direction, "v": [_jsonable(v) for v in position]},
        salt=SALT,
        compress=True,
    )


def decode(cursor: str, order: Sequence[str]) -> tuple[str, list[Any]]:
    """(direction, position) of a cursor made by `encode` for `order`; else BadCursor."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor("too long")
    try:
        payload = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        raise BadCursor("not signed by us") from None
    if (
        not isinstance(payload, dict)
        or payload.get("o") != list(order)
        or payload.get("d") not in (FORWARD, BACKWARD)
        or not isinstance(payload.get("v"), list)
        or len(payload["v"]) != len(order)
    ):
        raise BadCursor("made for another list or order")
    return payload["d"], [_from_json(v) for v in payload["v"]]


def queryset_page(queryset: QuerySet, cursor: str | None, *, per_page: int) -> KeysetPage:
    """The page of `queryset` (ordered by names ending with the id; no value may be null) that
    `cursor` points at, or its first page; two neighbours' cursors. One query."""
    order = ordering_of(queryset)
    direction, position = (FORWARD, None)
    if cursor:
        direction, position = decode(cursor, order)
    if direction == BACKWARD:
        queryset = queryset.order_by(*(_reverse(term) for term in order))
        walk = [_reverse(term) for term in order]
    else:
        walk = order
    if position is not None:
        queryset = queryset.filter(rows_after(walk, position))
    rows = list(queryset[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if direction == BACKWARD:
        rows.reverse()
    came_from_elsewhere = position is not None

    def edge(row: Any) -> list[Any]:
        return [getattr(row, term.lstrip("-")) for term in order]

    page = KeysetPage(rows)
    page.has_next = more if direction == FORWARD else came_from_elsewhere
    page.has_previous = came_from_elsewhere if direction == FORWARD else more
    if rows:
        page.next_cursor = encode(order, FORWARD, edge(rows[-1])) if page.has_next else ""
        page.previous_cursor = encode(order, BACKWARD, edge(rows[0])) if page.has_previous else ""
    return page


def list_page(
    rows: Sequence[Any],
    cursor: str | None,
    *,
    per_page: int,
    order: Sequence[str],
    key: Callable[[Any], Any],
) -> KeysetPage:
    """The page of `rows` (a list already in `order`, each identified by `key`) after or before
    the row a cursor names, or the first page. For lists read whole anyway (a campaign's
    counties, a few thousand rows at most): a cursor naming a row no longer in the list (it
    was deleted) is refused like a damaged one."""
    full = [*order, "key"]
    start = 0
    if cursor:
        direction, position = decode(cursor, full)
        edge = position[-1]
        index = next((i for i, row in enumerate(rows) if key(row) == edge), None)
        if index is None:
            raise BadCursor("the row it names is gone")
        start = index + 1 if direction == FORWARD else max(index - per_page, 0)
    shown = list(rows[start : start + per_page])
    page = KeysetPage(shown)
    page.has_previous = start > 0
    page.has_next = start + per_page < len(rows)
    if shown:
        padding = [None] * len(order)
        if page.has_next:
            page.next_cursor = encode(full, FORWARD, [*padding, key(shown[-1])])
        if page.has_previous:
            page.previous_cursor = encode(full, BACKWARD, [*padding, key(shown[0])])
    return page


class CountedPaginator(Paginator):
    """A page-number paginator for a short list (counties) whose rows are costly to count
    (annotated with tallies): it counts `count_of`, the same rows without the annotations."""

    def __init__(self, object_list: Any, per_page: int, *, count_of: QuerySet) -> None:
        super().__init__(object_list, per_page)
        self.count_of = count_of

    @cached_property
    def count(self) -> int:
        return self.count_of.count()


def capped_count(queryset: QuerySet, cap: int) -> int:
    """How many rows `queryset` has, counting no further than `cap + 1` (more than `cap`
    reads as cap + 1): PostgreSQL stops reading at the limit instead of counting every row."""
    return queryset.order_by().values("pk")[: cap + 1].count()


def _reverse(term: str) -> str:
    return term[1:] if term.startswith("-") else f"-{term}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if "t" in value:
            return dt.datetime.fromisoformat(value["t"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
    return value


def ordering_of(queryset: QuerySet) -> list[str]:
    """The queryset's explicit order_by, names of fields or annotations ("-issued_on"), which
    must end with the id: what keyset paging pages by (here and on the web pages)."""
    terms = [term for term in queryset.query.order_by if isinstance(term, str)]
    if not terms or len(terms) != len(queryset.query.order_by):
        raise ImproperlyConfigured("Keyset paging needs an explicit order_by of field names.")
    if terms[-1].lstrip("-") not in ("id", "pk"):
        raise ImproperlyConfigured("Keyset paging needs the ordering to end with the id.")
    return terms


def rows_after(
    ordering: Sequence[str], position: Sequence[Any], *, nullable: Collection[str] = ()
) -> Q:
    """Rows strictly after `position` in `ordering` (terms as in order_by): (a > x) or
    (a = x and b > y) or ...

    Terms named in `nullable` may hold null, which PostgreSQL sorts after every value going
    up and before every value going down (its default): after x going up come the larger
    values and the nulls; after a null going down come all the values."""
    alternatives = []
    equal = Q()
    for term, value in zip(ordering, position, strict=True):
        name = term.lstrip("-")
        descending = term.startswith("-")
        may_be_null = name in nullable
        if value is None:
            after = Q(**{f"{name}__isnull": False}) if descending else None
            same = Q(**{f"{name}__isnull": True})
        else:
            after = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            if may_be_null and not descending:
                after |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        if after is not None:
            alternatives.append(equal & after)
        equal &= same
    if not alternatives:
        return Q(pk__in=[])
    return functools.reduce(operator.or_, alternatives)


def field_of(queryset: QuerySet, name: str) -> Field:
    """The model field (or annotation's output field) an ordering name reads, following
    relations (`county__state`)."""
    if name in queryset.query.annotations:
        return queryset.query.annotations[name].output_field
    model = queryset.model
    *path, last = name.split("__")
    for part in path:
        model = model._meta.get_field(part).related_model
    return model._meta.pk if last == "pk" else model._meta.get_field(last)


def nullable_terms(queryset: QuerySet, ordering: Sequence[str]) -> set[str]:
    """The ordering names whose value may be null: a nullable field, one reached through a
    nullable relation, or an annotation (whose nulls the database decides)."""
    found = set()
    for term in ordering:
        name = term.lstrip("-")
        if name in queryset.query.annotations:
            found.add(name)
            continue
        model = queryset.model
        *path, last = name.split("__")
        for part in path:
            relation = model._meta.get_field(part)
            if relation.null:
                found.add(name)
            model = relation.related_model
        if last != "pk" and model._meta.get_field(last).null:
            found.add(name)
    return found


def value_at(row: Any, name: str) -> Any:
    """A row's value for an ordering name: a key of a `.values()` dict, else an attribute,
    following relations (`county__state`; null once a relation is empty)."""
    if isinstance(row, dict):
        return row[name]
    value = row
    for part in name.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    return value
