"""Counties (with their request tallies) and agencies."""

from __future__ import annotations

from rest_framework import serializers

from requests_tracker import services
from requests_tracker.api.serializers.common import (
    FipsField,
    RequestCountsSerializer,
    ServiceInputSerializer,
    SourceBriefSerializer,
)
from requests_tracker.models import Agency, County


class CountySerializer(serializers.ModelSerializer):
    sanctuary_source = SourceBriefSerializer(read_only=True, allow_null=True)
    requests = RequestCountsSerializer(source="*", read_only=True)

    class Meta:
        model = County
        fields = [
            "fips",
            "name",
            "state",
            "slug",
            "sanctuary_status",
            "sanctuary_source",
            "requests",
        ]


class AgencySerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="fips", read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = ["id", *services.AGENCY_FIELDS]


class AgencyCreateSerializer(ServiceInputSerializer):
    county = FipsField(
        required=False, allow_null=True, help_text="FIPS of a local agency's county."
    )

    class Meta:
        model = Agency
        fields = services.AGENCY_FIELDS
