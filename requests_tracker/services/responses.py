"""Responses: a county's answers, and the extensions DOJ grants."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_tracker.models import (
    ActivityVerb,
    Agency,
    DataRequest,
    DueBasis,
    Response,
    ResponseKind,
    Source,
)
from requests_tracker.services.activity import (
    User,
    _actor_or_none,
    _county_label,
    _lock_request,
    _record,
    local_today,
)
from requests_tracker.services.requests import _refresh_request

logger = logging.getLogger(__name__)


EXTENSION_KINDS = {ResponseKind.EXTENSION_GRANTED, ResponseKind.EXTENSION_REQUESTED}

RESPONSE_FIELDS = (
    "received_on",
    "responding_agency",
    "official",
    "kind",
    "categories_provided",
    "records_provided",
    "legal_basis_cited",
    "new_due_on",
    "summary",
    "quotation",
)


def log_response(
    *,
    request: DataRequest,
    kind: str,
    received_on: dt.date,
    responding_agency: Agency | None = None,
    official: str = "",
    categories_provided: Sequence[str] = (),
    records_provided: int | None = None,
    legal_basis_cited: str = "",
    new_due_on: dt.date | None = None,
    summary: str = "",
    quotation: str = "",
    sources: Iterable[Source] = (),
    actor: User | None = None,
    today: dt.date | None = None,
) -> Response:
    """Log a county's answer and re-derive the request's status in the same transaction.

    Rejected: a response dated before the request was issued or after today; categories the
    request did not ask for; a new due date on anything but an extension. An extension granted
    moves the request's due date to `new_due_on` and records why (Activity `due_date_changed`).
    """
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(request.pk)
        response = Response(
            request=request,
            kind=kind,
            received_on=received_on,
            responding_agency=responding_agency,
            official=official,
            categories_provided=list(categories_provided),
            records_provided=records_provided,
            legal_basis_cited=legal_basis_cited,
            new_due_on=new_due_on,
            summary=summary,
            quotation=quotation,
            logged_by=_actor_or_none(actor),
        )
        _validate_response(response, request, today)
        response.save()
        response.sources.set(sources)
        _record(
            ActivityVerb.RESPONSE_LOGGED,
            f"{_county_label(request.county)}: {response.get_kind_display().lower()} "
            f"({received_on.isoformat()})",
            request=request,
            response=response,
            actor=actor,
            data={"kind": kind, "received_on": received_on.isoformat()},
        )
        _apply_extension(request, response, actor=actor)
        _refresh_request(request, today=today, actor=actor)
    return response


def update_response(
    *, response: Response, actor: User | None, today: dt.date | None = None, **changes: Any
) -> Response:
    """Correct a logged response; the request's status and due date follow the correction."""
    unknown = set(changes) - set(RESPONSE_FIELDS)
    if unknown:
        raise ValidationError({field: "This field cannot be edited here." for field in unknown})
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(response.request_id)
        response = Response.objects.select_for_update().get(pk=response.pk)
        for field, value in changes.items():
            setattr(response, field, value)
        _validate_response(response, request, today)
        response.save()
        _record(
            ActivityVerb.RESPONSE_UPDATED,
            f"{_county_label(request.county)}: response of {response.received_on.isoformat()} "
            f"corrected",
            request=request,
            response=response,
            actor=actor,
            data={"fields": sorted(changes)},
        )
        _apply_extension(request, response, actor=actor)
        _refresh_request(request, today=today, actor=actor)
    return response


def delete_response(
    *, response: Response, actor: User | None, today: dt.date | None = None
) -> None:
    """Delete a response logged in error; the request's status is re-derived without it."""
    today = today or local_today()
    with transaction.atomic():
        request = _lock_request(response.request_id)
        summary = f"{_county_label(request.county)}: response of {response.received_on} deleted"
        response.delete()
        _record(
            ActivityVerb.RESPONSE_UPDATED,
            summary,
            request=request,
            actor=actor,
            data={"deleted": True},
        )
        _refresh_request(request, today=today, actor=actor)


def validate_response_for(
    *, request: DataRequest, response: Response, today: dt.date | None = None
) -> None:
    """Raise the ValidationError log_response would raise for `response`, writing nothing."""
    _validate_response(response, request, today or local_today())


def _validate_response(response: Response, request: DataRequest, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if response.received_on and response.received_on < request.issued_on:
        errors["received_on"] = (
            f"A response cannot be dated before the request was issued "
            f"({request.issued_on.isoformat()})."
        )
    elif response.received_on and response.received_on > today:
        errors["received_on"] = "A response cannot be dated in the future."
    not_asked = [c for c in response.categories_provided or [] if c not in request.data_sought]
    if not_asked:
        errors["categories_provided"] = (
            f"The request did not ask for: {', '.join(map(str, not_asked))}."
        )
    if response.kind == ResponseKind.EXTENSION_GRANTED and response.new_due_on is None:
        errors["new_due_on"] = "An extension needs its new due date."
    elif response.new_due_on is not None and response.kind not in EXTENSION_KINDS:
        errors["new_due_on"] = "Only an extension carries a new due date."
    elif response.new_due_on is not None and response.new_due_on < request.issued_on:
        errors["new_due_on"] = "The new due date cannot be before the request was issued."
    try:
        response.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)


def _apply_extension(request: DataRequest, response: Response, *, actor: User | None) -> None:
    if response.kind != ResponseKind.EXTENSION_GRANTED or response.new_due_on == request.due_on:
        return
    old_due = request.due_on
    request.due_on = response.new_due_on
    request.due_basis = DueBasis.STATED
    request.due_rule = (
        f"Extension granted {response.received_on.isoformat()} (was due {old_due.isoformat()})"
    )
    request.save(update_fields=["due_on", "due_basis", "due_rule", "updated_at"])
    _record(
        ActivityVerb.DUE_DATE_CHANGED,
        f"{_county_label(request.county)}: extension to {request.due_on.isoformat()} "
        f"(was {old_due.isoformat()})",
        request=request,
        response=response,
        actor=actor,
        data={
            "from": old_due.isoformat(),
            "to": request.due_on.isoformat(),
            "reason": "extension_granted",
        },
    )
