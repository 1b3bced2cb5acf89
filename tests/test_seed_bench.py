"""seed_bench: N requests over every U.S. county, written with COPY, same seed same data, and the
same statuses and overdue flags the services would derive from the rows it wrote.

Only counts and statuses here; the timings belong to the bench (`python -m bench`), never to tests.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_tracker import bench_data, services, workflow
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    Campaign,
    County,
    DataRequest,
    Escalation,
    RequestStatus,
    Response,
    ResponseKind,
)


def seed(requests: int, seed: int = 7) -> str:
    out = StringIO()
    call_command("seed_bench", requests=requests, seed=seed, stdout=out)
    return out.getvalue()


def statuses(requests) -> Counter:
    return Counter(requests.values_list("status", flat=True))


@pytest.mark.django_db
def test_creates_n_requests_over_counties_of_many_states_with_their_timeline() -> None:
    seed(50)

    assert DataRequest.objects.count() == 50
    assert County.objects.count() > 3000  # loads every county, so a campaign can reach any
    assert DataRequest.objects.values("county__state").distinct().count() > 10
    assert Activity.objects.filter(verb=ActivityVerb.REQUEST_ISSUED).count() == 50
    assert Activity.objects.filter(verb=ActivityVerb.RESPONSE_LOGGED).count() == (
        Response.objects.count()
    )
    # Every request cites its campaign's letter, so lists show sourced rows.
    assert not DataRequest.objects.filter(sources=None).exists()


@pytest.mark.django_db
def test_statuses_vary_through_responses_and_escalations() -> None:
    seed(300)

    by_status = statuses(DataRequest.objects.all())
    assert len(by_status) >= 6
    assert by_status[RequestStatus.AWAITING] < 300
    in_force = Escalation.objects.filter(status__in=workflow.ESCALATION_IN_FORCE)
    assert by_status[RequestStatus.ESCALATED] == in_force.values("request").distinct().count()


@pytest.mark.django_db
def test_status_and_overdue_are_what_the_workflow_derives_from_the_rows_written() -> None:
    # California's 58 counties only: 700 requests make 13 campaigns over all 12 issue dates, so
    # some deadlines (and some extended ones) have passed by SEEDED_AS_OF and some have not.
    call_command("load_counties", "--state", "CA", stdout=StringIO())
    result = bench_data.seed(requests=700, seed=3)
    assert result.campaigns == 13
    assert 0 < result.overdue < 700
    assert Escalation.objects.filter(overdue_since__isnull=False).exists()

    for request in DataRequest.objects.prefetch_related("responses", "escalations"):
        expected = workflow.derive_status(
            [workflow.ResponseFact(r.kind, r.received_on, r.pk) for r in request.responses.all()],
            [
                workflow.EscalationFact(e.status, e.issued_on, e.pk)
                for e in request.escalations.all()
            ],
        )
        assert request.status == expected, request.pk
        assert request.overdue_since == workflow.request_overdue_since(
            expected, request.due_on, bench_data.SEEDED_AS_OF
        )
        extensions = [
            r for r in request.responses.all() if r.kind == ResponseKind.EXTENSION_GRANTED
        ]
        if extensions:
            assert request.due_on == extensions[-1].new_due_on
    # The overdue job, run as of the same day, finds nothing to change.
    assert services.flag_overdue(today=bench_data.SEEDED_AS_OF).changed == 0


@pytest.mark.django_db
def test_the_services_keep_working_on_seeded_rows() -> None:
    seed(50)
    waiting = DataRequest.objects.filter(status=RequestStatus.AWAITING).first()

    response = services.log_response(
        data_request=waiting,
        kind=ResponseKind.DECLINED,
        received_on=bench_data.SEEDED_AS_OF,
        today=bench_data.SEEDED_AS_OF,
    )

    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.DECLINED
    assert response.pk > Response.objects.exclude(pk=response.pk).order_by("-pk")[0].pk
    later = services.flag_overdue(today=bench_data.SEEDED_AS_OF + dt.timedelta(days=60))
    assert later.requests_flagged > 0


@pytest.mark.django_db
def test_same_seed_gives_the_same_statuses_county_by_county() -> None:
    seed(50)
    first_run = DataRequest.objects.filter(campaign__in=list(Campaign.objects.all()))
    first = sorted(first_run.values_list("county__fips", "status", "overdue_since", "due_on"))

    seed(50)
    second = sorted(
        DataRequest.objects.exclude(pk__in=first_run.values("pk")).values_list(
            "county__fips", "status", "overdue_since", "due_on"
        )
    )

    assert second == first


@pytest.mark.django_db
def test_rejects_a_count_below_one() -> None:
    with pytest.raises(CommandError):
        seed(0)
