"""record_figure: a number a county reported, with its period and its source."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    ReportedFigure,
)
from tests.factories import SourceFactory, detainer_metric, record_detainer_figure


def test_recording_a_reported_figure_keeps_its_period_and_source(county, journalist) -> None:
    source = SourceFactory(title="LASD detainer figures", publisher="Fox LA")
    figure = record_detainer_figure(
        county=county,
        reported_by="Los Angeles County Sheriff's Department",
        source=source,
        actor=journalist,
    )

    figure = ReportedFigure.objects.get(pk=figure.pk)
    assert figure.value == 995
    assert figure.source == source
    assert figure.logged_by == journalist
    recorded = Activity.objects.get(verb=ActivityVerb.FIGURE_RECORDED)
    assert recorded.county == county
    assert "995" in recorded.summary and "2024" in recorded.summary


def test_a_figure_whose_period_ends_before_it_starts_is_rejected(county) -> None:
    with pytest.raises(ValidationError):
        services.record_figure(
            county=county,
            metric=detainer_metric("transfers-to-ice-on-judicial-warrants"),
            value=20,
            period_start=dt.date(2025, 6, 30),
            period_end=dt.date(2025, 5, 1),
            source=SourceFactory(),
        )
    assert ReportedFigure.objects.count() == 0
    assert Activity.objects.filter(verb=ActivityVerb.FIGURE_RECORDED).count() == 0
