"""Reads for the county map: where each county of a state stands, in a fixed number of queries.

A county's standing is the state of play of the request it is answering now: its most recently
issued request (the same rule as the status badge, selectors.badge_request), or, when the map is
scoped to a campaign, its request in that campaign. A county with no such request stands at "no
request". Every map, embed and legend count reads standings through `county_standings` alone,
so it can later be switched to read precomputed per-county counters without touching a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from requests_tracker import tallies, workflow
from requests_tracker.choices import EscalationKind, RequestStatus
from requests_tracker.models import County, DataRequest, Escalation
from requests_tracker.selectors.id_arrays import id_in
from requests_tracker.selectors.visibility import published_under_q

NO_REQUEST = "none"
ACKNOWLEDGED_OR_EXTENDED = "acknowledged"

MAP_CATEGORIES: tuple[tuple[str, str], ...] = (
    (NO_REQUEST, "No request"),
    (RequestStatus.AWAITING.value, "Awaiting response"),
    (ACKNOWLEDGED_OR_EXTENDED, "Acknowledged or extended"),
    (RequestStatus.PARTIAL.value, "Partially complied"),
    (RequestStatus.COMPLIED.value, "Complied"),
    (RequestStatus.DECLINED.value, "Declined"),
    (RequestStatus.ESCALATED.value, "Escalated"),
    (RequestStatus.CLOSED.value, "Closed"),
)
"""The map's fills, in legend order. An acknowledgement and an extension both mean the county is
still working on an answer, so they share one fill (the table and titles keep the exact status)."""

CATEGORY_LABELS = dict(MAP_CATEGORIES)

ESCALATION_LADDER: tuple[str, ...] = tuple(EscalationKind.values)
"""DOJ's rungs from the lowest to the highest: the order EscalationKind lists them in (demand
letter, administrative subpoena, grand-jury subpoena, lawsuit, court order, contempt motion)."""


def map_category(status: str | None) -> str:
    """The map fill for a request status (None: the county has no request)."""
    if status is None:
        return NO_REQUEST
    if status == RequestStatus.EXTENDED:
        return ACKNOWLEDGED_OR_EXTENDED
    return status


RUNG_OF_KIND = {kind: index for index, kind in enumerate(ESCALATION_LADDER)}
NO_RUNG: tuple[None, None, None] = (None, None, None)
"""A request's rung (kind, status, due_on) when no escalation was filed against it."""


def highest_rungs(
    escalations: Iterable[tuple[int, int, str, str, dt.date | None, dt.date]],
) -> dict[int, tuple[str, str, dt.date | None]]:
    """The highest escalation rung each request has reached: {request id: (kind, status,
    due_on)} from (id, request_id, kind, status, due_on, issued_on) tuples of its published
    escalations (a request with none is left out).

    The highest rung is the escalation highest on ESCALATION_LADDER, whatever its status (a
    quashed subpoena was still reached); between two of the same kind, the later one (issue
    date, then id)."""
    best: dict[int, tuple[tuple[int, dt.date, int], tuple[str, str, dt.date | None]]] = {}
    for escalation_id, request_id, kind, status, due_on, issued_on in escalations:
        rank = (RUNG_OF_KIND.get(kind, -1), issued_on, escalation_id)
        held = best.get(request_id)
        if held is None or rank > held[0]:
            best[request_id] = (rank, (kind, status, due_on))
    return {request_id: rung for request_id, (_, rung) in best.items()}


@dataclass(frozen=True)
class CountyStanding:
    """Where one county stands on the map."""

    fips: str
    name: str
    state: str
    county_id: int | None
    """None when the county is drawn from the shapes but not loaded in the tracker (no page)."""
    category: str
    status: str | None
    request_id: int | None
    overdue_since: dt.date | None
    days_overdue: int
    rung_kind: str | None
    rung_status: str | None
    rung_due_on: dt.date | None

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]

    @property
    def status_label(self) -> str:
        return RequestStatus(self.status).label if self.status else CATEGORY_LABELS[NO_REQUEST]

    @property
    def rung_label(self) -> str:
        return EscalationKind(self.rung_kind).label if self.rung_kind else ""


def county_standings(
    *, state: str, today: dt.date, campaign_id: int | None = None
) -> dict[str, CountyStanding]:
    """Every loaded county of `state`, keyed by FIPS, with the standing of its current request.

    Current request: the most recently issued (issue date, then id), within `campaign_id` if
    given. Days overdue as workflow.days_overdue (counted from `overdue_since`, which
    flag_overdue keeps); escalation rung as `highest_rungs`. Three queries whatever the number
    of counties or requests.
    """
    # Published requests only, for everyone: a map is a count (selectors/visibility.py).
    latest = DataRequest.objects.filter(county=OuterRef("pk"), embargoed=False)
    if campaign_id is not None:
        latest = latest.filter(campaign_id=campaign_id)
    # One index probe per county (county, issue date, id), however long its history.
    counties = list(
        County.objects.filter(state=state)
        .annotate(current=Subquery(latest.order_by("-issued_on", "-id").values("pk")[:1]))
        .order_by("fips")
        .values_list("id", "fips", "name", "current")
    )
    ids = [row[3] for row in counties if row[3]]
    # Plain values, and the rung worked out here from the requests' escalations (highest_rungs):
    # the same answer as three correlated subqueries, for a fraction of their cost to build.
    current = {
        pk: (status, overdue_since)
        for pk, status, overdue_since in DataRequest.objects.filter(id_in("id", ids))
        .order_by()
        .values_list("id", "status", "overdue_since")
    }
    rungs = highest_rungs(
        Escalation.objects.filter(published_under_q(Escalation), id_in("request_id", ids))
        .order_by()
        .values_list("id", "request_id", "kind", "status", "due_on", "issued_on")
    )
    standings = {}
    for county_id, fips, name, request_id in counties:
        status, overdue_since = current.get(request_id, (None, None))
        rung_kind, rung_status, rung_due_on = rungs.get(request_id, NO_RUNG)
        standings[fips] = CountyStanding(
            fips=fips,
            name=name,
            state=state,
            county_id=county_id,
            category=map_category(status),
            status=status,
            request_id=request_id if status else None,
            overdue_since=overdue_since,
            days_overdue=workflow.days_overdue(overdue_since, today),
            rung_kind=rung_kind,
            rung_status=rung_status,
            rung_due_on=rung_due_on,
        )
    return standings


def states_with_requests() -> list[str]:
    """USPS codes of the states where at least one county has a request, in order (one query)."""
    return tallies.states()
