"""Activity announcements: one wake-up for the worker per committed write, none on rollback."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from requests_tracker import services
from tests.factories import CountyFactory, make_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_commit_wakes_the_worker_once_however_many_events_it_wrote():
    with mock.patch("requests_tracker.tasks.fan_out_activity_task.delay") as delay:
        request = make_request(county=CountyFactory())
        delay.reset_mock()
        # A declined answer after the deadline writes several events: the response, the status
        # change, and the overdue flag cleared.
        services.log_response(
            data_request=request,
            kind="declined",
            received_on=dt.date(2025, 8, 20),
            today=dt.date(2025, 8, 21),
        )
    delay.assert_called_once_with()


def test_a_write_that_fails_validation_wakes_no_worker():
    with mock.patch("requests_tracker.tasks.fan_out_activity_task.delay") as delay:
        request = make_request(county=CountyFactory())
        delay.reset_mock()
        with pytest.raises(ValidationError):
            services.log_response(
                data_request=request,
                kind="declined",
                received_on=dt.date(2025, 7, 1),
                today=dt.date(2025, 8, 21),
            )
    delay.assert_not_called()
