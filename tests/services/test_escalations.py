"""file_escalation, update_escalation and delete_escalation: DOJ's next steps, their return
dates, and the status they leave the request in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    DataRequest,
    Escalation,
    EscalationKind,
    EscalationStatus,
    RequestStatus,
    ResponseKind,
)
from tests.factories import make_request
from tests.services.conftest import answer, count, reload


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
    answer(data_request, ResponseKind.DECLINED, dt.date(2025, 8, 1))
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
    answer(data_request, ResponseKind.DECLINED, dt.date(2025, 8, 1))
    subpoena = file_subpoena(data_request)
    assert reload(data_request).status == RequestStatus.ESCALATED

    services.delete_escalation(escalation=subpoena, actor=None, today=dt.date(2025, 8, 26))

    assert reload(data_request).status == RequestStatus.DECLINED
    assert Escalation.objects.count() == 0


def test_a_deleted_escalation_is_recorded_as_escalation_deleted(data_request, editor) -> None:
    subpoena = file_subpoena(data_request)

    services.delete_escalation(escalation=subpoena, actor=editor, today=dt.date(2025, 8, 26))

    deleted = Activity.objects.get(request=data_request, verb=ActivityVerb.ESCALATION_DELETED)
    assert deleted.actor == editor
    assert deleted.data == {
        "deleted": True,
        "kind": EscalationKind.ADMINISTRATIVE_SUBPOENA,
        "issued_on": "2025-08-25",
    }
    assert "administrative subpoena" in deleted.summary
    assert count(data_request, ActivityVerb.ESCALATION_UPDATED) == 0
