"""A record's history as readers see it: each version, what changed from what to what, and when.

Read from django-simple-history's tables, so every edit is there, whichever door it came through
(pages, API, admin, imports). What a reader is shown follows the pages' rules (permissions.py):

- everyone who may read sees what changed and when, field by field, in the words the pages use
  (choices by their labels, linked records by their names, dates ISO);
- who made an edit, and who entered or logged the record: editors only
  (permissions.can_see_who_changed);
- the internal note, and its changes: newsroom members only (permissions.can_see_internal); a
  version that changed nothing else is not listed for the others;
- a sensitive source is named only to editors; everyone else reads "a source not shown publicly";
- bookkeeping (timestamps, ids, the deadline an extension moved, kept to restore it) is never
  listed.

A version made by an edit that carried a correction note shows the note. A history costs a fixed
number of queries whatever its length: its versions, one per kind of linked record named in them,
and the corrections.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from requests_tracker import permissions
from requests_tracker.choices import DataCategory
from requests_tracker.models import (
    EMBARGO_FIELDS,
    Correction,
    DataRequest,
    Escalation,
    ReportedFigure,
    Response,
    Source,
)

WITHHELD_SOURCE = "a source not shown publicly"
EMPTY = "(none)"
DELETED_RECORD = "(since deleted)"
CATEGORY_LABELS = dict(DataCategory.choices)
BOOKKEEPING_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "original_due_on", "original_due_basis", "original_due_rule"}
)
WHO_FIELDS = frozenset({"created_by", "logged_by", "verified_by"})
NEWSROOM_FIELDS = frozenset({"internal_note"})
VERSION_KINDS = {"+": "recorded", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class Version:
    """One version of a record: when it was made, how (recorded, changed), what changed, the
    correction note it carried, and who made it (None unless the reader may know and a user
    signed in made it)."""

    at: dt.datetime
    kind: str
    changes: list[FieldChange] = field(default_factory=list)
    correction: Correction | None = None
    who: str | None = None


def field_text(model: type[models.Model], name: str, value: Any, *, show_sensitive: bool) -> str:
    """A field's value as the pages show it: a choice's label, a linked record's name (a sensitive
    source withheld unless `show_sensitive`), categories by their labels, dates ISO, numbers
    without padding."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, Source) and value.sensitive and not show_sensitive:
        return WITHHELD_SOURCE
    if isinstance(value, models.Model):
        return str(value)
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, list):
        return ", ".join(CATEGORY_LABELS.get(item, str(item)) for item in value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def shown_fields(model: type[models.Model], user: Any) -> list[models.Field]:
    """The fields of `model` whose changes `user` may read in its history."""
    hidden = set(BOOKKEEPING_FIELDS)
    if not permissions.can_see_who_changed(user):
        hidden |= WHO_FIELDS
    if not permissions.can_see_internal(user):
        hidden |= NEWSROOM_FIELDS
    if not permissions.can_see_embargoed(user):
        hidden |= set(EMBARGO_FIELDS)
    return [f for f in model._meta.concrete_fields if f.name not in hidden]


def record_history(record: models.Model, user: Any) -> list[Version]:
    """The versions of `record` that `user` may read, newest first (see the module docstring)."""
    model = type(record)
    fields = shown_fields(model, user)
    rows = list(
        record.history.select_related("history_user").order_by("history_date", "history_id")
    )
    linked = _linked_records(fields, rows)
    show_sensitive = permissions.can_see_sensitive(user)
    corrections = {c.history_id: c for c in corrections_of(record)}

    def text(row: Any, f: models.Field) -> str:
        value = getattr(row, f.attname)
        if f.is_relation:
            value = linked[f.related_model].get(value)
        return field_text(model, f.name, value, show_sensitive=show_sensitive)

    def differs(row: Any, previous: Any, f: models.Field) -> bool:
        value = getattr(row, f.attname)
        if previous is None:  # the first version: everything it was recorded with
            return value not in (None, "", [])
        return value != getattr(previous, f.attname)

    versions: list[Version] = []
    previous = None
    for row in rows:
        changes = [
            FieldChange(
                str(f.verbose_name).capitalize(),
                "" if previous is None else text(previous, f),
                text(row, f),
            )
            for f in fields
            if differs(row, previous, f)
        ]
        previous = row
        if not changes and row.history_type == "~":
            continue  # only bookkeeping, or what this reader may not see, changed
        versions.append(
            Version(
                at=row.history_date,
                kind=VERSION_KINDS.get(row.history_type, row.history_type),
                changes=changes,
                correction=corrections.get(row.history_id),
                who=_who(row, user),
            )
        )
    return list(reversed(versions))


def attach_corrections(
    data_request: DataRequest,
    responses: Iterable[Response],
    escalations: Iterable[Escalation],
    user: Any,
) -> None:
    """Give the request, and each of its responses and escalations, the correction notes shown
    beside it (`correction_notes`, with what they changed as `user` may see it)."""
    notes = corrections_shown_to(
        Correction.objects.filter(request=data_request).order_by("created_at", "id"), user
    )
    data_request.correction_notes = [c for c in notes if c.kind == Correction.Kind.REQUEST]
    for response in responses:
        response.correction_notes = [c for c in notes if c.response_id == response.pk]
    for escalation in escalations:
        escalation.correction_notes = [c for c in notes if c.escalation_id == escalation.pk]


def record_label(record: models.Model) -> str:
    """How a request, response, escalation or figure is named in its history and in the list of
    corrections: its county, then what it is and its date."""
    if isinstance(record, DataRequest):
        return f"{record.county}: request of {record.issued_on.isoformat()}"
    if isinstance(record, Response):
        return (
            f"{record.request.county}: {record.get_kind_display().lower()} "
            f"of {record.received_on.isoformat()}"
        )
    if isinstance(record, Escalation):
        return (
            f"{record.request.county}: {record.get_kind_display().lower()} "
            f"of {record.issued_on.isoformat()}"
        )
    return f"{record.county}: {record}"


def _linked_records(
    fields: Iterable[models.Field], rows: list[Any]
) -> dict[type[models.Model], dict[Any, models.Model]]:
    """The records the versions link to, one query per kind of record."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for f in fields:
        if f.is_relation:
            wanted[f.related_model].update(getattr(row, f.attname) for row in rows)
    return {
        related: related._default_manager.in_bulk([pk for pk in ids if pk is not None])
        for related, ids in wanted.items()
    }


CORRECTED_MODELS = {
    Correction.Kind.REQUEST: DataRequest,
    Correction.Kind.RESPONSE: Response,
    Correction.Kind.ESCALATION: Escalation,
    Correction.Kind.FIGURE: ReportedFigure,
}


def corrections_shown_to(corrections: Iterable[Correction], user: Any) -> list[Correction]:
    """The corrections with what they changed as `user` may see it now (`shown_changes`: label,
    from, to): a linked record is named as it is today, through the same rule as its pages (a
    sensitive source withheld from readers who may not see it), so marking a source sensitive
    hides it from every correction at once. One query per kind of linked record."""
    corrections = list(corrections)
    wanted: dict[type[models.Model], set[int]] = {}
    for correction in corrections:
        model = CORRECTED_MODELS[correction.kind]
        for change in correction.changes:
            if "from_id" in change:
                related = model._meta.get_field(change["field"]).related_model
                ids = {change["from_id"], change["to_id"]} - {None}
                wanted.setdefault(related, set()).update(ids)
    found = {related: related._base_manager.in_bulk(ids) for related, ids in wanted.items() if ids}
    show_sensitive = permissions.can_see_sensitive(user)

    def named(model: type[models.Model], name: str, pk: int | None) -> str:
        if pk is None:
            return EMPTY
        record = found.get(model._meta.get_field(name).related_model, {}).get(pk)
        if record is None:
            return DELETED_RECORD
        return field_text(model, name, record, show_sensitive=show_sensitive)

    for correction in corrections:
        model = CORRECTED_MODELS[correction.kind]
        correction.shown_changes = [
            {
                "label": change["label"],
                "from": named(model, change["field"], change["from_id"]),
                "to": named(model, change["field"], change["to_id"]),
            }
            if "from_id" in change
            else change
            for change in correction.changes
        ]
    return corrections


def corrections_of(record: models.Model) -> Any:
    """The correction notes of one request (its own, not its entries'), response, escalation or
    figure, oldest first."""
    target = {
        "DataRequest": {"kind": Correction.Kind.REQUEST, "request": record},
        "Response": {"response": record},
        "Escalation": {"escalation": record},
        "ReportedFigure": {"figure": record},
    }[type(record).__name__]
    return Correction.objects.filter(**target).order_by("created_at", "id")


def _who(row: Any, user: Any) -> str | None:
    """The user who made the version, for readers who may know (None: not shown, or made
    without a signed-in user, by a command or a scheduled job)."""
    if not permissions.can_see_who_changed(user) or row.history_user is None:
        return None
    return row.history_user.get_username()
