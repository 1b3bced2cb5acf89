"""`/api/v1/threats/`: threats DOJ made, and whether it carried them out."""

from __future__ import annotations

from django.db.models import QuerySet

from requests_tracker.api import schema, serializers
from requests_tracker.api.views.base import ListAction, RetrieveAction, TrackerViewSet
from requests_tracker.api.views.embargo import EmbargoAction
from requests_tracker.lists import case_filters
from requests_tracker.models import Threat


@schema.documented(
    list="Threats DOJ made to a campaign's counties or to one county (a subpoena, a suit, other "
    "compulsory process), each with who made it, when, its source, and whether an escalation "
    "carried it out; `days_not_carried_out` counts the days since one that nothing carried out.",
    retrieve="One threat.",
)
class ThreatViewSet(EmbargoAction, ListAction, RetrieveAction, TrackerViewSet):
    serializer_class = serializers.ThreatSerializer
    filterset_class = case_filters.ThreatFilter
    default_ordering = ("threatened_on", "id")
    csv_filename = "threats"
    csv_columns = [
        ("Id", "id"),
        "campaign",
        "request",
        "kind",
        "threatened_on",
        "threatened_by",
        "condition",
        ("Carried out", "carried_out"),
        ("Carried out on", "carried_out_on"),
        ("Days not carried out", "days_not_carried_out"),
    ]

    def base_queryset(self) -> QuerySet:
        return Threat.objects.select_related("carried_out_by").prefetch_related("sources")
