"""Activity announcements: one wake-up for the worker per committed write, none on rollback."""

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from requests_tracker import services
from requests_tracker.models import DataRequest
from tests.factories import CountyFactory, make_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wake_ups() -> Iterator[mock.MagicMock]:
    """Each call is one wake-up of the worker that fans new Activity out to webhooks."""
    with mock.patch("requests_tracker.tasks.fan_out_activity_task.delay") as delay:
        yield delay


@pytest.fixture
def issued(wake_ups: mock.MagicMock) -> DataRequest:
    """A request already issued, its own wake-up forgotten."""
    request = make_request(county=CountyFactory())
    wake_ups.reset_mock()
    return request


def test_one_commit_wakes_the_worker_once_however_many_events_it_wrote(issued, wake_ups):
    # A declined answer after the deadline writes several events: the response, the status
    # change, and the overdue flag cleared.
    services.log_response(
        data_request=issued,
        kind="declined",
        received_on=dt.date(2025, 8, 20),
        today=dt.date(2025, 8, 21),
    )
    wake_ups.assert_called_once_with()


def test_a_write_that_fails_validation_wakes_no_worker(issued, wake_ups):
    with pytest.raises(ValidationError):
        services.log_response(
            data_request=issued,
            kind="declined",
            received_on=dt.date(2025, 7, 1),
            today=dt.date(2025, 8, 21),
        )
    wake_ups.assert_not_called()
