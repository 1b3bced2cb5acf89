"""refresh_request_status: the request's status and overdue flag re-derived from its events, each
real transition recorded once, and nothing recorded when nothing moved."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from requests_tracker.models import ActivityVerb, RequestStatus, Response, ResponseKind
from requests_tracker.services.locks import lock_request
from requests_tracker.services.status import refresh_request_status
from tests.services.conftest import FIRST_LATE_DAY, count, reload


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
