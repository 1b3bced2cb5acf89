"""The locks a status-changing write takes, so writes and the overdue job never interleave."""

from __future__ import annotations

from typing import TypeVar

from django.db import connection

from requests_tracker.models import DataRequest, Escalation, Response

OnRequest = TypeVar("OnRequest", Response, Escalation)

FLAG_OVERDUE_LOCK_KEY = 7_284_006  # Gov. Code 7284.6: any fixed number shared by every process.


def lock_request(pk: int) -> DataRequest:
    """Lock one request for a status-changing write.

    The write also takes the overdue flag's advisory lock in shared mode, so it never
    interleaves with a flag_overdue run (which takes it exclusively); writes don't block each other.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [FLAG_OVERDUE_LOCK_KEY])
    return (
        DataRequest.objects.select_for_update(of=("self",))
        .select_related("county", "campaign")
        .get(pk=pk)
    )


def lock_with_request(record: OnRequest) -> OnRequest:
    """Lock the request `record` is on (lock_request), then `record` itself: the record read
    again under its lock, its request the locked one."""
    data_request = lock_request(record.request_id)
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    locked.request = data_request
    return locked
