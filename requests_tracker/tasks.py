"""Celery tasks: thin wrappers that call services. They take ids, never model instances.

Every task is safe to run twice or at the same time as itself: the services they call decide what
to do from the database (overdue from dates, webhooks from Activity and WebhookDelivery rows,
digests from each watch's last sent Activity), so a message delivered twice or lost costs nothing.
A lost message is made good by the beat schedule (settings.CELERY_BEAT_SCHEDULE).
"""

from __future__ import annotations

import dataclasses
import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from requests_tracker import services
from requests_tracker.services import courts, documents, mail

logger = logging.getLogger(__name__)

# Database and network hiccups (a dropped connection, a deadlock victim, the broker restarting,
# the mail server refusing for a moment) are retried with exponential backoff and jitter.
RETRY_POLICY = {
    "autoretry_for": (OperationalError, InterfaceError, ConnectionError, BrokerError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


class DigestsIncompleteError(Exception):
    """Some digests could not be sent; the task retries (those already sent are not resent)."""


@shared_task(**RETRY_POLICY, soft_time_limit=240, time_limit=300)
def flag_overdue_task() -> dict[str, int]:
    """Flag and clear overdue requests and escalations as of today in TIME_ZONE."""
    today = services.local_today()
    result = services.flag_overdue(today=today)
    counts = {
        "requests_flagged": result.requests_flagged,
        "requests_cleared": result.requests_cleared,
        "escalations_flagged": result.escalations_flagged,
        "escalations_cleared": result.escalations_cleared,
    }
    logger.info("flag_overdue_task for %s: %s", today.isoformat(), counts)
    return counts


@shared_task(**RETRY_POLICY, soft_time_limit=50, time_limit=58)
def lift_embargoes_task() -> dict[str, int]:
    """Lift every embargo whose time has come, then remind the editors of those ending within a
    day (beat: every minute). Both decide from the database, so a run missed is made good by the
    next one."""
    lifted = services.lift_due_embargoes()
    reminded = services.remind_of_ending_embargoes()
    if lifted or reminded:
        logger.info("lift_embargoes_task: %d lifted, %d reminded", lifted, reminded)
    return {"lifted": lifted, "reminded": reminded}


@shared_task(**RETRY_POLICY, soft_time_limit=120, time_limit=150)
def fan_out_activity_task() -> int:
    """Create webhook deliveries for new Activity and queue each one. Queued on commit."""
    delivery_ids = services.fan_out_activity()
    for delivery_id in delivery_ids:
        deliver_webhook_task.delay(delivery_id)
    return len(delivery_ids)


@shared_task(
    **RETRY_POLICY,
    soft_time_limit=settings.WEBHOOK_TIMEOUT_SECONDS + 20,
    time_limit=settings.WEBHOOK_TIMEOUT_SECONDS + 30,
)
def deliver_webhook_task(delivery_id: int) -> str:
    """POST one webhook delivery; when the attempt failed and may be retried, queue the retry."""
    outcome = services.deliver_webhook(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        deliver_webhook_task.apply_async((delivery_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task(**RETRY_POLICY, soft_time_limit=240, time_limit=300)
def sweep_webhooks_task() -> dict[str, int]:
    """Find what no message announced: Activity not yet offered and deliveries left pending."""
    fresh = services.fan_out_activity()
    due = services.due_deliveries()
    for delivery_id in due:
        deliver_webhook_task.delay(delivery_id)
    counts = {"new_deliveries": len(fresh), "queued": len(due)}
    if fresh or due:
        logger.info("sweep_webhooks_task: %s", counts)
    return counts


@shared_task(
    **{**RETRY_POLICY, "autoretry_for": (*RETRY_POLICY["autoretry_for"], DigestsIncompleteError)},
    soft_time_limit=1500,
    time_limit=1800,
)
def send_digests_task(frequency: str) -> dict[str, int]:
    """Send the hourly or daily digests; retried later for the users whose email failed."""
    result = services.send_digests(frequency=frequency)
    counts = {"emails_sent": result.emails_sent, "events_sent": result.events_sent}
    if result.users_failed:
        raise DigestsIncompleteError(f"{result.users_failed} digest(s) not sent")
    return counts


@shared_task(
    **RETRY_POLICY,
    # The reading stops itself at EXTRACTION_TIME_LIMIT_SECONDS; these only catch a stuck library.
    soft_time_limit=settings.EXTRACTION_TIME_LIMIT_SECONDS + 60,
    time_limit=settings.EXTRACTION_TIME_LIMIT_SECONDS + documents.TASK_MARGIN_SECONDS,
)
def extract_source_text_task(source_id: int) -> str:
    """Read one source document's text and keep it for search, unless it was read already (a
    message delivered twice); returns where reading ended."""
    return documents.extract_source_text(source_id=source_id, only_if_waiting=True).status


@shared_task(**RETRY_POLICY, soft_time_limit=120, time_limit=150)
def sweep_documents_task() -> int:
    """Queue every document left pending (a lost message, a dead worker) again."""
    ids = documents.sweep_pending_documents(now=timezone.now())
    for source_id in ids:
        extract_source_text_task.delay(source_id)
    return len(ids)


@shared_task(**RETRY_POLICY, soft_time_limit=60, time_limit=90)
def process_court_delivery_task(delivery_id: int) -> int:
    """Record a CourtListener delivery's new docket entries; queued when it is received."""
    return courts.process_delivery(delivery_id)


@shared_task(**RETRY_POLICY, soft_time_limit=60, time_limit=90)
def follow_docket_task(case_id: int) -> bool:
    """Create the CourtListener docket alert of a newly linked case."""
    return courts.follow_docket(case_id)


@shared_task(**RETRY_POLICY, soft_time_limit=1500, time_limit=1800)
def sync_dockets_task() -> dict[str, object]:
    """Record deliveries left waiting, then fetch followed dockets' entries the webhooks missed."""
    return dataclasses.asdict(courts.catch_up())


@shared_task(soft_time_limit=540, time_limit=600)
def fetch_mail_task() -> dict[str, int]:
    """Read the newsroom mailbox's new messages into the inbox (nothing when it is not set up).
    Not retried: an unreachable mailbox is logged and the next beat run tries again, and a
    message is marked read only once it is kept."""
    try:
        return dataclasses.asdict(mail.fetch_mail())
    except mail.MailboxError as error:
        logger.warning("Mail not fetched: %s", error)
        return {}
