"""The locks a status-changing write takes, so writes and the overdue job never interleave."""

from __future__ import annotations

from django.db import connection

from requests_tracker.models import DataRequest

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
