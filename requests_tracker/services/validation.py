"""Refusals every service shares: one message per field, business rules and the model's own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

FUTURE_ISSUE_DATE = "The issue date cannot be in the future."
"""Requests, campaigns and escalations alike: nothing is issued after today."""


def raise_with_model_errors(instance: Any, errors: dict[str, str]) -> None:
    """Raise the business-rule `errors` together with the model's own (full_clean), per field;
    a field's business-rule message wins over the model's."""
    try:
        instance.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)
