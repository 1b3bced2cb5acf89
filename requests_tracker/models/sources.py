"""Sources: the evidence behind each fact, and the text of their documents."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from requests_tracker.choices import (
    ExtractionMethod,
    ExtractionStatus,
    SourceKind,
)
from requests_tracker.documents.uploads import source_upload_to, validate_upload_field
from requests_tracker.models.embargo import Embargoable
from requests_tracker.models.fields import TimeStamped, recorded_by, validate_uri

EXTRACTION_FIELDS = [
    "extraction_status",
    "extraction_note",
    "extraction_method",
    "page_count",
    "extracted_at",
    "extraction_queued_at",
    "extraction_attempts",
]
# The text search configuration of document pages; the GIN index and the queries must agree.
SEARCH_CONFIG = "english"

SENSITIVE_SOURCE_LABEL = "a sensitive source (editors only)"
"""All that a newsroom member who is not an editor is told of a sensitive source (anonymous
readers are told nothing). Written once; pages, the API and the timeline use it."""

SENSITIVE_EVENT_MARK = "sensitive"
"""The key in an Activity's `data` that marks an event about a sensitive source: its sentence
names none, and it is never shown to anonymous readers nor sent to webhooks."""


def about_sensitive_source() -> Q:
    """Activity about a sensitive source (marked when it was recorded, or when the source was
    marked sensitive later). A key test, not a value test: `NOT (data ? 'sensitive')` is never
    NULL, so excluding it keeps every other event."""
    return Q(data__has_key=SENSITIVE_EVENT_MARK)


class Source(Embargoable, TimeStamped):
    """The evidence for a fact: a document's address and/or an uploaded copy of it."""

    Kind = SourceKind

    title = models.CharField(max_length=300, help_text="The source's title.")
    url = models.URLField(
        max_length=1000,
        blank=True,
        validators=[validate_uri],
        help_text="Its address.",
        verbose_name="address",
    )
    file = models.FileField(
        upload_to=source_upload_to, blank=True, validators=[validate_upload_field]
    )
    sha256 = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256 of the stored copy.",
        verbose_name="SHA-256",
    )
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
    page_count = models.PositiveIntegerField(
        null=True, blank=True, editable=False, verbose_name="pages"
    )
    extracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    extraction_queued_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When reading was last queued or started: a pending document is in flight "
        "for the reading's time limit after it, and picked up again by the sweep later.",
    )
    extraction_attempts = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="Readings started since the document was last queued; the sweep gives up "
        "after EXTRACTION_MAX_ATTEMPTS.",
    )
    publisher = models.CharField(max_length=200, blank=True, help_text="Who published it.")
    published_on = models.DateField(null=True, blank=True, help_text="When it was published.")
    kind = models.CharField(
        max_length=30,
        choices=Kind.choices,
        default=Kind.NEWS_REPORT,
        help_text="What kind of source it is.",
    )
    archived_url = models.URLField(
        max_length=1000,
        blank=True,
        validators=[validate_uri],
        help_text="An archived copy's address.",
        verbose_name="archived copy",
    )
    verified_by = recorded_by()
    verified_on = models.DateField(
        null=True, blank=True, help_text="When a newsroom editor verified it."
    )
    created_by = recorded_by()
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
    page's text instead of one huge vector per document. The page's tsvector is a stored,
    generated column (`search_vector`, migration 0020, GIN-indexed): search matches and ranks on
    it without parsing the text again, and the ORM never loads it (it is not a model field).
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["source", "number"]
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="source_page_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.source} p. {self.number}"
