"""Where SQL must restate a rule of workflow.py (the tallies' triggers and views, migration
0016), the SQL's lists are the workflow's: read from the migration, compared with the rule."""

from __future__ import annotations

import importlib
import re

from requests_tracker import workflow
from requests_tracker.choices import RequestStatus, ResponseKind
from requests_tracker.models.tallies import CountyCounts

TALLIES = importlib.import_module("requests_tracker.migrations.0016_tallies")


def kinds_in(sql: str, column: str) -> set[str]:
    """The quoted values of `column IN (...)` (or `column <> '...'`) in `sql`."""
    listed = re.search(rf"{column} IN \(([^)]*)\)", sql)
    return set(re.findall(r"'(\w+)'", listed.group(1))) if listed else set()


def test_the_views_count_open_as_the_workflow_defines_it() -> None:
    assert set(TALLIES.OPEN_STATUSES) == workflow.OPEN_STATUSES
    assert set(TALLIES.STATUSES) == set(RequestStatus.values)


def test_the_views_have_a_column_per_status() -> None:
    columns = {field.name for field in CountyCounts._meta.fields}
    assert set(RequestStatus.values) <= columns


def test_the_first_answer_is_a_substantive_one_and_the_first_response_any_but_a_statement():
    sql = TALLIES.FIRST_DATES
    first_answer = sql[sql.index("first_answer_on") :]
    assert kinds_in(first_answer, "kind") == set(workflow.SUBSTANTIVE_OUTCOME)
    first_response = sql[sql.index("first_response_on") : sql.index("first_answer_on")]
    assert re.findall(r"kind <> '(\w+)'", first_response) == [ResponseKind.PUBLIC_STATEMENT]


def test_on_time_in_the_tallies_is_the_workflow_rule() -> None:
    """`CASE WHEN first_answer_on IS NULL THEN NULL ELSE first_answer_on <= due_on END` is
    workflow.answered_on_time; checked on the database in tests/test_tallies.py too."""
    sql = " ".join(str(part) for part in TALLIES.TALLIES["requests_tracker_deadlinetally"])
    assert (
        "CASE WHEN r.first_answer_on IS NULL THEN NULL ELSE r.first_answer_on <= r.due_on END"
        in (sql)
    )
