"""What DOJ asked for (campaigns and requests) and what happened next (responses, escalations)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from requests_tracker.choices import (
    DueBasis,
    EscalationKind,
    EscalationStatus,
    RequestStatus,
    ResponseKind,
)
from requests_tracker.models.embargo import Embargoable
from requests_tracker.models.fields import (
    LongTextField,
    TimeStamped,
    derived_flag,
    newsroom_summary,
    optional_link,
    recorded_by,
    validate_categories,
    validate_uri,
    written_by_services,
)
from requests_tracker.models.places import Agency, County
from requests_tracker.models.sources import Source

NOT_OVERDUE_RANK = dt.date(9999, 12, 31)
"""Stands in for "not overdue" when ordering by days overdue, so the ordering key is never null."""


def letter_deadline() -> tuple[models.Field, ...]:
    """What a DOJ letter says of time, a campaign's or a request's alike: its date, its due date
    (after any extension), how that was set and in which words. Declared where the model lists
    them, so they keep their place among its fields."""
    return (
        models.DateField(help_text="The letter's date."),
        models.DateField(help_text="The deadline (after any extension)."),
        models.CharField(
            max_length=20, choices=DueBasis.choices, help_text="How the deadline was set."
        ),
        models.CharField(
            max_length=500,
            help_text="The deadline's words as quoted, or the rule used to compute it.",
            verbose_name="deadline rule",
        ),
    )


def letter_demand() -> tuple[models.Field, ...]:
    """What a DOJ letter asks for and under which authority, and the newsroom's summary of it."""
    return (
        models.JSONField(
            default=list, validators=[validate_categories], help_text="What DOJ asked for."
        ),
        models.CharField(max_length=500, blank=True, help_text="What DOJ cited."),
        newsroom_summary(),
    )


class Campaign(TimeStamped):
    """One DOJ action sent to many counties at once: same letter, date, authority and deadline."""

    title = models.CharField(max_length=300, help_text="The campaign's title.")
    issuing_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="campaigns", help_text="Who issued it."
    )
    issued_on, due_on, due_basis, due_rule = letter_deadline()
    data_sought, legal_authority, summary = letter_demand()
    sources = models.ManyToManyField(Source, blank=True, related_name="campaigns")
    pinned = models.BooleanField(
        default=False,
        help_text="Shown first on the dashboard, before the newest campaigns (an editor's choice).",
    )
    created_by = recorded_by()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("issued_on")), name="campaign_due_not_before_issue"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:campaign_detail", args=[self.pk])


class DataRequest(Embargoable, TimeStamped):
    """What one county was asked for, by whom, by when, under which authority."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="requests", help_text="The county asked."
    )
    campaign = optional_link(
        Campaign,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text="The campaign the letter belongs to.",
    )
    issuing_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="requests", help_text="Who asked."
    )
    addressee = models.CharField(
        max_length=200, blank=True, help_text="Who the letter was addressed to, e.g. the sheriff."
    )
    issued_on, due_on, due_basis, due_rule = letter_deadline()
    # The deadline an extension moved, kept on the row so withdrawing the extension restores it;
    # empty while no extension has moved the due date.
    original_due_on = written_by_services(models.DateField)
    original_due_basis = models.CharField(
        max_length=20, choices=DueBasis.choices, blank=True, editable=False
    )
    original_due_rule = models.CharField(max_length=500, blank=True, editable=False)
    data_sought, legal_authority, summary = letter_demand()
    internal_note = LongTextField(
        blank=True, help_text="Newsroom-only; never shown to anonymous readers."
    )
    status = models.CharField(
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.AWAITING,
        editable=False,
        help_text="Where the request stands (derived from its answers and escalations).",
    )
    overdue_since = written_by_services(
        models.DateField, help_text="The first day past the deadline, while overdue."
    )
    first_response_on = written_by_services(
        models.DateField,
        help_text="The county's first answer of any kind but a public statement (workflow.py).",
    )
    first_answer_on = written_by_services(
        models.DateField,
        help_text="The county's first substantive answer: complied, partial, declined, no records.",
    )
    declined_on_file = derived_flag(
        "The county has a declined answer on file, whatever came after it (workflow.py)."
    )
    escalation_filed = derived_flag(
        "DOJ has filed at least one escalation on the request, whatever its outcome."
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="requests")
    created_by = recorded_by()
    history = HistoricalRecords()

    DERIVED_FIELDS = (
        "status",
        "overdue_since",
        "first_response_on",
        "first_answer_on",
        "declined_on_file",
        "escalation_filed",
    )
    """Derived from its answers (workflow.py) by services/status.py, never typed in."""
    DUE_FIELDS = (
        "due_on",
        "due_basis",
        "due_rule",
        "original_due_on",
        "original_due_basis",
        "original_due_rule",
    )
    """Its deadline and the one an extension replaced, as services/responses.py moves them."""

    class Meta:
        ordering = ["-issued_on", "id"]
        verbose_name = "data request"
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("issued_on")), name="request_due_not_before_issue"
            ),
            models.UniqueConstraint(
                fields=["county", "campaign"],
                condition=Q(campaign__isnull=False),
                name="request_one_per_county_per_campaign",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["due_on"]),
            models.Index(fields=["issued_on"]),
            models.Index(fields=["overdue_since"]),
            models.Index(fields=["county", "status"]),
            models.Index(fields=["updated_at", "id"]),
            # Newest first (lists and pages of requests), without sorting a day's requests.
            models.Index(fields=["-issued_on", "-id"], name="request_newest_first"),
            # The same within a status (the API list filtered by status, a state's counties
            # checked as the index is walked), so a page does not sort every match.
            models.Index(fields=["status", "-issued_on", "-id"], name="request_status_newest"),
            # A county's latest request (the map), without reading its history.
            models.Index(fields=["county", "-issued_on", "-id"], name="request_county_latest"),
            # "Days overdue" order (the dashboard's overdue list, any sorted list) without sorting
            # every overdue request: the expression selectors.data_requests orders by.
            models.Index(
                Coalesce("overdue_since", Value(NOT_OVERDUE_RANK), output_field=models.DateField()),
                models.F("id"),
                name="request_overdue_rank",
            ),
            models.Index(
                fields=["embargo_until"], condition=Q(embargoed=True), name="request_held"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} — {self.issued_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("web:request_detail", args=[self.pk])

    def clean(self) -> None:
        if self.issued_on and self.due_on and self.due_on < self.issued_on:
            raise ValidationError({"due_on": "The due date cannot be before the issue date."})


class Response(Embargoable, TimeStamped):
    """A county's answer to a request (or an extension DOJ granted it)."""

    embargo_parents = ("request",)

    request = models.ForeignKey(
        DataRequest,
        on_delete=models.CASCADE,
        related_name="responses",
        help_text="The request answered.",
    )
    received_on = models.DateField(help_text="When the answer came.")
    responding_agency = optional_link(
        Agency, on_delete=models.PROTECT, related_name="responses", help_text="Who answered."
    )
    official = models.CharField(
        max_length=200, blank=True, help_text="Name and title of who answered."
    )
    person = optional_link(
        "requests_tracker.Person",
        on_delete=models.SET_NULL,
        related_name="responses",
        help_text="The official who gave it, if on file (people and their dated roles).",
    )
    kind = models.CharField(
        max_length=30, choices=ResponseKind.choices, help_text="What kind of answer it was."
    )
    categories_provided = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_categories],
        help_text="What the county handed over: a subset of what the request sought.",
    )
    records_provided = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many records were given."
    )
    legal_basis_cited = models.CharField(
        max_length=500, blank=True, help_text="The county's counter-authority, e.g. SB 54."
    )
    said_at = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where it was said: a letter to DOJ, a news conference, a board meeting, a "
        "statement to a reporter.",
        verbose_name="where said",
    )
    already_public_url = models.URLField(
        max_length=1000,
        blank=True,
        validators=[validate_uri],
        help_text="Where the answer says the information asked for is already public.",
        verbose_name="already public at",
    )
    new_due_on = models.DateField(
        null=True,
        blank=True,
        help_text="The new deadline an extension set.",
        verbose_name="new due date",
    )
    summary = newsroom_summary()
    quotation = LongTextField(blank=True, help_text="A short quotation of the answer.")
    sources = models.ManyToManyField(Source, blank=True, related_name="responses")
    logged_by = recorded_by()
    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="extension_granted") | Q(new_due_on__isnull=False),
                name="response_extension_has_new_due_date",
            ),
        ]
        indexes = [
            models.Index(fields=["request", "received_on"]),
            models.Index(
                fields=["embargo_until"], condition=Q(embargoed=True), name="response_held"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.received_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        """The response on its request's page."""
        return f"{reverse('web:request_detail', args=[self.request_id])}#response-{self.pk}"


class Escalation(Embargoable, TimeStamped):
    """DOJ's next step on a request; `follows` links the ladder (letter → subpoena → suit)."""

    embargo_parents = ("request",)

    request = models.ForeignKey(
        DataRequest,
        on_delete=models.CASCADE,
        related_name="escalations",
        help_text="The request escalated.",
    )
    kind = models.CharField(
        max_length=30, choices=EscalationKind.choices, help_text="What DOJ did."
    )
    follows = optional_link(
        "self",
        on_delete=models.SET_NULL,
        related_name="followed_by",
        help_text="The earlier step this one builds on.",
    )
    issued_on = models.DateField(help_text="When it was issued.")
    due_on = models.DateField(null=True, blank=True, help_text="Compliance or return date.")
    court = models.CharField(max_length=200, blank=True, help_text="The court.")
    case_number = models.CharField(
        max_length=100, blank=True, db_index=True, help_text="The case number."
    )
    status = models.CharField(
        max_length=20,
        choices=EscalationStatus.choices,
        default=EscalationStatus.OPEN,
        help_text="Where it stands.",
    )
    overdue_since = written_by_services(
        models.DateField, help_text="The first day past its due date, while overdue."
    )
    summary = newsroom_summary()
    sources = models.ManyToManyField(Source, blank=True, related_name="escalations")
    logged_by = recorded_by()
    history = HistoricalRecords()

    class Meta:
        ordering = ["issued_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=models.F("issued_on")),
                name="escalation_due_not_before_issue",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["overdue_since"]),
            models.Index(
                fields=["embargo_until"], condition=Q(embargoed=True), name="escalation_held"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.issued_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        """The escalation on its request's page."""
        return f"{reverse('web:request_detail', args=[self.request_id])}#escalation-{self.pk}"
