"""The status rules as tables: every response kind, every escalation status, and the overdue rule.

Expected statuses are written out by hand from the rules in DESIGN.md, never computed by the code.
"""

from __future__ import annotations

import datetime as dt

import pytest

from requests_tracker import workflow
from requests_tracker.models import EscalationStatus, RequestStatus, ResponseKind
from requests_tracker.workflow import (
    EscalationFact,
    ResponseFact,
    derive_status,
    escalation_overdue_since,
    request_overdue_since,
)

K = ResponseKind
E = EscalationStatus
S = RequestStatus

JUL_17 = dt.date(2025, 7, 17)  # DOJ's letter to the California sheriffs


def day(n: int) -> dt.date:
    """`n` days after the letter of 2025-07-17."""
    return JUL_17 + dt.timedelta(days=n)


def responses(*kinds: str) -> list[ResponseFact]:
    """Responses received one day apart, in the order given."""
    return [ResponseFact(kind, day(i + 1), order=i + 1) for i, kind in enumerate(kinds)]


def escalations(*statuses: str) -> list[EscalationFact]:
    """Escalations issued a week apart (letter, then subpoena, ...), in the order given."""
    return [
        EscalationFact(status, day(30 + 7 * i), order=i + 1) for i, status in enumerate(statuses)
    ]


# (responses, escalations, expected status, why)
RESPONSE_TABLE = [
    # Nothing yet, or nothing that answers DOJ.
    ([], [], S.AWAITING, "no answer yet"),
    (responses(K.PUBLIC_STATEMENT), [], S.AWAITING, "a press statement is not an answer"),
    # Each kind on its own.
    (responses(K.ACKNOWLEDGED), [], S.ACKNOWLEDGED, "receipt acknowledged"),
    (responses(K.EXTENSION_REQUESTED), [], S.ACKNOWLEDGED, "asking for time acknowledges"),
    (responses(K.REFERRED), [], S.ACKNOWLEDGED, "a referral acknowledges"),
    (responses(K.EXTENSION_GRANTED), [], S.EXTENDED, "DOJ granted more time"),
    (responses(K.PARTIAL), [], S.PARTIAL, "some of what was asked"),
    (responses(K.COMPLIED), [], S.COMPLIED, "everything asked"),
    (responses(K.DECLINED), [], S.DECLINED, "refused"),
    (responses(K.NO_RECORDS), [], S.CLOSED, "holds no such list"),
    # The latest substantive answer wins, whichever way it goes.
    (responses(K.PARTIAL, K.COMPLIED), [], S.COMPLIED, "partial, then the rest"),
    (responses(K.COMPLIED, K.PARTIAL), [], S.PARTIAL, "a later partial answer wins"),
    (responses(K.DECLINED, K.COMPLIED), [], S.COMPLIED, "declined, then complied"),
    (responses(K.COMPLIED, K.DECLINED), [], S.DECLINED, "complied, then withdrew"),
    (responses(K.PARTIAL, K.NO_RECORDS), [], S.CLOSED, "the rest does not exist"),
    # Procedural steps never override a substantive answer, before or after it.
    (responses(K.ACKNOWLEDGED, K.PARTIAL), [], S.PARTIAL, "acknowledged, then partial"),
    (responses(K.DECLINED, K.ACKNOWLEDGED), [], S.DECLINED, "a later acknowledgement"),
    (responses(K.DECLINED, K.EXTENSION_GRANTED), [], S.DECLINED, "an extension after a refusal"),
    (responses(K.PARTIAL, K.REFERRED), [], S.PARTIAL, "a referral after a partial answer"),
    (responses(K.EXTENSION_GRANTED, K.COMPLIED), [], S.COMPLIED, "complied within the extension"),
    # An extension granted outranks an acknowledgement, in either order.
    (responses(K.ACKNOWLEDGED, K.EXTENSION_GRANTED), [], S.EXTENDED, "acknowledged, extended"),
    (responses(K.EXTENSION_GRANTED, K.ACKNOWLEDGED), [], S.EXTENDED, "extended, acknowledged"),
    (responses(K.EXTENSION_REQUESTED, K.EXTENSION_GRANTED), [], S.EXTENDED, "asked and granted"),
    # Public statements never change the status, whatever came before.
    (responses(K.ACKNOWLEDGED, K.PUBLIC_STATEMENT), [], S.ACKNOWLEDGED, "statement after ack"),
    (responses(K.EXTENSION_GRANTED, K.PUBLIC_STATEMENT), [], S.EXTENDED, "statement after ext"),
    (responses(K.PARTIAL, K.PUBLIC_STATEMENT), [], S.PARTIAL, "statement after partial"),
    (responses(K.DECLINED, K.PUBLIC_STATEMENT), [], S.DECLINED, "statement after refusal"),
    (responses(K.PUBLIC_STATEMENT, K.COMPLIED), [], S.COMPLIED, "statement, then compliance"),
]

ESCALATION_TABLE = [
    # Each status on its own, after the county declined.
    (responses(K.DECLINED), escalations(E.OPEN), S.ESCALATED, "subpoena pending"),
    (responses(K.DECLINED), escalations(E.CONTESTED), S.ESCALATED, "county fights it in court"),
    (responses(K.DECLINED), escalations(E.ENFORCED), S.ESCALATED, "a court enforced it"),
    (responses(K.DECLINED), escalations(E.COMPLIED), S.COMPLIED, "complied with the subpoena"),
    (responses(K.DECLINED), escalations(E.QUASHED), S.CLOSED, "the court quashed it"),
    (responses(K.DECLINED), escalations(E.WITHDRAWN), S.CLOSED, "DOJ withdrew it"),
    (responses(K.DECLINED), escalations(E.SETTLED), S.CLOSED, "settled"),
    # An escalation in force outranks any answer, even a later one.
    ([], escalations(E.OPEN), S.ESCALATED, "silence, then a subpoena"),
    (responses(K.COMPLIED), escalations(E.OPEN), S.ESCALATED, "DOJ escalates anyway"),
    (responses(K.EXTENSION_GRANTED), escalations(E.OPEN), S.ESCALATED, "escalated mid-extension"),
    (
        [ResponseFact(K.COMPLIED, day(90), order=1)],
        escalations(E.OPEN),
        S.ESCALATED,
        "compliance logged while the subpoena is still open",
    ),
    # One rung still in force keeps the whole ladder escalated, whichever rung it is.
    (responses(K.DECLINED), escalations(E.QUASHED, E.OPEN), S.ESCALATED, "letter ended, suit on"),
    (responses(K.DECLINED), escalations(E.CONTESTED, E.SETTLED), S.ESCALATED, "old rung open"),
    (responses(K.DECLINED), escalations(E.ENFORCED, E.WITHDRAWN), S.ESCALATED, "order in force"),
    # When every rung has ended, the latest one decides, overriding the county's answers.
    (responses(K.DECLINED), escalations(E.WITHDRAWN, E.COMPLIED), S.COMPLIED, "then complied"),
    (responses(K.DECLINED), escalations(E.COMPLIED, E.SETTLED), S.CLOSED, "then settled"),
    (responses(K.COMPLIED), escalations(E.QUASHED), S.CLOSED, "answer then subpoena quashed"),
    (responses(K.PARTIAL), escalations(E.COMPLIED), S.COMPLIED, "the rest under subpoena"),
    (responses(K.PUBLIC_STATEMENT), escalations(E.WITHDRAWN), S.CLOSED, "withdrawn"),
]

STATUS_TABLE = RESPONSE_TABLE + ESCALATION_TABLE


@pytest.mark.parametrize(
    ("response_facts", "escalation_facts", "expected"),
    [pytest.param(r, e, s, id=why) for r, e, s, why in STATUS_TABLE],
)
def test_status_is_derived_from_responses_and_escalations(
    response_facts: list[ResponseFact], escalation_facts: list[EscalationFact], expected: str
) -> None:
    assert derive_status(response_facts, escalation_facts) == expected


def test_status_table_covers_every_response_kind_escalation_status_and_request_status() -> None:
    kinds = {fact.kind for facts, _, _, _ in STATUS_TABLE for fact in facts}
    statuses = {fact.status for _, facts, _, _ in STATUS_TABLE for fact in facts}
    outcomes = {expected for _, _, expected, _ in STATUS_TABLE}
    assert set(ResponseKind.values) - kinds == set(), "a response kind has no rule in the table"
    assert set(EscalationStatus.values) - statuses == set(), "an escalation status has no rule"
    assert set(RequestStatus.values) - outcomes == set(), "a request status is never reached"


def test_every_response_kind_has_a_row_of_its_own() -> None:
    alone = {facts[0].kind for facts, escs, _, _ in RESPONSE_TABLE if len(facts) == 1 and not escs}
    assert alone == set(ResponseKind.values)


def test_every_escalation_status_has_a_row_of_its_own() -> None:
    alone = {escs[0].status for _, escs, _, _ in ESCALATION_TABLE if len(escs) == 1}
    assert alone == set(EscalationStatus.values)


def test_latest_response_wins_whatever_order_the_facts_arrive_in() -> None:
    earlier = ResponseFact(K.COMPLIED, day(10), order=50)
    later = ResponseFact(K.DECLINED, day(20), order=1)
    assert derive_status([later, earlier]) == S.DECLINED
    assert derive_status([earlier, later]) == S.DECLINED


def test_responses_received_the_same_day_are_ordered_as_they_were_logged() -> None:
    first = ResponseFact(K.PARTIAL, day(10), order=1)
    second = ResponseFact(K.COMPLIED, day(10), order=2)
    assert derive_status([second, first]) == S.COMPLIED
    first, second = ResponseFact(K.COMPLIED, day(10), 1), ResponseFact(K.PARTIAL, day(10), 2)
    assert derive_status([second, first]) == S.PARTIAL


def test_latest_escalation_by_issue_date_decides_whatever_order_the_facts_arrive_in() -> None:
    letter = EscalationFact(E.COMPLIED, day(30), order=9)
    subpoena = EscalationFact(E.QUASHED, day(60), order=1)
    assert derive_status([], [subpoena, letter]) == S.CLOSED
    assert derive_status([], [letter, subpoena]) == S.CLOSED


# --- On file -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ((), False),
        ((K.ACKNOWLEDGED, K.PUBLIC_STATEMENT, K.COMPLIED), False),
        ((K.DECLINED,), True),
        ((K.DECLINED, K.COMPLIED), True),  # gave in later: the refusal is still on file
        ((K.PARTIAL, K.DECLINED, K.NO_RECORDS), True),
    ],
)
def test_a_refusal_is_on_file_whatever_came_after_it(kinds: tuple[str, ...], expected: bool):
    assert workflow.declined_on_file(responses(*kinds)) is expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [((), False), ((E.OPEN,), True), ((E.WITHDRAWN,), True), ((E.COMPLIED, E.QUASHED), True)],
)
def test_an_escalation_is_on_file_whatever_became_of_it(statuses: tuple[str, ...], expected: bool):
    assert workflow.escalation_filed(escalations(*statuses)) is expected
    assert workflow.escalation_filed(iter(escalations(*statuses))) is expected


# --- Overdue -------------------------------------------------------------------------------------

DUE = dt.date(2025, 8, 16)  # 30 days after 2025-07-17
FIRST_OVERDUE_DAY = dt.date(2025, 8, 17)

# Whether a request in this status still owes DOJ a substantive answer (so can be overdue).
STILL_WAITING = {
    S.AWAITING: True,
    S.ACKNOWLEDGED: True,
    S.EXTENDED: True,
    S.PARTIAL: False,
    S.COMPLIED: False,
    S.DECLINED: False,
    S.ESCALATED: False,
    S.CLOSED: False,
}


def test_overdue_table_covers_every_request_status() -> None:
    assert set(STILL_WAITING) == set(RequestStatus.values)


@pytest.mark.parametrize("status", list(STILL_WAITING))
def test_request_is_overdue_from_the_day_after_its_due_date_only_while_it_waits(
    status: str,
) -> None:
    assert request_overdue_since(status, DUE, today=dt.date(2025, 8, 1)) is None
    assert request_overdue_since(status, DUE, today=DUE) is None, "the due date itself is in time"
    expected = FIRST_OVERDUE_DAY if STILL_WAITING[status] else None
    assert request_overdue_since(status, DUE, today=FIRST_OVERDUE_DAY) == expected


def test_request_overdue_since_is_the_first_late_day_not_today() -> None:
    assert request_overdue_since(S.AWAITING, DUE, today=dt.date(2025, 12, 1)) == FIRST_OVERDUE_DAY


def test_overdue_crosses_month_and_year_ends() -> None:
    assert request_overdue_since(S.AWAITING, dt.date(2025, 8, 31), dt.date(2025, 9, 1)) == (
        dt.date(2025, 9, 1)
    )
    assert request_overdue_since(S.EXTENDED, dt.date(2025, 12, 31), dt.date(2026, 1, 5)) == (
        dt.date(2026, 1, 1)
    )


# Only an escalation still open (nobody has moved: no compliance, no challenge, no ruling) is late.
ESCALATION_CAN_BE_OVERDUE = {
    E.OPEN: True,
    E.COMPLIED: False,
    E.CONTESTED: False,
    E.QUASHED: False,
    E.ENFORCED: False,
    E.WITHDRAWN: False,
    E.SETTLED: False,
}


def test_escalation_overdue_table_covers_every_escalation_status() -> None:
    assert set(ESCALATION_CAN_BE_OVERDUE) == set(EscalationStatus.values)


@pytest.mark.parametrize("status", list(ESCALATION_CAN_BE_OVERDUE))
def test_escalation_is_overdue_after_its_return_date_only_while_open(status: str) -> None:
    return_date = dt.date(2025, 8, 19)  # reply requested by 2025-08-19
    assert escalation_overdue_since(status, return_date, today=return_date) is None
    expected = dt.date(2025, 8, 20) if ESCALATION_CAN_BE_OVERDUE[status] else None
    assert escalation_overdue_since(status, return_date, today=dt.date(2025, 8, 20)) == expected
    assert escalation_overdue_since(status, return_date, today=dt.date(2025, 10, 1)) == expected


def test_escalation_without_a_return_date_is_never_overdue() -> None:
    assert escalation_overdue_since(E.OPEN, None, today=dt.date(2030, 1, 1)) is None


@pytest.mark.parametrize(
    ("overdue_since", "today", "days"),
    [
        (None, dt.date(2025, 9, 1), 0),
        (dt.date(2025, 8, 17), dt.date(2025, 8, 17), 1),
        (dt.date(2025, 8, 17), dt.date(2025, 9, 1), 16),
        (dt.date(2025, 8, 17), dt.date(2025, 8, 10), 0),
    ],
)
def test_days_overdue_count_the_first_overdue_day_as_one(overdue_since, today, days):
    assert workflow.days_overdue(overdue_since, today) == days


@pytest.mark.parametrize(
    ("first_answer_on", "today", "expected"),
    [
        (dt.date(2025, 8, 16), dt.date(2025, 9, 1), True),  # on the due date
        (dt.date(2025, 8, 17), dt.date(2025, 9, 1), False),  # a day late
        (None, dt.date(2025, 8, 16), None),  # unanswered, still has the day
        (None, dt.date(2025, 8, 17), False),  # unanswered, deadline passed
    ],
)
def test_answered_by_the_due_date_is_settled_by_an_answer_or_the_deadline(
    first_answer_on, today, expected
):
    assert workflow.answered_by_due_date(first_answer_on, dt.date(2025, 8, 16), today) is expected
