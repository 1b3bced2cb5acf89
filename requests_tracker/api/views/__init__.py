"""API views, one module per group of resources; the router in api/urls.py wires them up."""

from requests_tracker.api.views.courts import CaseViewSet, DocketEntryViewSet
from requests_tracker.api.views.evidence import ReportedFigureViewSet, SourceViewSet
from requests_tracker.api.views.feeds import ActivityViewSet, StatsView, WebhookSubscriptionViewSet
from requests_tracker.api.views.grounds import LegalGroundViewSet
from requests_tracker.api.views.places import AgencyViewSet, CountyViewSet
from requests_tracker.api.views.requests import (
    CampaignViewSet,
    DataRequestViewSet,
    EscalationViewSet,
    ResponseViewSet,
)
from requests_tracker.api.views.story import (
    JurisdictionViewSet,
    MetricViewSet,
    PersonViewSet,
    PolicyViewSet,
    PressAnswerViewSet,
)
from requests_tracker.api.views.threats import ThreatViewSet

__all__ = [
    "JurisdictionViewSet",
    "MetricViewSet",
    "PersonViewSet",
    "PolicyViewSet",
    "PressAnswerViewSet",
    "ActivityViewSet",
    "AgencyViewSet",
    "CampaignViewSet",
    "CaseViewSet",
    "CountyViewSet",
    "DataRequestViewSet",
    "DocketEntryViewSet",
    "EscalationViewSet",
    "ReportedFigureViewSet",
    "ResponseViewSet",
    "SourceViewSet",
    "LegalGroundViewSet",
    "StatsView",
    "ThreatViewSet",
    "WebhookSubscriptionViewSet",
]
