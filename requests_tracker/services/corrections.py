"""Correction notes: what an edit to a published fact tells readers, stored with the edit.

The update services (update_request, update_response, update_escalation, update_figure) take a
`correction_note=`; given one, they call `record_correction` in their own transaction, after the
record is saved, so the note and the change commit or fail together. Rules:

- a note goes with a change to a published fact: an edit that changes nothing a reader sees (only
  the internal note, or nothing at all) is refused with the note's error, keyed `correction_note`;
- what changed is kept field by field, before and after: a value as a public page shows it
  (selectors.history.field_text: choices by their labels, dates ISO), and a linked record (a
  figure's source, a response's agency) by reference, never by a copied name, so that it is
  shown to each reader as the record is now (a source marked sensitive later is withheld from
  then on: selectors.history.corrections_shown_to);
- the note is public: it is shown on the record's page, at /corrections/ and in its Atom feed.
  Who made it is kept for editors, as every edit's author is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from requests_tracker.models import (
    Correction,
    DataRequest,
    Escalation,
    ReportedFigure,
    Response,
)
from requests_tracker.models.fields import TextLengthValidator
from requests_tracker.selectors.history import field_text, record_label
from requests_tracker.services.activity import User, actor_or_none
from requests_tracker.services.editing import model_update

NEWSROOM_ONLY_FIELDS = frozenset({"internal_note"})
"""Fields no reader outside the newsroom sees: a change to them is no public correction."""

Corrected = DataRequest | Response | Escalation | ReportedFigure


def snapshot(record: models.Model, fields: Collection[str]) -> dict[str, Any]:
    """The values of `fields` on `record` before an edit (linked records loaded), for
    record_correction to show what they were."""
    return {name: getattr(record, name) for name in fields if _is_field(record, name)}


def record_correction(
    *,
    record: Corrected,
    before: Mapping[str, Any],
    changed: Collection[str],
    note: str,
    actor: User | None,
) -> Correction | None:
    """Keep `note` as the public correction of the edit that just changed `changed` on `record`
    (saved, in the caller's transaction). No note: nothing is kept. Refused (ValidationError on
    `correction_note`) when the edit changed no published field."""
    note = (note or "").strip()
    if not note:
        return None
    public = [name for name in sorted(changed) if name not in NEWSROOM_ONLY_FIELDS]
    if not public:
        raise ValidationError(
            {
                "correction_note": "A correction note goes with a change to a published fact; "
                "this edit changes none."
            }
        )
    try:
        TextLengthValidator()(note)
    except ValidationError as error:
        raise ValidationError({"correction_note": error.messages}) from error
    correction = Correction(
        note=note,
        changes=[
            change_of(record, name, before.get(name), getattr(record, name)) for name in public
        ],
        record_label=record_label(record)[:300],
        history_id=record.history.order_by("-history_id")
        .values_list("history_id", flat=True)
        .first(),
        made_by=actor_or_none(actor),
        **_targets(record),
    )
    correction.full_clean()
    correction.save()
    return correction


def corrected_update(
    record: Corrected,
    *,
    editable: Collection[str],
    changes: Mapping[str, Any],
    note: str,
    actor: User | None,
    clean: Callable[[], None] | None = None,
) -> list[str]:
    """An update service's edit of a published record: model_update, then `note` kept as the
    edit's public correction (record_correction), in the caller's transaction. Returns the
    names of the fields that changed."""
    before = snapshot(record, changes)
    changed = model_update(record, editable=editable, changes=changes, clean=clean)
    record_correction(record=record, before=before, changed=changed, note=note, actor=actor)
    return changed


def change_of(record: Corrected, name: str, was: Any, now: Any) -> dict[str, Any]:
    """One field's change as a correction keeps it: a linked record by its id (`from_id`,
    `to_id`), anything else as text (`from`, `to`)."""
    model_field = record._meta.get_field(name)
    change = {"field": name, "label": str(model_field.verbose_name).capitalize()}
    if model_field.is_relation:
        return {**change, "from_id": getattr(was, "pk", None), "to_id": getattr(now, "pk", None)}
    model = type(record)
    return {
        **change,
        "from": field_text(model, name, was, show_sensitive=False),
        "to": field_text(model, name, now, show_sensitive=False),
    }


def _targets(record: Corrected) -> dict[str, Any]:
    if isinstance(record, DataRequest):
        return {"kind": Correction.Kind.REQUEST, "request": record, "county_id": record.county_id}
    if isinstance(record, Response | Escalation):
        kind = Correction.Kind.ESCALATION
        if isinstance(record, Response):
            kind = Correction.Kind.RESPONSE
        return {
            "kind": kind,
            str(kind): record,
            "request_id": record.request_id,
            "county_id": record.request.county_id,
        }
    return {"kind": Correction.Kind.FIGURE, "figure": record, "county_id": record.county_id}


def _is_field(record: models.Model, name: str) -> bool:
    try:
        record._meta.get_field(name)
    except FieldDoesNotExist:  # an argument that is no field (due_days)
        return False
    return True
