"""Reading the counts the database keeps (models/tallies.py), and keeping them compact.

Pages that show counts over every request ever recorded (the dashboard's totals and county table,
/counties/, a county's page, the map's list of states, the campaigns' counts, /api/v1/stats/
without filters) read the tallies: a few rows per county, campaign or day, however many requests
there are. Their definitions are the selectors' (open, overdue, first response,
answered by the due date), checked by tests/test_tallies.py against a count of the requests
after random writes, deletes and overdue passes. Filtered counts (a state, a status, a search)
still count the requests matching them, which the indexes bound.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from requests_tracker.choices import RequestStatus
from requests_tracker.models import (
    CampaignTally,
    County,
    CountyTally,
    DeadlineTally,
    FirstResponseTally,
)

TABLES = tuple(
    model._meta.db_table
    for model in (CountyTally, CampaignTally, FirstResponseTally, DeadlineTally)
)

STATUS_COUNT_PREFIX = "requests_"
"""Counts read as `requests_<status>`, `requests_total`, `requests_open`, `requests_overdue`."""
COUNTS = (*RequestStatus.values, "total", "open", "overdue")
"""The counts view's columns."""


def compact() -> None:
    """Fold each bucket's rows into one (safe while others write: their rows stay)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT requests_tracker_compact_tallies()")


def recount() -> None:
    """Rebuild every tally from the requests (after a write that bypassed the triggers)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT requests_tracker_recount_tallies()")


def count_annotations() -> dict[str, Coalesce]:
    """Annotations for a County or Campaign queryset: its requests by status, total, open and
    overdue, read from its row of the counts view (`counts`: its tally rows added up)."""
    return {f"{STATUS_COUNT_PREFIX}{name}": Coalesce(F(f"counts__{name}"), 0) for name in COUNTS}


def by_status_and_overdue() -> list[tuple[str, bool, int]]:
    """(status, overdue, requests) over every request, from the campaigns' tallies."""
    rows = CampaignTally.objects.values_list("status", "overdue").annotate(total=Sum("n"))
    return [(status, overdue, total) for status, overdue, total in rows.order_by() if total]


def by_state() -> list[tuple[str, str, bool, int]]:
    """(state, status, overdue, requests), from the counties' tallies."""
    rows = CountyTally.objects.values_list("county__state", "status", "overdue").annotate(
        total=Sum("n")
    )
    return [row for row in rows.order_by() if row[3]]


def by_campaign() -> list[tuple[int | None, str, bool, int]]:
    """(campaign id, status, overdue, requests)."""
    rows = CampaignTally.objects.values_list("campaign_id", "status", "overdue").annotate(
        total=Sum("n")
    )
    return [row for row in rows.order_by() if row[3]]


def states() -> list[str]:
    """USPS codes of the states where a county has a request, in order.

    Each state's counties are walked by the state index until one has tally rows adding up to
    a request (most states: the first county), rather than every county's tallies added up."""
    county, tally = County._meta.db_table, CountyTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.state FROM (SELECT DISTINCT state FROM {county}) s "
            f"WHERE EXISTS (SELECT 1 FROM {county} c WHERE c.state = s.state "
            f"AND (SELECT sum(n) FROM {tally} t WHERE t.county_id = c.id) > 0) ORDER BY 1"
        )
        return [state for (state,) in cursor.fetchall()]


def first_response_days() -> list[tuple[int, int]]:
    """(days from the letter to the first response, requests), for requests with one."""
    rows = FirstResponseTally.objects.values_list("days").annotate(total=Sum("n"))
    return [(days, total) for days, total in rows.order_by() if total]


def deadlines() -> list[tuple[dt.date, bool | None, int]]:
    """(due date, answered on time: true, false, or null while unanswered, requests)."""
    rows = DeadlineTally.objects.values_list("due_on", "on_time").annotate(total=Sum("n"))
    return [(due_on, on_time, total) for due_on, on_time, total in rows.order_by() if total]


def median_of(histogram: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times), as statistics.median would give
    it over the values written out (the mean of the two middle values for an even count)."""
    counted = sorted((value, n) for value, n in histogram if n > 0)
    size = sum(n for _, n in counted)
    if not size:
        return None
    wanted = [(size - 1) // 2, size // 2]
    found: list[int] = []
    seen = 0
    for value, n in counted:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return (found[0] + found[1]) / 2
