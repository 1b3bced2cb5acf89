import datetime as dt

from requests_tracker.models import RequestStatus


def test_a_new_request_awaits_an_answer_due_thirty_days_later(data_request):
    assert data_request.status == RequestStatus.AWAITING
    assert data_request.due_on == dt.date(2025, 8, 16)
    assert data_request.overdue_since is None
