"""Counties and agencies: who is asked, who asks, who answers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from requests_tracker.choices import Stance
from requests_tracker.models.fields import (
    TimeStamped,
    fips_validator,
    optional_link,
    state_validator,
)
from requests_tracker.models.sources import Source


class County(TimeStamped):
    SanctuaryStatus = Stance

    name = models.CharField(max_length=100, help_text="The county's name.")
    state = models.CharField(
        max_length=2,
        validators=[state_validator],
        db_index=True,
        help_text="Its state's two-letter USPS code.",
    )
    fips = models.CharField(
        max_length=5,
        unique=True,
        validators=[fips_validator],
        help_text="The county's five-digit FIPS code.",
    )
    slug = models.SlugField(max_length=120)
    sanctuary_status = models.CharField(
        max_length=30,
        choices=SanctuaryStatus.choices,
        default=SanctuaryStatus.UNKNOWN,
        editable=False,
        help_text="Its cooperation with immigration enforcement: the stance of its latest policy "
        "in force that sets one.",
    )
    sanctuary_source = optional_link(
        Source,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The source of that policy.",
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

    name = models.CharField(max_length=200, help_text="The agency's name.")
    level = models.CharField(
        max_length=10, choices=Level.choices, help_text="Federal, state, county or city."
    )
    county = optional_link(
        County,
        on_delete=models.PROTECT,
        related_name="agencies",
        help_text="The county of a local agency.",
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
