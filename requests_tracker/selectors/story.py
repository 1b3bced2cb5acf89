"""Reads for the story's facts: a county's policy timeline, its figures as series per metric,
and what the press was told."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from requests_tracker import permissions
from requests_tracker.models import (
    Campaign,
    County,
    DataRequest,
    Jurisdiction,
    Metric,
    Policy,
    PressAnswer,
    ReportedFigure,
)
from requests_tracker.selectors.visibility import published


def policies_of_county(county: County) -> QuerySet[Policy]:
    """The county's dated policies, those of the cities in it and its state's laws, oldest
    first."""
    in_force_there = Q(jurisdiction__county=county) | Q(
        jurisdiction__level="state", jurisdiction__state=county.state
    )
    return (
        Policy.objects.filter(in_force_there)
        .select_related("jurisdiction")
        .prefetch_related("sources")
        .order_by("effective_on", "id")
    )


def press_answers_about(
    *,
    campaign: Campaign | None = None,
    data_request: DataRequest | None = None,
    county: County | None = None,
    jurisdiction: Jurisdiction | None = None,
    reader: Any = None,
) -> QuerySet[PressAnswer]:
    """What the press was told about a campaign, a request, or a county (its requests and the
    jurisdictions in it), as `reader` may see it (press_answers_shown_to)."""
    answers = press_answers_shown_to(reader).select_related("jurisdiction", "person")
    answers = answers.prefetch_related("sources")
    if campaign is not None:
        condition = Q(campaign=campaign) | Q(request__campaign=campaign)
    elif data_request is not None:
        condition = Q(request=data_request)
    elif jurisdiction is not None:
        condition = Q(jurisdiction=jurisdiction)
    else:
        condition = Q(request__county=county) | Q(jurisdiction__county=county)
    return answers.filter(condition).order_by("answered_on", "id")


def press_answers_shown_to(reader: Any) -> QuerySet[PressAnswer]:
    """Press answers; one about a request held back (embargoed) only for the newsroom."""
    if permissions.can_see_embargoed(reader):
        return PressAnswer.objects.all()
    return PressAnswer.objects.exclude(request__embargoed=True)


CAMPAIGN_CHART_POINTS = 24
"""Bars per metric on a campaign's page: its latest reported periods."""


def figures_of_campaign(campaign: Campaign) -> list[ReportedFigure]:
    """Published figures for the campaign's counties and for their states (statewide ones),
    the latest CAMPAIGN_CHART_POINTS periods of each metric (its charts, like its other counts,
    are the same for every reader)."""
    counties = campaign.requests.values("county_id")
    states = County.objects.filter(pk__in=counties).values("state")
    figures = (
        published(ReportedFigure.objects.all())
        .filter(Q(county__in=counties) | Q(scope=ReportedFigure.Scope.STATE, state__in=states))
        .select_related("metric", "county")
        .order_by("metric_id", "-period_start", "id")
    )
    kept: dict[int, int] = {}
    latest = []
    for figure in figures[:2000]:
        kept[figure.metric_id] = kept.get(figure.metric_id, 0) + 1
        if kept[figure.metric_id] <= CAMPAIGN_CHART_POINTS:
            latest.append(figure)
    return latest


@dataclass
class Series:
    """One metric's figures, oldest period first (what a chart draws)."""

    metric: Metric
    figures: list[ReportedFigure] = field(default_factory=list)

    def points(self, *, with_place: bool = False) -> list[tuple[str, float]]:
        return [
            (
                (f"{figure.county.name if figure.county else figure.place} " if with_place else "")
                + (figure.period_label or f"{figure.period_start:%Y-%m}"),
                float(figure.value),
            )
            for figure in self.figures
        ]


def series_of(figures: Iterable[ReportedFigure]) -> list[Series]:
    """Figures grouped by metric, each series in period order; a figure another corrects is
    left out of its series (the correction stands in its place)."""
    figures = list(figures)
    corrected = {figure.corrects_id for figure in figures if figure.corrects_id}
    by_metric: dict[int, Series] = {}
    for figure in sorted(figures, key=lambda f: (f.metric.name, f.period_start, f.period_end)):
        if figure.pk in corrected:
            continue
        by_metric.setdefault(figure.metric_id, Series(figure.metric)).figures.append(figure)
    return list(by_metric.values())
