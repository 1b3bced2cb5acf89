"""Celery tasks: thin wrappers that call services. They take ids, never model instances."""

from __future__ import annotations

import logging

from celery import shared_task

from requests_tracker import services

logger = logging.getLogger(__name__)


@shared_task
def flag_overdue_task() -> dict[str, int]:
    """Flag and clear overdue requests and escalations as of today in TIME_ZONE."""
    result = services.flag_overdue(today=services.local_today())
    return {
        "requests_flagged": result.requests_flagged,
        "requests_cleared": result.requests_cleared,
        "escalations_flagged": result.escalations_flagged,
        "escalations_cleared": result.escalations_cleared,
    }


@shared_task
def fan_out_activity_task() -> None:
    """Hand new Activity to webhook deliveries (built in the Celery issue)."""
