"""People with dated roles: the sheriff of Los Angeles County since a date, the Attorney General
of California, an inspector general. Responses, figures, threats, press answers and cases link to
the person, so a reader can ask what one official said, reported or threatened, and in which
office."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from requests_tracker.models.fields import LongTextField, TimeStamped, optional_link, uncertain_flag
from requests_tracker.models.jurisdictions import Jurisdiction
from requests_tracker.models.places import Agency
from requests_tracker.models.sources import Source


class Person(TimeStamped):
    slug = models.SlugField(max_length=120, unique=True, help_text="Its short name.")
    name = models.CharField(
        max_length=200, help_text="As the person is named in public, e.g. Robert G. Luna."
    )
    note = LongTextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:person_detail", args=[self.slug])


class Role(TimeStamped):
    """An office a person held, from `started_on` (until `ended_on`, if it ended)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="roles", help_text="Who holds it."
    )
    title = models.CharField(max_length=200, help_text="E.g. Sheriff, Attorney General.")
    jurisdiction = optional_link(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="officials",
        help_text="Whose office it is (Los Angeles County, the State of California).",
    )
    agency = optional_link(
        Agency,
        on_delete=models.PROTECT,
        related_name="officials",
        help_text="The agency the office heads or sits in, if it is on file.",
    )
    started_on = models.DateField(
        null=True, blank=True, help_text="When it began; empty if not known."
    )
    ended_on = models.DateField(
        null=True, blank=True, help_text="When it ended; empty while in office."
    )
    uncertain = uncertain_flag("The dates are reported but not confirmed from a primary source.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="roles")
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="role_ended_not_before_started",
            ),
            models.CheckConstraint(
                condition=Q(jurisdiction__isnull=False) | Q(agency__isnull=False),
                name="role_has_an_office",
            ),
        ]

    def __str__(self) -> str:
        where = self.jurisdiction or self.agency
        return f"{self.title}, {where}"

    def held_on(self, day: dt.date) -> bool:
        started = self.started_on is None or self.started_on <= day
        return started and (self.ended_on is None or day <= self.ended_on)
