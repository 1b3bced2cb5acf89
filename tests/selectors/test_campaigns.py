"""Reads for a campaign's page: a page of counties is built from its requests' lines alone, and
gives the rows the whole campaign gives; the figures counted from the lines are the numbers the
stats give for the campaign."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields

import pytest

from requests_tracker import selectors, services
from requests_tracker.models import DataRequest
from requests_tracker.selectors import campaigns as campaign_selectors
from requests_tracker.selectors.visibility import published
from requests_tracker.services.embargo_terms import EmbargoTerms
from tests.factories import CountyFactory, SourceFactory, letters_of_july_17

pytestmark = pytest.mark.django_db

JULY_17 = dt.date(2025, 7, 17)  # due 2025-08-16
TODAY = dt.date(2025, 10, 1)
NAMES = ["Alpine", "Butte", "Colusa", "Del Norte", "El Dorado", "Fresno", "Glenn", "Humboldt"]


@pytest.fixture
def campaign(journalist, editor):
    """Eight California counties answering in every way the page tells apart: on time and late,
    complied without categories, declined (once in the open, once under embargo), a public
    statement only, escalated, and one request held from the page altogether."""
    counties = [
        CountyFactory(name=f"{name} County", fips=f"060{n:02d}", state="CA")
        for n, name in enumerate(NAMES)
    ]
    campaign = letters_of_july_17("July letters", counties)
    requests = {r.county.name.split(" County")[0]: r for r in campaign.requests.all()}

    def answer(name, kind, day, **extra):
        services.log_response(
            data_request=requests[name],
            kind=kind,
            received_on=JULY_17 + dt.timedelta(days=day),
            actor=journalist,
            today=TODAY,
            **extra,
        )

    held = EmbargoTerms(None, "Held until the story runs")
    answer("Alpine", "complied", 3, sources=[SourceFactory(title="Alpine's roster")])
    answer("Butte", "declined", 40)
    answer("Colusa", "public_statement", 2)
    answer("Del Norte", "declined", 5, embargo=held)
    answer("El Dorado", "partial", 10, categories_provided=["charges"])
    services.file_escalation(
        data_request=requests["Fresno"],
        kind="administrative_subpoena",
        issued_on=dt.date(2025, 9, 1),
        due_on=dt.date(2025, 9, 30),
        actor=journalist,
        today=TODAY,
    )
    services.set_embargo(record=requests["Humboldt"], until=None, reason=held.reason, actor=editor)
    services.flag_overdue(today=TODAY)
    return campaign


def test_a_page_of_lines_builds_the_rows_the_whole_campaign_gives(campaign, journalist):
    lines = campaign_selectors.request_lines(campaign, today=TODAY)
    whole = campaign_selectors.comparison_rows(campaign, today=TODAY, reader=journalist)
    assert [row.county_name for row in whole] == [f"{name} County" for name in NAMES[:7]]
    for start in range(0, len(lines), 3):
        page = campaign_selectors.comparison_rows(
            campaign, today=TODAY, reader=journalist, lines=lines[start : start + 3]
        )
        assert page == whole[start : start + 3]
    by_name = {row.county_name: row for row in whole}
    assert by_name["Alpine County"].given_count == 1  # complied, no categories: all given
    assert by_name["Alpine County"].sources == 1
    assert by_name["Butte County"].declined and not by_name["Del Norte County"].declined
    assert by_name["Fresno County"].rung_kind == "administrative_subpoena"


@pytest.mark.parametrize("key", sorted(campaign_selectors.LINE_SORT_KEYS))
@pytest.mark.parametrize("descending", [False, True])
def test_lines_sort_as_their_rows_do(campaign, journalist, key, descending):
    lines = campaign_selectors.request_lines(campaign, today=TODAY)
    rows = campaign_selectors.comparison_rows(campaign, today=TODAY, reader=journalist)
    order = campaign_selectors.sorted_rows(lines, key=key, descending=descending)
    assert [line.request_id for line in order] == [
        row.request_id
        for row in campaign_selectors.sorted_rows(rows, key=key, descending=descending)
    ]


def test_the_figures_counted_from_the_lines_are_the_stats_of_the_campaign(campaign):
    lines = campaign_selectors.request_lines(campaign, today=TODAY)
    figures = campaign_selectors.campaign_figures(lines)
    stats = selectors.request_stats(
        published(DataRequest.objects.filter(campaign=campaign)), today=TODAY
    )
    assert figures.counties == stats.total == 7  # Humboldt's request is held
    assert (figures.responded, figures.median_days_to_first_response) == (
        stats.responded,
        stats.median_days_to_first_response,
    )
    assert (figures.decided, figures.answered_by_due_date) == (
        stats.due_date_passed_or_answered,
        stats.answered_by_due_date,
    )
    assert figures.answered_by_due_date_share == stats.answered_by_due_date_share
    # Worked out by hand: Alpine (3 days), Colusa's statement is no answer, Butte (40), El
    # Dorado (10); Del Norte's answer is held. Every due date has passed: Alpine and El Dorado
    # answered by it, of seven.
    assert (figures.responded, figures.median_days_to_first_response) == (3, 10)
    assert (figures.decided, figures.answered_by_due_date) == (7, 2)
    assert (figures.declined, figures.escalated) == (1, 1)


def test_a_line_reads_its_fields_from_the_columns_of_the_same_name():
    """RequestLine's first fields are LINE_COLUMNS in order (a county's columns by their own
    names, the two on-file flags by the line's shorter ones)."""
    short = {
        "id": "request_id",
        "county__state": "state",
        "declined_on_file": "declined",
        "escalation_filed": "escalated",
    }
    named = [
        short.get(column, column.replace("__", "_")) for column in campaign_selectors.LINE_COLUMNS
    ]
    assert [field.name for field in fields(campaign_selectors.RequestLine)][: len(named)] == named
