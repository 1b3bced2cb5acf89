"""Webhooks: every new Activity is POSTed, signed, to each active subscription that wants it.

Two steps, both driven by the database, so a broker message that never arrives (broker down at
commit time, worker killed mid-task) loses nothing:

1. `fan_out_activity()` creates one pending WebhookDelivery per (subscription, Activity) that has
   none yet. It looks at Activity rows, not at messages, and the unique (subscription, activity)
   constraint makes concurrent runs harmless.
2. `deliver_webhook(delivery_id=...)` claims one due delivery, POSTs it and records the outcome.
   The claim is a conditional UPDATE that pushes `next_attempt_at` into the future, so the same
   delivery queued twice (the on-commit task and the sweep) is POSTed once.

Receivers verify the `X-Tracker-Signature` header (docs/webhooks.md):
`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the subscription's secret>`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from requests_tracker.models import (
    Activity,
    WebhookDelivery,
    WebhookSubscription,
    about_sensitive_source,
)
from requests_tracker.presentation.links import absolute_url
from requests_tracker.security import webhook_targets

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Tracker-Signature"
EVENT_HEADER = "X-Tracker-Event"
DELIVERY_HEADER = "X-Tracker-Delivery"
ATTEMPT_HEADER = "X-Tracker-Attempt"
USER_AGENT = "DOJ-Request-Tracker-Webhooks/1"

FANOUT_LOOKBACK = dt.timedelta(days=7)
"""Activity older than this is not offered to webhooks: a receiver that was unreachable for longer
catches up from the API's changes feed (`/api/v1/activity/?since=`) instead."""
FANOUT_BATCH = 1000
MAX_RETRY_DELAY = dt.timedelta(minutes=30)
"""Kept under the Redis transport's visibility timeout (one hour), so a retry waiting in the
broker is not handed out twice."""
CLAIM_MARGIN = dt.timedelta(seconds=60)
RETRYABLE_STATUS = frozenset({408, 425, 429})
ERROR_TEXT_LIMIT = 1000


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one call to deliver_webhook did. `retry_in` is set when another attempt is due."""

    delivery_id: int
    status: str  # "delivered", "retrying", "failed" or "skipped"
    response_status: int | None = None
    retry_in: float | None = None


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp` (unix seconds)."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait after the `attempts`-th failed try: base, 2×base, 4×base, ... capped at 30 minutes."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return min(dt.timedelta(seconds=seconds), MAX_RETRY_DELAY)


def fan_out_activity(*, now: dt.datetime | None = None) -> list[int]:
    """Create a pending delivery for each active subscription × matching Activity not yet offered.

    A subscription gets Activity recorded since it was created (and within FANOUT_LOOKBACK) whose
    verb is in its `event_types` (empty means every verb), except events about sensitive
    sources, which never leave the newsroom, and events held by an embargo, which are offered
    when it lifts. Safe to run any number of times and
    concurrently: the (subscription, activity) pair is unique. Returns the ids of the deliveries
    that have never been tried, for the caller to queue.
    """
    now = now or timezone.now()
    fresh: list[int] = []
    subscriptions = WebhookSubscription.objects.filter(is_active=True).only(
        "pk", "created_at", "event_types"
    )
    for subscription in subscriptions:
        offered = WebhookDelivery.objects.filter(
            subscription_id=subscription.pk, activity_id=OuterRef("pk")
        )
        # Events about sensitive sources stay in the newsroom: receivers are outside it.
        activities = (
            Activity.objects.filter(
                created_at__gte=max(subscription.created_at, now - FANOUT_LOOKBACK)
            )
            .exclude(Exists(offered))
            .exclude(about_sensitive_source())
            # Held by an embargo: offered when it lifts, as a new event (services/embargo.py).
            .filter(embargoed=False)
        )
        if subscription.event_types:
            activities = activities.filter(verb__in=subscription.event_types)
        activity_ids = list(activities.order_by("created_at", "id").values_list("pk", flat=True))
        for start in range(0, len(activity_ids), FANOUT_BATCH):
            batch = activity_ids[start : start + FANOUT_BATCH]
            WebhookDelivery.objects.bulk_create(
                [
                    WebhookDelivery(subscription_id=subscription.pk, activity_id=activity_id)
                    for activity_id in batch
                ],
                ignore_conflicts=True,
            )
            fresh.extend(
                WebhookDelivery.objects.filter(
                    subscription_id=subscription.pk,
                    activity_id__in=batch,
                    status=WebhookDelivery.Status.PENDING,
                    attempts=0,
                    next_attempt_at__isnull=True,
                ).values_list("pk", flat=True)
            )
    if fresh:
        logger.info("Webhooks: %d new deliveries", len(fresh))
    return fresh


def due_deliveries(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of pending deliveries of active subscriptions whose next attempt is due, oldest first.

    The sweep queues these, so a delivery whose message was lost is still made.
    """
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            status=WebhookDelivery.Status.PENDING,
            subscription__is_active=True,
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def webhook_payload(activity: Activity, *, delivery_id: int) -> dict:
    """The JSON body: the event as the API's changes feed shows it, without who logged it."""
    county = activity.county
    url = absolute_url(activity.get_absolute_url())
    return {
        "delivery": delivery_id,
        "event": activity.verb,
        "activity": {
            "id": activity.pk,
            "created_at": activity.created_at.isoformat(),
            "verb": activity.verb,
            "summary": activity.summary,
            "county": (
                {"fips": county.fips, "name": county.name, "state": county.state}
                if county is not None
                else None
            ),
            "campaign_id": activity.campaign_id,
            "request_id": activity.request_id,
            "response_id": activity.response_id,
            "escalation_id": activity.escalation_id,
            "data": activity.data,
            "url": url,
        },
    }


def claim_delivery(delivery_id: int, started_at: dt.datetime) -> bool:
    """Take a due, pending delivery of an active subscription for one attempt: push its next
    attempt past the attempt's longest time, so nobody else tries it meanwhile. False when it is
    not due, finished, taken by someone else, or its subscription is off.

    Every condition is on the delivery's own row (the subscription is asked with EXISTS, not a
    join): when two workers claim at once, PostgreSQL makes the second wait for the first and
    then checks the conditions again on the row as the first left it, so only one wins. (With a
    join, Django writes `id IN (SELECT ...)`, which is not checked again, and both won.)
    """
    active = WebhookSubscription.objects.filter(pk=OuterRef("subscription_id"), is_active=True)
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=started_at),
        Exists(active),
        pk=delivery_id,
        status=WebhookDelivery.Status.PENDING,
    ).update(
        next_attempt_at=started_at
        + dt.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS)
        + CLAIM_MARGIN,
        last_attempt_at=started_at,
    )
    return bool(claimed)


def deliver_webhook(*, delivery_id: int) -> DeliveryOutcome:
    """Make one attempt at a pending delivery, if it is due, and record what happened.

    Success is any 2xx answer. Connection errors, timeouts, 5xx, 408, 425 and 429 are retried
    with exponential backoff (`retry_delay`) up to settings.WEBHOOK_MAX_ATTEMPTS tries; any other
    answer fails the delivery at once. Each attempt records status code, attempts, last error,
    duration. A delivery that fails for good adds one to the subscription's consecutive
    failures, and after settings.WEBHOOK_MAX_CONSECUTIVE_FAILURES in a row the subscription is
    disabled (with the reason); a delivered one resets the count. Deliveries of a disabled
    subscription stay pending and go out if an editor enables it again.

    The HTTP request is made outside any database transaction. Returns "skipped" when the
    delivery is not due, already finished, being tried elsewhere, or its subscription is off.
    """
    started_at = timezone.now()
    if not claim_delivery(delivery_id, started_at):
        return DeliveryOutcome(delivery_id, "skipped")

    delivery = WebhookDelivery.objects.select_related("subscription", "activity__county").get(
        pk=delivery_id
    )
    subscription = delivery.subscription
    attempt = delivery.attempts + 1
    body = json.dumps(
        webhook_payload(delivery.activity, delivery_id=delivery.pk),
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(subscription.secret, int(time.time()), body),
        EVENT_HEADER: delivery.activity.verb,
        DELIVERY_HEADER: str(delivery.pk),
        ATTEMPT_HEADER: str(attempt),
    }

    response_status: int | None = None
    clock = time.monotonic()
    try:
        # Checked, resolved and connected to the checked address there (webhook_targets.py);
        # a failure is recorded as a fixed sentence, never as what the receiver answered.
        response_status = webhook_targets.post(
            subscription.url, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        )
    except webhook_targets.WebhookTargetError as failure:
        error_text, retryable = failure.description, failure.retryable
    except Exception:
        # E.g. the task's soft time limit cutting off a receiver that drips its answer: record
        # the attempt, so the backoff and the attempt limit still apply.
        error_text, retryable = webhook_targets.ATTEMPT_FAILED, True
    else:
        if 200 <= response_status < 300:
            error_text, retryable = "", False
        else:
            error_text = webhook_targets.describe_status(response_status)
            retryable = response_status >= 500 or response_status in RETRYABLE_STATUS
    duration_ms = round((time.monotonic() - clock) * 1000)

    return _record_attempt(
        delivery,
        attempt=attempt,
        response_status=response_status,
        error_text=error_text[:ERROR_TEXT_LIMIT],
        retryable=retryable,
        duration_ms=duration_ms,
    )


def _record_attempt(
    delivery: WebhookDelivery,
    *,
    attempt: int,
    response_status: int | None,
    error_text: str,
    retryable: bool,
    duration_ms: int,
) -> DeliveryOutcome:
    finished_at = timezone.now()
    fields = {
        "attempts": attempt,
        "response_status": response_status,
        "last_error": error_text,
        "duration_ms": duration_ms,
    }
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(
            pk=delivery.subscription_id
        )
        if not error_text:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=WebhookDelivery.Status.DELIVERED,
                delivered_at=finished_at,
                next_attempt_at=None,
                **fields,
            )
            if subscription.consecutive_failures:
                WebhookSubscription.objects.filter(pk=subscription.pk).update(
                    consecutive_failures=0
                )
            return DeliveryOutcome(delivery.pk, "delivered", response_status)

        if retryable and attempt < settings.WEBHOOK_MAX_ATTEMPTS:
            wait = retry_delay(attempt)
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=finished_at + wait, **fields
            )
            logger.info(
                "Webhook delivery %s to %s failed (%s); attempt %d in %s",
                delivery.pk,
                subscription.url,
                error_text,
                attempt + 1,
                wait,
            )
            return DeliveryOutcome(
                delivery.pk, "retrying", response_status, retry_in=wait.total_seconds()
            )

        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED, next_attempt_at=None, **fields
        )
        failures = subscription.consecutive_failures + 1
        logger.warning(
            "Webhook delivery %s to %s failed after %d attempt(s): %s",
            delivery.pk,
            subscription.url,
            attempt,
            error_text,
        )
        if subscription.is_active and failures >= settings.WEBHOOK_MAX_CONSECUTIVE_FAILURES:
            # save(), not update(): the audit trail should show when and why it was switched off.
            subscription.consecutive_failures = failures
            subscription.is_active = False
            subscription.disabled_reason = (
                f"Disabled {finished_at:%Y-%m-%d %H:%M} UTC after {failures} failed deliveries "
                f"in a row; last error: {error_text}"
            )[:300]
            subscription.save(
                update_fields=["consecutive_failures", "is_active", "disabled_reason", "updated_at"]
            )
            logger.warning("Webhook subscription %s disabled", subscription.url)
        else:
            WebhookSubscription.objects.filter(pk=subscription.pk).update(
                consecutive_failures=F("consecutive_failures") + 1
            )
    return DeliveryOutcome(delivery.pk, "failed", response_status)


def enable_subscription(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Switch a subscription (back) on with a clean failure count.

    Deliveries left pending while it was off go out at the next sweep; Activity recorded while it
    was off (within FANOUT_LOOKBACK) is offered to it too, so the receiver misses nothing.
    """
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        subscription.is_active = True
        subscription.consecutive_failures = 0
        subscription.disabled_reason = ""
        subscription.save(
            update_fields=["is_active", "consecutive_failures", "disabled_reason", "updated_at"]
        )
    return subscription
