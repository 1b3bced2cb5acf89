"""A column of the open-data release, and the columns that are a model's fields.

A column that is a field is named by the field (`field`): its Frictionless type, its allowed
values, whether it may be empty and its meaning (the field's `help_text`) are read from the model,
the one wording the admin, the forms and the API schema show too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Field, Model

from requests_tracker.choices import DataCategory
from requests_tracker.models.fields import validate_categories

COMPUTED = ""
"""A column's `read` when `finish` works its value out from the row."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless field type: string, integer, number, boolean, date, datetime
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    read: str | None = None  # the values() lookup; None: the column's name; COMPUTED: finish


INTEGERS = {
    "AutoField",
    "BigAutoField",
    "IntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
}
TYPES = {
    "BooleanField": "boolean",
    "DateField": "date",
    "DateTimeField": "datetime",
    "DecimalField": "number",
    **dict.fromkeys(INTEGERS, "integer"),
}
"""Frictionless types by Django's internal type (the rest, text and lists, are strings)."""
CATEGORIES = f"Separated by '; ' ({', '.join(DataCategory.values)})."
"""How a list of data categories is written in a cell."""


def _final_field(model: type[Model], lookup: str) -> Field:
    """The field a `values()` lookup ends on (`metric__slug`: the metric's slug)."""
    *path, last = lookup.split("__")
    for step in path:
        model = model._meta.get_field(step).related_model
    return model._meta.get_field(last)


def field(
    model: type[Model],
    name: str,
    *,
    column: str = "",
    read: str = "",
    more: str = "",
    required: bool | None = None,
) -> Column:
    """The column that is `model`'s field `name` (named `column`, read through `read` if the
    release shows it otherwise): its meaning is the field's help_text (then `more`, or how a list
    of data categories is written), its type and allowed values the field's, and it is required
    unless the field may be empty."""
    declared = model._meta.get_field(name)
    if not declared.help_text:
        raise ValueError(f"{model.__name__}.{name} has no help_text: say on the model what it is.")
    shown = _final_field(model, read) if read else declared
    if shown.is_relation:
        shown = shown.target_field
    kind = shown.get_internal_type()
    enum = ()
    if declared.choices:
        enum = (*([""] if declared.blank else []), *(value for value, _ in declared.flatchoices))
    if required is None:
        required = not (declared.null or declared.blank or kind == "JSONField")
    if validate_categories in declared.validators:
        more = more or CATEGORIES
    return Column(
        column or declared.attname,
        TYPES.get(kind, "string"),
        " ".join(filter(None, (str(declared.help_text), more))),
        required=required,
        enum=tuple(enum),
        read=read or declared.attname,
    )


def fields(
    model: type[Model], *columns: str | Column, instead: dict[str, Column] | None = None
) -> tuple[Column, ...]:
    """A table's columns in order: a name is that field of `model` (`field`), or the column
    `instead` gives for it when the release shows it otherwise; a Column is itself."""
    instead = instead or {}
    return tuple(c if isinstance(c, Column) else instead.get(c) or field(model, c) for c in columns)
