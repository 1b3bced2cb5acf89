"""Full-text search: a stored tsvector per request, response, escalation and source, with a GIN
index, kept current by PostgreSQL triggers (requests_tracker/models/search.py says why).

The vector is a database column, not a model field: the ORM never loads or writes it, history
does not copy it, and only the search selector reads it. The triggers index the fields of
SEARCH_FIELDS as of this migration, with their weights:

- a request: its county's name and its campaign's title (A); summary, legal authority, addressee
  (B); the deadline rule (C); the internal note (D, searched only for readers who may see it);
- a response: its request's county and its kind (A); summary, quotation, official (B); legal
  basis cited (C);
- an escalation: its request's county and its kind (A); summary (B); court and case number (C);
- a source: title (A); publisher (C).

A vector is computed before every insert and before every update that names one of those
fields (a service's save names them all; the overdue job's set-based update names none, so it
costs nothing); renaming a county or retitling a campaign recomputes the rows that show it.
Existing rows are filled here. Nothing happens on other databases: off PostgreSQL, search is a
plain substring match over the same fields.
"""

from django.db import migrations

CONFIG = "'english'::regconfig"


def _weighted(weight, *expressions):
    text = expressions[0] if len(expressions) == 1 else f"concat_ws(' ', {', '.join(expressions)})"
    return f"setweight(to_tsvector({CONFIG}, coalesce({text}, '')), '{weight}')"


REQUEST_COUNTY = "(SELECT name FROM requests_tracker_county WHERE id = NEW.county_id)"
REQUEST_CAMPAIGN = "(SELECT title FROM requests_tracker_campaign WHERE id = NEW.campaign_id)"
ENTRY_COUNTY = (
    "(SELECT c.name FROM requests_tracker_datarequest r "
    "JOIN requests_tracker_county c ON c.id = r.county_id WHERE r.id = NEW.request_id)"
)

VECTORS = {
    # table: (vector expression, the columns whose update recomputes it)
    "requests_tracker_datarequest": (
        " || ".join(
            [
                _weighted("A", REQUEST_COUNTY),
                _weighted("A", REQUEST_CAMPAIGN),
                _weighted("B", "NEW.summary", "NEW.legal_authority", "NEW.addressee"),
                _weighted("C", "NEW.due_rule"),
                _weighted("D", "NEW.internal_note"),
            ]
        ),
        [
            "county_id",
            "campaign_id",
            "summary",
            "legal_authority",
            "addressee",
            "due_rule",
            "internal_note",
        ],
    ),
    "requests_tracker_response": (
        " || ".join(
            [
                _weighted("A", ENTRY_COUNTY, "NEW.kind"),
                _weighted("B", "NEW.summary", "NEW.quotation", "NEW.official"),
                _weighted("C", "NEW.legal_basis_cited"),
            ]
        ),
        ["request_id", "kind", "summary", "quotation", "official", "legal_basis_cited"],
    ),
    "requests_tracker_escalation": (
        " || ".join(
            [
                _weighted("A", ENTRY_COUNTY, "NEW.kind"),
                _weighted("B", "NEW.summary"),
                _weighted("C", "NEW.court", "NEW.case_number"),
            ]
        ),
        ["request_id", "kind", "summary", "court", "case_number"],
    ),
    "requests_tracker_source": (
        " || ".join([_weighted("A", "NEW.title"), _weighted("C", "NEW.publisher")]),
        ["title", "publisher"],
    ),
}

# Touching a column (SET x = x) fires the dependent rows' own triggers, which recompute them.
CASCADES = {
    # table, column, condition: statements
    ("requests_tracker_county", "name"): [
        "UPDATE requests_tracker_datarequest SET county_id = county_id WHERE county_id = NEW.id",
        "UPDATE requests_tracker_response SET request_id = request_id WHERE request_id IN "
        "(SELECT id FROM requests_tracker_datarequest WHERE county_id = NEW.id)",
        "UPDATE requests_tracker_escalation SET request_id = request_id WHERE request_id IN "
        "(SELECT id FROM requests_tracker_datarequest WHERE county_id = NEW.id)",
    ],
    ("requests_tracker_campaign", "title"): [
        "UPDATE requests_tracker_datarequest SET campaign_id = campaign_id "
        "WHERE campaign_id = NEW.id",
    ],
    ("requests_tracker_datarequest", "county_id"): [
        "UPDATE requests_tracker_response SET request_id = request_id WHERE request_id = NEW.id",
        "UPDATE requests_tracker_escalation SET request_id = request_id WHERE request_id = NEW.id",
    ],
}


def forwards_sql():
    statements = []
    for table, (vector, columns) in VECTORS.items():
        function = f"{table}_search_vector"
        statements += [
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector",
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n    NEW.search_vector := {vector};\n    RETURN NEW;\nEND\n$$",
            f"CREATE TRIGGER search_vector BEFORE INSERT OR UPDATE OF {', '.join(columns)} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    for (table, column), updates in CASCADES.items():
        function = f"{table}_search_cascade"
        body = ";\n    ".join(updates)
        statements += [
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n    {body};\n    RETURN NULL;\nEND\n$$",
            f"CREATE TRIGGER search_cascade AFTER UPDATE OF {column} ON {table} FOR EACH ROW "
            f"WHEN (OLD.{column} IS DISTINCT FROM NEW.{column}) EXECUTE FUNCTION {function}()",
        ]
    for table, (_, columns) in VECTORS.items():
        statements += [
            f"UPDATE {table} SET {columns[0]} = {columns[0]}",
            f"CREATE INDEX {table.removeprefix('requests_tracker_')}_search "
            f"ON {table} USING gin (search_vector)",
        ]
    return statements


def backwards_sql():
    statements = []
    for table, column in CASCADES:
        statements += [
            f"DROP TRIGGER search_cascade ON {table}",
            f"DROP FUNCTION {table}_search_cascade()",
        ]
    for table in VECTORS:
        statements += [
            f"DROP TRIGGER search_vector ON {table}",
            f"DROP FUNCTION {table}_search_vector()",
            f"ALTER TABLE {table} DROP COLUMN search_vector",
        ]
    return statements


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements():
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0013_corrections_and_dataset_releases"),
    ]

    operations = [
        migrations.RunPython(_run(forwards_sql), _run(backwards_sql), elidable=False),
    ]
