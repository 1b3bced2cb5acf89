"""Metrics, jurisdictions and their policies, people and their roles, press answers."""

from __future__ import annotations

from rest_framework import serializers

from requests_tracker.api.serializers.common import (
    CountyBriefSerializer,
    NewsroomOnlyFieldsMixin,
    SourceBriefSerializer,
    username_field,
)
from requests_tracker.models import (
    CaseParty,
    Jurisdiction,
    Metric,
    Person,
    Policy,
    PressAnswer,
    Role,
)
from requests_tracker.services import figures, jurisdictions, people, press


class MetricSerializer(serializers.ModelSerializer):
    class Meta:
        model = Metric
        fields = ["id", *figures.METRIC_FIELDS]


class JurisdictionBriefSerializer(serializers.ModelSerializer):
    state = serializers.CharField(
        read_only=True, help_text=Jurisdiction._meta.get_field("state").help_text
    )
    county = serializers.SlugRelatedField(
        slug_field="fips", read_only=True, allow_null=True, help_text="FIPS of its county."
    )

    class Meta:
        model = Jurisdiction
        fields = ["id", "slug", "name", "level", "state", "county"]


class CasePartySerializer(serializers.ModelSerializer):
    jurisdiction = JurisdictionBriefSerializer(read_only=True)

    class Meta:
        model = CaseParty
        fields = ["jurisdiction", "role"]


class PolicySerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
    jurisdiction = JurisdictionBriefSerializer(read_only=True)
    sources = SourceBriefSerializer(many=True, read_only=True)
    logged_by = username_field("logged_by")

    class Meta:
        model = Policy
        fields = ["id", *jurisdictions.POLICY_FIELDS, "sources", "logged_by", "created_at"]


class JurisdictionSerializer(JurisdictionBriefSerializer):
    county = CountyBriefSerializer(read_only=True, allow_null=True)
    policies = PolicySerializer(many=True, read_only=True)
    page = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Jurisdiction
        fields = ["id", *jurisdictions.JURISDICTION_FIELDS, "policies", "page"]


class PersonBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "slug", "name"]


class RoleSerializer(serializers.ModelSerializer):
    jurisdiction = JurisdictionBriefSerializer(read_only=True, allow_null=True)
    agency = serializers.StringRelatedField(read_only=True, allow_null=True)
    source = SourceBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Role
        fields = ["id", *people.ROLE_FIELDS]


class PersonSerializer(serializers.ModelSerializer):
    roles = RoleSerializer(many=True, read_only=True)
    page = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "slug", "name", "note", "roles", "page"]


class PressAnswerSerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    request = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    jurisdiction = JurisdictionBriefSerializer(read_only=True, allow_null=True)
    person = PersonBriefSerializer(read_only=True, allow_null=True)
    sources = SourceBriefSerializer(many=True, read_only=True)
    logged_by = username_field("logged_by")

    class Meta:
        model = PressAnswer
        fields = [
            "id",
            "campaign",
            "request",
            "jurisdiction",
            "person",
            *press.PRESS_ANSWER_FIELDS,
            "sources",
            "logged_by",
            "created_at",
        ]
