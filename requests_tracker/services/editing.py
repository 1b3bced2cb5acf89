"""The one way a service edits a record's fields: `model_update`."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


def reject_unknown_fields(changes: Mapping[str, Any], editable: Collection[str]) -> None:
    """Refuse, by name, every field a caller may not write here (nothing is silently dropped)."""
    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise ValidationError({field: "This field cannot be edited here." for field in unknown})


def model_update(
    instance: models.Model,
    *,
    editable: Collection[str],
    changes: Mapping[str, Any],
    clean: Callable[[], None] | None = None,
) -> list[str]:
    """Apply `changes` to `instance` and save it; returns the names of the fields that changed.

    Fields outside `editable` are refused (ValidationError naming each); values equal to what is
    stored are dropped, and when nothing changes nothing is validated or saved. Before saving,
    `clean` (default: the model's full_clean) validates the edited record. The caller holds the
    transaction and the row lock, and records what changed on the timeline.
    """
    reject_unknown_fields(changes, editable)
    changed = sorted(name for name, value in changes.items() if getattr(instance, name) != value)
    if not changed:
        return []
    for name in changed:
        setattr(instance, name, changes[name])
    (clean or instance.full_clean)()
    instance.save()
    return changed


def in_model_order(model: type[models.Model], names: Collection[str]) -> list[str]:
    """The model's own fields among `names` (a service's fields, which may include arguments
    that are not fields, such as due_days), in the order the model declares them: forms and
    serializers built from an unordered set of names show their fields in a stable order."""
    declared = {field.name: index for index, field in enumerate(model._meta.get_fields())}
    return sorted((name for name in names if name in declared), key=declared.__getitem__)
