"""Shared reads: the querysets the API, web pages, feeds and admin show (topic modules beside this
one add their own: import them by name, e.g. `from requests_tracker.selectors import maps`).

Each selector returns everything its rows display in a fixed number of queries (select_related for
what a row points at, prefetch_related for lists, annotations for counts), so a page of 200 costs
the same as a page of 1. Filtering and paging stay with the caller; the rules of what a number
means (open, overdue, answered on time) live here, once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from requests_tracker import feed_tokens, tallies, workflow
from requests_tracker.models import (
    Activity,
    Agency,
    Campaign,
    County,
    DataRequest,
    Escalation,
    FeedToken,
    ReportedFigure,
    RequestStatus,
    Response,
    Source,
    Watch,
    WebhookSubscription,
)
from requests_tracker.models.requests import NOT_OVERDUE_RANK

STATUS_COUNT_PREFIX = tallies.STATUS_COUNT_PREFIX


def _status_counts() -> dict[str, Count]:
    """Aggregates counting requests per status, open and overdue."""
    counts = {
        f"{STATUS_COUNT_PREFIX}{status}": Count("pk", filter=Q(status=status))
        for status in RequestStatus.values
    }
    counts["requests_total"] = Count("pk")
    counts["requests_open"] = Count("pk", filter=Q(status__in=workflow.OPEN_STATUSES))
    counts["requests_overdue"] = Count("pk", filter=Q(overdue_since__isnull=False))
    return counts


def status_counts_of(row: object) -> dict[str, int]:
    """The per-status counts a row annotated by county_tallies or campaign_tallies carries."""
    return {
        status: getattr(row, f"{STATUS_COUNT_PREFIX}{status}", 0) for status in RequestStatus.values
    }


def data_requests(*, with_timeline: bool = False) -> QuerySet[DataRequest]:
    """Every request with what a row about it shows.

    Joined: county, campaign, issuing agency, who entered it. Prefetched: sources (a request with
    none is shown as unsourced). Annotated: `latest_response_kind` and `latest_response_on` (the
    county's most recent answer of any kind, public statements included) and `overdue_rank`, the
    ordering key for "days overdue": the first overdue day, or NOT_OVERDUE_RANK when the request
    is not overdue, so most overdue sorts first in ascending order; `county_name`, the ordering
    key for "county" (keyset cursors page by the row's own values). With `with_timeline`, the
    request's responses and escalations (with their sources) are prefetched too.
    """
    latest = Response.objects.filter(request=OuterRef("pk")).order_by("-received_on", "-id")
    queryset = (
        DataRequest.objects.select_related("county", "campaign", "issuing_agency", "created_by")
        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("id")))
        .annotate(
            latest_response_kind=Subquery(latest.values("kind")[:1]),
            latest_response_on=Subquery(latest.values("received_on")[:1]),
            overdue_rank=Coalesce(
                F("overdue_since"), Value(NOT_OVERDUE_RANK), output_field=DateField()
            ),
            county_name=F("county__name"),
        )
    )
    if with_timeline:
        queryset = queryset.prefetch_related(
            Prefetch(
                "responses",
                queryset=Response.objects.select_related("responding_agency", "logged_by")
                .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("id")))
                .order_by("received_on", "id"),
            ),
            Prefetch(
                "escalations",
                queryset=Escalation.objects.select_related("logged_by")
                .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("id")))
                .order_by("issued_on", "id"),
            ),
        )
    return queryset


def days_overdue(request: DataRequest, *, today: dt.date) -> int:
    """Whole days since the deadline passed, for a request flagged overdue; 0 otherwise.

    Due on the 16th and still unanswered on the 17th is one day overdue (`overdue_since` is the
    17th). Counted in the newsroom's time zone, which decides `today`.
    """
    if request.overdue_since is None:
        return 0
    return max((today - request.overdue_since).days + 1, 0)


def county_tallies() -> QuerySet[County]:
    """Counties with counts of their requests by status, open and overdue, in one query.

    Annotated `requests_<status>` for every status, `requests_total`, `requests_open` (the matter
    is not settled: workflow.OPEN_STATUSES) and `requests_overdue` (flagged overdue now). Read
    from the tallies the database keeps (tallies.py), which do not grow with history.
    """
    counties = County.objects.select_related("sanctuary_source")
    return counties.annotate(**tallies.count_annotations())


def campaign_tallies() -> QuerySet[Campaign]:
    """Campaigns with their issuing agency, sources and the same request counts as counties."""
    campaigns = Campaign.objects.select_related("issuing_agency", "created_by").prefetch_related(
        Prefetch("sources", queryset=Source.objects.order_by("id"))
    )
    return campaigns.annotate(**tallies.count_annotations())


def county_responses() -> QuerySet[Response]:
    """Responses with their request, county, responding agency, sources and who logged them."""
    return Response.objects.select_related(
        "request", "request__county", "responding_agency", "logged_by"
    ).prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("id")))


def escalations() -> QuerySet[Escalation]:
    """Escalations with their request, county, sources and who logged them (`follows` is an id)."""
    return Escalation.objects.select_related(
        "request", "request__county", "logged_by"
    ).prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("id")))


def sources_on_file() -> QuerySet[Source]:
    """Sources with who added and verified them, and the ids of every record that cites them."""
    return Source.objects.select_related("created_by", "verified_by").prefetch_related(
        Prefetch("requests", queryset=DataRequest.objects.only("id").order_by("id")),
        Prefetch("responses", queryset=Response.objects.only("id").order_by("id")),
        Prefetch("escalations", queryset=Escalation.objects.only("id").order_by("id")),
        Prefetch("campaigns", queryset=Campaign.objects.only("id").order_by("id")),
    )


def reported_figures() -> QuerySet[ReportedFigure]:
    """Figures officials reported, with their county, source and who logged them."""
    return ReportedFigure.objects.select_related("county", "source", "logged_by")


def agencies() -> QuerySet[Agency]:
    """Issuing and responding bodies, with the county a local one belongs to."""
    return Agency.objects.select_related("county")


def webhook_subscriptions() -> QuerySet[WebhookSubscription]:
    """Webhook subscriptions with who created them."""
    return WebhookSubscription.objects.select_related("created_by")


def activity_feed() -> QuerySet[Activity]:
    """The event log in the order it was recorded, (created_at, id), oldest first: the changes
    feed's cursor relies on it (a reader that syncs must see late-recorded events too)."""
    return Activity.objects.select_related("county", "actor").order_by("created_at", "id")


def timeline() -> QuerySet[Activity]:
    """Events in the order they happened: by `occurred_on` (the letter's date, the day an answer
    was received, the first overdue day), then by when they were recorded. Timelines of a
    request or a county read this way, whatever order the rows were typed in."""
    return activity_feed().order_by("occurred_on", "created_at", "id")


def activity_settled_before() -> dt.datetime:
    """The time before which the event log can no longer change: the changes feed stops there.

    Events are ordered by `created_at`, stamped when a write makes them, but become visible only
    when the write commits. A slow write that started first may therefore commit an event that
    sorts before one a faster write already committed; a reader that moved past it would miss it.
    So the feed only serves events older than every write still in progress: the start of the
    oldest open transaction on this database (pg_stat_activity; the app's database role sees its
    own sessions, which are the ones that write). The margin
    settings.ACTIVITY_FEED_SETTLE_SECONDS absorbs clock differences between app hosts and the
    database; the cost is that an event appears in the feed that many seconds late. A session
    left idle inside a transaction holds the feed back until it ends (PostgreSQL's
    idle_in_transaction_session_timeout puts a bound on that).
    """
    margin = dt.timedelta(seconds=float(getattr(settings, "ACTIVITY_FEED_SETTLE_SECONDS", 1.0)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT LEAST(clock_timestamp(), min(xact_start)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        horizon = cursor.fetchone()[0]
    return horizon - margin


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
        base = requests.order_by()
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
            (due_on, None if answered is None else answered <= due_on, n)
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
    by_status = dict.fromkeys(RequestStatus.values, 0)

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
        for status in RequestStatus.values:
            by_status[status] += bucket[status]
    titles = dict(
        Campaign.objects.filter(pk__in=[key for key in campaigns if key is not None]).values_list(
            "pk", "title"
        )
    )

    def tally(key: str | int | None, label: str, bucket: dict) -> GroupTally:
        return GroupTally(
            key=key,
            label=label,
            total=bucket["__total"],
            open=bucket["__open"],
            overdue=bucket["__overdue"],
            by_status={status: bucket[status] for status in RequestStatus.values},
        )

    by_state = [tally(state, state, states[state]) for state in sorted(states)]
    by_campaign = [
        tally(key, titles.get(key, "No campaign") if key else "No campaign", campaigns[key])
        for key in sorted(campaigns, key=lambda key: (key is None, key or 0))
    ]
    first_days = list(first_days)
    decided = on_time = 0
    for due_on, answered_on_time, n in deadline_rows:
        if answered_on_time is not None or today > due_on:
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
        by_status = dict.fromkeys(RequestStatus.values, 0)
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
    row = requests.order_by().aggregate(**_status_counts())
    return StatusTotals(
        total=row["requests_total"],
        open=row["requests_open"],
        overdue=row["requests_overdue"],
        by_status={
            status: row[f"{STATUS_COUNT_PREFIX}{status}"] for status in RequestStatus.values
        },
    )


def overdue_requests() -> QuerySet[DataRequest]:
    """Requests flagged overdue, the longest overdue first (rows as in data_requests)."""
    return data_requests().filter(overdue_since__isnull=False).order_by("overdue_since", "id")


def recent_activity() -> QuerySet[Activity]:
    """The event log newest first, for pages and the Atom feed (the API's feed stays oldest
    first, which its cursor relies on)."""
    return activity_feed().order_by("-created_at", "-id")


def private_feed_token(user: object) -> str:
    """The user's current private feed token (one query; nothing is written)."""
    secret = FeedToken.objects.filter(user=user).values_list("key", flat=True).first() or ""
    return feed_tokens.feed_token(user.pk, secret)


def private_feed_reader(token: str) -> object | None:
    """The active user whose current private feed token `token` is, or None (two queries)."""
    user_id = feed_tokens.token_user_id(token)
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    secret = FeedToken.objects.filter(user=user).values_list("key", flat=True).first() or ""
    return user if feed_tokens.token_matches(token, user.pk, secret) else None


def watched_activity(user: object) -> QuerySet[Activity]:
    """Events about what `user` watches (their counties, campaigns and requests), newest
    recorded first, in one query."""
    watches = Watch.objects.filter(user=user)
    return recent_activity().filter(
        Q(county__in=watches.filter(county__isnull=False).values("county"))
        | Q(campaign__in=watches.filter(campaign__isnull=False).values("campaign"))
        | Q(request__in=watches.filter(request__isnull=False).values("request"))
    )


def my_watches(user: object) -> QuerySet[Watch]:
    """A user's watches with what they point at, counties first, then campaigns, then requests."""
    return (
        Watch.objects.filter(user=user)
        .select_related("county", "campaign", "request__county")
        .order_by("request_id", "campaign_id", "county__state", "county__name", "pk")
    )


def watch_of(user: object, **target: object) -> Watch | None:
    """The user's watch of one county, campaign or request (`request=` for a request), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Watch.objects.filter(user=user, **target).first()


def badge_request(county: County) -> DataRequest | None:
    """The request a county's status badge reports: its most recently issued one.

    A county may have had several requests; a reader embedding the badge in a story wants the
    current one, and the newest letter is what the county is answering now.
    """
    return (
        DataRequest.objects.filter(county=county)
        .only("id", "status", "overdue_since", "issued_on", "county_id")
        .order_by("-issued_on", "-id")
        .first()
    )
