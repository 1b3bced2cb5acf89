"""Sortable tables: one way for every page to read `?sort=<column>&order=asc|desc`, check it, and
draw the column headings as links.

A page declares its table's columns (key, label, what it sorts by) and calls read_sort with the
request's parameters. An unknown column is reported (`Sort.error`, shown above the table) and the
default used instead: never a 500. A page with two sortable tables gives each a prefix
(`overdue_sort=`, `overdue_order=`), so sorting one leaves the other alone.

Headings are links to the same page with every other parameter kept (filters, the search) and
the page number or cursor dropped (sorted differently, page 3 holds other rows, and a cursor is
made for one order); the sorted column carries
`aria-sort` and an arrow, and its link reverses the direction. Pagination links keep the sort
(`{% querystring %}` keeps every parameter) and so do CSV links, built with `Sort.params`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import OrderBy
from django.http import QueryDict

ASCENDING = "asc"
DESCENDING = "desc"


@dataclass(frozen=True)
class Column:
    """A table column. `order_by` sorts it ascending in the database (field names, `-name`, or
    OrderBy expressions); descending reverses each term. A table sorted in Python (the campaign
    comparison) leaves it empty and sorts by the key itself."""

    key: str
    label: str
    order_by: tuple[Any, ...] = ()
    numeric: bool = False
    descending_first: bool = False
    """Its first click shows the largest first (days overdue, counts)."""
    sortable: bool = True


@dataclass(frozen=True)
class Heading:
    """What a column heading shows: its label, its link, whether (and how) it is sorted."""

    key: str
    label: str
    href: str
    numeric: bool
    sortable: bool
    aria_sort: str
    """"ascending" or "descending" on the sorted column, "" elsewhere."""


@dataclass(frozen=True)
class Sort:
    """The order a table is shown in: its column, its direction, and a message when the
    column asked for does not exist."""

    columns: tuple[Column, ...]
    key: str
    descending: bool
    error: str = ""
    prefix: str = ""
    anchor: str = ""
    chosen: bool = False
    """The reader asked for this order (not the default)."""

    @property
    def column(self) -> Column:
        return next(column for column in self.columns if column.key == self.key)

    @property
    def label(self) -> str:
        """The sorted column's heading ("" when no column is sorted)."""
        return self.column.label if self.key else ""

    @property
    def sort_param(self) -> str:
        return f"{self.prefix}sort"

    @property
    def order_param(self) -> str:
        return f"{self.prefix}order"

    def order_by(self, *ties: Any) -> list[Any]:
        """The ORM ordering: the column's terms (reversed when descending), then `ties`."""
        terms = list(self.column.order_by) if self.key else []
        if self.descending:
            terms = [_reversed(term) for term in terms]
        return [*terms, *ties]

    def params(self) -> dict[str, str]:
        """The query parameters that ask for this order (for CSV and export links)."""
        return {
            self.sort_param: self.key,
            self.order_param: DESCENDING if self.descending else ASCENDING,
        }

    def headings(self, params: QueryDict | Mapping[str, str]) -> list[Heading]:
        """The column headings, each linking to the page (`params`) sorted by it."""
        headings = []
        for column in self.columns:
            current = column.key == self.key
            # The sorted column's link reverses it; another starts in its first direction.
            descending = not self.descending if current else column.descending_first
            headings.append(
                Heading(
                    key=column.key,
                    label=column.label,
                    href=self._href(params, column.key, descending) if column.sortable else "",
                    numeric=column.numeric,
                    sortable=column.sortable,
                    aria_sort=(
                        ("descending" if self.descending else "ascending") if current else ""
                    ),
                )
            )
        return headings

    def _href(self, params: QueryDict | Mapping[str, str], key: str, descending: bool) -> str:
        query = _as_query_dict(params)
        for name in ("page", f"{self.prefix}page", "cursor", f"{self.prefix}cursor"):
            query.pop(name, None)
        query[self.sort_param] = key
        query[self.order_param] = DESCENDING if descending else ASCENDING
        return f"?{query.urlencode()}" + (f"#{self.anchor}" if self.anchor else "")


def read_sort(
    params: Mapping[str, str],
    columns: Sequence[Column],
    *,
    default: str,
    descending: bool = False,
    prefix: str = "",
    anchor: str = "",
    hidden: Sequence[str] = (),
) -> Sort:
    """The order asked for by `<prefix>sort` and `<prefix>order` (`desc`, else ascending;
    without `order`, the column's first direction), or `default` (in the `descending`
    direction) when none is asked for or the column is unknown (then with an error). A
    `default` of "" sorts by no column (a search's best match first). Columns `hidden` on
    this page are neither shown nor sortable."""
    columns = tuple(column for column in columns if column.key not in hidden)
    known = {column.key: column for column in columns if column.sortable}
    key = params.get(f"{prefix}sort") or ""
    order = params.get(f"{prefix}order") or ""
    if not key:
        return Sort(columns, default, descending, prefix=prefix, anchor=anchor)
    if key not in known:
        names = ", ".join(known)
        fallback = Sort(columns, default, descending).label.lower() or "best match"
        error = f"There is no column “{key}” to sort by ({names}); sorted by {fallback}."
        return Sort(columns, default, descending, error, prefix=prefix, anchor=anchor)
    if order not in (ASCENDING, DESCENDING):
        order = DESCENDING if known[key].descending_first else ASCENDING
    return Sort(columns, key, order == DESCENDING, prefix=prefix, anchor=anchor, chosen=True)


def _reversed(term: Any) -> Any:
    if isinstance(term, str):
        return term[1:] if term.startswith("-") else f"-{term}"
    if isinstance(term, OrderBy):
        return copy.copy(term).reverse_ordering()
    return term.desc()


def _as_query_dict(params: QueryDict | Mapping[str, str]) -> QueryDict:
    if isinstance(params, QueryDict):
        return params.copy()
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query[name] = value
    return query
