"""Embargo terms, as writers give them: until when a record is held (None: until released by
hand) and why; checked, then written on a record being created (log_response, file_escalation,
record_figure, record_threat, issue_request take `embargo=`). Holding a record already on file,
lifting and the lift job are services/embargo.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from requests_tracker import permissions
from requests_tracker.models import Embargoable
from requests_tracker.services.activity import User, actor_or_none

REASON_MAX_LENGTH = Embargoable._meta.get_field("embargo_reason").max_length


@dataclass(frozen=True)
class EmbargoTerms:
    """Until when a record is held (None: until released by hand) and why."""

    until: dt.datetime | None
    reason: str


def check_terms(
    terms: EmbargoTerms | None, *, actor: User | None, now: dt.datetime | None = None
) -> None:
    """Refuse terms a writer may not give: an embargo needs a journalist or an editor, a reason,
    and a time still to come. No terms (a record created unembargoed): nothing to refuse."""
    if terms is None:
        return
    if not permissions.can_see_embargoed(actor):
        raise PermissionDenied("Only journalists and editors may embargo a record.")
    errors: dict[str, str] = {}
    if not terms.reason.strip():
        errors["embargo_reason"] = "Say why the record is held."
    elif len(terms.reason) > REASON_MAX_LENGTH:
        errors["embargo_reason"] = f"At most {REASON_MAX_LENGTH} characters."
    if terms.until is not None:
        if timezone.is_naive(terms.until):
            errors["embargo_until"] = "Give the time with its time zone."
        elif terms.until <= (now or timezone.now()):
            errors["embargo_until"] = "An embargo ends in the future."
    if errors:
        raise ValidationError(errors)


def place_embargo(record: Embargoable, terms: EmbargoTerms, *, actor: User | None) -> None:
    """Write the terms on `record` (in memory; the caller saves it): for services creating a
    record under embargo, after check_terms."""
    record.embargoed = True
    record.embargo_until = terms.until
    record.embargo_reason = terms.reason.strip()
    record.embargo_set_by = actor_or_none(actor)
    record.embargo_set_at = timezone.now()
    record.embargo_reminder_sent_at = None


def save_new(record: Embargoable, terms: EmbargoTerms | None, *, actor: User | None) -> None:
    """Save a record being created, held under `terms` when the writer gave some (checked
    beforehand by check_terms)."""
    if terms is not None:
        place_embargo(record, terms, actor=actor)
    record.save()
