"""Court cases and their docket entries (read-only: cases are kept in the admin, entries arrive
from CourtListener; docs/courts.md)."""

from __future__ import annotations

from rest_framework import serializers

from requests_tracker.api.serializers.common import CountyBriefSerializer, SourceBriefSerializer
from requests_tracker.api.serializers.story import CasePartySerializer, PersonBriefSerializer
from requests_tracker.models import Case, DocketEntry
from requests_tracker.services import courts


class CaseSerializer(serializers.ModelSerializer):
    counties = CountyBriefSerializer(many=True, read_only=True)
    parties_in = CasePartySerializer(
        many=True,
        read_only=True,
        help_text="The jurisdictions that are parties, each with its part (a city, a state, the "
        "United States).",
    )
    is_challenge = serializers.BooleanField(
        read_only=True, help_text="Brought against DOJ's demands by a county, a city or a state."
    )
    people = PersonBriefSerializer(many=True, read_only=True)
    requests = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    escalations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    entry_count = serializers.IntegerField(read_only=True, help_text="Docket entries on file.")
    last_filed = serializers.DateField(
        read_only=True, allow_null=True, help_text="The day the latest entry on file was filed."
    )
    courtlistener_url = serializers.CharField(
        read_only=True, help_text="The docket on CourtListener; empty when not linked."
    )
    page = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            *courts.CASE_FIELDS,
            "is_challenge",
            "parties_in",
            "people",
            "counties",
            "requests",
            "escalations",
            "courtlistener_url",
            "entry_count",
            "last_filed",
            "synced_at",
            "page",
            "created_at",
            "updated_at",
        ]


class DocketEntrySerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(read_only=True)
    source = SourceBriefSerializer(read_only=True)

    class Meta:
        model = DocketEntry
        fields = [
            "id",
            "case",
            "entry_number",
            "filed_on",
            "description",
            "needs_review",
            "source",
            "courtlistener_id",
            "recorded_at",
        ]
