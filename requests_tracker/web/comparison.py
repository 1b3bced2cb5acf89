"""A campaign's comparison of counties, as its page and its CSV show it: the rows, their order,
the figures with their definitions, the charts. Reads through selectors.campaigns; the columns of
the CSV are written once here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping
from typing import Any

from django.urls import reverse
from django.utils.safestring import mark_safe

from requests_tracker.models import Campaign
from requests_tracker.presentation import charts, county_maps
from requests_tracker.presentation.links import absolute_url
from requests_tracker.selectors import campaigns as campaign_selectors
from requests_tracker.selectors.campaigns import ComparisonRow
from requests_tracker.selectors.maps import MAP_CATEGORIES, map_category
from requests_tracker.web.sorting import Column, Sort, read_sort

DEFAULT_SORT = "county"
HISTOGRAM_BIN_DAYS = 7

FIGURE_DEFINITIONS = {
    "median": "Days from the date on DOJ's letter to the county's first answer of any kind "
    "except a public statement (statements to the press are not an answer to DOJ), over the "
    "counties that have answered. Counties yet to answer are left out, not counted as zero.",
    "on_time": "Counties whose substantive answer (complied, partial, declined or no records) "
    "was received on or before the due date, as extended, over the counties whose due date has "
    "passed or that have such an answer. Acknowledgements and extension requests are not "
    "answers.",
    "declined": "Counties with a declined response on file, even if DOJ has since escalated, "
    "over all counties the campaign reached.",
    "escalated": "Counties against which DOJ has filed at least one escalation (demand letter, "
    "subpoena, lawsuit, court order, contempt motion), whatever its outcome, over all counties "
    "the campaign reached.",
    "status_history": "Each county starts as awaiting on the letter's date; a status change "
    "counts from the day it happened (the day the answer was received or DOJ's step was "
    "issued), whenever it was logged. The last day shows the statuses as they stand now.",
    "histogram": f"Counties by days from the letter to their first response, in bins of "
    f"{HISTOGRAM_BIN_DAYS} days; counties yet to answer are not drawn.",
}


SORT_COLUMNS = [
    Column("county", "County"),
    Column("given", "Data sought: given?"),
    Column("days", "Days to first response", numeric=True),
    Column("status", "Status"),
    Column("overdue", "Days overdue", numeric=True),
    Column("rung", "Highest escalation"),
    Column("rung_due", "Escalation due"),
    Column("sources", "Sources", numeric=True),
]
"""The comparison table's columns, in order, each sortable (selectors.campaigns.SORT_KEYS)."""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


Column = tuple[str, Callable[[ComparisonRow], Any]]

COLUMNS: list[Column] = [
    ("county", lambda row: row.county_name),
    ("state", lambda row: row.state),
    ("fips", lambda row: row.county_fips),
    ("status", lambda row: row.status),
    ("days_overdue", lambda row: row.days_overdue),
    ("data_sought", lambda row: ";".join(check.category for check in row.checklist)),
    (
        "data_given",
        lambda row: ";".join(check.category for check in row.checklist if check.given),
    ),
    ("first_response_on", lambda row: _iso(row.first_response_on)),
    (
        "days_to_first_response",
        lambda row: "" if row.days_to_first_response is None else row.days_to_first_response,
    ),
    ("answered_by_due_date", lambda row: _yes_no(row.answered_by_due_date)),
    ("declined", lambda row: _yes_no(row.declined)),
    ("highest_escalation", lambda row: row.rung_kind or ""),
    ("escalation_status", lambda row: row.rung_status or ""),
    ("escalation_due_on", lambda row: _iso(row.rung_due_on)),
    ("sources", lambda row: row.sources),
    ("request", lambda row: absolute_url(reverse("web:request_detail", args=[row.request_id]))),
]
"""The comparison's CSV columns: machine values (status and category codes, ISO dates)."""


def comparison_csv(rows: list[ComparisonRow]) -> str:
    """The rows as CSV text, one header line then one line per county."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _ in COLUMNS])
    for row in rows:
        writer.writerow([value(row) for _, value in COLUMNS])
    return buffer.getvalue()


def comparison_sort(params: Mapping[str, str]) -> Sort:
    """The column and direction asked for (`sort`, `order=desc`); an unknown column is
    reported and the rows are sorted by county."""
    return read_sort(params, SORT_COLUMNS, default=DEFAULT_SORT, anchor="comparison")


def comparison_context(
    campaign: Campaign,
    *,
    today: dt.date,
    sort: Sort,
    reader: Any,
    cursor: str | None = None,
    per_page: int = 100,
) -> dict[str, Any]:
    """One page of the comparison rows in the order asked for (the page `cursor` points at,
    else the first: lists/keyset.py, BadCursor for a damaged one), and the figures and charts of
    all the campaign's counties.

    A fixed number of queries whatever the number of counties. A campaign reaches each county
    once, so its requests' lines (a few thousand at most, read as plain values) are all read for
    the figures and charts; the page's rows come from selectors.campaigns.comparison_page."""
    lines = campaign_selectors.request_lines(campaign, today=today)
    figures = campaign_selectors.campaign_figures(lines)
    history = campaign_selectors.status_history(campaign, lines, today=today)
    steps = []
    for step in history:
        by_category: dict[str, int] = {}
        for status, count in step.counts.items():
            category = map_category(status)
            by_category[category] = by_category.get(category, 0) + count
        steps.append((step.day, by_category))
    series = [
        (key, label, county_maps.FILLS[key]) for key, label in MAP_CATEGORIES if key != "none"
    ]
    days = [line.days_to_first_response for line in lines if line.first_response_on is not None]

    page = campaign_selectors.comparison_page(
        campaign,
        lines,
        today=today,
        reader=reader,
        key=sort.key,
        descending=sort.descending,
        cursor=cursor,
        per_page=per_page,
    )
    return {
        "comparison": page.object_list,
        "comparison_page": page,
        "comparison_sort": sort,
        "figures": figures,
        "definitions": FIGURE_DEFINITIONS,
        "status_chart": mark_safe(  # charts escape every text they draw
            charts.stacked_steps(
                steps, series=series, title=f"Counties by status over time: {campaign.title}"
            )
        ),
        "histogram_chart": mark_safe(
            charts.histogram(
                days,
                bin_width=HISTOGRAM_BIN_DAYS,
                title=f"Days to first response: {campaign.title}",
                empty="No county has given a first response yet.",
            )
        ),
        "never_answered": len(lines) - len(days),
        "campaign_states": sorted({line.state for line in lines}),
    }
