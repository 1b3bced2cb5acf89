"""The tallies the database keeps (tallies.py) equal a full recount of the requests, whatever
sequence of writes, deletes, rejected writes, overdue passes and compactions came before.

The recount here is written from the rows (requests, responses), not from the tallies or the
first-answer dates the services keep, so it checks both.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from requests_tracker import selectors, services, tallies, workflow
from requests_tracker.models import (
    Campaign,
    County,
    DataCategory,
    DataRequest,
    EscalationKind,
    EscalationStatus,
    RequestStatus,
    Response,
    ResponseKind,
)
from requests_tracker.selectors import maps
from tests.factories import AgencyFactory, CountyFactory, make_request

START = dt.date(2025, 7, 1)
LATER = dt.date(2026, 6, 30)
"""The services' "today" for writes, so no generated date is in the future."""

SOUGHT = [DataCategory.NONCITIZEN_ROSTER, DataCategory.CHARGES]

day = st.integers(min_value=0, max_value=120)
pick = st.integers(min_value=0, max_value=10_000)
operation = st.one_of(
    st.tuples(st.just("issue"), pick, day, st.integers(min_value=1, max_value=60)),
    st.tuples(st.just("campaign"), st.sets(pick, min_size=1, max_size=4), day),
    st.tuples(st.just("respond"), pick, st.sampled_from(ResponseKind.values), day),
    st.tuples(st.just("edit_response"), pick, day),
    st.tuples(st.just("delete_response"), pick),
    st.tuples(
        st.just("escalate"),
        pick,
        st.sampled_from(EscalationKind.values),
        st.sampled_from(EscalationStatus.values),
        day,
    ),
    st.tuples(st.just("move_due"), pick, st.integers(min_value=0, max_value=90)),
    st.tuples(st.just("delete_request"), pick),
    st.tuples(st.just("flag_overdue"), day),
    st.tuples(st.just("compact")),
)


@pytest.fixture
def postgresql() -> None:
    assert connection.vendor == "postgresql", "the tallies are kept by PostgreSQL (CI runs it)"


def _nth(queryset, index: int):
    rows = list(queryset.order_by("pk"))
    return rows[index % len(rows)] if rows else None


def _apply(step: tuple, counties: list[County], agency) -> None:
    kind = step[0]
    if kind == "issue":
        _, which, offset, due_days = step
        issued_on = START + dt.timedelta(days=offset)
        services.issue_request(
            county=counties[which % len(counties)],
            issuing_agency=agency,
            issued_on=issued_on,
            due_basis="calendar_days",
            due_days=due_days,
            data_sought=SOUGHT,
            today=LATER,
        )
    elif kind == "campaign":
        _, which, offset = step
        services.issue_campaign(
            title=f"Campaign {Campaign.objects.count() + 1}",
            issuing_agency=agency,
            issued_on=START + dt.timedelta(days=offset),
            counties=sorted({counties[i % len(counties)] for i in which}, key=lambda c: c.pk),
            due_basis="calendar_days",
            due_days=30,
            data_sought=SOUGHT,
            today=LATER,
        )
    elif kind == "respond":
        _, which, response_kind, offset = step
        request = _nth(DataRequest.objects.all(), which)
        if request is not None:
            services.log_response(
                data_request=request,
                kind=response_kind,
                received_on=request.issued_on + dt.timedelta(days=offset),
                new_due_on=(
                    request.due_on + dt.timedelta(days=14)
                    if response_kind == ResponseKind.EXTENSION_GRANTED
                    else None
                ),
                today=LATER,
            )
    elif kind == "edit_response":
        _, which, offset = step
        response = _nth(Response.objects.select_related("request"), which)
        if response is not None:
            services.update_response(
                response=response,
                actor=None,
                received_on=response.request.issued_on + dt.timedelta(days=offset),
                today=LATER,
            )
    elif kind == "delete_response":
        response = _nth(Response.objects.all(), step[1])
        if response is not None:
            services.delete_response(response=response, actor=None, today=LATER)
    elif kind == "escalate":
        _, which, escalation_kind, status, offset = step
        request = _nth(DataRequest.objects.all(), which)
        if request is not None:
            issued_on = request.issued_on + dt.timedelta(days=offset)
            services.file_escalation(
                data_request=request,
                kind=escalation_kind,
                status=status,
                issued_on=issued_on,
                due_on=issued_on + dt.timedelta(days=14),
                today=LATER,
            )
    elif kind == "move_due":
        _, which, days = step
        request = _nth(DataRequest.objects.all(), which)
        if request is not None:
            services.update_request(
                data_request=request,
                actor=None,
                today=LATER,
                due_on=request.issued_on + dt.timedelta(days=days),
                due_rule=f"Moved to {days} days by agreement",
            )
    elif kind == "delete_request":
        request = _nth(DataRequest.objects.all(), step[1])
        if request is not None:
            services.delete_request(data_request=request, actor=None)
    elif kind == "flag_overdue":
        services.flag_overdue(today=START + dt.timedelta(days=step[1]))
    elif kind == "compact":
        tallies.compact()


def _recount(today: dt.date) -> dict:
    """Every figure the tallies give, counted from the requests and responses themselves."""
    by_county: dict[int, Counter] = defaultdict(Counter)
    by_campaign: dict[int | None, Counter] = defaultdict(Counter)
    states: set[str] = set()
    first_days: list[int] = []
    decided = on_time = 0
    responses = defaultdict(list)
    for request_id, kind, received_on in Response.objects.values_list(
        "request_id", "kind", "received_on"
    ):
        responses[request_id].append((kind, received_on))
    for request in DataRequest.objects.select_related("county"):
        for bucket in (by_county[request.county_id], by_campaign[request.campaign_id]):
            bucket[request.status] += 1
            bucket["total"] += 1
            bucket["open"] += request.status in workflow.OPEN_STATUSES
            bucket["overdue"] += request.overdue_since is not None
        states.add(request.county.state)
        answers = responses[request.pk]
        first = [on for kind, on in answers if kind != ResponseKind.PUBLIC_STATEMENT]
        substantive = [on for kind, on in answers if kind in workflow.SUBSTANTIVE_OUTCOME]
        if first:
            first_days.append((min(first) - request.issued_on).days)
        if substantive or today > request.due_on:
            decided += 1
            on_time += bool(substantive) and min(substantive) <= request.due_on
    return {
        "counties": {key: +value for key, value in by_county.items()},
        "campaigns": {key: +value for key, value in by_campaign.items()},
        "states": sorted(states),
        "responded": len(first_days),
        "median": float(statistics.median(first_days)) if first_days else None,
        "decided": decided,
        "on_time": on_time,
    }


def _counts(row) -> dict:
    counts = {status: n for status, n in selectors.status_counts_of(row).items() if n}
    for name in ("total", "open", "overdue"):
        if getattr(row, f"requests_{name}"):
            counts[name] = getattr(row, f"requests_{name}")
    return counts


def _from_tallies(today: dt.date) -> dict:
    stats = selectors.request_stats(None, today=today)
    campaigns = {campaign.pk: _counts(campaign) for campaign in selectors.campaign_tallies()}
    unassigned = next((group for group in stats.by_campaign if group.key is None), None)
    if unassigned is not None:
        campaigns[None] = {
            **{status: n for status, n in unassigned.by_status.items() if n},
            **{
                name: getattr(unassigned, name)
                for name in ("total", "open", "overdue")
                if getattr(unassigned, name)
            },
        }
    return {
        "counties": {
            county.pk: _counts(county)
            for county in selectors.county_tallies()
            if county.requests_total
        },
        "campaigns": {key: value for key, value in campaigns.items() if value},
        "states": maps.states_with_requests(),
        "responded": stats.responded,
        "median": stats.median_days_to_first_response,
        "decided": stats.due_date_passed_or_answered,
        "on_time": stats.answered_by_due_date,
    }


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operation, min_size=1, max_size=25), today_offset=day)
def test_tallies_equal_a_full_recount_after_any_sequence_of_writes(
    postgresql, steps, today_offset
) -> None:
    today = START + dt.timedelta(days=today_offset)
    with transaction.atomic():
        counties = [CountyFactory(), CountyFactory(), CountyFactory(state="OR")]
        agency = AgencyFactory()
        for step in steps:
            try:
                with transaction.atomic():
                    _apply(step, counties, agency)
                event(f"{step[0]}: written")
            except ValidationError:
                event(f"{step[0]}: refused")  # and a refused write changes no tally
        assert _from_tallies(today) == _recount(today)
        tallies.compact()
        assert _from_tallies(today) == _recount(today)
        totals = selectors.request_status_totals()
        assert totals.total == DataRequest.objects.count()
        assert totals.overdue == DataRequest.objects.filter(overdue_since__isnull=False).count()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_recount_rebuilds_tallies_lost_below_the_triggers(postgresql) -> None:
    county = CountyFactory()
    request = make_request(county=county, issued_on=START, due_days=30)
    services.log_response(
        data_request=request, kind=ResponseKind.DECLINED, received_on=START, today=START
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM requests_tracker_countytally")
    assert selectors.county_tallies().get(pk=county.pk).requests_total == 0

    tallies.recount()

    county = selectors.county_tallies().get(pk=county.pk)
    assert (county.requests_total, county.requests_declined) == (1, 1)
    assert county.requests_open == 0


@pytest.mark.django_db
def test_stats_read_the_same_numbers_with_and_without_tallies(postgresql) -> None:
    """Unfiltered stats come from the tallies; any filter counts the requests: both agree."""
    county = CountyFactory()
    request = make_request(county=county, issued_on=START, due_days=10)
    services.log_response(
        data_request=request,
        kind=ResponseKind.ACKNOWLEDGED,
        received_on=START + dt.timedelta(days=3),
        today=LATER,
    )
    services.flag_overdue(today=START + dt.timedelta(days=20))
    from_tallies = selectors.request_stats(None, today=LATER)
    counted = selectors.request_stats(DataRequest.objects.all(), today=LATER)
    assert from_tallies == counted
    assert from_tallies.by_status[RequestStatus.ACKNOWLEDGED] == 1
    assert (from_tallies.overdue, from_tallies.median_days_to_first_response) == (1, 3.0)
