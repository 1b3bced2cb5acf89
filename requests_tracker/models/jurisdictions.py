"""Jurisdictions and their dated policies.

A county is asked for data; but the parties to the fights over those requests are often not
counties: the City of Los Angeles, the State of California, the United States. A `Jurisdiction`
is any of them, with the county it sits in where there is one, so a suit against the City of Los
Angeles belongs to the city and still shows on Los Angeles County's page.

A `Policy` is a dated, sourced fact about how a jurisdiction deals with federal immigration
authorities (an ordinance, a practice on detainers or transfers, an agreement, a listing), so a
county's stance has a timeline instead of one undated value."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from requests_tracker.choices import JurisdictionLevel, PolicyKind, Stance
from requests_tracker.models.fields import (
    TimeStamped,
    newsroom_summary,
    optional_link,
    recorded_by,
    state_validator,
    uncertain_flag,
)
from requests_tracker.models.places import County
from requests_tracker.models.sources import Source


class Jurisdiction(TimeStamped):
    Level = JurisdictionLevel

    slug = models.SlugField(
        max_length=120, unique=True, help_text="E.g. city-of-los-angeles-ca, state-of-california."
    )
    name = models.CharField(max_length=200, help_text="E.g. City of Los Angeles.")
    level = models.CharField(
        max_length=10, choices=Level.choices, help_text="Nation, state, county or city."
    )
    state = models.CharField(
        max_length=2,
        blank=True,
        validators=[state_validator],
        help_text="Its state's USPS code; empty for the nation.",
    )
    county = optional_link(
        County,
        on_delete=models.PROTECT,
        related_name="jurisdictions",
        help_text="The county it is, or sits in (a city's county); empty for a state or the "
        "nation, and for a city spread over several counties (New York City).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "state", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="nation", state="", county__isnull=True)
                | Q(level="state", county__isnull=True) & ~Q(state="")
                | Q(level="county", county__isnull=False) & ~Q(state="")
                | Q(level="city") & ~Q(state=""),
                name="jurisdiction_level_matches_place",
            ),
            models.UniqueConstraint(
                fields=["county"],
                condition=Q(level="county"),
                name="jurisdiction_one_per_county",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        if self.level == JurisdictionLevel.COUNTY:
            return reverse("web:county_detail", args=[self.county.fips]) + "#policies"
        return reverse("web:jurisdiction_detail", args=[self.slug])


class Policy(TimeStamped):
    """A dated policy fact: in force from `effective_on` (until `ended_on`, if it ended)."""

    Kind = PolicyKind

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="policies", help_text="Whose policy."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="What kind of policy.")
    title = models.CharField(
        max_length=300,
        help_text="What the policy is, e.g. “Transfers to ICE resume, on judicial warrants only”.",
    )
    summary = newsroom_summary()
    stance = models.CharField(
        max_length=30,
        choices=Stance.choices,
        blank=True,
        help_text="The stance it sets, if it sets one; the county's current stance is that of "
        "its latest policy in force that sets one.",
    )
    effective_on = models.DateField(help_text="When it took effect (or was first reported).")
    ended_on = models.DateField(null=True, blank=True, help_text="When it ended, if it did.")
    uncertain = uncertain_flag()
    sources = models.ManyToManyField(Source, related_name="policies")
    logged_by = recorded_by()
    history = HistoricalRecords()

    class Meta:
        ordering = ["effective_on", "id"]
        verbose_name_plural = "policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("effective_on")),
                name="policy_ended_not_before_effective",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction}: {self.title} ({self.effective_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return f"{self.jurisdiction.get_absolute_url().split('#')[0]}#policy-{self.pk}"
