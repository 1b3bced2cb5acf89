"""Legal grounds: the laws the records cite, and which records cite each."""

from __future__ import annotations

from rest_framework import serializers

from requests_tracker.models import LegalGround


class LegalGroundSerializer(serializers.ModelSerializer):
    campaigns = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    requests = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    responses = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    escalations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    cases = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Cases (challenges among them) that cite it."
    )
    page = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = LegalGround
        fields = [
            "id",
            "slug",
            "name",
            "citation",
            "level",
            "summary",
            "url",
            "campaigns",
            "requests",
            "responses",
            "escalations",
            "cases",
            "page",
        ]
