"""Where SQL must restate a rule of workflow.py (the tallies' triggers and views, migration
0016; the backfill of what a request has on file, migration 0031), the SQL's lists are the
workflow's: read from the migration, compared with the rule (and, for 0031, with what the
service writes)."""

from __future__ import annotations

import datetime as dt
import importlib
import re

from django.db import connection

from requests_tracker import services, workflow
from requests_tracker.choices import EscalationKind, RequestStatus, ResponseKind
from requests_tracker.models import DataRequest, Escalation, Response
from requests_tracker.models.tallies import CountyCounts
from tests.factories import CountyFactory, make_request

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


ON_FILE = importlib.import_module("requests_tracker.migrations.0031_refusal_and_escalation_on_file")


def test_the_backfill_reads_a_refusal_as_the_workflow_does() -> None:
    declined = ON_FILE.BACKFILL[0]
    assert re.findall(r"kind = '(\w+)'", declined) == [ResponseKind.DECLINED]
    assert all("NOT embargoed" in statement for statement in ON_FILE.BACKFILL)


def test_the_backfill_sets_what_the_service_keeps(editor) -> None:
    """Requests answered and escalated through the services, some of it under embargo: the
    migration's statements, run on the same rows with the flags cleared, set them as
    services/status.py did."""
    day = dt.date(2025, 8, 20)
    requests = [make_request(county=CountyFactory()) for _ in range(5)]
    refused, held_refusal, complied, escalated, held_escalation = requests
    for request, kind in ((refused, ResponseKind.DECLINED), (held_refusal, ResponseKind.DECLINED)):
        services.log_response(data_request=request, kind=kind, received_on=day, today=day)
    services.log_response(
        data_request=complied, kind=ResponseKind.COMPLIED, received_on=day, today=day
    )
    for request in (escalated, held_escalation):
        services.file_escalation(
            data_request=request,
            kind=EscalationKind.DEMAND_LETTER,
            issued_on=day,
            actor=editor,
            today=day,
        )
    for record in (
        Response.objects.get(request=held_refusal),
        Escalation.objects.get(request=held_escalation),
    ):
        services.set_embargo(record=record, until=None, reason="Until it runs.", actor=editor)
    columns = ("id", "declined_on_file", "escalation_filed")
    kept = sorted(DataRequest.objects.values_list(*columns))
    assert [row[1:] for row in kept] == [
        (True, False),
        (False, False),
        (False, False),
        (False, True),
        (False, False),
    ]

    DataRequest.objects.update(declined_on_file=False, escalation_filed=False)
    with connection.cursor() as cursor:
        for statement in ON_FILE.BACKFILL:
            cursor.execute(statement)
    assert sorted(DataRequest.objects.values_list(*columns)) == kept
