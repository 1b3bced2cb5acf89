"""Reads for a campaign's page: counties answering the same DOJ demand, side by side, and the
figures a story quotes about them, each defined here once (and printed beside it on the page).

Definitions (the page prints them; tests check them against a hand-computed fixture):
- First response: the county's earliest answer of any kind except a public statement (workflow:
  statements to the press are not an answer to DOJ); days to it are counted from the request's
  issue date (the date on the letter) to the date the answer was received. Same rule as
  selectors.request_stats, whose median this page shows.
- Answered by the deadline: a substantive answer (complied, partial, declined, no records)
  received on or before the due date (as extended). The share is over the counties whose due
  date has passed or that have such an answer (selectors.request_stats); None while none has.
- Declined: the county has a declined response on file, even if DOJ has since escalated.
- Escalated against: DOJ has filed at least one escalation (demand letter, subpoena, suit, ...)
  on the county's request, whatever its outcome.
- Data given: a category sought counts as given when any response of the county lists it as
  provided; a "complied" response that lists none counts as giving every category sought.
- Sources: distinct sources cited by the request, its responses and its escalations (a
  sensitive one counts for newsroom members, who are told it exists, not for anonymous readers).
- Highest escalation rung: selectors.maps.with_highest_rung (highest_rungs, the same rule).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from requests_tracker import selectors, workflow
from requests_tracker.choices import (
    ActivityVerb,
    DataCategory,
    EscalationKind,
    RequestStatus,
    ResponseKind,
)
from requests_tracker.models import Activity, Campaign, DataRequest, Escalation, Response
from requests_tracker.selectors import documents
from requests_tracker.selectors.id_arrays import id_in
from requests_tracker.selectors.maps import highest_rungs
from requests_tracker.selectors.visibility import published, published_under_q

CATEGORY_LABELS = dict(DataCategory.choices)


@dataclass(frozen=True)
class CategoryCheck:
    category: str
    label: str
    given: bool


@dataclass(slots=True)
class ComparisonRow:
    """One county's answer to the campaign (not frozen: a campaign builds thousands of rows, and
    a frozen row costs twice as much to build)."""

    request_id: int
    county_name: str
    county_fips: str
    state: str
    issued_on: dt.date
    due_on: dt.date
    status: str
    overdue_since: dt.date | None
    days_overdue: int
    checklist: list[CategoryCheck]
    first_response_on: dt.date | None
    first_answer_on: dt.date | None
    answered_by_due_date: bool | None
    """Decided once the county answered or its due date passed; None before."""
    declined: bool
    rung_kind: str | None
    rung_status: str | None
    rung_due_on: dt.date | None
    sources: int

    @property
    def status_label(self) -> str:
        return RequestStatus(self.status).label

    @property
    def rung_label(self) -> str:
        return EscalationKind(self.rung_kind).label if self.rung_kind else ""

    @property
    def escalated(self) -> bool:
        return self.rung_kind is not None

    @property
    def days_to_first_response(self) -> int | None:
        if self.first_response_on is None:
            return None
        return (self.first_response_on - self.issued_on).days

    @property
    def given_count(self) -> int:
        return sum(1 for check in self.checklist if check.given)


ROW_COLUMNS = (
    "id",
    "county__name",
    "county__fips",
    "county__state",
    "issued_on",
    "due_on",
    "status",
    "overdue_since",
    "first_response_on",
    "first_answer_on",
)
"""The request's columns a comparison row is built from (its rung comes from its escalations,
the categories sought are read as text beside them)."""

NO_RUNG: tuple[None, None, None] = (None, None, None)


def comparison_rows(campaign: Campaign, *, today: dt.date, reader: Any) -> list[ComparisonRow]:
    """One row per county the campaign reached, by state and county name (definitions in the
    module docstring), as `reader` may see them. Six queries whatever the number of counties.

    The responses, escalations and cited sources are read through the campaign's request ids
    (the request_id indexes): a join on the campaign would make PostgreSQL scan every response
    in the country to keep the few thousand of one campaign. The requests are published ones,
    so their records check their own embargo only (visibility.published_under_q). The highest
    rung is taken from the escalations read (maps.highest_rungs), not asked again per request."""
    # Plain tuples, not model instances: a campaign reaches thousands of counties, and the row
    # needs only these columns. Categories are read as text and decoded once per distinct list
    # (a campaign asks most counties for the same), not once per county.
    requests = list(
        published(DataRequest.objects.filter(campaign=campaign))
        .order_by("county__state", "county__name", "id")
        .values_list(*ROW_COLUMNS, Cast("data_sought", TextField()))
    )
    ids = [request[0] for request in requests]
    decoded = functools.cache(json.loads)

    given: dict[int, set[str]] = defaultdict(set)
    declined: set[int] = set()
    request_of_response: dict[int, int] = {}
    responses = Response.objects.filter(published_under_q(Response), id_in("request_id", ids))
    for response_id, request_id, kind, categories_text in responses.order_by().values_list(
        "id", "request_id", "kind", Cast("categories_provided", TextField())
    ):
        categories = decoded(categories_text) if categories_text else None
        request_of_response[response_id] = request_id
        if kind == ResponseKind.PUBLIC_STATEMENT:  # not an answer to DOJ
            continue
        if kind == ResponseKind.DECLINED:
            declined.add(request_id)
        if categories:
            given[request_id].update(categories)
        elif kind == ResponseKind.COMPLIED:
            given[request_id].add("*")
    escalations = list(
        Escalation.objects.filter(published_under_q(Escalation), id_in("request_id", ids))
        .order_by()
        .values_list("id", "request_id", "kind", "status", "due_on", "issued_on")
    )
    request_of_escalation = {escalation[0]: escalation[1] for escalation in escalations}
    rungs = highest_rungs(escalations)

    # Each record's sources by the ids of the published records read above (the through
    # tables' indexes), so PostgreSQL never scans every citation in the country.
    cited: dict[int, set[int]] = defaultdict(set)
    for through, key, request_of in (
        (DataRequest.sources.through, "datarequest_id", {pk: pk for pk in ids}),
        (Response.sources.through, "response_id", request_of_response),
        (Escalation.sources.through, "escalation_id", request_of_escalation),
    ):
        links = through.objects.filter(
            id_in(key, request_of), source__in=documents.known_sources(reader)
        )
        for record_id, source_id in links.values_list(key, "source_id"):
            cited[request_of[record_id]].add(source_id)

    # Rows share their checklists (frozen): one per categories sought and given, since most
    # counties of a campaign were asked the same and answered alike.
    checklists: dict[tuple[str, frozenset[str]], list[CategoryCheck]] = {}

    def checklist(sought_text: str, provided: frozenset[str]) -> list[CategoryCheck]:
        key = (sought_text, provided)
        if key not in checklists:
            checklists[key] = [
                CategoryCheck(
                    category,
                    CATEGORY_LABELS.get(category, category),
                    "*" in provided or category in provided,
                )
                for category in decoded(sought_text)
            ]
        return checklists[key]

    provided = {request_id: frozenset(categories) for request_id, categories in given.items()}
    no_categories: frozenset[str] = frozenset()
    rows = []
    for (
        request_id,
        county_name,
        county_fips,
        state,
        issued_on,
        due_on,
        status,
        overdue_since,
        first_response_on,
        first_answer_on,
        sought_text,
    ) in requests:
        rung_kind, rung_status, rung_due_on = rungs.get(request_id, NO_RUNG)
        rows.append(
            ComparisonRow(
                request_id=request_id,
                county_name=county_name,
                county_fips=county_fips,
                state=state,
                issued_on=issued_on,
                due_on=due_on,
                status=status,
                overdue_since=overdue_since,
                days_overdue=workflow.days_overdue(overdue_since, today),
                checklist=checklist(sought_text, provided.get(request_id, no_categories)),
                first_response_on=first_response_on,
                first_answer_on=first_answer_on,
                answered_by_due_date=workflow.answered_by_due_date(first_answer_on, due_on, today),
                declined=request_id in declined,
                rung_kind=rung_kind,
                rung_status=rung_status,
                rung_due_on=rung_due_on,
                sources=len(cited.get(request_id, ())),
            )
        )
    return rows


BY_COUNTY = operator.attrgetter("state", "county_name")

SORT_KEYS = {
    "county": BY_COUNTY,
    "given": lambda row: row.given_count,
    "days": lambda row: row.days_to_first_response,
    "status": lambda row: row.status_label,
    "overdue": lambda row: row.days_overdue,
    "rung": lambda row: EscalationKind.values.index(row.rung_kind) if row.rung_kind else None,
    "rung_due": lambda row: row.rung_due_on,
    "sources": lambda row: row.sources,
}
"""The columns the comparison can be sorted by."""


def sorted_rows(rows: list[ComparisonRow], *, key: str, descending: bool) -> list[ComparisonRow]:
    """`rows` ordered by a SORT_KEYS column; rows without a value (no response yet, no
    escalation) come last either way, then by county."""
    if key not in SORT_KEYS:
        raise ValueError(f"Unknown sort column {key!r}; choose from {', '.join(SORT_KEYS)}.")
    value = SORT_KEYS[key]
    by_county = sorted(rows, key=BY_COUNTY)
    if key == "county":  # every row has a county: the order, or its reverse
        return by_county[::-1] if descending else by_county
    # Each row's value taken once (a campaign has thousands of rows); the sorts are stable.
    valued = [(value(row), row) for row in by_county]
    present = [item for item in valued if item[0] is not None]
    present.sort(key=operator.itemgetter(0), reverse=descending)
    return [row for _, row in present] + [row for found, row in valued if found is None]


@dataclass(frozen=True)
class CampaignFigures:
    counties: int
    responded: int
    median_days_to_first_response: float | None
    decided: int
    answered_by_due_date: int
    answered_by_due_date_share: float | None
    declined: int
    declined_share: float | None
    escalated: int
    escalated_share: float | None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def campaign_figures(
    campaign: Campaign, rows: list[ComparisonRow], *, today: dt.date
) -> CampaignFigures:
    """The campaign's figures (definitions in the module docstring). The median and the
    answered-by-deadline share come from selectors.request_stats, so they are the numbers the
    API's stats and the dashboard give; declined and escalated are counted over `rows`. Two
    queries."""
    stats = selectors.request_stats(
        published(DataRequest.objects.filter(campaign=campaign)), today=today
    )
    declined = sum(1 for row in rows if row.declined)
    escalated = sum(1 for row in rows if row.escalated)
    return CampaignFigures(
        counties=len(rows),
        responded=stats.responded,
        median_days_to_first_response=stats.median_days_to_first_response,
        decided=stats.due_date_passed_or_answered,
        answered_by_due_date=stats.answered_by_due_date,
        answered_by_due_date_share=stats.answered_by_due_date_share,
        declined=declined,
        declined_share=_share(declined, len(rows)),
        escalated=escalated,
        escalated_share=_share(escalated, len(rows)),
    )


@dataclass(frozen=True)
class StatusStep:
    """How many of the campaign's counties stood in each status from `day` on."""

    day: dt.date
    counts: dict[str, int]


def status_history(
    campaign: Campaign, rows: list[ComparisonRow], *, today: dt.date
) -> list[StatusStep]:
    """Counties by status over time, from the Activity log: every county starts `awaiting` on
    its issue date, and each status change counts from the day it happened (`occurred_on`: the
    day the answer was received or the escalation issued, not the day it was logged). The last
    step is today's statuses as the comparison shows them. One query."""
    changes = (
        published(Activity.objects.filter(campaign=campaign, verb=ActivityVerb.STATUS_CHANGED))
        .order_by("occurred_on", "created_at", "id")
        # The new status as text, not the whole record decoded (thousands of changes).
        .values_list("request_id", "occurred_on", KT("data__to"))
    )
    issued = {row.request_id: row.issued_on for row in rows}
    events: list[tuple[dt.date, int, str]] = []
    for request_id, occurred_on, to in changes:
        if request_id in issued and to:
            events.append((occurred_on, request_id, to))
    days = sorted({*issued.values(), *(day for day, _, _ in events)} | {today})
    days = [day for day in days if day <= today]
    # Counted as the days go by, not again for each day: a campaign spans weeks of days and
    # reaches thousands of counties.
    status_of: dict[int, str] = {}
    tally: dict[str, int] = dict.fromkeys(RequestStatus.values, 0)

    def move(request_id: int, status: str) -> None:
        if request_id in status_of:
            tally[status_of[request_id]] -= 1
        status_of[request_id] = status
        tally[status] = tally.get(status, 0) + 1

    steps = []
    pending = sorted(events, key=lambda event: event[0])
    by_issue = sorted(issued.items(), key=lambda item: item[1])
    index = issue_index = 0
    for day in days:
        while issue_index < len(by_issue) and by_issue[issue_index][1] <= day:
            move(by_issue[issue_index][0], RequestStatus.AWAITING)
            issue_index += 1
        while index < len(pending) and pending[index][0] <= day:
            _, request_id, status = pending[index]
            if request_id in status_of:
                move(request_id, status)
            index += 1
        if day == today:
            for row in rows:
                move(row.request_id, row.status)
        # As if counted afresh: every status, and any other only while a county stands in it.
        counts = {
            status: count
            for status, count in tally.items()
            if count or status in RequestStatus.values
        }
        steps.append(StatusStep(day=day, counts=counts))
    return steps
