"""Holding a record back (POST /<resource>/{id}/embargo/) and lifting it (DELETE)."""

from __future__ import annotations

from rest_framework import serializers

from requests_tracker.api.serializers.common import WriteSerializer
from requests_tracker.services.embargo_terms import REASON_MAX_LENGTH


class EmbargoSerializer(WriteSerializer):
    """Hold the record until `until` (omitted or null: until an editor lifts it), saying why.
    While held, only journalists and editors meet it; nothing derived from it (status, counts,
    maps) takes it into account, and its events reach feeds and webhooks when it lifts
    (docs/embargo.md)."""

    until = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the embargo lifts by itself (with its time zone); null: by hand.",
    )
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, help_text="Why the record is held (newsroom only)."
    )
