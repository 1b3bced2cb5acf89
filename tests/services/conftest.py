"""Shared by the service tests: the July 2025 dates, and short reads of a request's timeline.

DOJ wrote on 2025-07-17 with 30 days to answer: due 2025-08-16, overdue from 2025-08-17.
"""

from __future__ import annotations

import datetime as dt

import pytest

from requests_tracker import services
from requests_tracker.models import Activity, DataCategory, DataRequest, Response
from tests.factories import make_request

JUL_17 = dt.date(2025, 7, 17)
DUE = dt.date(2025, 8, 16)
FIRST_LATE_DAY = dt.date(2025, 8, 17)
JULY_CATEGORIES = [DataCategory.NONCITIZEN_ROSTER, DataCategory.CHARGES, DataCategory.RELEASE_DATES]


def verbs(request: DataRequest) -> list[str]:
    """The request's Activity verbs, oldest first."""
    return list(Activity.objects.filter(request=request).values_list("verb", flat=True))


def count(request: DataRequest, verb: str) -> int:
    """How many times `verb` is on the request's timeline."""
    return Activity.objects.filter(request=request, verb=verb).count()


def reload(request: DataRequest) -> DataRequest:
    """The request as the database has it now (a service may have changed it)."""
    return DataRequest.objects.get(pk=request.pk)


def answer(data_request: DataRequest, kind: str, on: dt.date, **details: object) -> Response:
    """The county's answer of `kind`, received and logged on the same day `on`."""
    return services.log_response(
        data_request=data_request, kind=kind, received_on=on, today=on, **details
    )


@pytest.fixture
def overdue_request(county) -> DataRequest:
    """The July letter, recorded on 2025-08-20: three days late with no answer."""
    request = make_request(county=county, issued_on=JUL_17, today=dt.date(2025, 8, 20))
    assert request.overdue_since == FIRST_LATE_DAY
    return request
