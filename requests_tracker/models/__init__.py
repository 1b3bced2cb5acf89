"""The tracker's records: who was asked for what, what they answered, how DOJ escalated, and why
we believe it (sources).

Models hold fields, one-row constraints, choices and small QuerySet helpers. Status and overdue
fields are derived by workflow.py and written only by the services. The fixed vocabularies
(statuses, kinds, verbs) live in choices.py and are re-exported here. One module per seam:
fields (shared field types), sources, places (counties, agencies), jurisdictions (any party:
city, state, nation; dated policies), people (officials and their dated roles), press (what
reporters were told), requests (campaigns, requests, responses, escalations), courts (cases,
docket entries), mail (messages read from the mailbox), figures, embargo (holding a record back
until a time), activity (the event log, watches, feed tokens), webhooks, corrections (public
correction notes, open-data releases), tallies (counts kept by the database). Import from here:
`from requests_tracker.models import DataRequest`.
"""

from requests_tracker.choices import (
    ActivityVerb,
    CaseKind,
    CaseStatus,
    DataCategory,
    DueBasis,
    EscalationKind,
    EscalationStatus,
    ExtractionMethod,
    ExtractionStatus,
    FigureScope,
    InboundState,
    JurisdictionLevel,
    MatchedBy,
    PartyRole,
    PolicyKind,
    PressAnswerKind,
    RequestStatus,
    ResponseKind,
    SourceKind,
    Stance,
    ThreatKind,
)
from requests_tracker.models.activity import Activity, FeedToken, Watch
from requests_tracker.models.corrections import Correction, DatasetRelease
from requests_tracker.models.courts import Case, CaseParty, CourtListenerDelivery, DocketEntry
from requests_tracker.models.embargo import EMBARGO_FIELDS, Embargoable
from requests_tracker.models.fields import (
    LongTextField,
    TextLengthValidator,
    TimeStamped,
    fips_validator,
    state_validator,
    validate_categories,
)
from requests_tracker.models.figures import Metric, ReportedFigure
from requests_tracker.models.grounds import LegalGround
from requests_tracker.models.jurisdictions import Jurisdiction, Policy
from requests_tracker.models.mail import InboundMessage, MailSender
from requests_tracker.models.people import Person, Role
from requests_tracker.models.places import Agency, County
from requests_tracker.models.press import PressAnswer
from requests_tracker.models.requests import Campaign, DataRequest, Escalation, Response
from requests_tracker.models.sources import (
    EXTRACTION_FIELDS,
    SEARCH_CONFIG,
    SENSITIVE_EVENT_MARK,
    SENSITIVE_SOURCE_LABEL,
    Source,
    SourcePage,
    about_sensitive_source,
)
from requests_tracker.models.tallies import (
    CampaignCounts,
    CampaignTally,
    CountyCounts,
    CountyTally,
    DeadlineTally,
    FirstResponseTally,
)
from requests_tracker.models.threats import Threat
from requests_tracker.models.webhooks import WebhookDelivery, WebhookSubscription

__all__ = [
    "PressAnswer",
    "Role",
    "Person",
    "Policy",
    "Jurisdiction",
    "Metric",
    "Stance",
    "PressAnswerKind",
    "PolicyKind",
    "PartyRole",
    "JurisdictionLevel",
    "FigureScope",
    "CaseParty",
    "CaseKind",
    "EMBARGO_FIELDS",
    "Embargoable",
    "EXTRACTION_FIELDS",
    "SEARCH_CONFIG",
    "SENSITIVE_EVENT_MARK",
    "SENSITIVE_SOURCE_LABEL",
    "Activity",
    "Case",
    "CaseStatus",
    "CourtListenerDelivery",
    "DocketEntry",
    "ActivityVerb",
    "Agency",
    "Campaign",
    "CampaignCounts",
    "CampaignTally",
    "Correction",
    "County",
    "CountyCounts",
    "CountyTally",
    "DataCategory",
    "DataRequest",
    "DatasetRelease",
    "DeadlineTally",
    "DueBasis",
    "Escalation",
    "EscalationKind",
    "EscalationStatus",
    "ExtractionMethod",
    "ExtractionStatus",
    "FeedToken",
    "FirstResponseTally",
    "InboundMessage",
    "LegalGround",
    "InboundState",
    "LongTextField",
    "MailSender",
    "MatchedBy",
    "ReportedFigure",
    "RequestStatus",
    "Response",
    "ResponseKind",
    "Source",
    "SourceKind",
    "SourcePage",
    "TextLengthValidator",
    "Threat",
    "ThreatKind",
    "TimeStamped",
    "Watch",
    "WebhookDelivery",
    "WebhookSubscription",
    "about_sensitive_source",
    "fips_validator",
    "state_validator",
    "validate_categories",
]
