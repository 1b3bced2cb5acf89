"""Reads of source documents: which sources a user may know exist, and search over their text.

Who sees what (permissions.py): nobody who cannot read the tracker sees any source; a sensitive
source (it may name people in custody) exists only for editors. Every read here applies that, so
a page, the API, a feed or the search box built on these selectors cannot leak one:
- `visible_sources(user)`: the sources a user may open, list, download or find;
- `sources_shown_to(sources, user)`: the sources cited on a record as a reader is shown them: a
  sensitive one is, to a newsroom member who is not an editor, only "a sensitive source (editors
  only)" (WithheldSource: no title, no address), and to anyone else (anonymous readers of a
  public instance) nothing at all;
- `activity_shown_to(events, user)`: the event log without events about sensitive sources for
  readers outside the newsroom (those events never name the source; see services/sources.py).

Search: each page's text is matched with `websearch_to_tsquery` (quotes for a phrase, `or`,
`-word`), in the English configuration with stemming ("released" finds "release"), through the
GIN index on the pages. A source is listed once, at its best-ranked page (the lowest page number
among equals), with a snippet around the match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from requests_tracker import permissions
from requests_tracker.models import (
    SEARCH_CONFIG,
    SENSITIVE_SOURCE_LABEL,
    Activity,
    Source,
    SourcePage,
    about_sensitive_source,
)
from requests_tracker.models.search import StoredSearchVector
from requests_tracker.selectors import visibility

# Private-use characters (stripped from stored text) mark the matched words in a snippet, so the
# document's own text can be escaped before the marks become <mark> tags.
MATCH_START = "\ue000"
MATCH_END = "\ue001"
DEFAULT_LIMIT = 50
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class DocumentHit:
    """One source whose document matched: the page the best match is on and the text around it."""

    source: Source
    page: int
    rank: float
    page_id: int = 0
    snippet: str = ""
    snippet_html: SafeString = mark_safe("")  # noqa: S308 (empty)


@dataclass(frozen=True)
class WithheldSource:
    """Stands in for a sensitive source cited on a record, for a newsroom member who may not see
    it: that one exists, and nothing else (no title, address, publisher or date)."""

    pk: int
    title: str = SENSITIVE_SOURCE_LABEL
    url: str = ""
    kind: None = None
    publisher: str = ""
    published_on: None = None
    withheld: bool = True

    @property
    def id(self) -> int:
        return self.pk


def visible_sources(user: Any, sources: QuerySet[Source] | None = None) -> QuerySet[Source]:
    """The sources `user` may know exist (among `sources`, default all): none without read
    access; sensitive ones for editors only; embargoed ones for journalists and editors only
    (selectors/visibility.py)."""
    sources = Source.objects.all() if sources is None else sources
    if not permissions.can_read(user):
        return sources.none()
    sources = visibility.shown_to(sources, user)
    if permissions.can_see_sensitive(user):
        return sources
    return sources.filter(sensitive=False)


def known_sources(user: Any) -> QuerySet[Source]:
    """The sources `user` is told of where they are cited (what sources_shown_to lists, as a
    queryset, for counts): all of them for newsroom members, the visible ones for anyone else."""
    if permissions.can_see_internal(user):
        return visibility.shown_to(Source.objects.all(), user)
    return visible_sources(user)


def sources_shown_to(sources: Iterable[Source], user: Any) -> list[Source | WithheldSource]:
    """The sources cited on a record (prefetched: no query here) as `user` is shown them.

    Editors: all of them. Other newsroom members: a sensitive one as a WithheldSource. Anyone
    else (an anonymous reader of a public instance): without the sensitive ones, as if they were
    not there, so a fact backed only by sensitive sources reads as unsourced to the public.
    An embargoed source is for journalists and editors only: anyone else is not told of it.
    (SourceSight.of(user).shown(sources) is the same, with the reader's rights read once for
    every record of a page.)
    """
    return SourceSight.of(user).shown(sources)


@dataclass(frozen=True)
class SourceSight:
    """What one reader may be shown of the sources cited on records (sources_shown_to)."""

    embargoed: bool
    sensitive: bool
    told_of_withheld: bool

    @classmethod
    def of(cls, user: Any) -> SourceSight:
        return cls(
            embargoed=permissions.can_see_embargoed(user),
            sensitive=permissions.can_see_sensitive(user),
            told_of_withheld=permissions.can_see_internal(user),
        )

    def shown(self, sources: Iterable[Source]) -> list[Source | WithheldSource]:
        if not self.embargoed:
            sources = [source for source in sources if not source.embargoed]
        if self.sensitive:
            return list(sources)
        shown: list[Source | WithheldSource] = []
        for source in sources:
            if not source.sensitive:
                shown.append(source)
            elif self.told_of_withheld:
                shown.append(WithheldSource(pk=source.pk))
        return shown


def source_shown_to(source: Source | None, user: Any) -> Source | WithheldSource | None:
    """One cited source (a figure's, a county's sanctuary status's) as `user` is shown it."""
    shown = sources_shown_to([source] if source is not None else [], user)
    return shown[0] if shown else None


def activity_shown_to(events: QuerySet[Activity], user: Any) -> QuerySet[Activity]:
    """The events `user` may read: events about sensitive sources (which name none) are for
    newsroom members only; anonymous readers of a public instance and webhooks never get them.
    Events held by an embargo are for journalists and editors only (selectors/visibility.py)."""
    events = visibility.shown_to(events, user)
    if permissions.can_see_internal(user):
        return events
    return events.exclude(about_sensitive_source())


def source_for_page(pk: int, user: Any) -> Source | None:
    """The source shown at /sources/<pk>/ if `user` may see it, with who entered and verified it."""
    return visible_sources(user).select_related("created_by", "verified_by").filter(pk=pk).first()


@dataclass(frozen=True)
class Citation:
    """A record that cites a source, as its page lists it: what it is and where it is."""

    kind: str
    label: str
    url: str
    on: Any


def citations_of(source: Source, reader: Any) -> list[Citation]:
    """Everything that cites `source` that `reader` may meet: campaigns, requests, responses,
    escalations and reported figures, each named and linked (the newest first within each
    kind). Five queries."""

    def shown(records: QuerySet) -> QuerySet:
        return visibility.shown_to(records, reader)

    found: list[Citation] = []
    for campaign in source.campaigns.order_by("-issued_on", "-id"):
        found.append(
            Citation("Campaign", campaign.title, campaign.get_absolute_url(), campaign.issued_on)
        )
    for r in shown(source.requests.select_related("county")).order_by("-issued_on", "-id"):
        label = f"{r.county.name}, {r.county.state}: request of {r.issued_on:%Y-%m-%d}"
        found.append(Citation("Request", label, r.get_absolute_url(), r.issued_on))
    for kind, on_requests, dated in (
        ("Response", source.responses, "received_on"),
        ("Escalation", source.escalations, "issued_on"),
    ):  # each shown on its request's page, under its own anchor
        for entry in shown(on_requests.select_related("request__county")).order_by(f"-{dated}"):
            county = entry.request.county
            label = f"{county.name}, {county.state}: {entry.get_kind_display().lower()}"
            url = f"{entry.request.get_absolute_url()}#{kind.lower()}-{entry.pk}"
            found.append(Citation(kind, label, url, getattr(entry, dated)))
    figures = shown(source.figures.select_related("county", "metric"))
    for figure in figures.order_by("-period_end", "-id"):
        label = f"{figure.place}: {figure.metric.name}"
        found.append(
            Citation("Reported figure", label, figure.get_absolute_url(), figure.period_end)
        )
    return found


def first_lines(source: Source, *, lines: int = 12, characters: int = 1200) -> str:
    """The opening lines of the document's text (its first page with text), for a preview."""
    page = source.pages.order_by("number").values_list("text", flat=True).first()
    if not page:
        return ""
    opening = "\n".join(line for line in page.splitlines() if line.strip())
    kept = "\n".join(opening.splitlines()[:lines])
    return kept if len(kept) <= characters else kept[:characters].rsplit(" ", 1)[0] + " …"


def search_documents(
    query: str, user: Any, *, limit: int = DEFAULT_LIMIT, snippets: bool = True
) -> list[DocumentHit]:
    """The sources `user` may see whose document text matches `query`, best match first, each at
    its best page. Matched and ranked on the pages' stored vectors (no text is parsed again);
    `snippets` makes the text around each match too (ts_headline reads the page's text: ask
    `with_snippets` for only the hits a page shows)."""
    query = query.strip()
    if not query or not permissions.can_read(user):
        return []
    search = web_search_query(query)
    vector = StoredSearchVector()
    matching = (
        SourcePage.objects.filter(source__in=visible_sources(user))
        .alias(vector=vector)
        .filter(vector=search)
    )
    best_page_per_source = (
        matching.annotate(rank=SearchRank(vector, search))
        .order_by("source_id", "-rank", "number")
        .distinct("source_id")
        .values("pk")
    )
    rows = (
        SourcePage.objects.filter(pk__in=best_page_per_source)
        .annotate(rank=SearchRank(vector, search))
        .select_related("source")
        .defer("text")
        .order_by("-rank", "-source__published_on", "source_id")[:limit]
    )
    hits = [DocumentHit(row.source, row.number, float(row.rank), row.pk) for row in rows]
    return with_snippets(hits, query) if snippets else hits


def with_snippets(hits: Sequence[DocumentHit], query: str) -> list[DocumentHit]:
    """`hits` with the text around the match on each one's page (one query for them all)."""
    if not hits:
        return list(hits)
    search = web_search_query(query.strip())
    headlines = dict(
        SourcePage.objects.filter(pk__in=[hit.page_id for hit in hits])
        .annotate(headline=marked_headline("text", search))
        .values_list("pk", "headline")
    )
    return [
        _hit(hit.source, hit.page, headlines.get(hit.page_id, ""), hit.rank, hit.page_id)
        for hit in hits
    ]


def sources_matching_text(query: str, user: Any) -> QuerySet[Source]:
    """The visible sources whose document text matches `query` (for list filters such as `?q=`)."""
    query = query.strip()
    visible = visible_sources(user)
    if not query:
        return visible.none()
    pages = SourcePage.objects.alias(vector=StoredSearchVector()).filter(
        vector=web_search_query(query)
    )
    return visible.filter(pk__in=pages.values("source_id"))


def web_search_query(query: str) -> SearchQuery:
    """`query` read as a search box's words are ("quoted phrases", or, -not), in the search
    configuration every stored vector is made with."""
    return SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")


def marked_headline(text: Any, search: SearchQuery) -> SearchHeadline:
    """The text around the matches of `search` in `text` (a column or an expression), the
    matched words between MATCH_START and MATCH_END: how every search snippet is cut."""
    return SearchHeadline(
        text,
        search,
        config=SEARCH_CONFIG,
        start_sel=MATCH_START,
        stop_sel=MATCH_END,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def fold_whitespace(text: str) -> str:
    """`text` with each run of white space one space, and none at either end."""
    return _WHITESPACE.sub(" ", text).strip()


def marked_html(marked: str) -> SafeString:
    """A snippet with its white space folded, escaped, with `<mark>` only where the markers
    were."""
    html = (
        escape(fold_whitespace(marked)).replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>")
    )
    return mark_safe(html)  # escaped above; the only tags are the marks


def _hit(source: Source, page: int, marked: str, rank: float, page_id: int) -> DocumentHit:
    marked = fold_whitespace(marked)
    return DocumentHit(
        source=source,
        page=page,
        rank=float(rank),
        page_id=page_id,
        snippet=marked.replace(MATCH_START, "").replace(MATCH_END, ""),
        snippet_html=marked_html(marked),
    )
