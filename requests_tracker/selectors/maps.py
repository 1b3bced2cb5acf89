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

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from requests_tracker import selectors, tallies
from requests_tracker.choices import EscalationKind, RequestStatus
from requests_tracker.models import County, DataRequest, Escalation

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


def with_highest_rung(requests: QuerySet[DataRequest]) -> QuerySet[DataRequest]:
    """`requests` annotated with the highest escalation rung each has reached (None if none).

    The highest rung is the escalation highest on ESCALATION_LADDER, whatever its status (a
    quashed subpoena was still reached); between two of the same kind, the later one (issue date,
    then id). Annotations: `rung_kind`, `rung_status` and `rung_due_on`. One
    correlated subquery per column, so the list still costs one query.
    """
    rank = Case(
        *(When(kind=kind, then=Value(index)) for index, kind in enumerate(ESCALATION_LADDER)),
        default=Value(-1),
        output_field=IntegerField(),
    )
    highest = (
        Escalation.objects.filter(request=OuterRef("pk"), embargoed=False)
        .annotate(rank=rank)
        .order_by("-rank", "-issued_on", "-id")
    )
    return requests.annotate(
        rung_kind=Subquery(highest.values("kind")[:1]),
        rung_status=Subquery(highest.values("status")[:1]),
        rung_due_on=Subquery(highest.values("due_on")[:1]),
    )


RUNG_OF_KIND = {kind: index for index, kind in enumerate(ESCALATION_LADDER)}


def highest_rungs(
    escalations: Iterable[tuple[int, int, str, str, dt.date | None, dt.date]],
) -> dict[int, tuple[str, str, dt.date | None]]:
    """The rule of `with_highest_rung` over escalations already read, for a page that reads them
    anyway: {request id: (kind, status, due_on)} from (id, request_id, kind, status, due_on,
    issued_on) tuples of published escalations."""
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
    given. Days overdue as selectors.days_overdue (counted from `overdue_since`, which
    flag_overdue keeps); escalation rung as `with_highest_rung`. Two queries whatever the number
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
    requests = with_highest_rung(
        DataRequest.objects.filter(pk__in=[row[3] for row in counties if row[3]]).only(
            "id", "county_id", "status", "overdue_since", "issued_on"
        )
    )
    current = {request.pk: request for request in requests}
    standings = {}
    for county_id, fips, name, request_id in counties:
        request = current.get(request_id)
        standings[fips] = CountyStanding(
            fips=fips,
            name=name,
            state=state,
            county_id=county_id,
            category=map_category(request.status if request else None),
            status=request.status if request else None,
            request_id=request.pk if request else None,
            overdue_since=request.overdue_since if request else None,
            days_overdue=selectors.days_overdue(request, today=today) if request else 0,
            rung_kind=request.rung_kind if request else None,
            rung_status=request.rung_status if request else None,
            rung_due_on=request.rung_due_on if request else None,
        )
    return standings


def states_with_requests() -> list[str]:
    """USPS codes of the states where at least one county has a request, in order (one query)."""
    return tallies.states()
