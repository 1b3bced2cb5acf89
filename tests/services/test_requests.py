"""issue_request, issue_campaign and update_request: the deadline each request gets, the
validation that saves nothing when it fails, and the Activity each write records.

Dates follow the July 2025 wave: DOJ wrote on 2025-07-17 with 30 days to answer (due 2025-08-16,
overdue from 2025-08-17).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    Campaign,
    DataRequest,
    DueBasis,
    RequestStatus,
)
from tests.factories import AgencyFactory, CountyFactory, SourceFactory, make_request
from tests.services.conftest import (
    DUE,
    FIRST_LATE_DAY,
    JUL_17,
    JULY_CATEGORIES,
    count,
    reload,
    verbs,
)


def issue_july_campaign(counties: list, **overrides: object) -> Campaign:
    arguments = {
        "title": "Non-citizen inmate lists from California sheriffs",
        "issued_on": JUL_17,
        "counties": counties,
        "due_basis": DueBasis.CALENDAR_DAYS,
        "due_days": 30,
        "data_sought": JULY_CATEGORIES,
        "legal_authority": "8 U.S.C. 1373",
        "today": JUL_17,
    }
    arguments.update(overrides)
    if "issuing_agency" not in arguments:
        arguments["issuing_agency"] = AgencyFactory()
    return services.issue_campaign(**arguments)


# --- issue_campaign -------------------------------------------------------------------------------


def test_issuing_a_campaign_creates_one_awaiting_request_per_county(db) -> None:
    counties = CountyFactory.create_batch(3)
    campaign = issue_july_campaign(counties)

    requests = DataRequest.objects.filter(campaign=campaign)
    assert sorted(r.county_id for r in requests) == sorted(c.pk for c in counties)
    for request in requests:
        assert request.status == RequestStatus.AWAITING
        assert request.due_on == DUE
        assert request.due_rule == "30 calendar days from 2025-07-17"
        assert request.data_sought == JULY_CATEGORIES
        assert request.legal_authority == "8 U.S.C. 1373"
        assert request.overdue_since is None
        assert verbs(request) == [ActivityVerb.REQUEST_ISSUED]
        assert request.history.count() == 1
    assert (
        Activity.objects.filter(campaign=campaign, verb=ActivityVerb.CAMPAIGN_ISSUED).count() == 1
    )


def statements(captured: CaptureQueriesContext) -> Counter[tuple[str, str]]:
    """How many times each kind of statement ran: ("INSERT", "requests_tracker_activity"), ..."""
    shapes: Counter[tuple[str, str]] = Counter()
    for query in captured.captured_queries:
        sql = query["sql"]
        verb = sql.split(" ", 1)[0].upper()
        table = sql.split('"')[1] if verb in {"INSERT", "UPDATE", "SELECT"} else ""
        if verb == "SELECT" and " FROM " in sql:
            table = sql.split(" FROM ", 1)[1].split('"')[1]
        shapes[(verb, table)] += 1
    return shapes


def insert_batches(captured: CaptureQueriesContext, table: str, rows: int) -> int:
    """INSERTs needed for `rows` rows: one, or what SQLite's cap of bound variables forces."""
    limit = connection.features.max_query_params
    if limit is None:
        return 1
    sql = next(q["sql"] for q in captured.captured_queries if f'INTO "{table}"' in q["sql"])
    columns = sql[sql.index("(") + 1 : sql.index(")")].count(",") + 1
    return math.ceil(rows / (limit // columns))


def test_issuing_a_campaign_costs_the_same_queries_for_3_or_50_counties(db) -> None:
    small, large = CountyFactory.create_batch(3), CountyFactory.create_batch(50)
    sources, doj = SourceFactory.create_batch(2), AgencyFactory()

    with CaptureQueriesContext(connection) as three:
        issue_july_campaign(small, title="Three", sources=sources, issuing_agency=doj)
    with CaptureQueriesContext(connection) as fifty:
        issue_july_campaign(large, title="Fifty", sources=sources, issuing_agency=doj)

    assert DataRequest.objects.filter(campaign__title="Fifty").count() == 50
    cited = DataRequest.sources.through.objects.filter(datarequest__campaign__title="Fifty")
    assert cited.count() == 100
    small_shapes, large_shapes = statements(three), statements(fifty)
    assert set(large_shapes) == set(small_shapes), "no new kind of query for a bigger campaign"
    for (verb, table), times in large_shapes.items():
        if verb == "INSERT":
            # One bulk INSERT per table (PostgreSQL); SQLite splits at 999 bound variables.
            rows = {"requests_tracker_datarequest_sources": 100}.get(table, 51)
            assert times <= max(small_shapes[(verb, table)], insert_batches(fifty, table, rows))
        else:
            assert times == small_shapes[(verb, table)], (verb, table)
    if connection.features.max_query_params is None:
        assert len(fifty) == len(three)


def test_a_county_named_twice_in_a_campaign_gets_one_request(db) -> None:
    alameda, marin = CountyFactory(), CountyFactory()
    campaign = issue_july_campaign([alameda, marin, alameda])

    assert DataRequest.objects.filter(campaign=campaign).count() == 2
    issued = Activity.objects.get(campaign=campaign, verb=ActivityVerb.CAMPAIGN_ISSUED)
    assert issued.data["counties"] == 2


def test_a_campaign_that_fails_validation_saves_nothing(db) -> None:
    counties = CountyFactory.create_batch(3)
    # The campaign itself is valid; the addressee (a request field) is too long for every request.
    with pytest.raises(ValidationError) as error:
        issue_july_campaign(counties, addressee="Sheriff " * 40)

    assert "addressee" in error.value.message_dict
    assert Campaign.objects.count() == 0
    assert DataRequest.objects.count() == 0
    assert Activity.objects.count() == 0


def test_a_campaign_asking_for_an_unknown_category_saves_nothing(db) -> None:
    with pytest.raises(ValidationError) as error:
        issue_july_campaign(CountyFactory.create_batch(2), data_sought=["tax_returns"])

    assert "data_sought" in error.value.message_dict
    assert (Campaign.objects.count(), DataRequest.objects.count(), Activity.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_campaign_needs_at_least_one_county(db) -> None:
    with pytest.raises(ValidationError) as error:
        issue_july_campaign([])
    assert "counties" in error.value.message_dict
    assert Campaign.objects.count() == 0


def test_a_campaign_recorded_after_its_deadline_is_overdue_at_once(db) -> None:
    campaign = issue_july_campaign(CountyFactory.create_batch(2), today=dt.date(2025, 9, 2))

    for request in campaign.requests.all():
        assert request.overdue_since == FIRST_LATE_DAY
        assert count(request, ActivityVerb.BECAME_OVERDUE) == 1


# --- issue_request --------------------------------------------------------------------------------


def test_a_request_recorded_after_its_deadline_is_flagged_overdue_at_once(county) -> None:
    request = make_request(county=county, issued_on=JUL_17, today=dt.date(2025, 9, 2))

    request = reload(request)
    assert request.status == RequestStatus.AWAITING
    assert request.overdue_since == FIRST_LATE_DAY
    assert verbs(request) == [ActivityVerb.REQUEST_ISSUED, ActivityVerb.BECAME_OVERDUE]


def test_a_request_recorded_on_its_due_date_is_not_overdue(county) -> None:
    request = make_request(county=county, issued_on=JUL_17, today=DUE)
    assert reload(request).overdue_since is None
    assert count(request, ActivityVerb.BECAME_OVERDUE) == 0


def test_a_request_cannot_be_issued_in_the_future(county) -> None:
    with pytest.raises(ValidationError) as error:
        make_request(county=county, issued_on=dt.date(2025, 7, 18), today=JUL_17)
    assert "issued_on" in error.value.message_dict
    assert DataRequest.objects.count() == 0


def test_a_stated_deadline_keeps_the_letters_words(county) -> None:
    request = make_request(
        county=county,
        due_basis=DueBasis.STATED,
        due_days=None,
        due_on=dt.date(2025, 8, 19),
        due_rule="no later than August 19, 2025",
    )
    assert request.due_on == dt.date(2025, 8, 19)
    assert request.due_basis == DueBasis.STATED
    assert request.due_rule == "no later than August 19, 2025"


def test_a_business_day_deadline_uses_the_countys_state_holidays(db) -> None:
    california = CountyFactory(state="CA")
    # 10 business days from 2025-11-20 skip Thanksgiving and California's day after it.
    request = make_request(
        county=california,
        issued_on=dt.date(2025, 11, 20),
        due_basis=DueBasis.BUSINESS_DAYS,
        due_days=10,
    )
    assert request.due_on == dt.date(2025, 12, 8)


def test_a_due_date_that_contradicts_the_rule_is_rejected(county) -> None:
    with pytest.raises(ValidationError) as error:
        make_request(county=county, due_on=dt.date(2025, 8, 17))
    assert "due_on" in error.value.message_dict


# --- update_request -------------------------------------------------------------------------------


def test_moving_a_due_date_later_records_the_change_and_clears_overdue(overdue_request) -> None:
    services.update_request(
        data_request=overdue_request,
        due_basis=DueBasis.STATED,
        due_on=dt.date(2025, 8, 29),
        due_rule="corrected: the letter says August 29",
        actor=None,
        today=dt.date(2025, 8, 20),
    )
    request = reload(overdue_request)
    assert request.overdue_since is None
    changed = Activity.objects.get(request=request, verb=ActivityVerb.DUE_DATE_CHANGED)
    assert (changed.data["from"], changed.data["to"]) == ("2025-08-16", "2025-08-29")


def test_a_new_due_date_without_a_reason_is_rejected_and_nothing_changes(data_request):
    with pytest.raises(ValidationError) as error:
        services.update_request(
            data_request=data_request,
            actor=None,
            due_on=dt.date(2025, 8, 29),
            today=dt.date(2025, 8, 1),
        )
    assert "due_rule" in error.value.message_dict
    data_request.refresh_from_db()
    assert data_request.due_on == dt.date(2025, 8, 16)


def test_a_new_due_date_with_its_reason_is_recorded_with_both_dates(data_request):
    services.update_request(
        data_request=data_request,
        actor=None,
        due_on=dt.date(2025, 8, 29),
        due_basis="stated",
        due_rule="DOJ's follow-up letter: 'no later than August 29'",
        today=dt.date(2025, 8, 1),
    )
    change = Activity.objects.get(request=data_request, verb=ActivityVerb.DUE_DATE_CHANGED)
    assert change.data["from"] == "2025-08-16" and change.data["to"] == "2025-08-29"
    assert "August 29" in change.data["reason"]
