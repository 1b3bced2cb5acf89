"""Activity records and the helpers every service shares: locks, today's date, labels."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from requests_tracker.models import (
    Activity,
    Campaign,
    County,
    DataRequest,
    Escalation,
    Response,
)

logger = logging.getLogger(__name__)


User = AbstractBaseUser
FLAG_OVERDUE_LOCK_KEY = 7_284_006  # Gov. Code 7284.6: any fixed number shared by every process.


def local_today() -> dt.date:
    """Today's date in the newsroom's time zone (settings.TIME_ZONE), which decides deadlines."""
    return timezone.localdate()


def _record(
    verb: str,
    summary: str,
    *,
    request: DataRequest | None = None,
    county: County | None = None,
    campaign: Campaign | None = None,
    response: Response | None = None,
    escalation: Escalation | None = None,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
) -> Activity:
    if request is not None:
        county = county or request.county
        campaign = campaign or request.campaign
    activity = Activity.objects.create(
        verb=verb,
        summary=summary[:500],
        request=request,
        county=county,
        campaign=campaign,
        response=response,
        escalation=escalation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data or {},
    )
    _announce_on_commit()
    return activity


def _announce_new_activity() -> None:
    from requests_tracker import tasks

    try:
        tasks.fan_out_activity_task.delay()
    except Exception:  # the broker being down must never undo or fail a write
        logger.warning("Broker unreachable; new activity will be delivered by the next sweep.")


def _announce_on_commit() -> None:
    """After commit, wake the worker that fans new Activity out to webhooks (once per commit).

    The database is the record of what still needs delivering, so if the broker is down the
    write still succeeds and the periodic sweep finds the work later.
    """
    pending = transaction.get_connection().run_on_commit
    if any(callback is _announce_new_activity for _, callback, _ in pending):
        return
    transaction.on_commit(_announce_new_activity)


def _lock_request(pk: int) -> DataRequest:
    """Lock one request for a status-changing write.

    On PostgreSQL the write also takes the overdue flag's advisory lock in shared mode, so it never
    interleaves with a flag_overdue run (which takes it exclusively); writes don't block each other.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [FLAG_OVERDUE_LOCK_KEY])
    return (
        DataRequest.objects.select_for_update(of=("self",))
        .select_related("county", "campaign")
        .get(pk=pk)
    )


def _raise_with_model_errors(instance: Any, errors: dict[str, str]) -> None:
    """Raise the business-rule `errors` together with the model's own (full_clean), per field;
    a field's business-rule message wins over the model's."""
    try:
        instance.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)


def _actor_or_none(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _county_label(county: County) -> str:
    return f"{county.name}, {county.state}"
