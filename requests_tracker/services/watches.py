"""Watches: a user follows a county, a campaign or a request, in digests (hourly, daily or none)
and in a private feed; and the feed token that makes that feed's address private."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_tracker.models import Activity, Campaign, County, DataRequest, FeedToken, Watch
from requests_tracker.services.activity import User
from requests_tracker.services.editing import model_update

WATCH_EDITABLE_FIELDS = ("frequency",)


def watch(
    *,
    user: User,
    county: County | None = None,
    campaign: Campaign | None = None,
    data_request: DataRequest | None = None,
    frequency: str = Watch.Frequency.DAILY,
) -> Watch:
    """Follow one county, campaign or request; digests start from the newest event now.

    Watching what one already watches changes only its frequency (idempotent)."""
    targets = {"county": county, "campaign": campaign, "request": data_request}
    chosen = {name: target for name, target in targets.items() if target is not None}
    if len(chosen) != 1:
        raise ValidationError({"__all__": "Watch exactly one county, campaign or request."})
    with transaction.atomic():
        existing = Watch.objects.select_for_update().filter(user=user, **chosen).first()
        if existing:
            model_update(existing, editable=WATCH_EDITABLE_FIELDS, changes={"frequency": frequency})
            return existing
        item = Watch(user=user, frequency=frequency, **chosen)
        item.last_sent_activity = Activity.objects.order_by("-created_at", "-id").first()
        item.full_clean()
        item.save()
    return item


def update_watch(*, watch: Watch, frequency: str) -> Watch:
    """Change how often a watch's digest comes (hourly, daily, or none: feed only)."""
    with transaction.atomic():
        watch = Watch.objects.select_for_update().get(pk=watch.pk)
        model_update(watch, editable=WATCH_EDITABLE_FIELDS, changes={"frequency": frequency})
    return watch


def unwatch(*, watch: Watch) -> None:
    """Stop following (idempotent: a watch already gone is no error)."""
    with transaction.atomic():
        Watch.objects.filter(pk=watch.pk).delete()


def rotate_feed_token(*, user: User) -> FeedToken:
    """Revoke the user's private feed addresses: a new feed secret signs the new ones
    (feed_tokens.py); the first call makes the user's FeedToken row."""
    with transaction.atomic():
        token, _ = FeedToken.objects.select_for_update().get_or_create(
            user=user, defaults={"key": _new_key()}
        )
        token.key = _new_key()
        token.save(update_fields=["key"])
    return token


def forget_feeds_of_deactivated_users(sender: Any, instance: Any, **_: Any) -> None:
    """pre_save of the user model: a user made inactive (in the admin, or anywhere) gets a new
    feed secret in the same transaction, so the private feed addresses they had never work
    again, even if they are made active later."""
    if instance.pk is None or instance.is_active:
        return
    was_active = type(instance)._base_manager.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        FeedToken.objects.update_or_create(user_id=instance.pk, defaults={"key": _new_key()})


def _new_key() -> str:
    return secrets.token_urlsafe(32)
