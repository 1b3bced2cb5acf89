"""Reported figures: numbers officials gave, with their period and source."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.db import transaction

from requests_tracker.choices import ActivityVerb
from requests_tracker.models import County, ReportedFigure, Source
from requests_tracker.services.activity import User, actor_or_none, record_activity, sentence
from requests_tracker.services.corrections import record_correction, snapshot
from requests_tracker.services.editing import model_update, reject_unknown_fields
from requests_tracker.services.embargo import EmbargoTerms, check_terms, place_embargo

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
"""The fields of a reported figure (record_figure, and update_figure for a correction)."""


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
    embargo: EmbargoTerms | None = None,
) -> ReportedFigure:
    """Record a number an official reported, with its period and source; with `embargo`, held
    (services/embargo.py)."""
    if embargo is not None:
        check_terms(embargo, actor=actor)
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
        if embargo is not None:
            place_embargo(figure, embargo, actor=actor)
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
            about=[figure, figure.source],
        )
    return figure


def update_figure(
    *, figure: ReportedFigure, actor: User | None, correction_note: str = "", **changes: Any
) -> ReportedFigure:
    """Correct a reported figure (its value, period, source, ...); the edit is kept in its
    history, and a `correction_note` as its public correction (services/corrections.py)."""
    reject_unknown_fields(changes, FIGURE_FIELDS)
    with transaction.atomic():
        figure = (
            ReportedFigure.objects.select_for_update(of=("self",))
            .select_related("county", "source")
            .get(pk=figure.pk)
        )
        before = snapshot(figure, changes)
        changed = model_update(figure, editable=FIGURE_FIELDS, changes=changes)
        record_correction(
            record=figure, before=before, changed=changed, note=correction_note, actor=actor
        )
    return figure
