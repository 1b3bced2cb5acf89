"""The changes feed, the numbers for dashboards, and webhook subscriptions."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from requests_tracker import services
from requests_tracker.api.serializers.common import (
    CountyBriefSerializer,
    NewsroomOnlyFieldsMixin,
    ServiceInputSerializer,
    StatusCountsField,
    username_field,
)
from requests_tracker.models import Activity, ActivityVerb, WebhookSubscription

# --- Activity ---------------------------------------------------------------------------------


class ActivitySerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
    county = CountyBriefSerializer(read_only=True, allow_null=True)
    actor = username_field("actor")
    data = serializers.DictField(read_only=True, help_text="Details of the event, by verb.")

    class Meta:
        model = Activity
        fields = [
            "id",
            "created_at",
            "verb",
            "summary",
            "county",
            "campaign",
            "request",
            "response",
            "escalation",
            "actor",
            "data",
        ]


# --- Stats ------------------------------------------------------------------------------------


class TallyFields(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    by_status = StatusCountsField()


class StateTallySerializer(TallyFields):
    state = serializers.CharField(source="key")


class CampaignTallySerializer(TallyFields):
    campaign = serializers.IntegerField(
        source="key", allow_null=True, help_text="Campaign id; null for requests outside one."
    )
    title = serializers.CharField(source="label")


class StatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField(
        help_text="Not settled: awaiting, acknowledged, extended, partial or escalated."
    )
    overdue = serializers.IntegerField()
    by_status = StatusCountsField()
    by_state = StateTallySerializer(many=True)
    by_campaign = CampaignTallySerializer(many=True)
    responded = serializers.IntegerField(
        help_text="Requests with at least one answer (public statements do not count)."
    )
    median_days_to_first_response = serializers.FloatField(allow_null=True)
    due_date_passed_or_answered = serializers.IntegerField()
    answered_by_due_date = serializers.IntegerField()
    answered_by_due_date_share = serializers.FloatField(
        allow_null=True,
        help_text="answered_by_due_date / due_date_passed_or_answered: substantive answers "
        "(complied, partial, declined, no records) on or before the due date.",
    )


# --- Webhooks ---------------------------------------------------------------------------------


def event_types_field(**kwargs: object) -> serializers.ListField:
    """Activity verbs (stored as JSON, so the model cannot type them for us)."""
    return serializers.ListField(
        child=serializers.ChoiceField(choices=ActivityVerb.choices), **kwargs
    )


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    created_by = username_field("created_by")
    event_types = event_types_field(read_only=True)

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "event_types",
            "is_active",
            "consecutive_failures",
            "disabled_reason",
            "created_by",
            "created_at",
            "updated_at",
        ]


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The HMAC secret; shown only in the answer to a create."
    )

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class WebhookAddressField(serializers.URLField):
    """A receiver's address; the schema states the form webhook_targets checks (api/schema.py)."""


class WebhookSubscriptionWriteSerializer(ServiceInputSerializer):
    event_types = event_types_field(
        required=False,
        max_length=len(ActivityVerb.values),
        help_text="Events to send; empty means every event.",
    )

    class Meta:
        model = WebhookSubscription
        fields = services.in_model_order(WebhookSubscription, services.SUBSCRIPTION_EDITABLE_FIELDS)
        extra_kwargs = {
            "secret": {
                "required": False,
                "min_length": 16,
                # Used as sent: a secret's spaces are part of it.
                "trim_whitespace": False,
                "help_text": "Shared secret for the signature; one is generated when left out.",
            }
        }

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_name == "url":
            field_class = WebhookAddressField
        return field_class, kwargs
