"""Reported figures: numbers officials gave, with their period and source."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.db import transaction

from requests_tracker.choices import ActivityVerb
from requests_tracker.models import County, Metric, Person, ReportedFigure, Source
from requests_tracker.services.activity import User, actor_or_none, record_activity, sentence
from requests_tracker.services.corrections import corrected_update
from requests_tracker.services.editing import reject_unknown_fields
from requests_tracker.services.embargo_terms import EmbargoTerms, check_terms, save_new
from requests_tracker.services.validation import raise_with_model_errors

logger = logging.getLogger(__name__)


FIGURE_FIELDS = (
    "metric",
    "scope",
    "county",
    "state",
    "value",
    "period_start",
    "period_end",
    "period_label",
    "reported_by",
    "person",
    "corrects",
    "note",
    "uncertain",
    "source",
)
"""The fields of a reported figure (record_figure, and update_figure for a correction)."""

METRIC_FIELDS = ("slug", "name", "definition", "unit", "source_type")


def define_metric(
    *, slug: str, name: str, definition: str, unit: str, source_type: str = ""
) -> Metric:
    """Add a metric to the catalogue (or return the one with this slug, unchanged)."""
    with transaction.atomic():
        existing = Metric.objects.filter(slug=slug).first()
        if existing is not None:
            return existing
        metric = Metric(
            slug=slug, name=name, definition=definition, unit=unit, source_type=source_type
        )
        metric.full_clean()
        metric.save()
    return metric


def record_figure(
    *,
    metric: Metric,
    value: Decimal | int,
    period_start: dt.date,
    period_end: dt.date,
    source: Source,
    county: County | None = None,
    state: str = "",
    scope: str = "",
    period_label: str = "",
    reported_by: str = "",
    person: Person | None = None,
    corrects: ReportedFigure | None = None,
    note: str = "",
    uncertain: bool = False,
    actor: User | None = None,
    embargo: EmbargoTerms | None = None,
) -> ReportedFigure:
    """Record a number an official reported, for a county (give `county`), a state (give
    `state`) or the nation (neither), with its period and source. A figure that `corrects`
    another must count the same metric for the same place and period. With `embargo`, held
    (services/embargo.py)."""
    scope = scope or _scope_of(county, state)
    if county is not None:
        state = state or county.state
    check_terms(embargo, actor=actor)
    with transaction.atomic():
        figure = ReportedFigure(
            metric=metric,
            scope=scope,
            county=county,
            state=state,
            value=value,
            period_start=period_start,
            period_end=period_end,
            period_label=period_label,
            reported_by=reported_by,
            person=person,
            corrects=corrects,
            note=note,
            uncertain=uncertain,
            source=source,
            logged_by=actor_or_none(actor),
        )
        raise_with_model_errors(figure, _correction_errors(figure))
        save_new(figure, embargo, actor=actor)
        record_activity(
            ActivityVerb.FIGURE_RECORDED,
            sentence(
                ActivityVerb.FIGURE_RECORDED,
                county=figure.place,
                metric=metric.name,
                value=f"{figure.value.normalize():f}",
                period=period_label or period_start,
            ),
            county=county,
            actor=actor,
            data={"figure_id": figure.pk},
            about=[figure, figure.source],
        )
    return figure


def _scope_of(county: County | None, state: str) -> str:
    if county is not None:
        return ReportedFigure.Scope.COUNTY
    return ReportedFigure.Scope.STATE if state else ReportedFigure.Scope.NATION


def _correction_errors(figure: ReportedFigure) -> dict[str, str]:
    earlier = figure.corrects
    if earlier is None:
        return {}
    same = (earlier.metric_id, earlier.scope, earlier.state, earlier.county_id) == (
        figure.metric_id,
        figure.scope,
        figure.state,
        figure.county_id,
    ) and (earlier.period_start, earlier.period_end) == (figure.period_start, figure.period_end)
    if not same:
        return {"corrects": "A correction counts the same metric, place and period."}
    return {}


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
        if "county" in changes or "state" in changes:
            county = changes.get("county", figure.county)
            state = county.state if county else changes.get("state", figure.state)
            changes.update(state=state, scope=_scope_of(county, state))
        corrected_update(
            figure, editable=FIGURE_FIELDS, changes=changes, note=correction_note, actor=actor
        )
    return figure
