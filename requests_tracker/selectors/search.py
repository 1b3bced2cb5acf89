"""The one search: what the header's search box, `/search/`, `/requests/?q=`, `/counties/?q=`
and the API's `?q=` find, and in which order.

Matching. A record matches when its stored vector (models/search.py: county name and campaign
title first, then summaries, quotations, officials, legal authority and basis, court, case
number, source titles) matches the query read by `websearch_to_tsquery`: every word must be
there (stemmed, in English: "declined" finds "decline"), `"quoted words"` are a phrase, `or`
offers alternatives and `-word` excludes. The GIN index on the vector answers it. Counties are
matched by name, each word as typed (there are a few thousand; "los ang" finds Los Angeles).

Order. The best match first: a match counts by where it is (ts_rank with the weights A 1.0,
B 0.4, C 0.2, D 0.1), so a search for "Los Angeles" puts Los Angeles County's request, which
has it in its county's name, before requests that only mention it in a summary. Ties go to the
newest record.

Who sees what. Internal notes (weight D) are searched only for readers who may see them
(permissions.can_see_internal): anyone else is matched and ranked on the request's public vector
(the same without the note, migration 0018), so a note's words neither match, nor rank, nor
exclude (`-word`) anything for them; snippets are made from the other fields. A record under
embargo, or on an embargoed request, is not searched at all for readers outside the newsroom
(selectors/visibility.py): the rows are limited before the query is matched, so no word,
negation or total reveals one. The lists' `?q=` filters match within querysets already limited
the same way. Sources come
from documents.visible_sources (sensitive ones for editors only), and a source is also found by
the text of its document (documents.search_documents), with the page the best match is on.

Bounds. A query is at most MAX_QUERY_LENGTH characters (the forms and the API refuse longer
ones with a message); control characters are dropped; a query without a searchable word finds
nothing. A group of results costs two queries whatever its size (its total; its rows with
their snippets); the requests group one more, for their campaigns, and the sources group one
more, for document pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import connection, transaction
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    Model,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, NullIf
from django.utils.safestring import SafeString

from requests_tracker import permissions
from requests_tracker.models import (
    County,
    DataRequest,
    Escalation,
    Response,
    Source,
)
from requests_tracker.models.search import (
    INTERNAL_WEIGHT,
    PUBLIC_VECTOR_MODELS,
    SEARCH_FIELDS,
    StoredSearchVector,
)
from requests_tracker.selectors.documents import (
    MATCH_END,
    MATCH_START,
    DocumentHit,
    fold_whitespace,
    marked_headline,
    marked_html,
    search_documents,
    sources_matching_text,
    visible_sources,
    web_search_query,
    with_snippets,
)
from requests_tracker.selectors.id_arrays import id_in
from requests_tracker.selectors.visibility import shown_to

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
"""Words of a county-name search that count; more would only add conditions to one query."""
PREVIEW_ROWS = 5
"""Rows per group on the summary page; each group links to all of its rows."""
PREVIEW_CANDIDATES = 1000
"""The summary page ranks at most this many matches per group (the newest entered) and counts
up to here ("1,000+" beyond): a word found in every escalation would otherwise rank them all
to show five."""
DOCUMENT_HITS = 50
"""Document matches that rank a source and give its page number (the best ones)."""
FALLBACK_CONTEXT = 90
"""Characters either side of the first match in a source title's snippet."""
RANK = "search_rank"
"""The annotation every matching queryset carries: higher is a better match."""
SNIPPET_SEPARATOR = " · "

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ue000\ue001]")
_SEPARATORS = re.compile(r"[\s\"()&|!:*<>]+")


@dataclass(frozen=True)
class SearchHit:
    """One record found, with the text around the match (`<mark>` around the matched words)."""

    record: Any
    snippet_html: SafeString
    rank: float
    page: int | None = None
    """For a source found by its document: the page the best match is on."""


@dataclass(frozen=True)
class SearchGroup:
    """One kind of record found: how many in all, and the rows asked for (best first)."""

    key: str
    label: str
    total: int
    hits: list[SearchHit] = field(default_factory=list)
    capped: bool = False
    """There are more than `total` matches: the count stopped there (the summary page)."""

    @property
    def total_label(self) -> str:
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"


def clean_query(raw: str | None) -> str:
    """The query as searched: control characters dropped, spaces collapsed, at most
    MAX_QUERY_LENGTH characters (the forms refuse longer ones before it gets here)."""
    text = _CONTROL.sub(" ", raw or "")
    return fold_whitespace(text)[:MAX_QUERY_LENGTH]


def words_of(query: str) -> list[str]:
    """The words a county-name search looks for (and a snippet marks): operators and quotes are
    separators, a leading `-` is dropped, `or` is ignored; at most MAX_WORDS."""
    words = [word.strip("-") for word in _SEPARATORS.split(clean_query(query))]
    return [word for word in words if word and word.lower() != "or"][:MAX_WORDS]


# --- Matching: one queryset per kind of record, for the pages, the API and the search page ------


def matching_requests(queryset: QuerySet, query: str, user: Any) -> QuerySet[DataRequest]:
    """The requests of `queryset` that match, annotated RANK (the caller orders)."""
    return _matching(queryset, query, user)


def matching_responses(queryset: QuerySet, query: str, user: Any) -> QuerySet[Response]:
    """The responses of `queryset` that match, annotated RANK."""
    return _matching(queryset, query, user)


def matching_escalations(queryset: QuerySet, query: str, user: Any) -> QuerySet[Escalation]:
    """The escalations of `queryset` that match, annotated RANK."""
    return _matching(queryset, query, user)


def matching_sources(
    queryset: QuerySet,
    query: str,
    user: Any,
    *,
    document_hits: Sequence[DocumentHit] = (),
) -> QuerySet[Source]:
    """The sources of `queryset` that `user` may see and that match by title or publisher, or
    by the text of their document, annotated RANK: the title's rank plus, for the
    `document_hits` given (search_documents' best), the document's."""
    query = clean_query(query)
    visible = queryset.filter(pk__in=visible_sources(user).values("pk"))
    in_documents = Q(pk__in=sources_matching_text(query, user).values("pk"))
    search = web_search_query(query)
    vector = StoredSearchVector()
    # Two subqueries, each answered by its GIN index (sources, document pages); an OR of the
    # title match itself with the pages' subquery would scan every source.
    by_title = Source.objects.alias(stored_vector=vector).filter(stored_vector=search)
    matching = visible.filter(Q(pk__in=by_title.values("pk")) | in_documents)
    title_rank = SearchRank(vector, search)
    document_rank = Case(
        *(When(pk=hit.source.pk, then=Value(float(hit.rank))) for hit in document_hits),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return matching.annotate(**{RANK: Cast(title_rank, FloatField()) + document_rank})


def matching_counties(queryset: QuerySet, query: str) -> QuerySet[County]:
    """The counties of `queryset` whose name has every word, annotated RANK: a name that
    starts with the words first, then one that has them together, then the rest."""
    words = words_of(query)
    if not words:
        return queryset.none().annotate(**{RANK: Value(0.0)})
    for word in words:
        queryset = queryset.filter(name__icontains=word)
    phrase = " ".join(words)
    return queryset.annotate(
        **{
            RANK: Case(
                When(name__istartswith=phrase, then=Value(2.0)),
                When(name__icontains=phrase, then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        }
    )


def _fields(model_name: str, user: Any) -> list[tuple[str, str]]:
    """(weight, path) of the fields searched for `user`: internal notes only for the newsroom."""
    internal = permissions.can_see_internal(user)
    return [
        (weight, path)
        for weight, path in SEARCH_FIELDS[model_name]
        if internal or weight != INTERNAL_WEIGHT
    ]


def _matching(queryset: QuerySet, query: str, user: Any) -> QuerySet:
    model_name = queryset.model._meta.model_name
    query = clean_query(query)
    fields = _fields(model_name, user)
    search = web_search_query(query)
    # A reader who may not see internal notes is matched and ranked on the vector without
    # them, so neither a word of a note nor its negation (`-word`) changes what they find.
    public = model_name in PUBLIC_VECTOR_MODELS and len(fields) < len(SEARCH_FIELDS[model_name])
    vector = StoredSearchVector(public=public)
    queryset = queryset.alias(stored_vector=vector).filter(stored_vector=search)
    rank = SearchRank(vector, search)
    # float8, so a keyset cursor's position reads back exactly (ts_rank is a float4).
    return queryset.annotate(**{RANK: Cast(rank, FloatField())})


# --- The search page: results grouped by kind of record ----------------------------------------


@dataclass(frozen=True)
class _Group:
    label: str
    model_name: str
    rows: Callable[[], QuerySet]
    ties: tuple[Any, ...]
    """The order among equal matches: the newest first (counties by state and name)."""


GROUPS: dict[str, _Group] = {
    "requests": _Group(
        "Requests",
        "datarequest",
        # The campaign read apart: joined (a left join: a request may have none), PostgreSQL
        # expecting one candidate scanned every campaign once per candidate.
        lambda: DataRequest.objects.select_related("county").prefetch_related("campaign"),
        ("-issued_on", "-id"),
    ),
    "responses": _Group(
        "Responses",
        "response",
        lambda: Response.objects.select_related("request__county"),
        ("-received_on", "-id"),
    ),
    "escalations": _Group(
        "Escalations",
        "escalation",
        lambda: Escalation.objects.select_related("request__county"),
        ("-issued_on", "-id"),
    ),
    "sources": _Group(
        "Sources",
        "source",
        lambda: Source.objects.all(),
        (F("published_on").desc(nulls_last=True), "-id"),
    ),
    "counties": _Group("Counties", "county", lambda: County.objects.all(), ("state", "name")),
}
"""The groups of the search page, in the order it shows them (key: `?in=` on /search/)."""


@contextmanager
def _serial_plans() -> Iterator[None]:
    """Run the statements inside without PostgreSQL's parallel workers. Search reads by indexes
    and stops early (the newest matches, the candidates by their keys), so its statements take
    10-20 ms at a million requests; starting the workers took longer than that (26 and 64 ms
    with them, 11 and 18 without, for "subpoena"), and under load they only compete with the
    other readers for the same cores."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


def search(query: str, user: Any, *, rows: int = PREVIEW_ROWS) -> list[SearchGroup]:
    """Every group's best `rows` matches and its total, for the search page: thirteen queries
    (two per group, the requests' campaigns, one for document pages, one for the snippets of
    those shown) whatever they find, plus the setting of `_serial_plans`. Each group ranks its
    PREVIEW_CANDIDATES newest matches only, and counts up to there (`capped` beyond): its own
    page (`search_group` without `candidates`) ranks them all."""
    query = clean_query(query)
    with _serial_plans():
        documents = _document_hits(query, user)
        return [
            _search_group(
                key,
                query,
                user,
                offset=0,
                limit=rows,
                document_hits=documents,
                candidates=PREVIEW_CANDIDATES,
            )
            for key in GROUPS
        ]


def search_group(
    key: str,
    query: str,
    user: Any,
    *,
    offset: int = 0,
    limit: int = PREVIEW_ROWS,
    document_hits: list[DocumentHit] | None = None,
    candidates: int | None = None,
) -> SearchGroup:
    """One group's matches from `offset`, best first, with its total: two queries (the requests
    group one more for their campaigns, the sources group one more for document pages unless
    `document_hits` are given), plus the setting of `_serial_plans`.

    With `candidates`, only that many matches are ranked, the newest entered (read by the
    primary key's index, which stops after them), and the total counts up to `candidates`
    (`capped` when there are more)."""
    with _serial_plans():
        return _search_group(
            key,
            query,
            user,
            offset=offset,
            limit=limit,
            document_hits=document_hits,
            candidates=candidates,
        )


def _search_group(
    key: str,
    query: str,
    user: Any,
    *,
    offset: int,
    limit: int,
    document_hits: list[DocumentHit] | None,
    candidates: int | None,
) -> SearchGroup:
    """`search_group`, inside `_serial_plans`."""
    group = GROUPS[key]
    query = clean_query(query)
    if not query or not permissions.can_read(user):
        return SearchGroup(key, group.label, 0)
    if group.model_name == "source" and document_hits is None:
        document_hits = _document_hits(query, user)
    found = group_rows(key, query, user, document_hits=document_hits or [])
    capped = False
    if candidates is not None:
        newest = _found(group, query, user, document_hits or []).order_by("-pk")
        ids = list(newest.values_list("pk", flat=True)[: candidates + 1])
        capped = len(ids) > candidates
        ids = ids[:candidates]
        total = len(ids)
        # By the ids read: PostgreSQL then reads the candidates by their primary key, where an
        # IN over the subquery would have it scan every match again.
        found = found.filter(id_in("pk", ids))
    else:
        # Counted apart: a count over the index is cheap, where a window count over the rows
        # would carry every matching row's columns through a sort (100,000 rows for "jail").
        total = found.order_by().count()
    records = list(found[offset : offset + limit])
    by_source = {hit.source.pk: hit for hit in document_hits or ()}
    # Snippets of document text only for the sources shown (ts_headline reads the page's text).
    shown = [by_source[record.pk] for record in records if record.pk in by_source]
    by_source.update({hit.source.pk: hit for hit in with_snippets(shown, query)})
    hits = [_hit(group, record, query, user, by_source) for record in records]
    return SearchGroup(key, group.label, total, hits, capped=capped)


def group_rows(
    key: str, query: str, user: Any, *, document_hits: Sequence[DocumentHit] = ()
) -> QuerySet:
    """One group's matches, best first, each annotated RANK and (requests, responses,
    escalations) `search_snippet`, which PostgreSQL makes for the rows read only: slice it."""
    group = GROUPS[key]
    query = clean_query(query)
    found = _found(group, query, user, document_hits).order_by(f"-{RANK}", *group.ties)
    if group.model_name in ("datarequest", "response", "escalation"):
        found = found.annotate(search_snippet=_headline(group.model_name, query, user))
    return found


def _document_hits(query: str, user: Any) -> list[DocumentHit]:
    return search_documents(query, user, limit=DOCUMENT_HITS, snippets=False) if query else []


def _found(group: _Group, query: str, user: Any, document_hits: Sequence[DocumentHit]) -> QuerySet:
    rows = group.rows()
    if group.model_name == "county":
        return matching_counties(rows, query)
    # Before matching: a record under embargo is not there for a reader outside the newsroom,
    # so it neither matches, nor counts, nor is left out by a `-word` (selectors/visibility.py).
    rows = shown_to(rows, user)
    if group.model_name == "source":
        return matching_sources(rows, query, user, document_hits=document_hits)
    return _matching(rows, query, user)


def _snippet_text(model_name: str, user: Any) -> Any:
    """The fields a snippet is made from: the record's own text, the empty fields left out;
    names are shown as the hit's title."""
    paths = [path for weight, path in _fields(model_name, user) if weight != "A"]
    text = Func(
        Value(SNIPPET_SEPARATOR),
        *(NullIf(F(path), Value("")) for path in paths),
        function="concat_ws",
        output_field=TextField(),
    )
    # The match markers are private-use characters: none may come from the stored text.
    return Func(
        text,
        Value(MATCH_START + MATCH_END),
        Value(""),
        function="translate",
        output_field=TextField(),
    )


def _headline(model_name: str, query: str, user: Any) -> SearchHeadline:
    return marked_headline(_snippet_text(model_name, user), web_search_query(query))


def _hit(
    group: _Group, record: Model, query: str, user: Any, by_source: dict[int, DocumentHit]
) -> SearchHit:
    rank = float(getattr(record, RANK))
    document = by_source.get(record.pk) if group.model_name == "source" else None
    if document is not None:
        return SearchHit(record, document.snippet_html, rank, page=document.page)
    marked = getattr(record, "search_snippet", None)
    if marked is None and group.model_name != "county":
        marked = _marked_excerpt(_plain_snippet_text(group.model_name, record, user), query)
    return SearchHit(record, marked_html(marked or ""), rank)


def _plain_snippet_text(model_name: str, record: Model, user: Any) -> str:
    values = []
    for weight, path in _fields(model_name, user):
        if weight == "A":
            continue
        value = record
        for part in path.split("__"):
            value = getattr(value, part, None)
        if value:
            values.append(str(value))
    return _CONTROL.sub(" ", SNIPPET_SEPARATOR.join(values))


def _marked_excerpt(text: str, query: str) -> str:
    """About FALLBACK_CONTEXT characters either side of the first word found (cut at spaces),
    every word found marked; the opening of the text when none is."""
    words = words_of(query)
    folded = text.casefold()
    starts = [start for start in (folded.find(word.casefold()) for word in words) if start >= 0]
    first = min(starts) if starts else 0
    begin = max(first - FALLBACK_CONTEXT, 0)
    end = first + 2 * FALLBACK_CONTEXT
    if begin:
        begin = text.rfind(" ", 0, begin) + 1
    if end < len(text):
        space = text.find(" ", end)
        end = space if space >= 0 else len(text)
    excerpt = text[begin:end]
    if words:
        pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
        excerpt = pattern.sub(lambda match: MATCH_START + match.group(0) + MATCH_END, excerpt)
    return ("… " if begin else "") + excerpt + (" …" if end < len(text) else "")
