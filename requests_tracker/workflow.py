"""The status rules: a request's status is derived from its responses and escalations.

Pure functions over plain values, no ORM and no clock, so each rule is tested as a table.

The rules, in order:
1. An escalation still in force (open, contested, or enforced by a court) makes the request
   `escalated`: DOJ has moved past asking.
2. When every escalation has ended, the latest rung of the ladder (by issue date) decides: the
   county complied → `complied`; quashed, withdrawn or settled → `closed`.
3. With no escalation, the latest substantive response decides (complied, declined, partial;
   `no_records` closes the request: the county answered that it holds no such list).
4. With no substantive response: an extension granted → `extended`; an acknowledgement, an
   extension request or a referral → `acknowledged`; otherwise `awaiting`.
Public statements (to the press, at a board meeting) are recorded but never change the status:
they are not an answer to DOJ.

Overdue is not a status. A request is overdue when its due date has passed (the day after
due_on, in the newsroom's time zone) and it still waits for a substantive answer; an escalation
is overdue when it is open and its due date has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from requests_tracker.choices import EscalationStatus, RequestStatus, ResponseKind

REQUEST_STATUSES: tuple[str, ...] = tuple(RequestStatus.values)
"""Every status, in RequestStatus's order: read once here, because the enum's `values` builds a
new list on every access (tens of microseconds), which adds up in loops over days or rows."""

WAITING_STATUSES: frozenset[str] = frozenset(
    {RequestStatus.AWAITING, RequestStatus.ACKNOWLEDGED, RequestStatus.EXTENDED}
)
"""Statuses in which the county still owes DOJ a substantive answer (so may be overdue)."""

OPEN_STATUSES: frozenset[str] = WAITING_STATUSES | {RequestStatus.PARTIAL, RequestStatus.ESCALATED}
"""Statuses in which the matter is not settled; shown as 'open' in counts."""

SUBSTANTIVE_OUTCOME: dict[str, str] = {
    ResponseKind.COMPLIED: RequestStatus.COMPLIED,
    ResponseKind.DECLINED: RequestStatus.DECLINED,
    ResponseKind.PARTIAL: RequestStatus.PARTIAL,
    ResponseKind.NO_RECORDS: RequestStatus.CLOSED,
}
PROCEDURAL_KINDS: frozenset[str] = frozenset(
    {ResponseKind.ACKNOWLEDGED, ResponseKind.EXTENSION_REQUESTED, ResponseKind.REFERRED}
)
ESCALATION_IN_FORCE: frozenset[str] = frozenset(
    {EscalationStatus.OPEN, EscalationStatus.CONTESTED, EscalationStatus.ENFORCED}
)
ESCALATION_OUTCOME: dict[str, str] = {
    EscalationStatus.COMPLIED: RequestStatus.COMPLIED,
    EscalationStatus.QUASHED: RequestStatus.CLOSED,
    EscalationStatus.WITHDRAWN: RequestStatus.CLOSED,
    EscalationStatus.SETTLED: RequestStatus.CLOSED,
}


@dataclass(frozen=True)
class ResponseFact:
    kind: str
    received_on: dt.date
    order: int = 0
    """Tie-breaker for responses received the same day (the row id)."""


@dataclass(frozen=True)
class EscalationFact:
    status: str
    issued_on: dt.date
    order: int = 0


def derive_status(
    responses: Iterable[ResponseFact], escalations: Iterable[EscalationFact] = ()
) -> str:
    """The request's status from its responses and escalations (rules in the module docstring)."""
    escalations = sorted(escalations, key=lambda e: (e.issued_on, e.order))
    if escalations:
        if any(e.status in ESCALATION_IN_FORCE for e in escalations):
            return RequestStatus.ESCALATED
        return ESCALATION_OUTCOME[escalations[-1].status]

    ordered = sorted(responses, key=lambda r: (r.received_on, r.order))
    substantive = [r for r in ordered if r.kind in SUBSTANTIVE_OUTCOME]
    if substantive:
        return SUBSTANTIVE_OUTCOME[substantive[-1].kind]
    kinds = {r.kind for r in ordered}
    if ResponseKind.EXTENSION_GRANTED in kinds:
        return RequestStatus.EXTENDED
    if kinds & PROCEDURAL_KINDS:
        return RequestStatus.ACKNOWLEDGED
    return RequestStatus.AWAITING


def first_response_on(responses: Iterable[ResponseFact]) -> dt.date | None:
    """The day of the county's first answer of any kind except a public statement (a statement
    to the press is not an answer to DOJ); None before one."""
    return min(
        (r.received_on for r in responses if r.kind != ResponseKind.PUBLIC_STATEMENT), default=None
    )


def first_answer_on(responses: Iterable[ResponseFact]) -> dt.date | None:
    """The day of the county's first substantive answer (complied, partial, declined, no
    records); None before one."""
    return min((r.received_on for r in responses if r.kind in SUBSTANTIVE_OUTCOME), default=None)


def declined_on_file(responses: Iterable[ResponseFact]) -> bool:
    """Whether the county has a declined answer on file, even if it answered otherwise later or
    DOJ has since escalated."""
    return any(r.kind == ResponseKind.DECLINED for r in responses)


def escalation_filed(escalations: Iterable[EscalationFact]) -> bool:
    """Whether DOJ has filed at least one escalation (a demand letter, a subpoena, a suit, ...)
    on the request, whatever became of it."""
    return any(True for _ in escalations)


def first_overdue_day(due_on: dt.date) -> dt.date:
    """A deadline is met if the answer comes on the due date; the day after, it is overdue."""
    return due_on + dt.timedelta(days=1)


def request_overdue_since(status: str, due_on: dt.date, today: dt.date) -> dt.date | None:
    """The first overdue day if the request is overdue on `today`, else None."""
    if status in WAITING_STATUSES and today > due_on:
        return first_overdue_day(due_on)
    return None


def escalation_overdue_since(status: str, due_on: dt.date | None, today: dt.date) -> dt.date | None:
    """The first overdue day if an open escalation's return date has passed on `today`."""
    if status == EscalationStatus.OPEN and due_on is not None and today > due_on:
        return first_overdue_day(due_on)
    return None


def days_overdue(overdue_since: dt.date | None, today: dt.date) -> int:
    """Whole days a request or escalation has been overdue on `today`, counting its first
    overdue day as one: due on the 16th and still unanswered on the 17th is one day overdue
    (`overdue_since` is the 17th). 0 when not overdue."""
    if overdue_since is None:
        return 0
    return max((today - overdue_since).days + 1, 0)


def answered_on_time(first_answer_on: dt.date | None, due_on: dt.date) -> bool | None:
    """Whether the first substantive answer came on or before the due date; None before one
    (kept by the database as a tally bucket: migration 0016)."""
    return None if first_answer_on is None else first_answer_on <= due_on


def deadline_decided(on_time: bool | None, due_on: dt.date, today: dt.date) -> bool:
    """Whether "answered by the due date" is settled on `today`: answered, or the due date has
    passed without an answer."""
    return on_time is not None or today > due_on


def answered_by_due_date(
    first_answer_on: dt.date | None, due_on: dt.date, today: dt.date
) -> bool | None:
    """True or False once settled (deadline_decided), None while the county still has time."""
    on_time = answered_on_time(first_answer_on, due_on)
    return bool(on_time) if deadline_decided(on_time, due_on, today) else None
