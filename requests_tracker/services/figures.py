"""Reported figures and watches."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_tracker.models import (
    Activity,
    ActivityVerb,
    Campaign,
    County,
    DataRequest,
    ReportedFigure,
    Source,
    Watch,
)
from requests_tracker.services.activity import (
    User,
    _actor_or_none,
    _county_label,
    _record,
)

logger = logging.getLogger(__name__)


def record_figure(
    *,
    county: County,
    metric: str,
    value: Decimal | int,
    period_start: dt.date,
    period_end: dt.date,
    source: Source,
    unit: str = "",
    period_label: str = "",
    reported_by: str = "",
    note: str = "",
    actor: User | None = None,
) -> ReportedFigure:
    """Record a number an official reported, with its period and source."""
    with transaction.atomic():
        figure = ReportedFigure(
            county=county,
            metric=metric,
            value=value,
            unit=unit,
            period_start=period_start,
            period_end=period_end,
            period_label=period_label,
            reported_by=reported_by,
            note=note,
            source=source,
            logged_by=_actor_or_none(actor),
        )
        figure.full_clean()
        figure.save()
        _record(
            ActivityVerb.FIGURE_RECORDED,
            f"{_county_label(county)}: {metric} — {figure.value.normalize():f} "
            f"({period_label or period_start.isoformat()})",
            county=county,
            actor=actor,
            data={"figure_id": figure.pk},
        )
    return figure


def watch(
    *,
    user: User,
    county: County | None = None,
    campaign: Campaign | None = None,
    request: DataRequest | None = None,
    frequency: str = Watch.Frequency.DAILY,
) -> Watch:
    """Follow one county, campaign or request; digests start from the newest event now."""
    targets = {"county": county, "campaign": campaign, "request": request}
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
    with transaction.atomic():
        Watch.objects.filter(pk=watch.pk).delete()
