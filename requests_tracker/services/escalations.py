"""Escalations: DOJ's ladder of demand letters, subpoenas, suits and orders."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_tracker import workflow
from requests_tracker.models import (
    ActivityVerb,
    DataRequest,
    Escalation,
    EscalationStatus,
    Source,
)
from requests_tracker.services.activity import (
    User,
    _actor_or_none,
    _county_label,
    _lock_request,
    _raise_with_model_errors,
    _record,
    local_today,
)
from requests_tracker.services.requests import _refresh_request

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


def file_escalation(
    *,
    request: DataRequest,
    kind: str,
    issued_on: dt.date,
    due_on: dt.date | None = None,
    follows: Escalation | None = None,
    court: str = "",
    case_number: str = "",
    status: str = EscalationStatus.OPEN,
    summary: str = "",
    sources: Iterable[Source] = (),
    actor: User | None = None,
    today: dt.date | None = None,
) -> Escalation:
    """Record DOJ's next step on a request (letter, subpoena, suit, order); the request follows."""
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(request.pk)
        escalation = Escalation(
            request=request,
            kind=kind,
            issued_on=issued_on,
            due_on=due_on,
            follows=follows,
            court=court,
            case_number=case_number,
            status=status,
            summary=summary,
            logged_by=_actor_or_none(actor),
        )
        _validate_escalation(escalation, request, today)
        escalation.overdue_since = workflow.escalation_overdue_since(status, due_on, today)
        escalation.save()
        escalation.sources.set(sources)
        _record(
            ActivityVerb.ESCALATION_FILED,
            f"{_county_label(request.county)}: {escalation.get_kind_display().lower()} "
            f"({issued_on.isoformat()})",
            request=request,
            escalation=escalation,
            actor=actor,
            data={
                "kind": kind,
                "issued_on": issued_on.isoformat(),
                "due_on": due_on.isoformat() if due_on else None,
            },
        )
        if escalation.overdue_since:
            _record_escalation_overdue(escalation, request)
        _refresh_request(request, today=today, actor=actor)
    return escalation


def update_escalation(
    *, escalation: Escalation, actor: User | None, today: dt.date | None = None, **changes: Any
) -> Escalation:
    """Change an escalation (most often its status: contested, quashed, enforced, ...)."""
    unknown = set(changes) - set(ESCALATION_FIELDS)
    if unknown:
        raise ValidationError({field: "This field cannot be edited here." for field in unknown})
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(escalation.request_id)
        escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
        old_status = escalation.status
        for field, value in changes.items():
            setattr(escalation, field, value)
        _validate_escalation(escalation, request, today)
        was_overdue = escalation.overdue_since
        escalation.overdue_since = workflow.escalation_overdue_since(
            escalation.status, escalation.due_on, today
        )
        escalation.save()
        label = _county_label(request.county)
        what = escalation.get_kind_display().lower()
        summary = (
            f"{label}: {what} now {escalation.get_status_display().lower()}"
            if escalation.status != old_status
            else f"{label}: {what} edited"
        )
        _record(
            ActivityVerb.ESCALATION_UPDATED,
            summary,
            request=request,
            escalation=escalation,
            actor=actor,
            data={"from": old_status, "to": escalation.status, "fields": sorted(changes)},
        )
        if escalation.overdue_since and not was_overdue:
            _record_escalation_overdue(escalation, request)
        elif was_overdue and not escalation.overdue_since:
            _record(
                ActivityVerb.OVERDUE_CLEARED,
                f"{label}: {what} no longer overdue",
                request=request,
                escalation=escalation,
                actor=actor,
            )
        _refresh_request(request, today=today, actor=actor)
    return escalation


def delete_escalation(
    *, escalation: Escalation, actor: User | None, today: dt.date | None = None
) -> None:
    """Delete an escalation recorded in error; the request's status is re-derived without it."""
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(escalation.request_id)
        summary = (
            f"{_county_label(request.county)}: {escalation.get_kind_display().lower()} deleted"
        )
        escalation.delete()
        _record(
            ActivityVerb.ESCALATION_UPDATED,
            summary,
            request=request,
            actor=actor,
            data={"deleted": True},
        )
        _refresh_request(request, today=today, actor=actor)


def validate_escalation_for(
    *, request: DataRequest, escalation: Escalation, today: dt.date | None = None
) -> None:
    """Raise the ValidationError file_escalation would raise for `escalation`, writing nothing."""
    _validate_escalation(escalation, request, today or local_today())


def _validate_escalation(escalation: Escalation, request: DataRequest, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if escalation.issued_on and escalation.issued_on < request.issued_on:
        errors["issued_on"] = (
            f"An escalation cannot come before the request it escalates "
            f"({request.issued_on.isoformat()})."
        )
    elif escalation.issued_on and escalation.issued_on > today:
        errors["issued_on"] = "The issue date cannot be in the future."
    if escalation.follows_id is not None:
        follows = escalation.follows
        if follows.request_id != request.pk:
            errors["follows"] = "An escalation can only follow one on the same request."
        elif escalation.pk and follows.pk == escalation.pk:
            errors["follows"] = "An escalation cannot follow itself."
    _raise_with_model_errors(escalation, errors)


def _record_escalation_overdue(escalation: Escalation, request: DataRequest) -> None:
    _record(
        ActivityVerb.BECAME_OVERDUE,
        f"{_county_label(request.county)}: {escalation.get_kind_display().lower()} overdue since "
        f"{escalation.overdue_since.isoformat()}",
        request=request,
        escalation=escalation,
        data={"overdue_since": escalation.overdue_since.isoformat()},
    )
