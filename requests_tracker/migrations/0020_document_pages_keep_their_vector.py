"""A document page keeps its tsvector: a stored column generated from its text, GIN-indexed.

The expression index over to_tsvector('english', text) found matching pages, but ranking them
parsed every matching page's text again (up to 200,000 characters each): ten uploaded PDFs made
a search for a common word take seconds. The stored vector is computed once, when the page is
written, and matching and ranking read it (selectors/documents.py); the expression index goes.
"""

from django.db import migrations

FORWARDS = [
    "ALTER TABLE requests_tracker_sourcepage ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED",
    "CREATE INDEX sourcepage_search ON requests_tracker_sourcepage USING gin (search_vector)",
]
BACKWARDS = ["ALTER TABLE requests_tracker_sourcepage DROP COLUMN search_vector"]


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0019_corrections_refer_to_linked_records"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="sourcepage", name="source_page_text_search"),
        migrations.RunSQL(FORWARDS, BACKWARDS, elidable=False),
    ]
