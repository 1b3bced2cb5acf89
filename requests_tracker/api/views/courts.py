"""Court cases and their docket entries (read-only; docs/courts.md)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from requests_tracker.api import schema, serializers
from requests_tracker.api.views.base import ListAction, RetrieveAction, TrackerViewSet
from requests_tracker.lists import case_filters
from requests_tracker.models import DataRequest, DocketEntry, Escalation
from requests_tracker.selectors import cases as case_selectors
from requests_tracker.selectors import documents
from requests_tracker.selectors.visibility import shown_to


@schema.documented(
    list="Court cases tied to DOJ's demands (suits, subpoena enforcement, challenges), with the "
    "jurisdictions, requests and escalations each concerns. `jurisdiction=06037` gives the "
    "cases of a county, including suits against a city within it.",
    retrieve="One court case.",
)
class CaseViewSet(ListAction, RetrieveAction, TrackerViewSet):
    serializer_class = serializers.CaseSerializer
    filterset_class = case_filters.CaseFilter
    default_ordering = ("-filed_on", "id")
    csv_filename = "cases"
    csv_columns = [
        ("Id", "id"),
        "title",
        "court",
        "docket_number",
        "parties",
        ("Filed", "filed_on"),
        ("Closed", "closed_on"),
        "status",
        ("Docket entries", "entry_count"),
        ("Latest entry", "last_filed"),
        ("CourtListener", "courtlistener_url"),
    ]

    def base_queryset(self) -> QuerySet:
        # The ids of requests and escalations held back are listed for the newsroom only.
        reader = self.request.user
        return case_selectors.cases().prefetch_related(
            Prefetch("requests", queryset=shown_to(DataRequest.objects.all(), reader)),
            Prefetch("escalations", queryset=shown_to(Escalation.objects.all(), reader)),
        )


@schema.documented(
    list="Docket entries of the cases on file, each with the source (a court filing) that "
    "holds its document; new ones arrive from CourtListener.",
    retrieve="One docket entry.",
)
class DocketEntryViewSet(ListAction, RetrieveAction, TrackerViewSet):
    serializer_class = serializers.DocketEntrySerializer
    filterset_class = case_filters.DocketEntryFilter
    default_ordering = ("filed_on", "entry_number", "id")
    csv_filename = "docket-entries"
    csv_columns = [
        ("Id", "id"),
        "case",
        "entry_number",
        ("Filed", "filed_on"),
        "description",
        "source.title",
        ("Document", "source.url"),
    ]

    def base_queryset(self) -> QuerySet:
        shown = documents.visible_sources(self.request.user).values("pk")
        return DocketEntry.objects.filter(source__in=shown).select_related("source")
