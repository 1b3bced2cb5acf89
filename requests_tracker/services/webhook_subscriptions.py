"""Webhook subscriptions: who gets a signed POST for new Activity (delivery is in webhooks.py)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from requests_tracker.models import WebhookSubscription
from requests_tracker.security.webhook_targets import validate_subscription_url
from requests_tracker.services.activity import User, actor_or_none
from requests_tracker.services.editing import model_update
from requests_tracker.services.webhooks import enable_subscription

logger = logging.getLogger(__name__)

SUBSCRIPTION_EDITABLE_FIELDS = frozenset({"url", "secret", "event_types", "is_active"})


def subscribe_webhook(
    *,
    url: str,
    secret: str = "",
    event_types: Sequence[str] = (),
    is_active: bool = True,
    actor: User | None = None,
) -> WebhookSubscription:
    """Register a receiver for new Activity; without a secret, a random one is generated.

    Empty `event_types` means every event. The secret is returned on the record so the caller
    can show it once; it is never written to the history table.
    """
    validate_subscription_url(url)
    with transaction.atomic():
        subscription = WebhookSubscription(
            url=url,
            secret=secret or secrets.token_hex(32),
            event_types=list(event_types),
            is_active=is_active,
            created_by=actor_or_none(actor),
        )
        subscription.full_clean()
        subscription.save()
    logger.info("Webhook subscription %s added by %s", url, actor)
    return subscription


def update_webhook_subscription(
    *, subscription: WebhookSubscription, actor: User | None, **changes: Any
) -> WebhookSubscription:
    """Change a subscription; switching a disabled one back on also clears its failure count."""
    if "event_types" in changes:
        changes["event_types"] = list(changes["event_types"])
    if "url" in changes:
        validate_subscription_url(changes["url"])
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        was_active = subscription.is_active
        model_update(subscription, editable=SUBSCRIPTION_EDITABLE_FIELDS, changes=changes)
        if subscription.is_active and not was_active:
            subscription = enable_subscription(subscription=subscription)
    return subscription


def delete_webhook_subscription(*, subscription: WebhookSubscription, actor: User | None) -> None:
    """Stop sending to a receiver; its delivery log goes with it."""
    with transaction.atomic():
        logger.info("Webhook subscription %s deleted by %s", subscription.url, actor)
        WebhookSubscription.objects.filter(pk=subscription.pk).delete()
