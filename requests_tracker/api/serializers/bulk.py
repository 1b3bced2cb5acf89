"""Bulk actions on a campaign's requests (POST /campaigns/{id}/bulk/, services/bulk.py)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from requests_tracker.api.serializers.common import VisibleRelatedField, WriteSerializer
from requests_tracker.choices import EscalationKind
from requests_tracker.models import DataRequest, Source, Watch
from requests_tracker.services import bulk

FIELDS = tuple(dict.fromkeys(name for names in bulk.ACTION_FIELDS.values() for name in names))
"""Every action's fields (the service refuses one the chosen action does not take)."""


class BulkActionSerializer(WriteSerializer):
    """One action for many of a campaign's requests. Each row goes through the same service as a
    single write; a row a rule refuses is reported with its reasons and the others are done, all
    in one transaction. With `dry_run`, nothing is written: the answer is what would happen."""

    action = serializers.ChoiceField(choices=list(bulk.ACTIONS.items()))
    requests = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=bulk.MAX_ROWS,
        help_text="The campaign's requests to act on, by id.",
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Report what would happen, row by row, and write nothing."
    )
    kind = serializers.ChoiceField(
        choices=EscalationKind.choices, required=False, help_text="file_escalation: its kind."
    )
    issued_on = serializers.DateField(required=False, help_text="file_escalation: its date.")
    due_on = serializers.DateField(
        required=False, allow_null=True, help_text="file_escalation: its return date."
    )
    source = VisibleRelatedField(
        queryset=Source.objects.all(), required=False, help_text="cite_source: the source's id."
    )
    received_on = serializers.DateField(
        required=False, help_text="log_extension: when it was granted (default today)."
    )
    new_due_on = serializers.DateField(required=False, help_text="log_extension: the new date.")
    embargo_until = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="set_embargo: when it lifts by itself (null or omitted: when lifted by hand).",
    )
    embargo_reason = serializers.CharField(
        required=False, max_length=500, help_text="set_embargo: why the requests are held."
    )
    frequency = serializers.ChoiceField(
        choices=Watch.Frequency.choices, required=False, help_text="follow: digest frequency."
    )
    summary = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="The entries' summary."
    )

    def validate_requests(self, ids: list[int]) -> list[DataRequest]:
        found = {r.pk: r for r in DataRequest.objects.filter(pk__in=ids).select_related("county")}
        missing = sorted(set(ids) - set(found))
        if missing:
            raise serializers.ValidationError(
                f"No request with the id(s) {', '.join(map(str, missing[:10]))}."
            )
        return [found[pk] for pk in dict.fromkeys(ids)]

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        action = data["action"]
        missing = [name for name in bulk.ACTION_REQUIRED.get(action, ()) if not data.get(name)]
        if missing:
            raise serializers.ValidationError(dict.fromkeys(missing, "Required for this action."))
        return data

    def action_fields(self) -> dict[str, Any]:
        """The action's fields as given; the service refuses one the action does not take."""
        return {name: value for name, value in self.validated_data.items() if name in FIELDS}


class BulkRowSerializer(serializers.Serializer):
    request = serializers.IntegerField(source="request_id")
    county = serializers.CharField()
    ok = serializers.BooleanField(help_text="Done (or, in a dry run, would be done).")
    outcome = serializers.CharField(help_text="What the request became (or would become).")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Why the row was refused, by field.",
    )


class BulkResultSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(bulk.ACTIONS.items()))
    dry_run = serializers.BooleanField()
    done = serializers.IntegerField()
    refused = serializers.IntegerField()
    rows = BulkRowSerializer(many=True)
