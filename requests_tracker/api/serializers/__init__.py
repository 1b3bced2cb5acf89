"""What the API shows and accepts, one module per group of resources (as api/views/ is).

Reading serializers shape records. Writing serializers are the model limited to the fields its
service accepts; they check types and look up related records, then the view hands the values to
the service, which applies the business rules and writes. Anonymous readers (TRACKER_PUBLIC)
never get internal notes or who logged what: those fields are dropped for anyone who is not a
newsroom member.
"""

from requests_tracker.api.serializers.bulk import BulkActionSerializer, BulkResultSerializer
from requests_tracker.api.serializers.common import EXPANDED_ONLY_FIELDS, NEWSROOM_ONLY_FIELDS
from requests_tracker.api.serializers.courts import CaseSerializer, DocketEntrySerializer
from requests_tracker.api.serializers.evidence import (
    CITATION_KEYS,
    CiteOnSerializer,
    ReportedFigureCreateSerializer,
    ReportedFigureSerializer,
    SourceCreateSerializer,
    SourceSerializer,
    SourceUpdateSerializer,
    SourceUploadSerializer,
)
from requests_tracker.api.serializers.feeds import (
    ActivitySerializer,
    StatsSerializer,
    WebhookSubscriptionCreatedSerializer,
    WebhookSubscriptionSerializer,
    WebhookSubscriptionWriteSerializer,
)
from requests_tracker.api.serializers.grounds import LegalGroundSerializer
from requests_tracker.api.serializers.places import (
    AgencyCreateSerializer,
    AgencySerializer,
    CountySerializer,
)
from requests_tracker.api.serializers.requests import (
    CampaignCreateSerializer,
    CampaignSerializer,
    CampaignUpdateSerializer,
    DataRequestCreateSerializer,
    DataRequestDetailSerializer,
    DataRequestRows,
    DataRequestRowSerializer,
    DataRequestSerializer,
    DataRequestUpdateSerializer,
    EscalationCreateSerializer,
    EscalationSerializer,
    EscalationUpdateSerializer,
    ResponseCreateSerializer,
    ResponseSerializer,
    ResponseUpdateSerializer,
)
from requests_tracker.api.serializers.story import (
    JurisdictionSerializer,
    MetricSerializer,
    PersonSerializer,
    PolicySerializer,
    PressAnswerSerializer,
)
from requests_tracker.api.serializers.threats import ThreatSerializer

__all__ = [
    "JurisdictionSerializer",
    "MetricSerializer",
    "PersonSerializer",
    "PolicySerializer",
    "PressAnswerSerializer",
    "ThreatSerializer",
    "LegalGroundSerializer",
    "BulkActionSerializer",
    "BulkResultSerializer",
    "CITATION_KEYS",
    "EXPANDED_ONLY_FIELDS",
    "NEWSROOM_ONLY_FIELDS",
    "ActivitySerializer",
    "AgencyCreateSerializer",
    "AgencySerializer",
    "CampaignCreateSerializer",
    "CaseSerializer",
    "CampaignSerializer",
    "CampaignUpdateSerializer",
    "CiteOnSerializer",
    "CountySerializer",
    "DataRequestCreateSerializer",
    "DataRequestDetailSerializer",
    "DataRequestRowSerializer",
    "DataRequestRows",
    "DataRequestSerializer",
    "DataRequestUpdateSerializer",
    "DocketEntrySerializer",
    "EscalationCreateSerializer",
    "EscalationSerializer",
    "EscalationUpdateSerializer",
    "ReportedFigureCreateSerializer",
    "ReportedFigureSerializer",
    "ResponseCreateSerializer",
    "ResponseSerializer",
    "ResponseUpdateSerializer",
    "SourceCreateSerializer",
    "SourceSerializer",
    "SourceUpdateSerializer",
    "SourceUploadSerializer",
    "StatsSerializer",
    "WebhookSubscriptionCreatedSerializer",
    "WebhookSubscriptionSerializer",
    "WebhookSubscriptionWriteSerializer",
]
