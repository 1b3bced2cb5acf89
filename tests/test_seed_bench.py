"""seed_bench: N requests over every U.S. county, written through the services, same seed same data.

Only counts and statuses here; the timings belong to bench/run.py, never to tests.
"""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_tracker.models import (
    Activity,
    ActivityVerb,
    Campaign,
    County,
    DataRequest,
    Escalation,
    RequestStatus,
    Response,
)


def seed(requests: int, seed: int = 7) -> str:
    out = StringIO()
    call_command("seed_bench", requests=requests, seed=seed, stdout=out)
    return out.getvalue()


def statuses(requests) -> Counter:
    return Counter(requests.values_list("status", flat=True))


@pytest.mark.django_db
def test_creates_n_requests_over_counties_of_many_states_through_the_services() -> None:
    seed(50)

    assert DataRequest.objects.count() == 50
    assert County.objects.count() > 3000  # loads every county, so a campaign can reach any
    assert DataRequest.objects.values("county__state").distinct().count() > 10
    # Written by the services: each request carries the Activity that issuing it records.
    assert Activity.objects.filter(verb=ActivityVerb.REQUEST_ISSUED).count() == 50


@pytest.mark.django_db
def test_statuses_vary_through_logged_responses_and_filed_escalations() -> None:
    seed(50)

    by_status = statuses(DataRequest.objects.all())
    assert len(by_status) >= 4
    assert by_status[RequestStatus.AWAITING] < 50
    assert Response.objects.exists()
    assert Escalation.objects.exists()
    assert by_status[RequestStatus.ESCALATED] == Escalation.objects.count()


@pytest.mark.django_db
def test_same_seed_gives_the_same_statuses_county_by_county() -> None:
    seed(50)
    first_run = DataRequest.objects.filter(campaign__in=list(Campaign.objects.all()))
    first = sorted(first_run.values_list("county__fips", "status", "overdue_since"))

    seed(50)
    second = sorted(
        DataRequest.objects.exclude(pk__in=first_run.values("pk")).values_list(
            "county__fips", "status", "overdue_since"
        )
    )

    assert second == first
    assert Counter(status for _, status, _ in second) == Counter(s for _, s, _ in first)


@pytest.mark.django_db
def test_rejects_a_count_below_one() -> None:
    with pytest.raises(CommandError):
        seed(0)
