"""refresh_request_status: the request's status, overdue flag and what it has on file re-derived
from its events, each real transition recorded once, and nothing recorded when nothing moved."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from requests_tracker import services
from requests_tracker.models import (
    ActivityVerb,
    EscalationKind,
    EscalationStatus,
    RequestStatus,
    Response,
    ResponseKind,
)
from requests_tracker.services.locks import lock_request
from requests_tracker.services.status import refresh_request_status
from tests.services.conftest import FIRST_LATE_DAY, answer, count, reload


def refresh(data_request, today: dt.date):
    with transaction.atomic():
        return refresh_request_status(lock_request(data_request.pk), today=today, actor=None)


def test_a_stale_status_is_re_derived_and_recorded_once(data_request) -> None:
    # A response written behind the services' back leaves the stored status stale.
    Response.objects.create(
        request=data_request, kind=ResponseKind.DECLINED, received_on=dt.date(2025, 7, 25)
    )
    assert reload(data_request).status == RequestStatus.AWAITING

    refresh(data_request, dt.date(2025, 7, 26))
    refresh(data_request, dt.date(2025, 7, 27))

    assert reload(data_request).status == RequestStatus.DECLINED
    assert count(data_request, ActivityVerb.STATUS_CHANGED) == 1


def test_an_unanswered_request_past_its_deadline_becomes_overdue_once(data_request) -> None:
    refresh(data_request, dt.date(2025, 8, 16))
    assert reload(data_request).overdue_since is None

    refresh(data_request, dt.date(2025, 8, 17))
    refresh(data_request, dt.date(2025, 8, 30))

    assert reload(data_request).overdue_since == FIRST_LATE_DAY
    assert count(data_request, ActivityVerb.BECAME_OVERDUE) == 1
    assert count(data_request, ActivityVerb.STATUS_CHANGED) == 0


def flags(data_request) -> tuple[bool, bool]:
    request = reload(data_request)
    return request.declined_on_file, request.escalation_filed


def test_a_refusal_stays_on_file_until_it_is_deleted(data_request, editor) -> None:
    declined = answer(data_request, ResponseKind.DECLINED, dt.date(2025, 7, 25))
    answer(data_request, ResponseKind.COMPLIED, dt.date(2025, 8, 1))
    # The county gave in later: its status moved on, the refusal is still on file.
    assert reload(data_request).status == RequestStatus.COMPLIED
    assert flags(data_request) == (True, False)

    services.delete_response(response=declined, actor=editor, today=dt.date(2025, 8, 2))
    assert flags(data_request) == (False, False)


def test_an_escalation_is_on_file_whatever_became_of_it(data_request, editor) -> None:
    subpoena = services.file_escalation(
        data_request=data_request,
        kind=EscalationKind.ADMINISTRATIVE_SUBPOENA,
        issued_on=dt.date(2025, 8, 20),
        actor=editor,
        today=dt.date(2025, 8, 20),
    )
    assert flags(data_request) == (False, True)
    services.update_escalation(
        escalation=subpoena,
        actor=editor,
        today=dt.date(2025, 9, 1),
        status=EscalationStatus.WITHDRAWN,
    )
    assert flags(data_request) == (False, True)

    services.delete_escalation(escalation=subpoena, actor=editor, today=dt.date(2025, 9, 2))
    assert flags(data_request) == (False, False)


def test_a_held_refusal_counts_only_once_its_embargo_lifts(data_request, editor) -> None:
    declined = answer(data_request, ResponseKind.DECLINED, dt.date(2025, 7, 25))
    services.set_embargo(record=declined, until=None, reason="Until our story runs.", actor=editor)
    assert flags(data_request) == (False, False)

    services.lift_embargo(record=declined, actor=editor)
    assert flags(data_request) == (True, False)
