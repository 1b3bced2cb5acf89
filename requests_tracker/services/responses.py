"""Responses: a county's answers, and the extensions DOJ grants."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_tracker.models import (
    Activity,
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
    _raise_with_model_errors,
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
        _follow_extensions(request, changed=response, actor=actor)
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
        was_governing = _sets_due_date(response, request)
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
        extension_changed = bool({"kind", "new_due_on", "received_on"} & set(changes))
        _follow_extensions(
            request,
            changed=response if extension_changed else None,
            was_governing=was_governing,
            actor=actor,
        )
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
        was_governing = _sets_due_date(response, request)
        response.delete()
        _record(
            ActivityVerb.RESPONSE_UPDATED,
            summary,
            request=request,
            actor=actor,
            data={"deleted": True},
        )
        _follow_extensions(request, was_governing=was_governing, actor=actor)
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
    _raise_with_model_errors(response, errors)


def _sets_due_date(response: Response, request: DataRequest) -> bool:
    """Whether this response is the extension the request's current due date comes from."""
    return response.kind == ResponseKind.EXTENSION_GRANTED and response.new_due_on == request.due_on


def _follow_extensions(
    request: DataRequest,
    *,
    actor: User | None,
    changed: Response | None = None,
    was_governing: bool = False,
) -> None:
    """Keep the due date on the latest extension granted (by the day it was received).

    A logged or corrected extension moves the due date only if it is the latest one, so logging an
    older letter late does not pull the date back. When the extension the due date came from is
    deleted or corrected into something else, the date goes to the latest remaining extension,
    or back to the date (and rule) the request had before its first extension.
    """
    latest = (
        request.responses.filter(kind=ResponseKind.EXTENSION_GRANTED)
        .order_by("-received_on", "-pk")
        .first()
    )
    if latest is not None and (latest == changed or was_governing):
        _move_due_date(
            request,
            latest.new_due_on,
            basis=DueBasis.STATED,
            rule=f"Extension granted {latest.received_on.isoformat()} "
            f"(was due {request.due_on.isoformat()})",
            reason="extension_granted",
            response=latest,
            actor=actor,
        )
    elif latest is None and was_governing:
        first_extension = (
            Activity.objects.filter(
                request=request,
                verb=ActivityVerb.DUE_DATE_CHANGED,
                data__reason="extension_granted",
            )
            .order_by("created_at", "pk")
            .first()
        )
        if first_extension is None:
            return
        before = first_extension.data
        _move_due_date(
            request,
            dt.date.fromisoformat(before["from"]),
            basis=before.get("previous_basis", DueBasis.STATED),
            rule=before.get("previous_rule")
            or f"Extension withdrawn (was due {request.due_on.isoformat()})",
            reason="extension_withdrawn",
            response=None,
            actor=actor,
        )


def _move_due_date(
    request: DataRequest,
    due_on: dt.date,
    *,
    basis: str,
    rule: str,
    reason: str,
    response: Response | None,
    actor: User | None,
) -> None:
    if due_on == request.due_on:
        return
    old_due, old_basis, old_rule = request.due_on, request.due_basis, request.due_rule
    request.due_on, request.due_basis, request.due_rule = due_on, basis, rule
    request.save(update_fields=["due_on", "due_basis", "due_rule", "updated_at"])
    what = "extension to" if reason == "extension_granted" else "extension withdrawn, due"
    _record(
        ActivityVerb.DUE_DATE_CHANGED,
        f"{_county_label(request.county)}: {what} {due_on.isoformat()} (was {old_due.isoformat()})",
        request=request,
        response=response,
        actor=actor,
        data={
            "from": old_due.isoformat(),
            "to": due_on.isoformat(),
            "reason": reason,
            "previous_basis": old_basis,
            "previous_rule": old_rule,
        },
    )
