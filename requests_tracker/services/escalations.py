"""Escalations: DOJ's ladder of demand letters, subpoenas, suits and orders."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from requests_tracker import workflow
from requests_tracker.choices import ActivityVerb, EscalationStatus
from requests_tracker.models import DataRequest, Escalation, Source
from requests_tracker.services.activity import User, actor_or_none, record_activity, sentence
from requests_tracker.services.clock import local_today
from requests_tracker.services.corrections import corrected_update
from requests_tracker.services.editing import reject_unknown_fields
from requests_tracker.services.embargo_terms import EmbargoTerms, check_terms
from requests_tracker.services.locks import lock_request, lock_with_request
from requests_tracker.services.sources import save_with_sources
from requests_tracker.services.status import refresh_request_status
from requests_tracker.services.validation import FUTURE_ISSUE_DATE, raise_with_model_errors

logger = logging.getLogger(__name__)


ESCALATION_FIELDS = (
    "kind",
    "follows",
    "issued_on",
    "due_on",
    "court",
    "case_number",
    "status",
    "summary",
)
"""The fields of an escalation a journalist writes (file_escalation and update_escalation)."""


def file_escalation(
    *,
    data_request: DataRequest,
    kind: str,
    issued_on: dt.date,
    due_on: dt.date | None = None,
    follows: Escalation | None = None,
    court: str = "",
    case_number: str = "",
    status: str = EscalationStatus.OPEN,
    summary: str = "",
    sources: Iterable[Source] = (),
    new_sources: Iterable[Mapping[str, Any]] = (),
    actor: User | None = None,
    today: dt.date | None = None,
    embargo: EmbargoTerms | None = None,
) -> Escalation:
    """Record DOJ's next step on a request (letter, subpoena, suit, order); the request follows.

    `new_sources` work as in log_response: added after the escalation is checked, in the same
    transaction, their errors keyed `source_<field>`. With `embargo`, it is held as a response
    is (log_response).
    """
    today = today or local_today()
    check_terms(embargo, actor=actor)
    with transaction.atomic():
        data_request = lock_request(data_request.pk)
        escalation = Escalation(
            request=data_request,
            kind=kind,
            issued_on=issued_on,
            due_on=due_on,
            follows=follows,
            court=court,
            case_number=case_number,
            status=status,
            summary=summary,
            logged_by=actor_or_none(actor),
        )
        _validate_escalation(escalation, data_request, today)
        escalation.overdue_since = workflow.escalation_overdue_since(status, due_on, today)
        save_with_sources(
            escalation, sources=sources, new_sources=new_sources, embargo=embargo, actor=actor
        )
        record_activity(
            ActivityVerb.ESCALATION_FILED,
            sentence(
                ActivityVerb.ESCALATION_FILED,
                county=data_request.county,
                kind=escalation.get_kind_display().lower(),
                issued_on=issued_on,
            ),
            data_request=data_request,
            escalation=escalation,
            actor=actor,
            data={
                "kind": kind,
                "issued_on": issued_on.isoformat(),
                "due_on": due_on.isoformat() if due_on else None,
            },
            occurred_on=issued_on,
        )
        if escalation.overdue_since:
            _record_escalation_overdue(escalation, data_request)
        refresh_request_status(data_request, today=today, actor=actor, occurred_on=issued_on)
    return escalation


def update_escalation(
    *,
    escalation: Escalation,
    actor: User | None,
    today: dt.date | None = None,
    correction_note: str = "",
    **changes: Any,
) -> Escalation:
    """Change an escalation (most often its status: contested, quashed, enforced, ...). A
    `correction_note` is kept as the public correction of the edit (services/corrections.py)."""
    reject_unknown_fields(changes, ESCALATION_FIELDS)
    today = today or local_today()
    with transaction.atomic():
        escalation = lock_with_request(escalation)
        data_request = escalation.request
        old_status, was_overdue = escalation.status, escalation.overdue_since

        def clean() -> None:
            _validate_escalation(escalation, data_request, today)
            escalation.overdue_since = workflow.escalation_overdue_since(
                escalation.status, escalation.due_on, today
            )

        changed = corrected_update(
            escalation,
            editable=ESCALATION_FIELDS,
            changes=changes,
            clean=clean,
            note=correction_note,
            actor=actor,
        )
        if not changed:
            return escalation
        county, kind = data_request.county, escalation.get_kind_display().lower()
        record_activity(
            ActivityVerb.ESCALATION_UPDATED,
            sentence(
                ActivityVerb.ESCALATION_UPDATED,
                county=county,
                kind=kind,
                change=f"now {escalation.get_status_display().lower()}"
                if escalation.status != old_status
                else "edited",
            ),
            data_request=data_request,
            escalation=escalation,
            actor=actor,
            data={"from": old_status, "to": escalation.status, "fields": changed},
        )
        if escalation.overdue_since and not was_overdue:
            _record_escalation_overdue(escalation, data_request)
        elif was_overdue and not escalation.overdue_since:
            record_activity(
                ActivityVerb.OVERDUE_CLEARED,
                sentence(ActivityVerb.OVERDUE_CLEARED, county=county, what=kind),
                data_request=data_request,
                escalation=escalation,
                actor=actor,
            )
        refresh_request_status(data_request, today=today, actor=actor)
    return escalation


def delete_escalation(
    *, escalation: Escalation, actor: User | None, today: dt.date | None = None
) -> None:
    """Delete an escalation recorded in error (Activity `escalation_deleted`); the request's
    status is re-derived without it."""
    today = today or local_today()
    with transaction.atomic():
        data_request = lock_request(escalation.request_id)
        kind = escalation.get_kind_display().lower()
        data = {
            "deleted": True,
            "kind": escalation.kind,
            "issued_on": escalation.issued_on.isoformat(),
        }
        escalation.delete()
        record_activity(
            ActivityVerb.ESCALATION_DELETED,
            sentence(ActivityVerb.ESCALATION_DELETED, county=data_request.county, kind=kind),
            data_request=data_request,
            actor=actor,
            data=data,
        )
        refresh_request_status(data_request, today=today, actor=actor)


def validate_escalation_for(
    *, data_request: DataRequest, escalation: Escalation, today: dt.date | None = None
) -> None:
    """Raise the ValidationError file_escalation would raise for `escalation`, writing nothing."""
    _validate_escalation(escalation, data_request, today or local_today())


def _validate_escalation(escalation: Escalation, data_request: DataRequest, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if escalation.issued_on and escalation.issued_on < data_request.issued_on:
        errors["issued_on"] = (
            f"An escalation cannot come before the request it escalates "
            f"({data_request.issued_on.isoformat()})."
        )
    elif escalation.issued_on and escalation.issued_on > today:
        errors["issued_on"] = FUTURE_ISSUE_DATE
    if escalation.follows_id is not None:
        follows = escalation.follows
        if follows.request_id != data_request.pk:
            errors["follows"] = "An escalation can only follow one on the same request."
        elif escalation.pk and follows.pk == escalation.pk:
            errors["follows"] = "An escalation cannot follow itself."
    raise_with_model_errors(escalation, errors)


def _record_escalation_overdue(escalation: Escalation, data_request: DataRequest) -> None:
    record_activity(
        ActivityVerb.BECAME_OVERDUE,
        sentence(
            ActivityVerb.BECAME_OVERDUE,
            county=data_request.county,
            what=escalation.get_kind_display().lower(),
            since=escalation.overdue_since,
        ),
        occurred_on=escalation.overdue_since,
        data_request=data_request,
        escalation=escalation,
        data={"overdue_since": escalation.overdue_since.isoformat()},
    )
