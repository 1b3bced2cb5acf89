"""log_response, update_response and delete_response: what an answer does to the request's
status, due date and overdue flag, and what each correction undoes.

Dates follow the July 2025 wave: DOJ wrote on 2025-07-17 with 30 days to answer (due 2025-08-16,
overdue from 2025-08-17).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    DataCategory,
    DataRequest,
    DueBasis,
    RequestStatus,
    Response,
    ResponseKind,
)
from tests.factories import make_request
from tests.services.conftest import DUE, FIRST_LATE_DAY, JUL_17, answer, count, reload

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
    response = answer(
        data_request,
        ResponseKind.PARTIAL,
        dt.date(2025, 8, 1),
        categories_provided=[DataCategory.CHARGES],
        records_provided=12,
        legal_basis_cited="SB 54, Gov. Code 7284.6",
    )
    response.refresh_from_db()
    assert response.categories_provided == [DataCategory.CHARGES]
    assert response.records_provided == 12
    assert reload(data_request).status == RequestStatus.PARTIAL


def test_a_granted_extension_moves_the_due_date_records_why_and_clears_overdue(
    overdue_request, journalist
) -> None:
    new_due = dt.date(2025, 9, 15)
    response = answer(
        overdue_request,
        ResponseKind.EXTENSION_GRANTED,
        dt.date(2025, 8, 20),
        new_due_on=new_due,
        actor=journalist,
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
    answer(
        data_request,
        ResponseKind.DECLINED,
        dt.date(2025, 7, 25),
        legal_basis_cited="SB 54",
        actor=journalist,
    )

    changes = Activity.objects.filter(request=data_request, verb=ActivityVerb.STATUS_CHANGED)
    assert [(a.data["from"], a.data["to"], a.actor) for a in changes] == [
        ("awaiting", "declined", journalist)
    ]
    assert count(data_request, ActivityVerb.RESPONSE_LOGGED) == 1


def test_a_public_statement_is_logged_but_changes_no_status(data_request) -> None:
    answer(
        data_request,
        ResponseKind.PUBLIC_STATEMENT,
        dt.date(2025, 7, 18),
        quotation="We don't ask immigration status.",
    )
    assert reload(data_request).status == RequestStatus.AWAITING
    assert count(data_request, ActivityVerb.RESPONSE_LOGGED) == 1
    assert count(data_request, ActivityVerb.STATUS_CHANGED) == 0


def test_an_acknowledgement_does_not_end_overdue(overdue_request) -> None:
    answer(overdue_request, ResponseKind.ACKNOWLEDGED, dt.date(2025, 8, 20))
    request = reload(overdue_request)
    assert request.status == RequestStatus.ACKNOWLEDGED
    assert request.overdue_since == FIRST_LATE_DAY
    assert count(request, ActivityVerb.OVERDUE_CLEARED) == 0


def test_a_substantive_answer_ends_overdue(overdue_request) -> None:
    answer(overdue_request, ResponseKind.DECLINED, dt.date(2025, 8, 20))
    request = reload(overdue_request)
    assert request.status == RequestStatus.DECLINED
    assert request.overdue_since is None
    assert count(request, ActivityVerb.OVERDUE_CLEARED) == 1


# --- update_response / delete_response ------------------------------------------------------------


def test_correcting_a_response_kind_re_derives_the_status(data_request) -> None:
    response = answer(data_request, ResponseKind.COMPLIED, dt.date(2025, 8, 1))
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
    response = answer(data_request, ResponseKind.COMPLIED, dt.date(2025, 8, 1))
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
    response = answer(data_request, ResponseKind.COMPLIED, dt.date(2025, 8, 1))
    with pytest.raises(ValidationError) as error:
        services.update_response(response=response, request=None, actor=None)
    assert "request" in error.value.message_dict


def test_deleting_the_only_answer_makes_a_late_request_overdue_again(county) -> None:
    request = make_request(county=county, issued_on=JUL_17, today=dt.date(2025, 8, 10))
    response = answer(request, ResponseKind.COMPLIED, dt.date(2025, 8, 10))

    services.delete_response(response=response, actor=None, today=dt.date(2025, 9, 1))

    request = reload(request)
    assert request.status == RequestStatus.AWAITING
    assert request.overdue_since == FIRST_LATE_DAY
    assert Response.objects.filter(request=request).count() == 0
    assert count(request, ActivityVerb.BECAME_OVERDUE) == 1
    assert Activity.objects.filter(request=request, data__deleted=True).count() == 1


def test_deleting_a_later_answer_restores_the_earlier_one(data_request) -> None:
    answer(data_request, ResponseKind.PARTIAL, dt.date(2025, 8, 1))
    mistaken = answer(data_request, ResponseKind.DECLINED, dt.date(2025, 8, 5))
    services.delete_response(response=mistaken, actor=None, today=dt.date(2025, 8, 6))
    assert reload(data_request).status == RequestStatus.PARTIAL


def grant_extension(request: DataRequest, received_on: dt.date, new_due_on: dt.date) -> Response:
    return answer(request, ResponseKind.EXTENSION_GRANTED, received_on, new_due_on=new_due_on)


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


def test_deleting_an_extension_restores_the_original_deadline_from_the_request_row(
    overdue_request,
) -> None:
    extension = grant_extension(overdue_request, dt.date(2025, 8, 20), dt.date(2025, 9, 15))
    assert reload(overdue_request).original_due_on == DUE
    # The timeline is a record of what happened, not where the app keeps its facts: with every
    # event gone, the request row alone knows the deadline the extension replaced.
    Activity.objects.filter(request=overdue_request).delete()

    services.delete_response(response=extension, actor=None, today=dt.date(2025, 8, 21))

    request = reload(overdue_request)
    assert (request.due_on, request.due_basis, request.due_rule) == (
        DUE,
        DueBasis.CALENDAR_DAYS,
        "30 calendar days from 2025-07-17",
    )
    assert request.overdue_since == FIRST_LATE_DAY
    assert request.original_due_on is None, "restored, so nothing is held back any more"


def test_a_deleted_response_is_recorded_as_response_deleted(data_request, editor) -> None:
    response = answer(data_request, ResponseKind.DECLINED, dt.date(2025, 8, 5))

    services.delete_response(response=response, actor=editor, today=dt.date(2025, 8, 6))

    deleted = Activity.objects.get(request=data_request, verb=ActivityVerb.RESPONSE_DELETED)
    assert deleted.actor == editor
    assert deleted.data == {"deleted": True, "kind": "declined", "received_on": "2025-08-05"}
    assert "2025-08-05" in deleted.summary and "Los Angeles County" in deleted.summary
    assert count(data_request, ActivityVerb.RESPONSE_UPDATED) == 0
