"""Threats: what DOJ said it would do, and whether it did (services/threats.py)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from requests_tracker.api.serializers.common import SourceBriefSerializer
from requests_tracker.models import Threat
from requests_tracker.services import threats
from requests_tracker.services.clock import local_today


class ThreatSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    request = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    carried_out = serializers.BooleanField(read_only=True)
    carried_out_by = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The escalation that carried it out."
    )
    carried_out_on = serializers.DateField(
        source="carried_out_by.issued_on", read_only=True, allow_null=True, default=None
    )
    days_not_carried_out = serializers.SerializerMethodField(
        help_text="Days since the threat while nothing has carried it out; null once carried out."
    )
    sources = SourceBriefSerializer(many=True, read_only=True)
    page = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Threat
        fields = [
            "id",
            "campaign",
            "request",
            *threats.THREAT_FIELDS,
            "carried_out",
            "carried_out_by",
            "carried_out_on",
            "days_not_carried_out",
            "sources",
            "page",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.INT)
    def get_days_not_carried_out(self, threat: Threat) -> int | None:
        return threat.days_not_carried_out(local_today())
