"""The tracker's fixed vocabularies: data categories, statuses, kinds and activity verbs.

Plain enums with no ORM behind them, so workflow.py and deadlines.py can use them without importing
the models; models.py and everything else take them from here too.
"""

from django.db import models


class DataCategory(models.TextChoices):
    """What a request asks for. A non-citizen is anyone who is not a U.S. citizen (a green-card
    holder, a visa holder, a refugee, someone without status); "undocumented" is the narrower
    group with no lawful status. DOJ's July 2025 letters asked for the first; sheriffs and
    reporters often said the second, and the report this tracker grew from keeps them apart."""

    NONCITIZEN_ROSTER = "noncitizen_roster", "Non-citizen roster"
    UNDOCUMENTED_ROSTER = "undocumented_roster", "Undocumented roster"
    IMMIGRATION_STATUS = "immigration_status", "Immigration status"
    CHARGES = "charges", "Charges / crimes of arrest"
    CONVICTIONS = "convictions", "Convictions"
    RELEASE_DATES = "release_dates", "Scheduled release dates"
    DETAINER_HISTORY = "detainer_history", "Detainer history"
    OTHER = "other", "Other"


class DueBasis(models.TextChoices):
    STATED = "stated", "Stated in the letter"
    CALENDAR_DAYS = "calendar_days", "Calendar days"
    BUSINESS_DAYS = "business_days", "Business days"


class RequestStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting response"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    EXTENDED = "extended", "Extended"
    PARTIAL = "partial", "Partially complied"
    COMPLIED = "complied", "Complied"
    DECLINED = "declined", "Declined"
    ESCALATED = "escalated", "Escalated"
    CLOSED = "closed", "Closed"


class ResponseKind(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "Acknowledged receipt"
    EXTENSION_REQUESTED = "extension_requested", "Asked for an extension"
    EXTENSION_GRANTED = "extension_granted", "Extension granted"
    PARTIAL = "partial", "Partially complied"
    COMPLIED = "complied", "Complied"
    DECLINED = "declined", "Declined"
    NO_RECORDS = "no_records", "No such records"
    REFERRED = "referred", "Referred elsewhere"
    PUBLIC_STATEMENT = "public_statement", "Public statement"


class EscalationKind(models.TextChoices):
    DEMAND_LETTER = "demand_letter", "Demand letter"
    ADMINISTRATIVE_SUBPOENA = "administrative_subpoena", "Administrative subpoena"
    GRAND_JURY_SUBPOENA = "grand_jury_subpoena", "Grand-jury subpoena"
    LAWSUIT = "lawsuit", "Lawsuit"
    COURT_ORDER = "court_order", "Court order"
    CONTEMPT_MOTION = "contempt_motion", "Contempt motion"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLIED = "complied", "Complied"
    CONTESTED = "contested", "Contested"
    QUASHED = "quashed", "Quashed"
    ENFORCED = "enforced", "Enforced"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SETTLED = "settled", "Settled"


class ActivityVerb(models.TextChoices):
    REQUEST_ISSUED = "request_issued", "Request issued"
    CAMPAIGN_ISSUED = "campaign_issued", "Campaign issued"
    REQUEST_UPDATED = "request_updated", "Request edited"
    RESPONSE_LOGGED = "response_logged", "Response logged"
    RESPONSE_UPDATED = "response_updated", "Response edited"
    RESPONSE_DELETED = "response_deleted", "Response deleted"
    ESCALATION_FILED = "escalation_filed", "Escalation filed"
    ESCALATION_UPDATED = "escalation_updated", "Escalation updated"
    ESCALATION_DELETED = "escalation_deleted", "Escalation deleted"
    STATUS_CHANGED = "status_changed", "Status changed"
    DUE_DATE_CHANGED = "due_date_changed", "Due date changed"
    BECAME_OVERDUE = "became_overdue", "Became overdue"
    OVERDUE_CLEARED = "overdue_cleared", "Overdue cleared"
    SOURCE_ADDED = "source_added", "Source added"
    SOURCE_REMOVED = "source_removed", "Source removed"
    CAMPAIGN_UPDATED = "campaign_updated", "Campaign edited"
    FIGURE_RECORDED = "figure_recorded", "Figure recorded"
    DOCKET_ENTRY_FILED = "docket_entry_filed", "Court filing"
    BULK_ACTION = "bulk_action", "Bulk action"
    THREAT_MADE = "threat_made", "Threat made"
    THREAT_CARRIED_OUT = "threat_carried_out", "Threat carried out"


class ThreatKind(models.TextChoices):
    """What DOJ threatened to do if a county did not comply."""

    COMPULSORY_PROCESS = "compulsory_process", "Subpoenas or other compulsory process"
    SUBPOENA = "subpoena", "A subpoena"
    LAWSUIT = "lawsuit", "A lawsuit"
    PROSECUTION = "prosecution", "Criminal prosecution"
    FUNDING = "funding", "The loss of federal funds"


class InboundState(models.TextChoices):
    """Where a message read from the mailbox stands (docs/mail-in.md)."""

    UNMATCHED = "unmatched", "Waiting to be matched"
    DRAFT = "draft", "Draft response to review"
    ACCEPTED = "accepted", "Accepted as a response"
    DISMISSED = "dismissed", "Dismissed"
    REFUSED = "refused", "Refused"


class MatchedBy(models.TextChoices):
    SIGNED_ADDRESS = "signed_address", "Its signed reply address"
    SENDER_ADDRESS = "sender_address", "The county's known sender address"
    SENDER_DOMAIN = "sender_domain", "The county's known sender domain"
    BY_HAND = "by_hand", "Assigned by hand"


class SourceKind(models.TextChoices):
    PRIMARY_DOCUMENT = "primary_document", "Primary document"
    COURT_FILING = "court_filing", "Court filing"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    NEWS_REPORT = "news_report", "News report"
    PUBLISHED_STORY = "published_story", "Published story citing the tracker"


class ExtractionStatus(models.TextChoices):
    """Where reading a source document's text stands (a source without a file has none)."""

    PENDING = "pending", "Waiting to be read"
    DONE = "done", "Text extracted"
    FAILED = "failed", "Could not be read"
    UNAVAILABLE = "unavailable", "Needs OCR, which is not installed"


class ExtractionMethod(models.TextChoices):
    PDF_TEXT = "pdf_text", "PDF text layer"
    OCR = "ocr", "OCR (Tesseract)"
    PDF_TEXT_AND_OCR = "pdf_text_ocr", "PDF text layer and OCR"
    DOCX = "docx", "Word document"
    XLSX = "xlsx", "Spreadsheet"
    TEXT = "text", "Plain text"


class CaseStatus(models.TextChoices):
    """Where a court case stands."""

    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    DECIDED = "decided", "Decided"
    SETTLED = "settled", "Settled"
    CLOSED = "closed", "Closed"


class CaseKind(models.TextChoices):
    """Which way a case runs: DOJ going to court, or a county, city or state challenging it."""

    SUIT_BY_DOJ = "suit_by_doj", "Suit by DOJ"
    ENFORCEMENT = "enforcement", "Enforcement of a subpoena or demand"
    MOTION_TO_QUASH = "motion_to_quash", "Motion to quash (a challenge)"
    SUIT_AGAINST_DOJ = "suit_against_doj", "Suit against DOJ (a challenge)"
    APPEAL = "appeal", "Appeal"


CHALLENGE_KINDS = frozenset({CaseKind.MOTION_TO_QUASH, CaseKind.SUIT_AGAINST_DOJ})
"""Cases a jurisdiction brings against DOJ's demands (an appeal is a challenge when the
appellant is not DOJ: Case.is_challenge)."""


class PartyRole(models.TextChoices):
    PLAINTIFF = "plaintiff", "Plaintiff"
    DEFENDANT = "defendant", "Defendant"
    MOVANT = "movant", "Movant"
    RESPONDENT = "respondent", "Respondent"
    APPELLANT = "appellant", "Appellant"
    APPELLEE = "appellee", "Appellee"
    INTERVENOR = "intervenor", "Intervenor"


class JurisdictionLevel(models.TextChoices):
    NATION = "nation", "The nation (the United States as a party, its departments)"
    STATE = "state", "State"
    COUNTY = "county", "County"
    CITY = "city", "City"


class PressAnswerKind(models.TextChoices):
    """What a reporter was told when asking about a request (never a response to DOJ)."""

    NO_COMMENT = "no_comment", "Did not comment"
    REFERRED = "referred", "Referred questions elsewhere"
    NO_ANSWER = "no_answer", "Did not answer by publication"
    STATEMENT = "statement", "Gave a statement"


class PolicyKind(models.TextChoices):
    SANCTUARY_LAW = "sanctuary_law", "Sanctuary law or ordinance"
    DETAINER_PRACTICE = "detainer_practice", "Practice on ICE detainers"
    TRANSFER_PRACTICE = "transfer_practice", "Practice on transfers to ICE"
    AGREEMENT = "agreement", "Agreement with federal immigration authorities (e.g. 287(g))"
    LISTING = "listing", "Listed by DOJ as a sanctuary jurisdiction"
    OTHER = "other", "Other"


class Stance(models.TextChoices):
    """How far a jurisdiction cooperates with ICE, as a policy sets it."""

    SANCTUARY = "sanctuary", "Sanctuary"
    LIMITED_COOPERATION = "limited_cooperation", "Limited cooperation"
    COOPERATIVE = "cooperative", "Cooperative"
    UNKNOWN = "unknown", "Unknown"


class FigureScope(models.TextChoices):
    COUNTY = "county", "A county"
    STATE = "state", "A state"
    NATION = "nation", "The nation"


class WatchFrequency(models.TextChoices):
    """How often a watcher is sent a digest of what changed."""

    DAILY = "daily", "Daily"
    HOURLY = "hourly", "Hourly"
    NONE = "none", "None (feed and My watches only)"


class DeliveryStatus(models.TextChoices):
    """Where sending one event to a webhook stands."""

    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
