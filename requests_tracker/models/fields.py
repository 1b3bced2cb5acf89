"""Field types, validators and the time-stamped base the records share."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from requests_tracker.choices import (
    DataCategory,
)

fips_validator = RegexValidator(r"^\d{5}$", "A county FIPS code is exactly five digits.")
state_validator = RegexValidator(r"^[A-Z]{2}$", "A state is its two-letter USPS code, e.g. CA.")


def validate_categories(value: object) -> None:
    if not isinstance(value, list):
        raise ValidationError("Give a list of data categories.")
    unknown = [item for item in value if item not in DataCategory.values]
    if unknown:
        raise ValidationError(
            "Unknown data categories: %(unknown)s. Choose from: %(allowed)s.",
            params={
                "unknown": ", ".join(map(str, unknown)),
                "allowed": ", ".join(DataCategory.values),
            },
        )
    if len(set(value)) != len(value):
        raise ValidationError("A data category is listed twice.")


@deconstructible
class TextLengthValidator:
    """Free text may run to settings.TEXT_MAX_LENGTH characters (read when checked, so the
    limit is a setting, not a migration)."""

    def __call__(self, value: str) -> None:
        limit = settings.TEXT_MAX_LENGTH
        if value is not None and len(value) > limit:
            raise ValidationError(
                "Keep this to %(limit)s characters or fewer (it has %(length)s).",
                code="max_length",
                params={"limit": f"{limit:,}", "length": f"{len(value):,}"},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextLengthValidator)

    def __hash__(self) -> int:
        return hash(type(self))


class LongTextField(models.TextField):
    """A summary, quotation or note: free text up to settings.TEXT_MAX_LENGTH characters, the
    same limit in the model, the web forms (maxlength) and the API."""

    default_validators = [TextLengthValidator()]

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"max_length": settings.TEXT_MAX_LENGTH, **kwargs})


class TimeStamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True
