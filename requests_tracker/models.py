"""The tracker's records: who was asked for what, what they answered, how DOJ escalated, and why
we believe it (sources).

Models hold fields, one-row constraints, choices and small QuerySet helpers. Status and overdue
fields are derived by workflow.py and written only by the services. The fixed vocabularies
(statuses, kinds, verbs) live in choices.py and are re-exported here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from simple_history.models import HistoricalRecords

from requests_tracker.choices import (
    ActivityVerb,
    DataCategory,
    DueBasis,
    EscalationKind,
    EscalationStatus,
    ExtractionMethod,
    ExtractionStatus,
    RequestStatus,
    ResponseKind,
    SourceKind,
)
from requests_tracker.uploads import source_upload_to, validate_upload_field

fips_validator = RegexValidator(r"^\d{5}$", "A county FIPS code is exactly five digits.")
state_validator = RegexValidator(r"^[A-Z]{2}$", "A state is its two-letter USPS code, e.g. CA.")

__all__ = [
    "ActivityVerb",
    "DataCategory",
    "DueBasis",
    "EscalationKind",
    "EscalationStatus",
    "ExtractionMethod",
    "ExtractionStatus",
    "RequestStatus",
    "ResponseKind",
    "SourceKind",
]


def validate_categories(value: object) -> None:
    if not isinstance(value, list):
        raise ValidationError("Give a list of data categories.")
    unknown = [item for item in value if item not in DataCategory.values]
    if unknown:
        raise ValidationError(
            "Unknown data categories: %(unknown)s. Choose from: %(allowed)s.",
            params={
                "unknown": ", ".join(map(str, unknown)),
                "allowed": ", ".join(DataCategory.values),
            },
        )
    if len(set(value)) != len(value):
        raise ValidationError("A data category is listed twice.")


@deconstructible
class TextLengthValidator:
    """Free text may run to settings.TEXT_MAX_LENGTH characters (read when checked, so the
    limit is a setting, not a migration)."""

    def __call__(self, value: str) -> None:
        limit = settings.TEXT_MAX_LENGTH
        if value is not None and len(value) > limit:
            raise ValidationError(
                "Keep this to %(limit)s characters or fewer (it has %(length)s).",
                code="max_length",
                params={"limit": f"{limit:,}", "length": f"{len(value):,}"},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextLengthValidator)

    def __hash__(self) -> int:
        return hash(type(self))


class LongTextField(models.TextField):
    """A summary, quotation or note: free text up to settings.TEXT_MAX_LENGTH characters, the
    same limit in the model, the web forms (maxlength) and the API."""

    default_validators = [TextLengthValidator()]

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"max_length": settings.TEXT_MAX_LENGTH, **kwargs})


class TimeStamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


EXTRACTION_FIELDS = [
    "extraction_status",
    "extraction_note",
    "extraction_method",
    "page_count",
    "extracted_at",
]
# The text search configuration of document pages; the GIN index and the queries must agree.
SEARCH_CONFIG = "english"


class Source(TimeStamped):
    """The evidence for a fact: a document's address and/or an uploaded copy of it."""

    Kind = SourceKind

    title = models.CharField(max_length=300)
    url = models.URLField(max_length=1000, blank=True)
    file = models.FileField(
        upload_to=source_upload_to, blank=True, validators=[validate_upload_field]
    )
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    content_type = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text="The file's type, read from its bytes.",
    )
    file_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    sensitive = models.BooleanField(
        default=False,
        help_text="May hold personal data of people in custody: only editors see, download or "
        "search it.",
    )
    extraction_status = models.CharField(
        max_length=20, choices=ExtractionStatus.choices, blank=True, editable=False
    )
    extraction_note = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text="Why reading failed, or what was left.",
    )
    extraction_method = models.CharField(
        max_length=20, choices=ExtractionMethod.choices, blank=True, editable=False
    )
    page_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    extracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.NEWS_REPORT)
    archived_url = models.URLField(max_length=1000, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Reading the text is the worker's bookkeeping, not an edit: kept out of the audit trail.
    history = HistoricalRecords(excluded_fields=EXTRACTION_FIELDS)

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="source_has_url_or_file"
            ),
        ]
        indexes = [models.Index(fields=["url"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:source_detail", args=[self.pk])

    def clean(self) -> None:
        if not self.url and not self.file:
            raise ValidationError({"url": "Give the source's address or upload a copy of it."})

    def get_file_url(self) -> str:
        return reverse("web:source_file", args=[self.pk])


class SourcePage(models.Model):
    """The text of one page of a source's document (a sheet or part for formats without pages).

    One row per page so a search reports the page a match is on, and PostgreSQL indexes each
    page's text (GIN over its tsvector) instead of one huge vector per document.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["source", "number"]
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="source_page_unique_number"),
        ]
        indexes = [
            GinIndex(SearchVector("text", config=SEARCH_CONFIG), name="source_page_text_search"),
        ]

    def __str__(self) -> str:
        return f"{self.source} p. {self.number}"


class County(TimeStamped):
    class SanctuaryStatus(models.TextChoices):
        SANCTUARY = "sanctuary", "Sanctuary"
        LIMITED_COOPERATION = "limited_cooperation", "Limited cooperation"
        COOPERATIVE = "cooperative", "Cooperative"
        UNKNOWN = "unknown", "Unknown"

    name = models.CharField(max_length=100)
    state = models.CharField(max_length=2, validators=[state_validator], db_index=True)
    fips = models.CharField(max_length=5, unique=True, validators=[fips_validator])
    slug = models.SlugField(max_length=120)
    sanctuary_status = models.CharField(
        max_length=30, choices=SanctuaryStatus.choices, default=SanctuaryStatus.UNKNOWN
    )
    sanctuary_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["state", "name"]
        verbose_name_plural = "counties"
        constraints = [
            models.CheckConstraint(
                condition=Q(fips__regex=r"^[0-9]{5}$"), name="county_fips_five_digits"
            ),
            models.UniqueConstraint(fields=["state", "slug"], name="county_unique_slug_per_state"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.state}"

    def get_absolute_url(self) -> str:
        return reverse("web:county_detail", args=[self.fips])


class Agency(TimeStamped):
    class Level(models.TextChoices):
        FEDERAL = "federal", "Federal"
        STATE = "state", "State"
        COUNTY = "county", "County"
        CITY = "city", "City"

    name = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=Level.choices)
    county = models.ForeignKey(
        County, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["name", "level"], name="agency_unique_name_level"),
        ]

    def __str__(self) -> str:
        return self.name


class Campaign(TimeStamped):
    """One DOJ action sent to many counties at once: same letter, date, authority and deadline."""

    title = models.CharField(max_length=300)
    issuing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="campaigns")
    issued_on = models.DateField()
    due_on = models.DateField()
    due_basis = models.CharField(max_length=20, choices=DueBasis.choices)
    due_rule = models.CharField(
        max_length=500, help_text="The deadline's words as quoted, or the rule used to compute it."
    )
    data_sought = models.JSONField(default=list, validators=[validate_categories])
    legal_authority = models.CharField(max_length=500, blank=True)
    summary = LongTextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="campaigns")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("issued_on")), name="campaign_due_not_before_issue"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:campaign_detail", args=[self.pk])


class DataRequest(TimeStamped):
    """What one county was asked for, by whom, by when, under which authority."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="requests")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    issuing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="requests")
    addressee = models.CharField(
        max_length=200, blank=True, help_text="Who the letter was addressed to, e.g. the sheriff."
    )
    issued_on = models.DateField()
    due_on = models.DateField()
    due_basis = models.CharField(max_length=20, choices=DueBasis.choices)
    due_rule = models.CharField(
        max_length=500, help_text="The deadline's words as quoted, or the rule used to compute it."
    )
    # The deadline an extension moved, kept on the row so withdrawing the extension restores it;
    # empty while no extension has moved the due date.
    original_due_on = models.DateField(null=True, blank=True, editable=False)
    original_due_basis = models.CharField(
        max_length=20, choices=DueBasis.choices, blank=True, editable=False
    )
    original_due_rule = models.CharField(max_length=500, blank=True, editable=False)
    data_sought = models.JSONField(default=list, validators=[validate_categories])
    legal_authority = models.CharField(max_length=500, blank=True)
    summary = LongTextField(blank=True)
    internal_note = LongTextField(
        blank=True, help_text="Newsroom-only; never shown to anonymous readers."
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.AWAITING, editable=False
    )
    overdue_since = models.DateField(null=True, blank=True, editable=False)
    sources = models.ManyToManyField(Source, blank=True, related_name="requests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "id"]
        verbose_name = "data request"
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("issued_on")), name="request_due_not_before_issue"
            ),
            models.UniqueConstraint(
                fields=["county", "campaign"],
                condition=Q(campaign__isnull=False),
                name="request_one_per_county_per_campaign",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["due_on"]),
            models.Index(fields=["issued_on"]),
            models.Index(fields=["overdue_since"]),
            models.Index(fields=["county", "status"]),
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.county} — {self.issued_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("web:request_detail", args=[self.pk])

    def clean(self) -> None:
        if self.issued_on and self.due_on and self.due_on < self.issued_on:
            raise ValidationError({"due_on": "The due date cannot be before the issue date."})


class Response(TimeStamped):
    """A county's answer to a request (or an extension DOJ granted it)."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="responses")
    received_on = models.DateField()
    responding_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    official = models.CharField(max_length=200, blank=True, help_text="Name and title.")
    kind = models.CharField(max_length=30, choices=ResponseKind.choices)
    categories_provided = models.JSONField(
        default=list, blank=True, validators=[validate_categories]
    )
    records_provided = models.PositiveIntegerField(null=True, blank=True)
    legal_basis_cited = models.CharField(max_length=500, blank=True)
    new_due_on = models.DateField(null=True, blank=True)
    summary = LongTextField(blank=True)
    quotation = LongTextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="responses")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="extension_granted") | Q(new_due_on__isnull=False),
                name="response_extension_has_new_due_date",
            ),
        ]
        indexes = [models.Index(fields=["request", "received_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.received_on:%Y-%m-%d}"


class Escalation(TimeStamped):
    """DOJ's next step on a request; `follows` links the ladder (letter → subpoena → suit)."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(max_length=30, choices=EscalationKind.choices)
    follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="followed_by"
    )
    issued_on = models.DateField()
    due_on = models.DateField(null=True, blank=True, help_text="Compliance or return date.")
    court = models.CharField(max_length=200, blank=True)
    case_number = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(
        max_length=20, choices=EscalationStatus.choices, default=EscalationStatus.OPEN
    )
    overdue_since = models.DateField(null=True, blank=True, editable=False)
    summary = LongTextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="escalations")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["issued_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=models.F("issued_on")),
                name="escalation_due_not_before_issue",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["overdue_since"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.issued_on:%Y-%m-%d}"


class ReportedFigure(TimeStamped):
    """A number an official reported, e.g. 995 ICE detainer requests received in 2024."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="figures")
    metric = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=50, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=100, blank=True)
    reported_by = models.CharField(max_length=200, blank=True)
    note = LongTextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="figures")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["county", "metric", "-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="figure_period_end_not_before_start",
            ),
            models.UniqueConstraint(
                fields=["county", "metric", "period_start", "period_end", "source"],
                name="figure_unique_per_source_and_period",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.metric}: {self.value.normalize():f} ({self.period_label or self.period_start})"
        )


class Activity(models.Model):
    """Append-only event log. Feeds the timeline, dashboard, Atom feed, API, digests, webhooks.

    Two times: `occurred_on`, the day the event happened (the letter's date, the day an answer
    was received, the first overdue day; the day of recording for edits), which timelines are
    ordered by; and `created_at`, when it was recorded, which the changes feed is ordered by.
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    occurred_on = models.DateField(
        default=timezone.localdate, help_text="The day the event happened (not when recorded)."
    )
    verb = models.CharField(max_length=30, choices=ActivityVerb.choices)
    county = models.ForeignKey(
        County, null=True, blank=True, on_delete=models.CASCADE, related_name="activity"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="activity"
    )
    request = models.ForeignKey(
        DataRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="activity"
    )
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="activity"
    )
    escalation = models.ForeignKey(
        Escalation, null=True, blank=True, on_delete=models.SET_NULL, related_name="activity"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "activity"
        indexes = [
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["verb", "created_at"]),
            models.Index(fields=["request", "created_at"]),
            models.Index(fields=["county", "created_at"]),
            models.Index(fields=["request", "occurred_on", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.summary}"

    def get_absolute_url(self) -> str:
        """The page of what the event is about: its request, else its campaign, else its county
        (whose row must be loaded: select_related("county")), else the dashboard."""
        if self.request_id:
            return reverse("web:request_detail", args=[self.request_id])
        if self.campaign_id:
            return reverse("web:campaign_detail", args=[self.campaign_id])
        if self.county_id:
            return self.county.get_absolute_url()
        return reverse("web:dashboard")


class Watch(models.Model):
    """A user follows exactly one county, campaign or request and gets digests of its changes."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        HOURLY = "hourly", "Hourly"
        NONE = "none", "None (feed and My watches only)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.CASCADE)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE)
    request = models.ForeignKey(DataRequest, null=True, blank=True, on_delete=models.CASCADE)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    last_sent_activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The newest event already sent in a digest; later ones are sent next time.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "watches"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(county__isnull=False, campaign__isnull=True, request__isnull=True)
                    | Q(county__isnull=True, campaign__isnull=False, request__isnull=True)
                    | Q(county__isnull=True, campaign__isnull=True, request__isnull=False)
                ),
                name="watch_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "county"], name="watch_unique_county"),
            models.UniqueConstraint(fields=["user", "campaign"], name="watch_unique_campaign"),
            models.UniqueConstraint(fields=["user", "request"], name="watch_unique_request"),
        ]

    def __str__(self) -> str:
        return f"{self.user} watches {self.target}"

    @property
    def target(self) -> County | Campaign | DataRequest:
        return self.county or self.campaign or self.request


class FeedToken(models.Model):
    """A user's secret for private feed addresses: a feed reader cannot sign in, so the address
    itself proves who reads (what they watch, with their role's view). Revoked by replacing it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    key = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"Feed token of {self.user}"


class WebhookSubscription(TimeStamped):
    """An external system that wants a signed POST for each new Activity of the chosen kinds."""

    url = models.URLField(max_length=1000)
    secret = models.CharField(max_length=128, help_text="Shared secret for the HMAC signature.")
    event_types = models.JSONField(
        default=list, blank=True, help_text="Activity verbs to send; empty means every event."
    )
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        unknown = [verb for verb in self.event_types or [] if verb not in ActivityVerb.values]
        if unknown:
            raise ValidationError({"event_types": f"Unknown event types: {', '.join(unknown)}."})


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a pending delivery is next tried (or until when an attempt in progress "
        "holds it); empty when it has not been tried yet or is finished.",
    )
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "activity"], name="delivery_once_per_activity"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} → {self.subscription} ({self.status})"
