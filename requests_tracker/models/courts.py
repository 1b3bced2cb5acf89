"""Court cases: the suits, enforcement actions and motions DOJ's demands end in, and their docket
entries (each one a source of kind "court filing"), followed through CourtListener."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from requests_tracker.choices import CHALLENGE_KINDS, CaseKind, CaseStatus, PartyRole
from requests_tracker.models.fields import TimeStamped, newsroom_summary
from requests_tracker.models.places import County
from requests_tracker.models.requests import DataRequest, Escalation
from requests_tracker.models.sources import Source

DESCRIPTION_MAX_LENGTH = 10_000


class Case(TimeStamped):
    """A case in a court, with the jurisdictions, requests and escalations it concerns.

    `counties` are where the parties sit (a suit against the City of Los Angeles belongs to Los
    Angeles County's page); `requests` and `escalations` are what it enforces or challenges (a
    subpoena's enforcement action, a motion to quash, a suit over a refusal)."""

    Status = CaseStatus
    Kind = CaseKind

    title = models.CharField(max_length=300, help_text="The case's name.")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.SUIT_BY_DOJ,
        help_text="Which way it runs: DOJ in court against a jurisdiction, or a challenge to "
        "DOJ by a county, a city or a state.",
    )
    court = models.CharField(max_length=200, help_text="The court.")
    docket_number = models.CharField(max_length=100, help_text="Its number on the court's docket.")
    parties = models.CharField(
        max_length=1000,
        blank=True,
        help_text="Who is suing whom, as the docket names them (e.g. United States, plaintiff; "
        "City of Los Angeles, defendant).",
    )
    summary = newsroom_summary()
    filed_on = models.DateField(help_text="The day it was filed.")
    closed_on = models.DateField(null=True, blank=True, help_text="The day it ended.")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, help_text="Where it stands."
    )
    outcome = models.CharField(
        max_length=500,
        blank=True,
        help_text="How it ended, in a line (e.g. dismissed without prejudice; motion granted).",
    )
    jurisdictions = models.ManyToManyField(
        "requests_tracker.Jurisdiction", through="CaseParty", blank=True, related_name="cases"
    )
    people = models.ManyToManyField(
        "requests_tracker.Person",
        blank=True,
        related_name="cases",
        help_text="Officials named in it or acting in it.",
    )
    counties = models.ManyToManyField(County, blank=True, related_name="cases")
    requests = models.ManyToManyField(DataRequest, blank=True, related_name="cases")
    escalations = models.ManyToManyField(Escalation, blank=True, related_name="cases")
    sources = models.ManyToManyField(Source, blank=True, related_name="cases")
    courtlistener_docket_id = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        unique=True,
        help_text="Its docket's id on CourtListener, from which new entries arrive.",
    )
    courtlistener_alert_id = models.PositiveBigIntegerField(
        null=True, blank=True, editable=False, help_text="The docket alert this app holds."
    )
    synced_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When entries were last fetched."
    )
    history = HistoricalRecords(excluded_fields=["synced_at", "courtlistener_alert_id"])

    class Meta:
        ordering = ["-filed_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["court", "docket_number"], name="case_unique_docket"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("filed_on")),
                name="case_closed_not_before_filed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, No. {self.docket_number} ({self.court})"

    def get_absolute_url(self) -> str:
        return reverse("web:case_detail", args=[self.pk])

    @property
    def is_challenge(self) -> bool:
        """Brought against DOJ's demands (an appeal counts when DOJ is not the appellant)."""
        if self.kind != CaseKind.APPEAL:
            return self.kind in CHALLENGE_KINDS
        appellants = [p for p in self.parties_in.all() if p.role == PartyRole.APPELLANT]
        return any(party.jurisdiction.level != "nation" for party in appellants)

    @property
    def courtlistener_url(self) -> str:
        if self.courtlistener_docket_id is None:
            return ""
        # CourtListener's docket pages end in a slug, any slug.
        return f"https://www.courtlistener.com/docket/{self.courtlistener_docket_id}/docket/"


class CaseParty(models.Model):
    """A jurisdiction's part in a case: the United States as plaintiff, the City of Los Angeles
    as defendant, a county as movant on its motion to quash."""

    Role = PartyRole

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="parties_in", help_text="The case."
    )
    jurisdiction = models.ForeignKey(
        "requests_tracker.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="parties_in",
        help_text="The party.",
    )
    role = models.CharField(max_length=20, choices=Role.choices, help_text="Its part in the case.")

    class Meta:
        ordering = ["case", "role", "jurisdiction"]
        verbose_name_plural = "case parties"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "jurisdiction", "role"], name="case_party_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} ({self.get_role_display().lower()})"


class DocketEntry(models.Model):
    """One filing on a case's docket, with the source that holds its document."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="entries", help_text="The case."
    )
    entry_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="Its number on the docket (empty: unnumbered)."
    )
    filed_on = models.DateField(help_text="The day it was filed.")
    description = models.TextField(
        max_length=DESCRIPTION_MAX_LENGTH, help_text="The docket's text."
    )
    source = models.OneToOneField(Source, on_delete=models.PROTECT, related_name="docket_entry")
    courtlistener_id = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    needs_review = models.BooleanField(
        default=False,
        help_text="Looks like a court's order on a subpoena: an editor should read it.",
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["filed_on", "entry_number", "id"]
        verbose_name_plural = "docket entries"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "entry_number"],
                condition=Q(entry_number__isnull=False),
                name="docket_entry_unique_number",
            ),
        ]

    def __str__(self) -> str:
        number = f"#{self.entry_number} " if self.entry_number is not None else ""
        return f"{number}{self.filed_on}: {self.description[:80]}"


class CourtListenerDelivery(models.Model):
    """A docket-alert webhook delivery as received: kept once per Idempotency-Key, so a delivery
    CourtListener retries is stored and processed once; the worker records its entries."""

    idempotency_key = models.CharField(max_length=128, unique=True)
    docket_id = models.PositiveBigIntegerField()
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    processed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name_plural = "CourtListener deliveries"
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(processed_at__isnull=True),
                name="delivery_unprocessed",
            )
        ]

    def __str__(self) -> str:
        return f"docket {self.docket_id}, {self.received_at:%Y-%m-%d %H:%M}"
