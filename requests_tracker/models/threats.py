"""Threats: what DOJ said it would do if a county did not comply (subpoenas, suits, other
compulsory process), when and in which document, and whether it ever did it.

A threat belongs to a campaign (the letter every county got) or to one request. It is carried out
by the escalation that made it good; until then pages and the API say "threatened on ..., not
carried out after N days", so a threat that was never acted on is a fact on file, not a line of
summary text."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from requests_tracker.choices import ThreatKind
from requests_tracker.models.embargo import Embargoable
from requests_tracker.models.fields import TimeStamped, newsroom_summary, optional_link, recorded_by
from requests_tracker.models.requests import Campaign, DataRequest, Escalation
from requests_tracker.models.sources import Source


class Threat(Embargoable, TimeStamped):
    Kind = ThreatKind
    embargo_parents = ("request",)

    campaign = optional_link(
        Campaign,
        on_delete=models.CASCADE,
        related_name="threats",
        help_text="The campaign whose letter made it (else empty).",
    )
    request = optional_link(
        DataRequest,
        on_delete=models.CASCADE,
        related_name="threats",
        help_text="The one request it was made to (else empty).",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, help_text="What was threatened.")
    threatened_on = models.DateField(help_text="The day it was made.")
    threatened_by = models.CharField(
        max_length=200, help_text="Who made the threat, e.g. the U.S. Department of Justice."
    )
    person = optional_link(
        "requests_tracker.Person",
        on_delete=models.SET_NULL,
        related_name="threats",
        help_text="The official who made it, if on file.",
    )
    condition = models.CharField(
        max_length=500,
        blank=True,
        help_text="The words of the threat or its condition, e.g. “if they did not comply”.",
    )
    summary = newsroom_summary()
    carried_out_by = optional_link(
        Escalation,
        on_delete=models.SET_NULL,
        related_name="carries_out",
        help_text="The escalation that made the threat good, if one did.",
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="threats")
    logged_by = recorded_by()
    history = HistoricalRecords()

    class Meta:
        ordering = ["threatened_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(campaign__isnull=False, request__isnull=True)
                | Q(campaign__isnull=True, request__isnull=False),
                name="threat_of_a_campaign_or_a_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} threatened on {self.threatened_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        """The threat on its campaign's page, or on its request's: from the ids alone, so a list
        of threats reads no campaign or request to link each."""
        if self.campaign_id is not None:
            page = reverse("web:campaign_detail", args=[self.campaign_id])
        else:
            page = reverse("web:request_detail", args=[self.request_id])
        return f"{page}#threat-{self.pk}"

    @property
    def carried_out(self) -> bool:
        return self.carried_out_by_id is not None

    def days_not_carried_out(self, today: dt.date) -> int | None:
        """Days since the threat while nothing carried it out (None once something did)."""
        if self.carried_out:
            return None
        return max((today - self.threatened_on).days, 0)
