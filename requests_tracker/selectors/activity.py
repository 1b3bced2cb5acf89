"""The event log as readers meet it: the changes feed and how far it may read, timelines in the
order things happened, recent and watched activity, watches and private feed readers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Q,
    QuerySet,
)

from requests_tracker.choices import ActivityVerb
from requests_tracker.models import (
    Activity,
    FeedToken,
    Watch,
)
from requests_tracker.security import feed_tokens


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


def recent_activity() -> QuerySet[Activity]:
    """The event log newest first, for pages and the Atom feed (the API's feed stays oldest
    first, which its cursor relies on)."""
    return activity_feed().order_by("-created_at", "-id")


def with_superseded_flags(events: Iterable[Activity]) -> list[Activity]:
    """The events, each "became overdue" that a later-recorded "overdue cleared" of the same
    request or escalation undid marked `superseded_by` (that event). In the order things
    happened, an answer back-dated before the deadline puts the clearing first; the flag is
    then no longer the last word, and the page says so."""
    events = list(events)
    cleared: dict[tuple[int | None, int | None], list[Activity]] = {}
    for event in events:
        if event.verb == ActivityVerb.OVERDUE_CLEARED:
            cleared.setdefault((event.request_id, event.escalation_id), []).append(event)
    for event in events:
        event.superseded_by = None
        if event.verb == ActivityVerb.BECAME_OVERDUE:
            later = [
                c
                for c in cleared.get((event.request_id, event.escalation_id), [])
                if (c.created_at, c.pk) > (event.created_at, event.pk)
            ]
            if later:
                event.superseded_by = min(later, key=lambda c: (c.created_at, c.pk))
    return events


LATEST_EVENTS_WINDOW = 1000
"""The dashboard orders the events recorded last, this many, by when they happened."""


def latest_events() -> QuerySet[Activity]:
    """The event log in the order things happened, the latest first (by `occurred_on`, then by
    when they were recorded), for the dashboard: a back-dated answer takes its place among the
    events of its day, not at the top.

    Among the LATEST_EVENTS_WINDOW events recorded last only (the `(created_at, id)` index reads
    them): no index serves `occurred_on`, and ordering the whole log (millions of rows) to show
    twenty would cost seconds. An event recorded long ago is not news on the dashboard."""
    newest = Activity.objects.order_by("-created_at", "-id").values("pk")[:LATEST_EVENTS_WINDOW]
    return activity_feed().filter(pk__in=newest).order_by("-occurred_on", "-created_at", "-id")


def private_feed_token(user: object) -> str:
    """The user's current private feed token (one query; nothing is written)."""
    secret = FeedToken.objects.filter(user=user).values_list("key", flat=True).first() or ""
    return feed_tokens.feed_token(user.pk, secret, user.password)


def private_feed_reader(token: str) -> object | None:
    """The active user whose current private feed token `token` is, or None (two queries)."""
    user_id = feed_tokens.token_user_id(token)
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    secret = FeedToken.objects.filter(user=user).values_list("key", flat=True).first() or ""
    return user if feed_tokens.token_matches(token, user.pk, secret, user.password) else None


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


__all__ = [
    "with_superseded_flags",
    "latest_events",
    "activity_feed",
    "timeline",
    "activity_settled_before",
    "recent_activity",
    "private_feed_token",
    "private_feed_reader",
    "watched_activity",
    "my_watches",
    "watch_of",
]
