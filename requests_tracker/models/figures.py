"""Numbers officials reported, under defined metrics, for a county, a state or the nation, with
their period and source."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from requests_tracker.choices import FigureScope
from requests_tracker.models.embargo import Embargoable
from requests_tracker.models.fields import (
    LongTextField,
    TimeStamped,
    optional_link,
    recorded_by,
    state_validator,
    uncertain_flag,
)
from requests_tracker.models.places import County
from requests_tracker.models.sources import Source


class Metric(TimeStamped):
    """What a figure counts, defined once, so figures from different counties and periods can
    be charted and compared (the 995 detainer requests of 2024 and the 435 of 2025 are one
    series; the transfers on judicial warrants another)."""

    slug = models.SlugField(
        max_length=80, unique=True, help_text="Its short name, which figures cite."
    )
    name = models.CharField(max_length=200, unique=True, help_text="Its name.")
    definition = LongTextField(help_text="What is counted, and what is not.")
    unit = models.CharField(max_length=50, help_text="What one is: requests, people, transfers.")
    source_type = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where such numbers come from, e.g. the sheriff's statements or its annual "
        "TRUTH Act report.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReportedFigure(Embargoable, TimeStamped):
    """A number an official reported, e.g. 995 ICE detainer requests received in 2024."""

    Scope = FigureScope

    metric = models.ForeignKey(
        Metric,
        on_delete=models.PROTECT,
        related_name="figures",
        help_text="What was counted: a defined metric.",
    )
    scope = models.CharField(
        max_length=10,
        choices=Scope.choices,
        default=Scope.COUNTY,
        help_text="Whether it counts a county, a state or the nation.",
    )
    county = optional_link(
        County,
        on_delete=models.PROTECT,
        related_name="figures",
        help_text="The county it counts, if one.",
    )
    state = models.CharField(
        max_length=2,
        blank=True,
        validators=[state_validator],
        help_text="The state it counts (for a county's figure, the county's state); empty for "
        "a national figure.",
    )
    value = models.DecimalField(max_digits=14, decimal_places=2, help_text="The number reported.")
    period_start = models.DateField(help_text="The first day counted.")
    period_end = models.DateField(help_text="The last day counted.")
    period_label = models.CharField(
        max_length=100, blank=True, help_text="The period as reported.", verbose_name="period"
    )
    reported_by = models.CharField(max_length=200, blank=True, help_text="Who reported it.")
    person = optional_link(
        "requests_tracker.Person",
        on_delete=models.SET_NULL,
        related_name="figures",
        help_text="The official who reported it, if on file.",
    )
    corrects = optional_link(
        "self",
        on_delete=models.PROTECT,
        related_name="corrected_by",
        help_text="An earlier figure this one corrects (the same metric, place and period).",
    )
    note = LongTextField(blank=True, help_text="A note shown with the figure.")
    uncertain = uncertain_flag()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="figures")
    logged_by = recorded_by()
    history = HistoricalRecords()

    class Meta:
        ordering = ["metric", "state", "county", "-period_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="figure_period_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(scope="county", county__isnull=False) & ~Q(state="")
                | Q(scope="state", county__isnull=True) & ~Q(state="")
                | Q(scope="nation", county__isnull=True, state=""),
                name="figure_scope_matches_place",
            ),
            models.UniqueConstraint(
                fields=[
                    "metric",
                    "scope",
                    "state",
                    "county",
                    "period_start",
                    "period_end",
                    "source",
                ],
                name="figure_unique_per_source_and_period",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.metric}: {self.value.normalize():f} ({self.period_label or self.period_start})"
        )

    def get_absolute_url(self) -> str:
        return reverse("web:figure_detail", args=[self.pk])

    @property
    def unit(self) -> str:
        return self.metric.unit

    @property
    def place(self) -> str:
        """Where it counts, in words: the county, the state's code, or the nation."""
        if self.scope == self.Scope.COUNTY:
            return str(self.county)
        return self.state or "United States"
