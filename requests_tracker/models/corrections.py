"""Public corrections of published facts, and the record of open-data releases."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from requests_tracker.models.fields import LongTextField, optional_link, recorded_by
from requests_tracker.models.figures import ReportedFigure
from requests_tracker.models.places import County
from requests_tracker.models.requests import DataRequest, Escalation, Response


class Correction(models.Model):
    """A note telling readers that a published fact was corrected, and what changed.

    Written by the update services in the same transaction as the edit it explains. `changes`
    keeps what was shown before and after, field by field ({"field", "label", "from", "to"}, all
    text as a reader saw it), so the list of corrections reads the same after later edits. Exactly
    one of request (for the request itself), response, escalation or figure is the corrected
    record; `request` is also filled for a response's or an escalation's request, and `county`
    always, so the list and pages find them in one query. `history_id` is the version the edit
    made in the record's history (django-simple-history), so its history page shows the note.
    """

    class Kind(models.TextChoices):
        REQUEST = "request", "Request"
        RESPONSE = "response", "Response"
        ESCALATION = "escalation", "Escalation"
        FIGURE = "figure", "Reported figure"

    kind = models.CharField(
        max_length=20, choices=Kind.choices, help_text="What kind of record was corrected."
    )
    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="corrections", help_text="The county."
    )
    request = optional_link(
        DataRequest,
        on_delete=models.CASCADE,
        related_name="corrections",
        help_text="The request (or the corrected entry's request).",
    )
    response = optional_link(
        Response,
        on_delete=models.CASCADE,
        related_name="corrections",
        help_text="The corrected response.",
    )
    escalation = optional_link(
        Escalation,
        on_delete=models.CASCADE,
        related_name="corrections",
        help_text="The corrected escalation.",
    )
    figure = optional_link(
        ReportedFigure,
        on_delete=models.CASCADE,
        related_name="corrections",
        help_text="The corrected figure.",
    )
    note = LongTextField(help_text="What was wrong and what is right now, for readers.")
    changes = models.JSONField(
        default=list, blank=True, help_text="What changed: a list of {label, from, to}."
    )
    record_label = models.CharField(
        max_length=300, help_text="The corrected record as named when it was corrected."
    )
    history_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    made_by = recorded_by()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="request", request__isnull=False, response__isnull=True)
                    & Q(escalation__isnull=True, figure__isnull=True)
                    | Q(kind="response", response__isnull=False, escalation__isnull=True)
                    & Q(figure__isnull=True)
                    | Q(kind="escalation", escalation__isnull=False, response__isnull=True)
                    & Q(figure__isnull=True)
                    | Q(kind="figure", figure__isnull=False, request__isnull=True)
                    & Q(response__isnull=True, escalation__isnull=True)
                ),
                name="correction_names_its_record",
            ),
        ]

    def __str__(self) -> str:
        return f"Correction of {self.record_label} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        """The note where it is shown: on the figure's page, or on the request's page (beside the
        corrected response or escalation)."""
        if self.figure_id:
            page = reverse("web:figure_detail", args=[self.figure_id])
        else:
            page = reverse("web:request_detail", args=[self.request_id])
        return f"{page}#correction-{self.pk}"


class DatasetRelease(models.Model):
    """One open-data release written by `manage.py publish_dataset`: when, where it is published
    and what it holds. The public site links the latest one that has an address."""

    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    url = models.URLField(
        max_length=1000, blank=True, help_text="Where the release's files can be downloaded."
    )
    counts = models.JSONField(default=dict, blank=True, help_text="Rows per table.")
    datapackage_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"Open-data release of {self.published_at:%Y-%m-%d %H:%M}"
