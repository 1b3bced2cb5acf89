"""Reported figures: numbers officials gave, with their period and source."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db import transaction

from requests_tracker.choices import ActivityVerb
from requests_tracker.models import County, ReportedFigure, Source
from requests_tracker.services.timeline import User, actor_or_none, record_activity, sentence

logger = logging.getLogger(__name__)


FIGURE_FIELDS = (
    "county",
    "metric",
    "value",
    "unit",
    "period_start",
    "period_end",
    "period_label",
    "reported_by",
    "note",
    "source",
)
"""The fields of a reported figure (record_figure)."""


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
            logged_by=actor_or_none(actor),
        )
        figure.full_clean()
        figure.save()
        record_activity(
            ActivityVerb.FIGURE_RECORDED,
            sentence(
                ActivityVerb.FIGURE_RECORDED,
                county=county,
                metric=metric,
                value=f"{figure.value.normalize():f}",
                period=period_label or period_start,
            ),
            county=county,
            actor=actor,
            data={"figure_id": figure.pk},
        )
    return figure
