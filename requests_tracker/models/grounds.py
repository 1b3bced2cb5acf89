"""Legal grounds: the statutes and ordinances DOJ's demands and the counties' answers cite (SB 54,
8 U.S.C. 1373, ...), as one catalogue, so a reader can ask who cited which."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from requests_tracker.models.fields import LongTextField, TimeStamped, validate_uri
from requests_tracker.models.requests import Campaign, DataRequest, Escalation, Response


class LegalGround(TimeStamped):
    """One law or ordinance, and the records that cite it (kept by services/grounds.py)."""

    class Level(models.TextChoices):
        FEDERAL = "federal", "Federal"
        STATE = "state", "State"
        LOCAL = "local", "Local"

    slug = models.SlugField(max_length=60, unique=True, help_text="Its short name.")
    name = models.CharField(max_length=200, help_text="E.g. SB 54, the California Values Act.")
    citation = models.CharField(max_length=200, help_text="E.g. Cal. Gov. Code 7284 et seq.")
    level = models.CharField(
        max_length=10, choices=Level.choices, help_text="Federal, state or local."
    )
    summary = LongTextField(blank=True, help_text="What it says that matters here.")
    url = models.URLField(max_length=1000, blank=True, validators=[validate_uri])
    campaigns = models.ManyToManyField(Campaign, blank=True, related_name="legal_grounds")
    requests = models.ManyToManyField(DataRequest, blank=True, related_name="legal_grounds")
    responses = models.ManyToManyField(Response, blank=True, related_name="legal_grounds")
    escalations = models.ManyToManyField(Escalation, blank=True, related_name="legal_grounds")
    cases = models.ManyToManyField(
        "requests_tracker.Case", blank=True, related_name="legal_grounds"
    )

    class Meta:
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:legal_ground", args=[self.slug])
