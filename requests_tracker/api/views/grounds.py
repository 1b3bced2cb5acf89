"""`/api/v1/legal-grounds/`: the laws the records cite, and who cited each."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from requests_tracker.api import schema, serializers
from requests_tracker.api.views.base import ListAction, RetrieveAction, TrackerViewSet
from requests_tracker.lists import case_filters
from requests_tracker.models import DataRequest, Escalation, LegalGround, Response
from requests_tracker.selectors.visibility import shown_to


@schema.documented(
    list="The laws DOJ's demands and the counties' answers cite (SB 54, 8 U.S.C. 1373, ...), "
    "each with the ids of the campaigns, requests, responses and escalations that cite it. "
    "`responses/?ground=sb-54` lists the answers that cite one.",
    retrieve="One legal ground.",
)
class LegalGroundViewSet(ListAction, RetrieveAction, TrackerViewSet):
    serializer_class = serializers.LegalGroundSerializer
    filterset_class = case_filters.LegalGroundFilter
    default_ordering = ("level", "name", "id")
    csv_filename = "legal-grounds"
    csv_columns = [
        ("Id", "id"),
        "slug",
        "name",
        "citation",
        "level",
    ]

    def base_queryset(self) -> QuerySet:
        # The ids of records held back are listed for the newsroom only.
        reader = self.request.user
        return LegalGround.objects.prefetch_related(
            "campaigns",
            Prefetch("requests", queryset=shown_to(DataRequest.objects.all(), reader)),
            Prefetch("responses", queryset=shown_to(Response.objects.all(), reader)),
            Prefetch("escalations", queryset=shown_to(Escalation.objects.all(), reader)),
            "cases",
        )
