"""What the one search box reads on each record, and how much each part counts.

Requests, responses, escalations and sources each have a `search_vector` column (a tsvector) with
a GIN index. A request is found by its county's name and its campaign's title,
which live on other tables, so an expression index over the row cannot hold them: the vector is
stored, and PostgreSQL keeps it current with triggers (migration 0014) before every insert and
every update of a field listed here, and when a county is renamed or a campaign retitled. The
database does it in the same transaction as the write, whichever path wrote: a service,
issue_campaign's bulk insert, load_counties' bulk update, an import, a test's factory. Keeping it
in the services instead would need every one of those paths, now and later, to remember it.

The column is not a model field, on purpose: the ORM never loads a vector with a row (a page of
200 requests would carry 200 vectors it never shows), never writes one, and history and exports
never copy one. Queries reach it through StoredSearchVector, in selectors/search.py only.

SEARCH_FIELDS is the list both sides read: the triggers index exactly these fields with these
weights (tests/test_search_vectors.py checks every entry against the database), and snippets
are made from the same fields. Weights: A the names a journalist types (county, campaign title,
a source's title, the kind of answer or escalation: "declined", "subpoena"), B what was said
(summaries, quotations, officials, legal authority), C the fine print (deadline rule, legal
basis, court, case number, publisher), D the newsroom's internal note, searched only for readers
who may see it. The text search configuration is SEARCH_CONFIG
(English, with stemming: "declined" finds "decline"), as for document pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.db.models import Expression

INTERNAL_WEIGHT = "D"
"""The weight internal notes are indexed at: searches for anonymous readers leave it out."""

WEIGHT_VALUES = {"D": 0.1, "C": 0.2, "B": 0.4, "A": 1.0}
"""How much a match counts at each weight (PostgreSQL's ts_rank defaults)."""

SEARCH_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "datarequest": (
        ("A", "county__name"),
        ("A", "campaign__title"),
        ("B", "summary"),
        ("B", "legal_authority"),
        ("B", "addressee"),
        ("C", "due_rule"),
        ("D", "internal_note"),
    ),
    "response": (
        ("A", "request__county__name"),
        ("A", "kind"),
        ("B", "summary"),
        ("B", "quotation"),
        ("B", "official"),
        ("C", "legal_basis_cited"),
    ),
    "escalation": (
        ("A", "request__county__name"),
        ("A", "kind"),
        ("B", "summary"),
        ("C", "court"),
        ("C", "case_number"),
    ),
    "source": (
        ("A", "title"),
        ("C", "publisher"),
    ),
}
"""(weight, field path) per model (its model_name); paths through `__` are on other tables."""


PUBLIC_VECTOR_MODELS = frozenset({"datarequest"})
"""Models whose vector holds internal text, and so have a `public_search_vector` beside it (the
same vector without weight D: migration 0018)."""


class StoredSearchVector(Expression):
    """A stored vector column of the queryset's own table: `search_vector`, or with `public`
    the one that leaves internal notes out (`public_search_vector`, where there is one)."""

    output_field = SearchVectorField()

    def __init__(self, *, public: bool = False) -> None:
        super().__init__()
        self.column = "public_search_vector" if public else "search_vector"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list]:
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{self.column}", []
