"""The overdue flag: exact to the Los Angeles day, idempotent, and cheap at any size."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    DataRequest,
    DueBasis,
    Escalation,
    EscalationKind,
    EscalationStatus,
    RequestStatus,
    ResponseKind,
)
from requests_tracker.services import overdue
from requests_tracker.tasks import flag_overdue_task
from tests.factories import AgencyFactory, CountyFactory, make_request
from tests.services.conftest import DUE, FIRST_LATE_DAY, answer, count, reload

LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def los_angeles(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOS_ANGELES)


def past_due_requests(count: int, *, due_on: dt.date = dt.date(2025, 8, 16)) -> list[DataRequest]:
    """`count` waiting requests past `due_on`, not yet flagged: built with bulk inserts."""
    agency = AgencyFactory()
    county = CountyFactory()
    return DataRequest.objects.bulk_create(
        [
            DataRequest(
                county=county,
                issuing_agency=agency,
                issued_on=dt.date(2025, 7, 17),
                due_on=due_on,
                due_basis=DueBasis.CALENDAR_DAYS,
                due_rule="30 calendar days",
                data_sought=["noncitizen_roster"],
                status=RequestStatus.AWAITING,
            )
            for _ in range(count)
        ],
        batch_size=2000,
    )


def overdue_verbs(**filters: object) -> list[tuple[str, int | None, dict]]:
    return list(
        Activity.objects.filter(
            verb__in=[ActivityVerb.BECAME_OVERDUE, ActivityVerb.OVERDUE_CLEARED], **filters
        )
        .order_by("created_at", "id")
        .values_list("verb", "escalation_id", "data")
    )


@pytest.mark.django_db
def test_lifecycle_request_and_subpoena_turn_overdue_on_the_los_angeles_day_after_due(county):
    with time_machine.travel(los_angeles(2025, 7, 17, 9), tick=False):
        request = make_request(county=county, issued_on=dt.date(2025, 7, 17), today=None)
    assert request.due_on == dt.date(2025, 8, 16)

    # 11:30 p.m. on the due date in Los Angeles is already the 17th in UTC: still on time.
    with time_machine.travel(los_angeles(2025, 8, 16, 23, 30), tick=False):
        assert flag_overdue_task()["requests_flagged"] == 0
    request.refresh_from_db()
    assert request.overdue_since is None

    with time_machine.travel(los_angeles(2025, 8, 17, 0, 30), tick=False):
        assert flag_overdue_task()["requests_flagged"] == 1
    request.refresh_from_db()
    assert request.overdue_since == dt.date(2025, 8, 17)
    assert request.status == RequestStatus.AWAITING

    with time_machine.travel(los_angeles(2025, 8, 20, 10), tick=False):
        services.log_response(
            data_request=request,
            kind=ResponseKind.DECLINED,
            received_on=dt.date(2025, 8, 20),
            legal_basis_cited="SB 54 (Gov. Code 7284.6)",
        )
        assert flag_overdue_task() == {
            "requests_flagged": 0,
            "requests_cleared": 0,
            "escalations_flagged": 0,
            "escalations_cleared": 0,
        }
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert request.overdue_since is None

    with time_machine.travel(los_angeles(2025, 8, 25, 10), tick=False):
        subpoena = services.file_escalation(
            data_request=request,
            kind=EscalationKind.ADMINISTRATIVE_SUBPOENA,
            issued_on=dt.date(2025, 8, 25),
            due_on=dt.date(2025, 9, 5),
        )
    with time_machine.travel(los_angeles(2025, 9, 5, 23, 59), tick=False):
        assert flag_overdue_task()["escalations_flagged"] == 0
    subpoena.refresh_from_db()
    assert subpoena.overdue_since is None

    with time_machine.travel(los_angeles(2025, 9, 6, 0, 1), tick=False):
        assert flag_overdue_task()["escalations_flagged"] == 1
    subpoena.refresh_from_db()
    request.refresh_from_db()
    assert subpoena.overdue_since == dt.date(2025, 9, 6)
    assert request.status == RequestStatus.ESCALATED
    assert request.overdue_since is None

    assert overdue_verbs(request=request) == [
        (ActivityVerb.BECAME_OVERDUE, None, {"overdue_since": "2025-08-17"}),
        (ActivityVerb.OVERDUE_CLEARED, None, {"was_overdue_since": "2025-08-17"}),
        (
            ActivityVerb.BECAME_OVERDUE,
            subpoena.pk,
            {"overdue_since": "2025-09-06", "kind": EscalationKind.ADMINISTRATIVE_SUBPOENA},
        ),
    ]


@pytest.mark.django_db
def test_overdue_activity_names_the_county_and_first_overdue_day(data_request):
    services.flag_overdue(today=dt.date(2025, 8, 17))
    activity = Activity.objects.get(verb=ActivityVerb.BECAME_OVERDUE)
    assert activity.summary == "Los Angeles County, CA: response overdue since 2025-08-17"
    assert activity.request_id == data_request.pk
    assert activity.county_id == data_request.county_id


@pytest.mark.django_db
def test_second_run_changes_nothing_and_writes_no_second_activity(data_request):
    first = services.flag_overdue(today=dt.date(2025, 8, 20))
    second = services.flag_overdue(today=dt.date(2025, 8, 21))
    assert first.requests_flagged == 1
    assert second.changed == 0
    assert len(overdue_verbs()) == 1
    data_request.refresh_from_db()
    assert data_request.overdue_since == dt.date(2025, 8, 17)


@pytest.mark.django_db
def test_dry_run_counts_but_writes_nothing(data_request):
    result = services.flag_overdue(today=dt.date(2025, 8, 17), dry_run=True)
    assert result.requests_flagged == 1
    data_request.refresh_from_db()
    assert data_request.overdue_since is None
    assert overdue_verbs() == []


@pytest.mark.django_db
def test_only_open_escalations_with_a_passed_return_date_are_overdue(data_request):
    today = dt.date(2025, 8, 20)
    filed = {
        status: services.file_escalation(
            data_request=data_request,
            kind=EscalationKind.GRAND_JURY_SUBPOENA,
            issued_on=dt.date(2025, 8, 18),
            due_on=dt.date(2025, 8, 19) if status != "no date" else None,
            status=EscalationStatus.OPEN if status == "no date" else status,
            today=dt.date(2025, 8, 18),
        )
        for status in (EscalationStatus.OPEN, EscalationStatus.CONTESTED, "no date")
    }
    result = services.flag_overdue(today=today)
    assert result.escalations_flagged == 1
    flagged = set(
        Escalation.objects.filter(overdue_since__isnull=False).values_list("pk", flat=True)
    )
    assert flagged == {filed[EscalationStatus.OPEN].pk}


@pytest.mark.django_db
def test_an_extension_moves_the_day_the_request_turns_overdue(data_request):
    answer(
        data_request,
        ResponseKind.EXTENSION_GRANTED,
        dt.date(2025, 8, 10),
        new_due_on=dt.date(2025, 9, 15),
    )
    assert services.flag_overdue(today=dt.date(2025, 9, 15)).requests_flagged == 0
    assert services.flag_overdue(today=dt.date(2025, 9, 16)).requests_flagged == 1
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.EXTENDED
    assert data_request.overdue_since == dt.date(2025, 9, 16)


@pytest.mark.django_db
def test_request_turning_overdue_mid_run_waits_for_the_next_run_with_its_activity(monkeypatch):
    """Regression: the UPDATE used to flag rows that appeared after the INSERT of Activity, so a
    request committed between the two statements became overdue with no Activity (no digest, no
    webhook). Now only rows that got an Activity in this run change."""
    past_due_requests(1)
    late_arrival: list[DataRequest] = []
    insert = overdue._insert_activity_from

    def insert_then_another_request_commits(*args: object, **kwargs: object) -> None:
        insert(*args, **kwargs)
        if not late_arrival:
            late_arrival.extend(past_due_requests(1))

    monkeypatch.setattr(overdue, "_insert_activity_from", insert_then_another_request_commits)
    assert services.flag_overdue(today=dt.date(2025, 8, 17)).requests_flagged == 1
    late = DataRequest.objects.get(pk=late_arrival[0].pk)
    assert late.overdue_since is None

    monkeypatch.setattr(overdue, "_insert_activity_from", insert)
    assert services.flag_overdue(today=dt.date(2025, 8, 17)).requests_flagged == 1
    late.refresh_from_db()
    assert late.overdue_since == dt.date(2025, 8, 17)
    assert len(overdue_verbs(request=late)) == 1


@pytest.mark.django_db
def test_same_number_of_queries_for_10_and_10000_overdue_requests():
    past_due_requests(10)
    with CaptureQueriesContext(connection) as few:
        assert services.flag_overdue(today=dt.date(2025, 8, 17)).requests_flagged == 10

    past_due_requests(10_000)
    with CaptureQueriesContext(connection) as many:
        assert services.flag_overdue(today=dt.date(2025, 8, 17)).requests_flagged == 10_000

    assert len(many.captured_queries) == len(few.captured_queries)
    # Lock, one INSERT … SELECT and one UPDATE for each of the four kinds of change, and the
    # tallies' compaction.
    statements = [
        q for q in few.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) <= 10
    assert DataRequest.objects.filter(overdue_since=dt.date(2025, 8, 17)).count() == 10_010
    assert Activity.objects.filter(verb=ActivityVerb.BECAME_OVERDUE).count() == 10_010


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_write_one_activity_per_transition():
    requests = past_due_requests(200)
    runs = 6
    barrier = threading.Barrier(runs)
    results: list[overdue.OverdueResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(services.flag_overdue(today=dt.date(2025, 8, 17)))
        except BaseException as error:  # surfaced below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(result.requests_flagged for result in results) == [0] * (runs - 1) + [200]
    per_request = (
        Activity.objects.filter(verb=ActivityVerb.BECAME_OVERDUE)
        .values("request_id")
        .annotate(n=Count("id"))
    )
    assert {row["request_id"]: row["n"] for row in per_request} == {r.pk: 1 for r in requests}


def test_flag_overdue_writes_activity_only_for_real_transitions_and_is_idempotent(
    data_request,
) -> None:
    on_time = services.flag_overdue(today=DUE)
    assert on_time.changed == 0
    assert count(data_request, ActivityVerb.BECAME_OVERDUE) == 0

    late = services.flag_overdue(today=FIRST_LATE_DAY)
    assert late.requests_flagged == 1
    assert reload(data_request).overdue_since == FIRST_LATE_DAY
    assert count(data_request, ActivityVerb.BECAME_OVERDUE) == 1

    again = services.flag_overdue(today=dt.date(2025, 8, 18))
    assert again.changed == 0
    assert reload(data_request).overdue_since == FIRST_LATE_DAY
    assert count(data_request, ActivityVerb.BECAME_OVERDUE) == 1
