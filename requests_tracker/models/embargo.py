"""Embargo: a record held back from readers until a time, or until an editor releases it.

Requests, responses, escalations, threats, sources and reported figures carry the same five
fields (`Embargoable`). While `embargoed` is true the record is not published: readers outside
the newsroom (anonymous readers of a public instance, viewers) meet nothing of it, and nothing
derived from it (a request's status, counts, maps, figures) takes it into account yet. The
rule itself, who sees what, is selectors/visibility.py; setting and lifting are
services/embargo.py. `embargo_until` is when the beat job lifts it (empty: only by hand).

A record also hangs on its parents: a response or escalation of an embargoed request is held
with it (`embargo_parents`, paths to the records it hangs on).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

from requests_tracker.models.fields import recorded_by, written_by_services


class Embargoable(models.Model):
    """The embargo fields, written only by services/embargo.py."""

    embargo_parents: ClassVar[tuple[str, ...]] = ()
    """Paths to the embargoable records this one is published with (its request)."""

    # Database defaults too: set-based writers (the benchmark's COPY, a restore) may leave them out.
    embargoed = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Held back from readers outside the newsroom.",
    )
    embargo_until = written_by_services(
        models.DateTimeField,
        help_text="When the embargo lifts by itself; empty: when an editor releases it.",
    )
    embargo_reason = models.CharField(
        max_length=500, blank=True, default="", db_default="", editable=False
    )
    embargo_set_by = recorded_by(editable=False)
    embargo_set_at = written_by_services(models.DateTimeField)
    embargo_reminder_sent_at = written_by_services(
        models.DateTimeField,
        help_text="When editors were reminded that the embargo ends within a day.",
    )

    class Meta:
        abstract = True

    @classmethod
    def published(cls, prefix: str = "") -> Q:
        """The records of this model that are published: not embargoed, nor any record they
        hang on (`prefix` reaches them from another model, e.g. "responses__")."""
        condition = Q(**{f"{prefix}embargoed": False})
        for parent in cls.embargo_parents:
            # Negated, so a record without the (optional) parent counts as published.
            condition &= ~Q(**{f"{prefix}{parent}__embargoed": True})
        return condition

    @property
    def embargo_key(self) -> str:
        """How events held for this record name it (Activity.held_for)."""
        return f"{self._meta.model_name}:{self.pk}"

    def held(self) -> bool:
        """Whether this record, or one it hangs on, is under embargo (loads the parents)."""
        if self.embargoed:
            return True
        for parent in self.embargo_parents:
            record = getattr(self, parent, None)
            if record is not None and record.embargoed:
                return True
        return False


EMBARGO_FIELDS = (
    "embargoed",
    "embargo_until",
    "embargo_reason",
    "embargo_set_by",
    "embargo_set_at",
    "embargo_reminder_sent_at",
)
