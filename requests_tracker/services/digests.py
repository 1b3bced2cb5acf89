"""Watcher digests: one email per user per digest about what changed in what they watch."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from requests_tracker.models import Activity, ActivityVerb, Watch
from requests_tracker.presentation.links import absolute_url
from requests_tracker.services.activity import User

logger = logging.getLogger(__name__)

SECTIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Newly overdue", frozenset({ActivityVerb.BECAME_OVERDUE})),
    ("Responses", frozenset({ActivityVerb.RESPONSE_LOGGED, ActivityVerb.RESPONSE_UPDATED})),
    ("Escalations", frozenset({ActivityVerb.ESCALATION_FILED, ActivityVerb.ESCALATION_UPDATED})),
    ("Due dates changed", frozenset({ActivityVerb.DUE_DATE_CHANGED})),
    (
        "Other changes",
        frozenset(
            {
                ActivityVerb.REQUEST_ISSUED,
                ActivityVerb.CAMPAIGN_ISSUED,
                ActivityVerb.STATUS_CHANGED,
                ActivityVerb.OVERDUE_CLEARED,
            }
        ),
    ),
)
DIGEST_VERBS: frozenset[str] = frozenset().union(*(verbs for _, verbs in SECTIONS))
"""What a watcher is told about. Edits of wording, sources and figures are not news in a digest."""

SETTLE = dt.timedelta(minutes=1)
"""Events younger than this wait for the next digest: the watch's cursor is an Activity id, and a
transaction still open when the digest runs could commit an older id after a newer one is sent."""


@dataclass(frozen=True)
class DigestResult:
    emails_sent: int
    events_sent: int
    users_failed: int = 0


DIGEST_FREQUENCIES = (Watch.Frequency.HOURLY, Watch.Frequency.DAILY)
"""Watches set to `none` are followed in the feed and on My watches, never by email."""


def send_digests(*, frequency: str, now: dt.datetime | None = None) -> DigestResult:
    """Email each watcher with `frequency` watches what changed since their last digest.

    Rules: one email per user per run, HTML and text, covering all their watches of that
    frequency; only events (DIGEST_VERBS) newer than each watch's `last_sent_activity`; an event
    that reaches the user through two watches (a county and one of its requests) is listed once
    and never again in a later digest, whichever frequency sent it; no email when nothing
    changed. Inactive users and users without an email address are skipped.

    Side effects: sends mail; advances each watch's `last_sent_activity` to the newest event it
    covered, in the same transaction as the send, so a failed send is tried again next time.
    A failure for one user is logged and counted and does not stop the others.
    """
    if frequency not in DIGEST_FREQUENCIES:
        raise ValueError(f"Unknown digest frequency {frequency!r}.")
    cutoff = (now or timezone.now()) - SETTLE
    user_ids = list(
        Watch.objects.filter(frequency=frequency, user__is_active=True)
        .exclude(user__email="")
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    emails = events = failed = 0
    for user_id in user_ids:
        try:
            sent = _send_digest_to(user_id, frequency=frequency, cutoff=cutoff)
        except Exception:  # one bad address or mail hiccup must not starve everyone else
            logger.exception("Digest for user %s not sent; it will be tried next time", user_id)
            failed += 1
            continue
        if sent:
            emails += 1
            events += sent
    logger.info("%s digests: %d emails, %d events, %d failed", frequency, emails, events, failed)
    return DigestResult(emails, events, failed)


def _send_digest_to(user_id: int, *, frequency: str, cutoff: dt.datetime) -> int:
    with transaction.atomic():
        # Lock the user's watches: a second digest run for the same user waits, then sees the
        # advanced cursors and sends nothing twice.
        watches = list(
            Watch.objects.select_for_update(of=("self",))
            .filter(user_id=user_id)
            .select_related("user", "county", "campaign", "request__county")
            .order_by("pk")
        )
        due = [watch for watch in watches if watch.frequency == frequency]
        if not due:
            return 0
        user = due[0].user
        candidates = list(
            # Events held by an embargo wait: watchers are told when it lifts (services/embargo.py).
            Activity.objects.filter(_unsent(due), created_at__lte=cutoff, embargoed=False)
            .select_related("county", "request", "campaign")
            .order_by("created_at", "id")
        )
        if not candidates:
            return 0

        newest: dict[int, int] = {}
        events: list[Activity] = []
        for activity in candidates:
            advancing = [w for w in due if _matches(w, activity) and _after_cursor(w, activity)]
            for watch in advancing:
                newest[watch.pk] = max(newest.get(watch.pk, 0), activity.pk)
            already_sent = any(
                _matches(w, activity)
                and w.last_sent_activity_id is not None
                and w.last_sent_activity_id >= activity.pk
                for w in watches
            )
            if advancing and activity.verb in DIGEST_VERBS and not already_sent:
                events.append(activity)

        if events:
            # Read in the order things happened, as on the timeline (then as recorded).
            events.sort(key=lambda event: (event.occurred_on, event.created_at, event.pk))
            _email(user, frequency=frequency, events=events, watches=due)
        for watch_id, activity_id in newest.items():
            # update(), not save(): a cursor moving is not an edit worth a history row.
            Watch.objects.filter(pk=watch_id).update(last_sent_activity_id=activity_id)
    return len(events)


def _unsent(watches: Iterable[Watch]) -> Q:
    condition = Q(pk__in=[])
    for watch in watches:
        condition |= _target(watch) & (
            Q(pk__gt=watch.last_sent_activity_id)
            if watch.last_sent_activity_id is not None
            # No cursor (a new watch, or the last event sent was deleted): start from the watch.
            else Q(created_at__gte=watch.created_at)
        )
    return condition


def _target(watch: Watch) -> Q:
    if watch.request_id:
        return Q(request_id=watch.request_id)
    if watch.campaign_id:
        return Q(campaign_id=watch.campaign_id)
    return Q(county_id=watch.county_id)


def _matches(watch: Watch, activity: Activity) -> bool:
    if watch.request_id:
        return activity.request_id == watch.request_id
    if watch.campaign_id:
        return activity.campaign_id == watch.campaign_id
    return activity.county_id == watch.county_id


def _after_cursor(watch: Watch, activity: Activity) -> bool:
    if watch.last_sent_activity_id is not None:
        return activity.pk > watch.last_sent_activity_id
    return activity.created_at >= watch.created_at


def _watch_label(watch: Watch) -> str:
    if watch.request_id:
        return f"Request: {watch.request}"
    if watch.campaign_id:
        return f"Campaign: {watch.campaign}"
    return f"County: {watch.county}"


def _email(user: User, *, frequency: str, events: list[Activity], watches: list[Watch]) -> None:
    sections = []
    for title, verbs in SECTIONS:
        items = [
            {"activity": activity, "link": absolute_url(activity.get_absolute_url())}
            for activity in events
            if activity.verb in verbs
        ]
        if items:
            sections.append({"title": title, "items": items})
    context = {
        "user": user,
        "frequency": frequency,
        "frequency_label": dict(Watch.Frequency.choices)[frequency].lower(),
        "event_count": len(events),
        "sections": sections,
        "watches": [_watch_label(watch) for watch in watches],
        "site_url": settings.SITE_URL,
        "time_zone": settings.TIME_ZONE,
    }
    subject = " ".join(render_to_string("email/digest_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string("email/digest.html", context), "text/html")
    message.send()
