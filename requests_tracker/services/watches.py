"""Watches: a user follows a county, a campaign or a request and gets digests of its changes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_tracker.models import Activity, Campaign, County, DataRequest, Watch
from requests_tracker.services.timeline import User


def watch(
    *,
    user: User,
    county: County | None = None,
    campaign: Campaign | None = None,
    data_request: DataRequest | None = None,
    frequency: str = Watch.Frequency.DAILY,
) -> Watch:
    """Follow one county, campaign or request; digests start from the newest event now."""
    targets = {"county": county, "campaign": campaign, "request": data_request}
    chosen = {name: target for name, target in targets.items() if target is not None}
    if len(chosen) != 1:
        raise ValidationError({"__all__": "Watch exactly one county, campaign or request."})
    with transaction.atomic():
        existing = Watch.objects.select_for_update().filter(user=user, **chosen).first()
        if existing:
            if existing.frequency != frequency:
                existing.frequency = frequency
                existing.full_clean()
                existing.save(update_fields=["frequency"])
            return existing
        item = Watch(user=user, frequency=frequency, **chosen)
        item.last_sent_activity = Activity.objects.order_by("-created_at", "-id").first()
        item.full_clean()
        item.save()
    return item


def unwatch(*, watch: Watch) -> None:
    """Stop following (idempotent: a watch already gone is no error)."""
    with transaction.atomic():
        Watch.objects.filter(pk=watch.pk).delete()
