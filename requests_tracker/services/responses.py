"""Responses: a county's answers, and the extensions DOJ grants."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction

from requests_tracker.choices import ActivityVerb, DueBasis, ResponseKind
from requests_tracker.models import Agency, DataRequest, Response, Source
from requests_tracker.services.activity import (
    User,
    actor_or_none,
    due_date_sentence,
    record_activity,
    sentence,
)
from requests_tracker.services.clock import local_today
from requests_tracker.services.corrections import corrected_update
from requests_tracker.services.editing import reject_unknown_fields
from requests_tracker.services.embargo_terms import EmbargoTerms, check_terms
from requests_tracker.services.locks import lock_request, lock_with_request
from requests_tracker.services.sources import save_with_sources
from requests_tracker.services.status import refresh_request_status
from requests_tracker.services.validation import raise_with_model_errors

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
    "said_at",
    "already_public_url",
    "new_due_on",
    "summary",
    "quotation",
)
"""The fields of a response a journalist writes (log_response and update_response)."""


def log_response(
    *,
    data_request: DataRequest,
    kind: str,
    received_on: dt.date,
    responding_agency: Agency | None = None,
    official: str = "",
    categories_provided: Sequence[str] = (),
    records_provided: int | None = None,
    legal_basis_cited: str = "",
    said_at: str = "",
    already_public_url: str = "",
    new_due_on: dt.date | None = None,
    summary: str = "",
    quotation: str = "",
    sources: Iterable[Source] = (),
    new_sources: Iterable[Mapping[str, Any]] = (),
    actor: User | None = None,
    today: dt.date | None = None,
    embargo: EmbargoTerms | None = None,
) -> Response:
    """Log a county's answer and re-derive the request's status in the same transaction.

    Rejected: a response dated before the request was issued or after today; categories the
    request did not ask for; a new due date on anything but an extension. An extension granted
    moves the request's due date to `new_due_on` and records why (Activity `due_date_changed`).
    `new_sources` are sources typed beside the answer (add_source's arguments): they are added
    and cited in the same transaction, after the answer itself is checked, so a refused answer
    stores no file; their errors are keyed `source_<field>`.
    With `embargo`, the answer is held (services/embargo.py): its event is held, and it does
    not count towards the request's status or due date until the embargo lifts.
    """
    today = today or local_today()
    check_terms(embargo, actor=actor)
    with transaction.atomic():
        data_request = lock_request(data_request.pk)
        response = Response(
            request=data_request,
            kind=kind,
            received_on=received_on,
            responding_agency=responding_agency,
            official=official,
            categories_provided=list(categories_provided),
            records_provided=records_provided,
            legal_basis_cited=legal_basis_cited,
            said_at=said_at,
            already_public_url=already_public_url,
            new_due_on=new_due_on,
            summary=summary,
            quotation=quotation,
            logged_by=actor_or_none(actor),
        )
        _validate_response(response, data_request, today)
        save_with_sources(
            response, sources=sources, new_sources=new_sources, embargo=embargo, actor=actor
        )
        record_activity(
            ActivityVerb.RESPONSE_LOGGED,
            sentence(
                ActivityVerb.RESPONSE_LOGGED,
                county=data_request.county,
                kind=response.get_kind_display().lower(),
                received_on=received_on,
            ),
            data_request=data_request,
            response=response,
            actor=actor,
            data={"kind": kind, "received_on": received_on.isoformat()},
            occurred_on=received_on,
        )
        follow_extensions(data_request, changed=response, actor=actor)
        refresh_request_status(data_request, today=today, actor=actor, occurred_on=received_on)
    return response


def update_response(
    *,
    response: Response,
    actor: User | None,
    today: dt.date | None = None,
    correction_note: str = "",
    **changes: Any,
) -> Response:
    """Correct a logged response; the request's status and due date follow the correction. A
    `correction_note` is kept as the public correction of the edit (services/corrections.py)."""
    reject_unknown_fields(changes, RESPONSE_FIELDS)
    today = today or local_today()
    with transaction.atomic():
        response = lock_with_request(response)
        data_request = response.request
        was_governing = _sets_due_date(response, data_request)
        changed = corrected_update(
            response,
            editable=RESPONSE_FIELDS,
            changes=changes,
            clean=lambda: _validate_response(response, data_request, today),
            note=correction_note,
            actor=actor,
        )
        if not changed:
            return response
        record_activity(
            ActivityVerb.RESPONSE_UPDATED,
            sentence(
                ActivityVerb.RESPONSE_UPDATED,
                county=data_request.county,
                received_on=response.received_on,
            ),
            data_request=data_request,
            response=response,
            actor=actor,
            data={"fields": changed},
        )
        extension_changed = bool({"kind", "new_due_on", "received_on"} & set(changed))
        follow_extensions(
            data_request,
            changed=response if extension_changed else None,
            was_governing=was_governing,
            actor=actor,
        )
        refresh_request_status(data_request, today=today, actor=actor)
    return response


def delete_response(
    *, response: Response, actor: User | None, today: dt.date | None = None
) -> None:
    """Delete a response logged in error (Activity `response_deleted`); the request's status and
    due date are re-derived without it."""
    today = today or local_today()
    with transaction.atomic():
        data_request = lock_request(response.request_id)
        summary = sentence(
            ActivityVerb.RESPONSE_DELETED,
            county=data_request.county,
            received_on=response.received_on,
        )
        data = {
            "deleted": True,
            "kind": response.kind,
            "received_on": response.received_on.isoformat(),
        }
        was_governing = _sets_due_date(response, data_request)
        response.delete()
        record_activity(
            ActivityVerb.RESPONSE_DELETED,
            summary,
            data_request=data_request,
            actor=actor,
            data=data,
        )
        follow_extensions(data_request, was_governing=was_governing, actor=actor)
        refresh_request_status(data_request, today=today, actor=actor)


def validate_response_for(
    *, data_request: DataRequest, response: Response, today: dt.date | None = None
) -> None:
    """Raise the ValidationError log_response would raise for `response`, writing nothing."""
    _validate_response(response, data_request, today or local_today())


def _validate_response(response: Response, data_request: DataRequest, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if response.received_on and response.received_on < data_request.issued_on:
        errors["received_on"] = (
            f"A response cannot be dated before the request was issued "
            f"({data_request.issued_on.isoformat()})."
        )
    elif response.received_on and response.received_on > today:
        errors["received_on"] = "A response cannot be dated in the future."
    not_asked = [c for c in response.categories_provided or [] if c not in data_request.data_sought]
    if not_asked:
        errors["categories_provided"] = (
            f"The request did not ask for: {', '.join(map(str, not_asked))}."
        )
    if response.kind == ResponseKind.EXTENSION_GRANTED and response.new_due_on is None:
        errors["new_due_on"] = "An extension needs its new due date."
    elif response.new_due_on is not None and response.kind not in EXTENSION_KINDS:
        errors["new_due_on"] = "Only an extension carries a new due date."
    elif response.new_due_on is not None and response.new_due_on < data_request.issued_on:
        errors["new_due_on"] = "The new due date cannot be before the request was issued."
    raise_with_model_errors(response, errors)


def _sets_due_date(response: Response, data_request: DataRequest) -> bool:
    """Whether this response is the extension the request's current due date comes from."""
    return (
        response.kind == ResponseKind.EXTENSION_GRANTED
        and response.new_due_on == data_request.due_on
    )


def follow_extensions(
    data_request: DataRequest,
    *,
    actor: User | None,
    changed: Response | None = None,
    was_governing: bool = False,
) -> None:
    """Keep the due date on the latest extension granted (by the day it was received).

    A logged or corrected extension moves the due date only if it is the latest one, so logging an
    older letter late does not pull the date back. When the extension the due date came from is
    deleted or corrected into something else, the date goes to the latest remaining extension,
    or back to the deadline the first extension moved (kept on the row as `original_due_on`,
    `original_due_basis` and `original_due_rule`, and emptied once restored). An extension under
    embargo is not in effect: it moves the due date when it lifts (lift_embargo calls this).
    """
    latest = (
        data_request.responses.filter(kind=ResponseKind.EXTENSION_GRANTED, embargoed=False)
        .order_by("-received_on", "-pk")
        .first()
    )
    if latest is not None and (latest == changed or was_governing):
        _move_due_date(
            data_request,
            latest.new_due_on,
            basis=DueBasis.STATED,
            rule=extension_rule(latest.received_on, was_due=data_request.due_on),
            reason="extension_granted",
            response=latest,
            actor=actor,
        )
    elif latest is None and was_governing and data_request.original_due_on is not None:
        _move_due_date(
            data_request,
            data_request.original_due_on,
            basis=data_request.original_due_basis,
            rule=data_request.original_due_rule,
            reason="extension_withdrawn",
            response=None,
            actor=actor,
        )


def extension_rule(received_on: dt.date, *, was_due: dt.date) -> str:
    """How a due date an extension set is explained (its `due_rule`)."""
    return f"Extension granted {received_on.isoformat()} (was due {was_due.isoformat()})"


def due_date_change(was: dt.date, now: dt.date, reason: str) -> dict[str, str]:
    """The data of a `due_date_changed` event (reason: a key of timeline.DUE_DATE_CHANGES)."""
    return {"from": was.isoformat(), "to": now.isoformat(), "reason": reason}


def _move_due_date(
    data_request: DataRequest,
    due_on: dt.date,
    *,
    basis: str,
    rule: str,
    reason: str,
    response: Response | None,
    actor: User | None,
) -> None:
    if due_on == data_request.due_on:
        return
    old_due = data_request.due_on
    if reason == "extension_granted" and data_request.original_due_on is None:
        data_request.original_due_on = data_request.due_on
        data_request.original_due_basis = data_request.due_basis
        data_request.original_due_rule = data_request.due_rule
    elif reason == "extension_withdrawn":
        data_request.original_due_on = None
        data_request.original_due_basis = data_request.original_due_rule = ""
    data_request.due_on, data_request.due_basis, data_request.due_rule = due_on, basis, rule
    data_request.save(update_fields=[*DataRequest.DUE_FIELDS, "updated_at"])
    record_activity(
        ActivityVerb.DUE_DATE_CHANGED,
        due_date_sentence(data_request, reason, was=old_due),
        data_request=data_request,
        response=response,
        actor=actor,
        data=due_date_change(old_due, due_on, reason),
        occurred_on=response.received_on if response is not None else None,
    )
