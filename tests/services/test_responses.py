"""The services: every write, its validation, its Activity, and the status it leaves behind.

Dates follow the July 2025 wave: DOJ wrote on 2025-07-17 with 30 days to answer (due 2025-08-16,
overdue from 2025-08-17). The deep overdue and concurrency tests live in test_overdue.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    Campaign,
    DataCategory,
    DataRequest,
    DueBasis,
    Escalation,
    EscalationKind,
    EscalationStatus,
    ReportedFigure,
    RequestStatus,
    Response,
    ResponseKind,
    Source,
    Watch,
)
from tests.factories import AgencyFactory, CountyFactory, SourceFactory, make_request

JUL_17 = dt.date(2025, 7, 17)
DUE = dt.date(2025, 8, 16)
FIRST_LATE_DAY = dt.date(2025, 8, 17)
JULY_CATEGORIES = [DataCategory.NONCITIZEN_ROSTER, DataCategory.CHARGES, DataCategory.RELEASE_DATES]


def verbs(request: DataRequest) -> list[str]:
    return list(Activity.objects.filter(request=request).values_list("verb", flat=True))


def count(request: DataRequest, verb: str) -> int:
    return Activity.objects.filter(request=request, verb=verb).count()


def reload(request: DataRequest) -> DataRequest:
    return DataRequest.objects.get(pk=request.pk)


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


@pytest.fixture
def overdue_request(county) -> DataRequest:
    """The July letter, recorded on 2025-08-20: three days late with no answer."""
    request = make_request(county=county, issued_on=JUL_17, today=dt.date(2025, 8, 20))
    assert request.overdue_since == FIRST_LATE_DAY
    return request


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


# --- log_response ---------------------------------------------------------------------------------


def test_a_response_dated_before_the_request_was_issued_is_rejected(data_request) -> None:
    activity_before = Activity.objects.count()

    with pytest.raises(ValidationError) as error:
        services.log_response(
            data_request=data_request,
            kind=ResponseKind.DECLINED,
            received_on=dt.date(2025, 7, 16),
            today=dt.date(2025, 7, 20),
        )

    assert list(error.value.message_dict) == ["received_on"]
    assert Response.objects.count() == 0
    assert Activity.objects.count() == activity_before
    assert reload(data_request).status == RequestStatus.AWAITING


def test_a_response_on_the_day_the_request_was_issued_is_accepted(data_request) -> None:
    services.log_response(
        data_request=data_request, kind=ResponseKind.ACKNOWLEDGED, received_on=JUL_17, today=JUL_17
    )
    assert reload(data_request).status == RequestStatus.ACKNOWLEDGED


def test_a_response_dated_in_the_future_is_rejected(data_request) -> None:
    with pytest.raises(ValidationError) as error:
        services.log_response(
            data_request=data_request,
            kind=ResponseKind.COMPLIED,
            received_on=dt.date(2025, 7, 21),
            today=dt.date(2025, 7, 20),
        )
    assert "received_on" in error.value.message_dict
    assert Response.objects.count() == 0


def test_a_response_cannot_provide_categories_the_request_did_not_ask_for(data_request) -> None:
    with pytest.raises(ValidationError) as error:
        services.log_response(
            data_request=data_request,
            kind=ResponseKind.PARTIAL,
            received_on=dt.date(2025, 8, 1),
            categories_provided=[DataCategory.CHARGES, DataCategory.DETAINER_HISTORY],
            today=dt.date(2025, 8, 1),
        )
    assert "categories_provided" in error.value.message_dict
    assert "detainer_history" in error.value.message_dict["categories_provided"][0]
    assert Response.objects.count() == 0


def test_a_partial_response_records_which_categories_were_provided(data_request) -> None:
    response = services.log_response(
        data_request=data_request,
        kind=ResponseKind.PARTIAL,
        received_on=dt.date(2025, 8, 1),
        categories_provided=[DataCategory.CHARGES],
        records_provided=12,
        legal_basis_cited="SB 54, Gov. Code 7284.6",
        today=dt.date(2025, 8, 1),
    )
    response.refresh_from_db()
    assert response.categories_provided == [DataCategory.CHARGES]
    assert response.records_provided == 12
    assert reload(data_request).status == RequestStatus.PARTIAL


def test_a_granted_extension_moves_the_due_date_records_why_and_clears_overdue(
    overdue_request, journalist
) -> None:
    new_due = dt.date(2025, 9, 15)
    response = services.log_response(
        data_request=overdue_request,
        kind=ResponseKind.EXTENSION_GRANTED,
        received_on=dt.date(2025, 8, 20),
        new_due_on=new_due,
        actor=journalist,
        today=dt.date(2025, 8, 20),
    )

    request = reload(overdue_request)
    assert request.due_on == new_due
    assert request.status == RequestStatus.EXTENDED
    assert request.overdue_since is None
    assert "2025-08-16" in request.due_rule, "the rule says what the date was before"
    changed = Activity.objects.get(request=request, verb=ActivityVerb.DUE_DATE_CHANGED)
    assert changed.data["from"] == "2025-08-16"
    assert changed.data["to"] == "2025-09-15"
    assert changed.data["reason"] == "extension_granted"
    assert changed.response == response
    assert changed.actor == journalist
    assert count(request, ActivityVerb.OVERDUE_CLEARED) == 1


def test_an_extension_needs_its_new_due_date(data_request) -> None:
    with pytest.raises(ValidationError) as error:
        services.log_response(
            data_request=data_request,
            kind=ResponseKind.EXTENSION_GRANTED,
            received_on=dt.date(2025, 8, 1),
            today=dt.date(2025, 8, 1),
        )
    assert "new_due_on" in error.value.message_dict


def test_only_an_extension_carries_a_new_due_date(data_request) -> None:
    with pytest.raises(ValidationError) as error:
        services.log_response(
            data_request=data_request,
            kind=ResponseKind.DECLINED,
            received_on=dt.date(2025, 8, 1),
            new_due_on=dt.date(2025, 9, 1),
            today=dt.date(2025, 8, 1),
        )
    assert "new_due_on" in error.value.message_dict
    assert reload(data_request).due_on == DUE


def test_an_extension_asked_for_but_not_granted_keeps_the_due_date(overdue_request) -> None:
    services.log_response(
        data_request=overdue_request,
        kind=ResponseKind.EXTENSION_REQUESTED,
        received_on=dt.date(2025, 8, 18),
        new_due_on=dt.date(2025, 9, 30),
        today=dt.date(2025, 8, 20),
    )
    request = reload(overdue_request)
    assert request.due_on == DUE
    assert request.status == RequestStatus.ACKNOWLEDGED
    assert request.overdue_since == FIRST_LATE_DAY


def test_a_status_change_writes_exactly_one_status_changed_activity(data_request, journalist):
    services.log_response(
        data_request=data_request,
        kind=ResponseKind.DECLINED,
        received_on=dt.date(2025, 7, 25),
        legal_basis_cited="SB 54",
        actor=journalist,
        today=dt.date(2025, 7, 25),
    )

    changes = Activity.objects.filter(request=data_request, verb=ActivityVerb.STATUS_CHANGED)
    assert [(a.data["from"], a.data["to"], a.actor) for a in changes] == [
        ("awaiting", "declined", journalist)
    ]
    assert count(data_request, ActivityVerb.RESPONSE_LOGGED) == 1


def test_a_public_statement_is_logged_but_changes_no_status(data_request) -> None:
    services.log_response(
        data_request=data_request,
        kind=ResponseKind.PUBLIC_STATEMENT,
        received_on=dt.date(2025, 7, 18),
        quotation="We don't ask immigration status.",
        today=dt.date(2025, 7, 18),
    )
    assert reload(data_request).status == RequestStatus.AWAITING
    assert count(data_request, ActivityVerb.RESPONSE_LOGGED) == 1
    assert count(data_request, ActivityVerb.STATUS_CHANGED) == 0


def test_an_acknowledgement_does_not_end_overdue(overdue_request) -> None:
    services.log_response(
        data_request=overdue_request,
        kind=ResponseKind.ACKNOWLEDGED,
        received_on=dt.date(2025, 8, 20),
        today=dt.date(2025, 8, 20),
    )
    request = reload(overdue_request)
    assert request.status == RequestStatus.ACKNOWLEDGED
    assert request.overdue_since == FIRST_LATE_DAY
    assert count(request, ActivityVerb.OVERDUE_CLEARED) == 0


def test_a_substantive_answer_ends_overdue(overdue_request) -> None:
    services.log_response(
        data_request=overdue_request,
        kind=ResponseKind.DECLINED,
        received_on=dt.date(2025, 8, 20),
        today=dt.date(2025, 8, 20),
    )
    request = reload(overdue_request)
    assert request.status == RequestStatus.DECLINED
    assert request.overdue_since is None
    assert count(request, ActivityVerb.OVERDUE_CLEARED) == 1


# --- update_response / delete_response ------------------------------------------------------------


def test_correcting_a_response_kind_re_derives_the_status(data_request) -> None:
    response = services.log_response(
        data_request=data_request,
        kind=ResponseKind.COMPLIED,
        received_on=dt.date(2025, 8, 1),
        today=dt.date(2025, 8, 1),
    )
    services.update_response(
        response=response, kind=ResponseKind.DECLINED, actor=None, today=dt.date(2025, 8, 2)
    )

    assert reload(data_request).status == RequestStatus.DECLINED
    changes = Activity.objects.filter(request=data_request, verb=ActivityVerb.STATUS_CHANGED)
    assert [(a.data["from"], a.data["to"]) for a in changes] == [
        ("awaiting", "complied"),
        ("complied", "declined"),
    ]


def test_correcting_a_response_to_a_date_before_the_request_is_rejected(data_request) -> None:
    response = services.log_response(
        data_request=data_request,
        kind=ResponseKind.COMPLIED,
        received_on=dt.date(2025, 8, 1),
        today=dt.date(2025, 8, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.update_response(
            response=response,
            received_on=dt.date(2025, 7, 1),
            actor=None,
            today=dt.date(2025, 8, 2),
        )
    assert "received_on" in error.value.message_dict
    response.refresh_from_db()
    assert response.received_on == dt.date(2025, 8, 1)


def test_a_response_field_outside_the_form_cannot_be_edited(data_request) -> None:
    response = services.log_response(
        data_request=data_request,
        kind=ResponseKind.COMPLIED,
        received_on=dt.date(2025, 8, 1),
        today=dt.date(2025, 8, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.update_response(response=response, request=None, actor=None)
    assert "request" in error.value.message_dict


def test_deleting_the_only_answer_makes_a_late_request_overdue_again(county) -> None:
    request = make_request(county=county, issued_on=JUL_17, today=dt.date(2025, 8, 10))
    response = services.log_response(
        data_request=request,
        kind=ResponseKind.COMPLIED,
        received_on=dt.date(2025, 8, 10),
        today=dt.date(2025, 8, 10),
    )

    services.delete_response(response=response, actor=None, today=dt.date(2025, 9, 1))

    request = reload(request)
    assert request.status == RequestStatus.AWAITING
    assert request.overdue_since == FIRST_LATE_DAY
    assert Response.objects.filter(request=request).count() == 0
    assert count(request, ActivityVerb.BECAME_OVERDUE) == 1
    assert Activity.objects.filter(request=request, data__deleted=True).count() == 1


def test_deleting_a_later_answer_restores_the_earlier_one(data_request) -> None:
    services.log_response(
        data_request=data_request,
        kind=ResponseKind.PARTIAL,
        received_on=dt.date(2025, 8, 1),
        today=dt.date(2025, 8, 1),
    )
    mistaken = services.log_response(
        data_request=data_request,
        kind=ResponseKind.DECLINED,
        received_on=dt.date(2025, 8, 5),
        today=dt.date(2025, 8, 5),
    )
    services.delete_response(response=mistaken, actor=None, today=dt.date(2025, 8, 6))
    assert reload(data_request).status == RequestStatus.PARTIAL


def grant_extension(request: DataRequest, received_on: dt.date, new_due_on: dt.date) -> Response:
    return services.log_response(
        data_request=request,
        kind=ResponseKind.EXTENSION_GRANTED,
        received_on=received_on,
        new_due_on=new_due_on,
        today=received_on,
    )


def test_deleting_an_extension_logged_in_error_restores_the_due_date_and_overdue(
    overdue_request,
) -> None:
    extension = grant_extension(overdue_request, dt.date(2025, 8, 20), dt.date(2025, 9, 15))

    services.delete_response(response=extension, actor=None, today=dt.date(2025, 8, 21))

    request = reload(overdue_request)
    assert request.due_on == DUE
    assert (request.due_basis, request.due_rule) == (
        DueBasis.CALENDAR_DAYS,
        "30 calendar days from 2025-07-17",
    )
    assert request.status == RequestStatus.AWAITING
    assert request.overdue_since == FIRST_LATE_DAY
    moves = Activity.objects.filter(request=request, verb=ActivityVerb.DUE_DATE_CHANGED)
    assert [(a.data["from"], a.data["to"]) for a in moves] == [
        ("2025-08-16", "2025-09-15"),
        ("2025-09-15", "2025-08-16"),
    ]


def test_correcting_an_extension_into_an_acknowledgement_restores_the_due_date(
    overdue_request,
) -> None:
    extension = grant_extension(overdue_request, dt.date(2025, 8, 20), dt.date(2025, 9, 15))

    services.update_response(
        response=extension,
        kind=ResponseKind.ACKNOWLEDGED,
        new_due_on=None,
        actor=None,
        today=dt.date(2025, 8, 21),
    )

    request = reload(overdue_request)
    assert request.due_on == DUE
    assert request.status == RequestStatus.ACKNOWLEDGED
    assert request.overdue_since == FIRST_LATE_DAY


def test_correcting_an_extensions_new_date_moves_the_due_date_again(data_request) -> None:
    extension = grant_extension(data_request, dt.date(2025, 8, 10), dt.date(2025, 9, 15))
    services.update_response(
        response=extension, new_due_on=dt.date(2025, 9, 30), actor=None, today=dt.date(2025, 8, 11)
    )
    assert reload(data_request).due_on == dt.date(2025, 9, 30)


def test_the_latest_extension_sets_the_due_date_whatever_order_they_are_logged_in(
    data_request,
) -> None:
    later = grant_extension(data_request, dt.date(2025, 9, 10), dt.date(2025, 10, 15))
    earlier = grant_extension(data_request, dt.date(2025, 8, 10), dt.date(2025, 9, 15))
    assert reload(data_request).due_on == dt.date(2025, 10, 15)

    services.update_response(
        response=earlier, summary="Letter from DOJ's Civil Division", actor=None
    )
    assert reload(data_request).due_on == dt.date(2025, 10, 15)

    services.delete_response(response=later, actor=None, today=dt.date(2025, 9, 11))
    assert reload(data_request).due_on == dt.date(2025, 9, 15)


# --- escalations ----------------------------------------------------------------------------------


def file_subpoena(request: DataRequest, **overrides: object) -> Escalation:
    arguments = {
        "data_request": request,
        "kind": EscalationKind.ADMINISTRATIVE_SUBPOENA,
        "issued_on": dt.date(2025, 8, 25),
        "due_on": dt.date(2025, 9, 15),
        "today": dt.date(2025, 8, 25),
    }
    arguments.update(overrides)
    return services.file_escalation(**arguments)


def test_filing_an_escalation_makes_the_request_escalated_and_ends_overdue(overdue_request):
    escalation = file_subpoena(overdue_request)

    request = reload(overdue_request)
    assert request.status == RequestStatus.ESCALATED
    assert request.overdue_since is None
    assert escalation.overdue_since is None
    assert count(request, ActivityVerb.ESCALATION_FILED) == 1
    assert count(request, ActivityVerb.STATUS_CHANGED) == 1


def test_an_escalation_recorded_after_its_return_date_is_overdue_at_once(data_request) -> None:
    escalation = file_subpoena(data_request, today=dt.date(2025, 9, 20))
    assert escalation.overdue_since == dt.date(2025, 9, 16)
    assert Activity.objects.filter(escalation=escalation, verb=ActivityVerb.BECAME_OVERDUE).exists()


def test_an_escalation_cannot_follow_one_on_another_request(data_request) -> None:
    other_request = make_request()
    letter = file_subpoena(other_request, kind=EscalationKind.DEMAND_LETTER)

    with pytest.raises(ValidationError) as error:
        file_subpoena(data_request, follows=letter)

    assert "follows" in error.value.message_dict
    assert Escalation.objects.filter(request=data_request).count() == 0
    assert reload(data_request).status == RequestStatus.AWAITING


def test_an_escalation_can_follow_one_on_the_same_request(data_request) -> None:
    letter = file_subpoena(data_request, kind=EscalationKind.DEMAND_LETTER, due_on=None)
    subpoena = file_subpoena(data_request, follows=letter)
    assert list(letter.followed_by.all()) == [subpoena]


def test_an_escalation_cannot_come_before_the_request(data_request) -> None:
    with pytest.raises(ValidationError) as error:
        file_subpoena(data_request, issued_on=dt.date(2025, 7, 1))
    assert "issued_on" in error.value.message_dict


def test_ending_an_escalation_re_derives_the_status(data_request) -> None:
    services.log_response(
        data_request=data_request,
        kind=ResponseKind.DECLINED,
        received_on=dt.date(2025, 8, 1),
        today=dt.date(2025, 8, 1),
    )
    subpoena = file_subpoena(data_request)

    services.update_escalation(
        escalation=subpoena,
        status=EscalationStatus.QUASHED,
        actor=None,
        today=dt.date(2025, 10, 1),
    )

    assert reload(data_request).status == RequestStatus.CLOSED
    updated = Activity.objects.get(escalation=subpoena, verb=ActivityVerb.ESCALATION_UPDATED)
    assert (updated.data["from"], updated.data["to"]) == ("open", "quashed")


def test_contesting_an_overdue_escalation_clears_its_overdue_flag(data_request) -> None:
    subpoena = file_subpoena(data_request, today=dt.date(2025, 9, 20))
    assert subpoena.overdue_since is not None

    subpoena = services.update_escalation(
        escalation=subpoena,
        status=EscalationStatus.CONTESTED,
        actor=None,
        today=dt.date(2025, 9, 21),
    )

    assert subpoena.overdue_since is None
    assert Activity.objects.filter(escalation=subpoena, verb=ActivityVerb.OVERDUE_CLEARED).exists()
    assert reload(data_request).status == RequestStatus.ESCALATED


def test_deleting_an_escalation_returns_the_request_to_the_countys_answer(data_request) -> None:
    services.log_response(
        data_request=data_request,
        kind=ResponseKind.DECLINED,
        received_on=dt.date(2025, 8, 1),
        today=dt.date(2025, 8, 1),
    )
    subpoena = file_subpoena(data_request)
    assert reload(data_request).status == RequestStatus.ESCALATED

    services.delete_escalation(escalation=subpoena, actor=None, today=dt.date(2025, 8, 26))

    assert reload(data_request).status == RequestStatus.DECLINED
    assert Escalation.objects.count() == 0


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


# --- sources --------------------------------------------------------------------------------------


def test_an_uploaded_source_is_stored_with_its_sha256(db, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    content = b"%PDF-1.4 letter to Sheriff Robert G. Luna, 2025-07-17"
    letter = SimpleUploadedFile("luna-letter.pdf", content, content_type="application/pdf")

    source = services.add_source(
        title="DOJ letter to the Los Angeles County Sheriff",
        file=letter,
        kind=Source.Kind.PRIMARY_DOCUMENT,
    )

    source.refresh_from_db()
    assert source.sha256 == hashlib.sha256(content).hexdigest()
    with source.file.open("rb") as stored:
        assert stored.read() == content


def test_a_source_with_a_known_address_is_reused_not_duplicated(data_request, journalist) -> None:
    url = "https://www.justice.gov/opa/pr/letter-california-sheriffs"
    first = services.add_source(title="DOJ press release", url=url, cite_on=[data_request])
    again = services.add_source(
        title="Same release", url=url, cite_on=[data_request], actor=journalist
    )

    assert again.pk == first.pk
    assert Source.objects.filter(url=url).count() == 1
    assert list(data_request.sources.all()) == [first]
    assert count(data_request, ActivityVerb.SOURCE_ADDED) == 1


def test_citing_a_source_on_a_response_records_it_on_the_request_timeline(data_request) -> None:
    response = services.log_response(
        data_request=data_request,
        kind=ResponseKind.PUBLIC_STATEMENT,
        received_on=dt.date(2025, 7, 18),
        today=dt.date(2025, 7, 18),
    )
    source = services.add_source(
        title="Sheriff says the department does not ask immigration status",
        url="https://news.example/luna",
        cite_on=[response],
    )
    assert list(response.sources.all()) == [source]
    added = Activity.objects.get(verb=ActivityVerb.SOURCE_ADDED)
    assert (added.request, added.response) == (data_request, response)


def test_a_source_needs_an_address_or_a_file(db) -> None:
    with pytest.raises(ValidationError) as error:
        services.add_source(title="Hearsay")
    assert "url" in error.value.message_dict
    assert Source.objects.count() == 0


# --- record_figure --------------------------------------------------------------------------------


def test_recording_a_reported_figure_keeps_its_period_and_source(county, journalist) -> None:
    source = SourceFactory(title="LASD detainer figures", publisher="Fox LA")
    figure = services.record_figure(
        county=county,
        metric="ICE detainer requests received",
        value=995,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        period_label="2024",
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
            metric="Transfers to ICE on judicial warrants",
            value=20,
            period_start=dt.date(2025, 6, 30),
            period_end=dt.date(2025, 5, 1),
            source=SourceFactory(),
        )
    assert ReportedFigure.objects.count() == 0
    assert Activity.objects.filter(verb=ActivityVerb.FIGURE_RECORDED).count() == 0


# --- watch / unwatch ------------------------------------------------------------------------------


def test_a_watch_follows_exactly_one_target(data_request, viewer) -> None:
    with pytest.raises(ValidationError):
        services.watch(user=viewer)
    with pytest.raises(ValidationError):
        services.watch(user=viewer, county=data_request.county, data_request=data_request)
    assert Watch.objects.count() == 0


def test_watching_twice_keeps_one_watch_and_updates_its_frequency(data_request, viewer) -> None:
    first = services.watch(user=viewer, data_request=data_request)
    again = services.watch(user=viewer, data_request=data_request, frequency=Watch.Frequency.HOURLY)

    assert again.pk == first.pk
    assert Watch.objects.get().frequency == Watch.Frequency.HOURLY


def test_a_new_watch_starts_from_the_newest_event_not_the_backlog(data_request, viewer) -> None:
    newest = Activity.objects.order_by("-created_at", "-id").first()
    item = services.watch(user=viewer, county=data_request.county)
    assert item.last_sent_activity == newest


def test_unwatching_removes_the_watch(data_request, viewer) -> None:
    item = services.watch(user=viewer, county=data_request.county)
    other = services.watch(user=viewer, data_request=data_request)

    services.unwatch(watch=item)

    assert list(Watch.objects.all()) == [other]


# --- flag_overdue (quick; the deep tests live in test_overdue.py) -------------------------------


def test_flag_overdue_writes_activity_only_for_real_transitions_and_is_idempotent(
    data_request,
) -> None:
    on_time = services.flag_overdue(today=DUE)
    assert on_time.changed == 0
    assert count(data_request, ActivityVerb.BECAME_OVERDUE) == 0

    late = services.flag_overdue(today=FIRST_LATE_DAY)
    assert late.requests_flagged == 1
    assert reload(data_request).overdue_since == FIRST_LATE_DAY
    assert count(data_request, ActivityVerb.BECAME_OVERDUE) == 1

    again = services.flag_overdue(today=dt.date(2025, 8, 18))
    assert again.changed == 0
    assert reload(data_request).overdue_since == FIRST_LATE_DAY
    assert count(data_request, ActivityVerb.BECAME_OVERDUE) == 1


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
