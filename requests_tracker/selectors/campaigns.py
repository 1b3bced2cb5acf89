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
- Highest escalation rung: selectors.maps.highest_rungs, as the map reads it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from django.db.models import TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from requests_tracker import tallies, workflow
from requests_tracker.choices import (
    ActivityVerb,
    DataCategory,
    EscalationKind,
    RequestStatus,
    ResponseKind,
)
from requests_tracker.lists import keyset
from requests_tracker.models import Activity, Campaign, DataRequest, Escalation, Response
from requests_tracker.selectors import documents
from requests_tracker.selectors.id_arrays import id_in
from requests_tracker.selectors.maps import NO_RUNG, RUNG_OF_KIND, highest_rungs
from requests_tracker.selectors.visibility import published, published_under_q

CATEGORY_LABELS = dict(DataCategory.choices)


@dataclass(frozen=True)
class CategoryCheck:
    category: str
    label: str
    given: bool


@dataclass(slots=True)
class RequestLine:
    """One county's request in the campaign, from its own columns: enough to sort by county,
    days to the first response, status or days overdue (LINE_SORT_KEYS), to page, and to draw
    the charts, without reading its answers, escalations and sources."""

    request_id: int
    county_name: str
    county_fips: str
    state: str
    issued_on: dt.date
    due_on: dt.date
    status: str
    overdue_since: dt.date | None
    first_response_on: dt.date | None
    first_answer_on: dt.date | None
    declined: bool
    """A declined answer is on file (DataRequest.declined_on_file)."""
    escalated: bool
    """DOJ has filed an escalation (DataRequest.escalation_filed)."""
    days_overdue: int
    answered_by_due_date: bool | None
    """Decided once the county answered or its due date passed; None before."""

    @property
    def status_label(self) -> str:
        return RequestStatus(self.status).label

    @property
    def days_to_first_response(self) -> int | None:
        if self.first_response_on is None:
            return None
        return (self.first_response_on - self.issued_on).days


BY_COUNTY = operator.attrgetter("state", "county_name")
LINE_FIELDS = operator.attrgetter(*(field.name for field in fields(RequestLine)))


@dataclass(slots=True)
class ComparisonRow(RequestLine):
    """One county's answer to the campaign: its line, and what its answers, escalations and
    sources add (not frozen: a campaign builds thousands of rows for its CSV, and a frozen row
    costs twice as much to build)."""

    checklist: tuple[CategoryCheck, ...]
    rung_kind: str | None
    rung_status: str | None
    rung_due_on: dt.date | None
    sources: int

    @property
    def rung_label(self) -> str:
        return EscalationKind(self.rung_kind).label if self.rung_kind else ""

    @property
    def given_count(self) -> int:
        return sum(1 for check in self.checklist if check.given)


LINE_COLUMNS = (
    "id",
    "county__name",
    "county__fips",
    "county__state",
    "issued_on",
    "due_on",
    *DataRequest.DERIVED_FIELDS,  # status ... escalation_filed
)
"""The request's columns a line is read from: its first fields, in order."""
_DUE_ON, _OVERDUE_SINCE, _FIRST_ANSWER_ON = map(
    LINE_COLUMNS.index, ("due_on", "overdue_since", "first_answer_on")
)


def request_lines(campaign: Campaign, *, today: dt.date) -> list[RequestLine]:
    """A line for each published request of the campaign (whoever reads: the page shows an
    embargoed request to nobody), by state and county name. One query."""
    # Plain tuples, not model instances: a campaign reaches thousands of counties. Sorted here,
    # as every other order of the comparison is (sorted_rows), not by the database's collation.
    requests = (
        published(DataRequest.objects.filter(campaign=campaign))
        .order_by()
        .values_list(*LINE_COLUMNS)
    )
    # Worked out once per distinct date (most counties share their due date and many their
    # answer's day), not once per county.
    days_overdue = functools.cache(functools.partial(workflow.days_overdue, today=today))
    answered_by_due_date = functools.cache(
        functools.partial(workflow.answered_by_due_date, today=today)
    )
    lines = []
    for row in requests:
        lines.append(
            RequestLine(
                *row,
                days_overdue(row[_OVERDUE_SINCE]),
                answered_by_due_date(row[_FIRST_ANSWER_ON], row[_DUE_ON]),
            )
        )
    lines.sort(key=BY_COUNTY)
    return lines


def comparison_rows(
    campaign: Campaign,
    *,
    today: dt.date,
    reader: Any,
    lines: list[RequestLine] | None = None,
) -> list[ComparisonRow]:
    """A row for each of `lines` (by default every line of the campaign, request_lines), in
    their order, as `reader` may see them (definitions in the module docstring). Six queries
    besides the lines', whatever their number.

    The responses, escalations and cited sources are read through the lines' request ids (the
    request_id indexes): a join on the campaign would make PostgreSQL scan every response in
    the country to keep the few thousand of one campaign. The requests are published ones, so
    their records check their own embargo only (visibility.published_under_q). The highest rung
    is taken from the escalations read (maps.highest_rungs)."""
    if lines is None:
        lines = request_lines(campaign, today=today)
    ids = [line.request_id for line in lines]
    # Categories are read as text and decoded once per distinct list (a campaign asks most
    # counties for the same), not once per county.
    decoded = functools.cache(json.loads)

    sought = dict(
        DataRequest.objects.filter(id_in("id", ids)).values_list(
            "id", Cast("data_sought", TextField())
        )
    )
    given: dict[int, set[str]] = defaultdict(set)
    request_of_response: dict[int, int] = {}
    responses = Response.objects.filter(published_under_q(Response), id_in("request_id", ids))
    for response_id, request_id, kind, categories_text in responses.order_by().values_list(
        "id", "request_id", "kind", Cast("categories_provided", TextField())
    ):
        categories = decoded(categories_text) if categories_text else None
        request_of_response[response_id] = request_id
        if kind == ResponseKind.PUBLIC_STATEMENT:  # not an answer to DOJ
            continue
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

    # Rows share their checklists: one per categories sought and given, since most counties
    # of a campaign were asked the same and answered alike.
    checklists: dict[tuple[str, frozenset[str]], tuple[CategoryCheck, ...]] = {}

    def checklist(sought_text: str, provided: frozenset[str]) -> tuple[CategoryCheck, ...]:
        key = (sought_text, provided)
        if key not in checklists:
            checklists[key] = tuple(
                CategoryCheck(
                    category,
                    CATEGORY_LABELS.get(category, category),
                    "*" in provided or category in provided,
                )
                for category in decoded(sought_text)
            )
        return checklists[key]

    provided = {request_id: frozenset(categories) for request_id, categories in given.items()}
    no_categories: frozenset[str] = frozenset()
    rows = []
    for line in lines:
        request_id = line.request_id
        rows.append(
            ComparisonRow(
                *LINE_FIELDS(line),
                checklist(sought[request_id], provided.get(request_id, no_categories)),
                *rungs.get(request_id, NO_RUNG),
                len(cited.get(request_id, ())),
            )
        )
    return rows


SORT_KEYS = {
    "county": BY_COUNTY,
    "given": lambda row: row.given_count,
    "days": lambda row: row.days_to_first_response,
    "status": lambda row: row.status_label,
    "overdue": lambda row: row.days_overdue,
    "rung": lambda row: RUNG_OF_KIND[row.rung_kind] if row.rung_kind else None,
    "rung_due": lambda row: row.rung_due_on,
    "sources": lambda row: row.sources,
}
"""The columns the comparison can be sorted by."""
LINE_SORT_KEYS = frozenset({"county", "days", "status", "overdue"})
"""The columns a RequestLine carries: lines sort by them without their rows being built."""

Line = TypeVar("Line", bound=RequestLine)


def sorted_rows(rows: Sequence[Line], *, key: str, descending: bool) -> list[Line]:
    """`rows` (or lines, for LINE_SORT_KEYS) ordered by a SORT_KEYS column; rows without a
    value (no response yet, no escalation) come last either way, then by county."""
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


def comparison_page(
    campaign: Campaign,
    lines: list[RequestLine],
    *,
    today: dt.date,
    reader: Any,
    key: str,
    descending: bool,
    cursor: str | None,
    per_page: int,
) -> keyset.KeysetPage:
    """The page of the campaign's comparison rows that `cursor` points at (else the first;
    keyset.BadCursor for a damaged one), `lines` (request_lines) ordered by the SORT_KEYS
    column `key`. Sorted by a column a line carries (LINE_SORT_KEYS: the county, by default),
    the lines are ordered and paged and only the page's rows are built; sorted by what the
    answers, escalations or sources give, every row is."""

    def rows_of(chosen: list[RequestLine]) -> list[ComparisonRow]:
        return comparison_rows(campaign, today=today, reader=reader, lines=chosen)

    by_line = key in LINE_SORT_KEYS
    ordered = sorted_rows(lines if by_line else rows_of(lines), key=key, descending=descending)
    page = keyset.list_page(
        ordered,
        cursor,
        per_page=per_page,
        order=[key, "desc" if descending else "asc"],
        key=lambda row: row.request_id,
    )
    if by_line:
        page.object_list = rows_of(page.object_list)
    return page


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


def campaign_figures(lines: Sequence[RequestLine]) -> CampaignFigures:
    """The campaign's figures over its `lines` (all of them: request_lines; definitions in the
    module docstring). The median and the answered-by-deadline share apply the rules of
    selectors.request_stats (tallies.median_of, workflow.answered_by_due_date) to the lines, so
    they are the numbers the API's stats give for the campaign, without asking again; declined
    and escalated count the lines' flags, which services/status.py keeps from the published
    answers and escalations. No query."""
    first_days = Counter(
        line.days_to_first_response for line in lines if line.first_response_on is not None
    )
    settled = Counter(line.answered_by_due_date for line in lines)
    decided = settled[True] + settled[False]
    declined = sum(1 for line in lines if line.declined)
    escalated = sum(1 for line in lines if line.escalated)
    return CampaignFigures(
        counties=len(lines),
        responded=first_days.total(),
        median_days_to_first_response=tallies.median_of(first_days.items()),
        decided=decided,
        answered_by_due_date=settled[True],
        answered_by_due_date_share=_share(settled[True], decided),
        declined=declined,
        declined_share=_share(declined, len(lines)),
        escalated=escalated,
        escalated_share=_share(escalated, len(lines)),
    )


@dataclass(frozen=True)
class StatusStep:
    """How many of the campaign's counties stood in each status from `day` on."""

    day: dt.date
    counts: dict[str, int]


def status_history(
    campaign: Campaign, lines: Sequence[RequestLine], *, today: dt.date
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
    issued = {line.request_id: line.issued_on for line in lines}
    # In the order they happened (the query's), each county's changes after its letter only.
    events = [
        (day, request_id, to) for request_id, day, to in changes if to and request_id in issued
    ]
    issued_that_day = Counter(issued.values())
    days = sorted({*issued_that_day, *(day for day, _, _ in events), today})
    days = [day for day in days if day <= today]
    # Counted as the days go by, not again for each day: a campaign spans weeks of days and
    # reaches thousands of counties. Every county stands `awaiting` from its letter's day
    # until its first change.
    status_of: dict[int, str] = {}
    tally: dict[str, int] = dict.fromkeys(workflow.REQUEST_STATUSES, 0)
    steps = []
    index = 0
    for day in days:
        tally[RequestStatus.AWAITING] += issued_that_day.get(day, 0)
        while index < len(events) and events[index][0] <= day:
            _, request_id, status = events[index]
            index += 1
            if issued[request_id] > day:  # dated before the letter: not a change of it
                continue
            tally[status_of.get(request_id, RequestStatus.AWAITING)] -= 1
            status_of[request_id] = status
            tally[status] = tally.get(status, 0) + 1
        if day == today:  # the statuses as the comparison shows them
            tally = dict.fromkeys(workflow.REQUEST_STATUSES, 0) | Counter(
                line.status for line in lines
            )
        # As if counted afresh: every status, and any other only while a county stands in it.
        counts = {
            status: count
            for status, count in tally.items()
            if count or status in workflow.REQUEST_STATUSES
        }
        steps.append(StatusStep(day=day, counts=counts))
    return steps
