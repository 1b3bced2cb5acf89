"""A request's search vector without its internal note, for readers who may not see notes.

The stored `search_vector` holds the internal note at weight D. Matching a reader's query
against it and only then re-checking the public words let a query's `-word` drop requests whose
note held the word, so anyone could guess a note word by word. `public_search_vector` is the
same vector without weight D, kept by the same trigger in the same statement, with its own GIN
index: readers outside the newsroom are matched and ranked on it alone (selectors/search.py).
Responses, escalations and sources hold no internal text: their one vector is public.
"""

from django.db import migrations

CONFIG = "'english'::regconfig"


def _weighted(weight, *expressions):
    text = expressions[0] if len(expressions) == 1 else f"concat_ws(' ', {', '.join(expressions)})"
    return f"setweight(to_tsvector({CONFIG}, coalesce({text}, '')), '{weight}')"


# The request's vector as migration 0014 made it (unchanged), then its public part.
VECTOR = " || ".join(
    [
        _weighted("A", "(SELECT name FROM requests_tracker_county WHERE id = NEW.county_id)"),
        _weighted("A", "(SELECT title FROM requests_tracker_campaign WHERE id = NEW.campaign_id)"),
        _weighted("B", "NEW.summary", "NEW.legal_authority", "NEW.addressee"),
        _weighted("C", "NEW.due_rule"),
        _weighted("D", "NEW.internal_note"),
    ]
)
PUBLIC_WEIGHTS = "'{a,b,c}'"

FORWARDS = [
    "ALTER TABLE requests_tracker_datarequest ADD COLUMN public_search_vector tsvector",
    "CREATE OR REPLACE FUNCTION requests_tracker_datarequest_search_vector() RETURNS trigger "
    "LANGUAGE plpgsql AS $$\nBEGIN\n"
    f"    NEW.search_vector := {VECTOR};\n"
    f"    NEW.public_search_vector := ts_filter(NEW.search_vector, {PUBLIC_WEIGHTS});\n"
    "    RETURN NEW;\nEND\n$$",
    "UPDATE requests_tracker_datarequest "
    f"SET public_search_vector = ts_filter(search_vector, {PUBLIC_WEIGHTS})",
    "CREATE INDEX datarequest_public_search ON requests_tracker_datarequest "
    "USING gin (public_search_vector)",
]
BACKWARDS = [
    "CREATE OR REPLACE FUNCTION requests_tracker_datarequest_search_vector() RETURNS trigger "
    f"LANGUAGE plpgsql AS $$\nBEGIN\n    NEW.search_vector := {VECTOR};\n    RETURN NEW;\nEND\n$$",
    "ALTER TABLE requests_tracker_datarequest DROP COLUMN public_search_vector",
]


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0017_document_reading_bookkeeping"),
    ]

    operations = [migrations.RunSQL(FORWARDS, BACKWARDS, elidable=False)]
