"""Numbers officials reported, with their period and source."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from requests_tracker.models.embargo import Embargoable
from requests_tracker.models.fields import LongTextField, TimeStamped
from requests_tracker.models.places import County
from requests_tracker.models.sources import Source


class ReportedFigure(Embargoable, TimeStamped):
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

    def get_absolute_url(self) -> str:
        return reverse("web:figure_detail", args=[self.pk])
