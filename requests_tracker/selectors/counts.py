"""Counts of requests: per county and campaign (the tallies the database keeps), the status totals
and the stats a story cites, each number with its definition.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from requests_tracker import tallies, workflow
from requests_tracker.choices import DataCategory
from requests_tracker.models import (
    Campaign,
    County,
    CountyCounts,
    CountyTally,
    DataRequest,
    Source,
)
from requests_tracker.selectors.id_arrays import id_in
from requests_tracker.selectors.visibility import published

STATUS_COUNT_PREFIX = tallies.STATUS_COUNT_PREFIX


def _status_counts() -> dict[str, Count]:
    """Aggregates counting requests per status, open and overdue."""
    counts = {
        f"{STATUS_COUNT_PREFIX}{status}": Count("pk", filter=Q(status=status))
        for status in workflow.REQUEST_STATUSES
    }
    counts["requests_total"] = Count("pk")
    counts["requests_open"] = Count("pk", filter=Q(status__in=workflow.OPEN_STATUSES))
    counts["requests_overdue"] = Count("pk", filter=Q(overdue_since__isnull=False))
    return counts


def status_counts_of(row: object) -> dict[str, int]:
    """The per-status counts a row annotated by county_tallies or campaign_tallies carries."""
    return {
        status: getattr(row, f"{STATUS_COUNT_PREFIX}{status}", 0)
        for status in workflow.REQUEST_STATUSES
    }


def county_tallies() -> QuerySet[County]:
    """Counties with counts of their requests by status, open and overdue, in one query.

    Annotated `requests_<status>` for every status, `requests_total`, `requests_open` (the matter
    is not settled: workflow.OPEN_STATUSES) and `requests_overdue` (flagged overdue now). Read
    from the tallies the database keeps (tallies.py), which do not grow with history.
    """
    counties = County.objects.select_related("sanctuary_source")
    return counties.annotate(**tallies.count_annotations())


LISTED_COLUMNS = ("id", "fips", "name", "state")
"""What a list of counties with their counts shows of each county."""


def counties_with_requests(order: Sequence[str], limit: int) -> list[County]:
    """The first `limit` counties with at least one request, in `order` (ORM terms), with the
    counts county_tallies gives (and LISTED_COLUMNS of the county).

    In an order of the county's own columns (name, state, FIPS), the counties are walked in that
    order by their index, each one's tally rows added up through the tallies' county index, until
    `limit` have requests; then only those counties' counts are read (add_counts). Both
    statements are bounded by `limit`, where county_tallies adds up every county's tallies to keep
    a page of them (a fifth of the dashboard's time at a million requests). In an order of
    counts, any county may come first, so every county's counts are added up."""
    if _by_counts(order):
        counties = county_tallies().select_related(None).only(*LISTED_COLUMNS)
        counties = counties.filter(requests_total__gt=0)
        return list(counties.order_by(*order)[:limit])
    requests = (
        CountyTally.objects.filter(county=OuterRef("pk"))
        .order_by()
        .values("county")
        .annotate(total=Sum("n"))
        .values("total")
    )
    # The columns a list of counties shows, not the whole record (a page of hundreds).
    counties = County.objects.only(*LISTED_COLUMNS)
    counties = counties.alias(requests_n=Subquery(requests)).filter(requests_n__gt=0)
    return add_counts(list(counties.order_by(*order)[:limit]))


def add_counts(counties: list[County]) -> list[County]:
    """`counties` (a page already chosen) given the counts county_tallies would annotate them
    with, read from the counts view for their ids alone: PostgreSQL adds up only their tally rows
    (county_tallies adds up every county's to keep a page of them)."""
    rows = CountyCounts.objects.filter(id_in("county_id", [county.pk for county in counties]))
    counts = {row[0]: row[1:] for row in rows.values_list("county_id", *tallies.COUNTS)}
    nothing = (0,) * len(tallies.COUNTS)
    for county in counties:
        for name, value in zip(tallies.COUNTS, counts.get(county.pk, nothing), strict=True):
            setattr(county, f"{STATUS_COUNT_PREFIX}{name}", value)
    return counties


def listed_counties(order: Sequence[Any]) -> QuerySet[County]:
    """Counties to list in `order` (ORM terms), a page at a time: with county_tallies' counts when
    `order` sorts by a count (any county may come first, so every county's are added up); else
    plain, and `counted` gives the page shown its counts alone."""
    return county_tallies() if _by_counts(order) else County.objects.all()


def counted(counties: Iterable[County], order: Sequence[Any]) -> list[County]:
    """A page of `listed_counties(order)` with its counts."""
    counties = list(counties)
    return counties if _by_counts(order) else add_counts(counties)


def _by_counts(order: Sequence[Any]) -> bool:
    """Whether `order` sorts by a count, not only by the county's own columns."""
    return not all(isinstance(term, str) and STATUS_COUNT_PREFIX not in term for term in order)


def campaign_tallies() -> QuerySet[Campaign]:
    """Campaigns with their issuing agency, sources and the same request counts as counties."""
    campaigns = Campaign.objects.select_related("issuing_agency", "created_by").prefetch_related(
        Prefetch("sources", queryset=Source.objects.order_by("id"))
    )
    return campaigns.annotate(**tallies.count_annotations())


@dataclass(frozen=True)
class GroupTally:
    """Counts for one state or one campaign."""

    key: str | int | None
    label: str
    total: int = 0
    open: int = 0
    overdue: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RequestStats:
    total: int
    open: int
    overdue: int
    by_status: dict[str, int]
    by_state: list[GroupTally]
    by_campaign: list[GroupTally]
    responded: int
    median_days_to_first_response: float | None
    due_date_passed_or_answered: int
    answered_by_due_date: int
    answered_by_due_date_share: float | None


def request_stats(requests: QuerySet[DataRequest] | None, *, today: dt.date) -> RequestStats:
    """The numbers a dashboard or a story cites, over `requests` (already filtered; None: every
    request, read from the tallies the database keeps), in five queries at most.

    - counts by status, by state and by campaign; open (workflow.OPEN_STATUSES) and overdue.
    - median days from issue to first response: the county's first answer of any kind except a
      public statement (workflow: statements to the press are not an answer to DOJ), over the
      requests that have one.
    - share answered by the due date: requests with a substantive answer (complied, partial,
      declined, no records) received on or before the due date (as extended), over the requests
      whose due date has passed or that have such an answer. None when there are none.

    Nothing loads a row per request: each figure is read as counts per bucket (state, campaign,
    days to the first response, due date).
    """
    if requests is None:
        state_rows = tallies.by_state()
        campaign_rows = tallies.by_campaign()
        first_days = tallies.first_response_days()
        deadline_rows = tallies.deadlines()
    else:
        # Published requests only, whoever asks (selectors/visibility.py), as the tallies count.
        base = published(requests.order_by())
        overdue = ExpressionWrapper(Q(overdue_since__isnull=False), output_field=BooleanField())
        counted = base.annotate(flagged=overdue)
        state_rows = list(
            counted.values_list("county__state", "status", "flagged").annotate(n=Count("pk"))
        )
        campaign_rows = list(
            counted.values_list("campaign_id", "status", "flagged").annotate(n=Count("pk"))
        )
        first_days = [
            ((first - issued).days, n)
            for issued, first, n in base.filter(first_response_on__isnull=False)
            .values_list("issued_on", "first_response_on")
            .annotate(n=Count("pk"))
        ]
        deadline_rows = [
            (due_on, workflow.answered_on_time(answered, due_on), n)
            for due_on, answered, n in base.values_list("due_on", "first_answer_on").annotate(
                n=Count("pk")
            )
        ]
    return _stats(state_rows, campaign_rows, first_days, deadline_rows, today=today)


def _stats(
    state_rows: Iterable[tuple[str, str, bool, int]],
    campaign_rows: Iterable[tuple[int | None, str, bool, int]],
    first_days: Iterable[tuple[int, int]],
    deadline_rows: Iterable[tuple[dt.date, bool | None, int]],
    *,
    today: dt.date,
) -> RequestStats:
    """RequestStats from counts per (state or campaign, status, overdue), per days to the first
    response, and per (due date, answered on time)."""
    by_status = dict.fromkeys(workflow.REQUEST_STATUSES, 0)

    def grouped(rows: Iterable[tuple]) -> dict:
        buckets: dict = defaultdict(lambda: defaultdict(int))
        for key, status, flagged, n in rows:
            bucket = buckets[key]
            bucket[status] += n
            bucket["__total"] += n
            bucket["__overdue"] += n if flagged else 0
            bucket["__open"] += n if status in workflow.OPEN_STATUSES else 0
        return buckets

    states = grouped(state_rows)
    campaigns = grouped(campaign_rows)
    for bucket in states.values():
        for status in workflow.REQUEST_STATUSES:
            by_status[status] += bucket[status]
    titles = dict(
        Campaign.objects.filter(
            id_in("pk", [key for key in campaigns if key is not None])
        ).values_list("pk", "title")
    )

    def tally(key: str | int | None, label: str, bucket: dict) -> GroupTally:
        return GroupTally(
            key=key,
            label=label,
            total=bucket["__total"],
            open=bucket["__open"],
            overdue=bucket["__overdue"],
            by_status={status: bucket[status] for status in workflow.REQUEST_STATUSES},
        )

    by_state = [tally(state, state, states[state]) for state in sorted(states)]
    by_campaign = [
        tally(key, titles.get(key, "No campaign") if key else "No campaign", campaigns[key])
        for key in sorted(campaigns, key=lambda key: (key is None, key or 0))
    ]
    first_days = list(first_days)
    decided = on_time = 0
    for due_on, answered_on_time, n in deadline_rows:
        if workflow.deadline_decided(answered_on_time, due_on, today):
            decided += n
            on_time += n if answered_on_time else 0
    total = sum(by_status.values())
    return RequestStats(
        total=total,
        open=sum(by_status[status] for status in workflow.OPEN_STATUSES),
        overdue=sum(tally.overdue for tally in by_state),
        by_status=by_status,
        by_state=by_state,
        by_campaign=by_campaign,
        responded=sum(n for _, n in first_days),
        median_days_to_first_response=tallies.median_of(first_days),
        due_date_passed_or_answered=decided,
        answered_by_due_date=on_time,
        answered_by_due_date_share=round(on_time / decided, 4) if decided else None,
    )


# Reads for the web pages, the Atom feed and the badges.


@dataclass(frozen=True)
class StatusTotals:
    """How many requests there are in each status, open and overdue."""

    total: int
    open: int
    overdue: int
    by_status: dict[str, int]


def request_status_totals(requests: QuerySet[DataRequest] | None = None) -> StatusTotals:
    """Counts of `requests` (default: all, from the tallies the database keeps) by status, open
    and overdue, in one query.

    Open and overdue mean what they mean everywhere: workflow.OPEN_STATUSES, and flagged
    overdue now (`overdue_since` set by flag_overdue).
    """
    if requests is None:
        by_status = dict.fromkeys(workflow.REQUEST_STATUSES, 0)
        overdue = 0
        for status, flagged, n in tallies.by_status_and_overdue():
            by_status[status] += n
            overdue += n if flagged else 0
        return StatusTotals(
            total=sum(by_status.values()),
            open=sum(by_status[status] for status in workflow.OPEN_STATUSES),
            overdue=overdue,
            by_status=by_status,
        )
    row = published(requests.order_by()).aggregate(**_status_counts())
    return StatusTotals(
        total=row["requests_total"],
        open=row["requests_open"],
        overdue=row["requests_overdue"],
        by_status={
            status: row[f"{STATUS_COUNT_PREFIX}{status}"] for status in workflow.REQUEST_STATUSES
        },
    )


__all__ = [
    "headline_campaigns",
    "STATUS_COUNT_PREFIX",
    "status_counts_of",
    "county_tallies",
    "counties_with_requests",
    "listed_counties",
    "counted",
    "add_counts",
    "campaign_tallies",
    "GroupTally",
    "RequestStats",
    "request_stats",
    "StatusTotals",
    "request_status_totals",
]


def headline_campaigns(limit: int = 3) -> list[Campaign]:
    """The campaigns the dashboard leads with: pinned ones first, then the newest letters, each
    with the counts campaign_tallies gives, `answered` (counties that replied in any way: the total
    less those still awaiting a first answer) and `sought` (what DOJ asked for, in words). One
    query."""
    # Not campaign_tallies(): a headline names the issuing agency but not the sources.
    campaigns = Campaign.objects.select_related("issuing_agency")
    campaigns = campaigns.annotate(**tallies.count_annotations())
    rows = list(campaigns.order_by("-pinned", "-issued_on", "-id")[:limit])
    labels = dict(DataCategory.choices)
    for campaign in rows:
        campaign.answered = campaign.requests_total - campaign.requests_awaiting
        campaign.sought = [str(labels.get(c, c)).lower() for c in campaign.data_sought]
    return rows
