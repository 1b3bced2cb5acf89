"""Field types, validators and the time-stamped base the records share."""

from __future__ import annotations

import re
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

_SUB = r"A-Za-z0-9\-._~!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_SUB}:@]|{_PCT})"
URI = re.compile(
    rf"[A-Za-z][A-Za-z0-9+.\-]*://"  # scheme and authority
    rf"(?:(?:[{_SUB}:]|{_PCT})*@)?"  # user info
    rf"(?:\[[0-9A-Fa-f:.]+\]|(?:[{_SUB}]|{_PCT})*)"  # host (IPv6 in brackets)
    r"(?::[0-9]*)?"  # port
    rf"(?:/{_PCHAR}*)*"  # path
    rf"(?:\?(?:{_PCHAR}|[/?])*)?"  # query
    rf"(?:#(?:{_PCHAR}|[/?])*)?"  # fragment
)
"""An absolute URI with an authority, by RFC 3986's grammar: ASCII only, other characters
percent-encoded, brackets only around an IPv6 host, one `#`."""


def validate_uri(value: str) -> None:
    """Addresses are stored only as URIs (the API's schema says `format: uri`, and clients check
    it): Django's URL check alone lets `https://example.com/ü` or `.../a|b` through."""
    if value and not URI.fullmatch(value):
        raise ValidationError(
            "Give the address as a URI: ASCII only, other characters percent-encoded (%C3%BC "
            "for ü, %20 for a space), a non-ASCII host in its xn-- form.",
            code="invalid_uri",
        )


fips_validator = RegexValidator(r"^\d{5}$", "A county FIPS code is exactly five digits.")
state_validator = RegexValidator(r"^[A-Z]{2}$", "A state is its two-letter USPS code, e.g. CA.")


def validate_categories(value: object) -> None:
    if not isinstance(value, list):
        raise ValidationError("Give a list of data categories.")
    known = DataCategory.values
    unknown = [item for item in value if item not in known]
    if unknown:
        raise ValidationError(
            "Unknown data categories: %(unknown)s. Choose from: %(allowed)s.",
            params={
                "unknown": ", ".join(map(str, unknown)),
                "allowed": ", ".join(known),
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


def newsroom_summary() -> LongTextField:
    """A record's summary: what happened, as the newsroom tells it (optional)."""
    return LongTextField(blank=True, help_text="What happened, in the newsroom's words.")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


def recorded_by(**options: Any) -> models.ForeignKey:
    """The newsroom user who logged, made or reviewed a record. The record outlives the account
    (the link empties when the user is deleted), and users do not list what they recorded."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        **options,
    )


def optional_link(
    to: type[models.Model] | str, *, on_delete: Any, related_name: str, **options: Any
) -> models.ForeignKey:
    """A link a record may go without: empty in the database and in forms."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=on_delete, related_name=related_name, **options
    )


UNCONFIRMED = "Reported but not confirmed from a primary source: shown labelled uncertain."


def uncertain_flag(help_text: str = UNCONFIRMED) -> models.BooleanField:
    """Whether a reported fact still waits to be confirmed (pages label it uncertain)."""
    return models.BooleanField(default=False, help_text=help_text)


def derived_flag(help_text: str) -> models.BooleanField:
    """A yes or no the services work out and keep (services/status.py): false until they say
    otherwise, never edited in a form, and false in the database too, so a writer that leaves it
    out (a set-based statement, a process still on code from before the column) writes false."""
    return models.BooleanField(default=False, db_default=False, editable=False, help_text=help_text)


def written_by_services(field_class: type[models.Field], **options: Any) -> models.Field:
    """A value the services work out and write (a derived date, an embargo's bookkeeping): empty
    until they do, and never edited in a form."""
    return field_class(null=True, blank=True, editable=False, **options)
