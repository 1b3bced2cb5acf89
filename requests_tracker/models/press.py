"""Press answers: what a reporter was told when asking about a request ("the Attorney General's
office did not comment", "the County referred questions to the Sheriff").

They are not answers to DOJ, so they never change a request's status: they are a record of their
own, against a campaign, a request, or a jurisdiction the press asked (one of them)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from requests_tracker.choices import PressAnswerKind
from requests_tracker.models.fields import (
    TimeStamped,
    newsroom_summary,
    optional_link,
    recorded_by,
    uncertain_flag,
)
from requests_tracker.models.jurisdictions import Jurisdiction
from requests_tracker.models.people import Person
from requests_tracker.models.requests import Campaign, DataRequest
from requests_tracker.models.sources import Source


class PressAnswer(TimeStamped):
    Kind = PressAnswerKind

    kind = models.CharField(
        max_length=20, choices=Kind.choices, help_text="What the press was told."
    )
    campaign = optional_link(
        Campaign,
        on_delete=models.CASCADE,
        related_name="press_answers",
        help_text="The campaign asked about.",
    )
    request = optional_link(
        DataRequest,
        on_delete=models.CASCADE,
        related_name="press_answers",
        help_text="The request asked about.",
    )
    jurisdiction = optional_link(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="press_answers",
        help_text="Whom the press asked, when it was not a county DOJ asked (e.g. the State of "
        "California for its Attorney General).",
    )
    answered_by = models.CharField(
        max_length=200, help_text="Who answered (or did not), e.g. the Attorney General's office."
    )
    person = optional_link(
        Person,
        on_delete=models.SET_NULL,
        related_name="press_answers",
        help_text="That official, if on file.",
    )
    referred_to = models.CharField(
        max_length=200, blank=True, help_text="For a referral: to whom questions were sent."
    )
    answered_on = models.DateField(help_text="When the answer (or the silence) was reported.")
    summary = newsroom_summary()
    uncertain = uncertain_flag(
        "Reported but not confirmed from the outlet that asked: shown labelled uncertain."
    )
    sources = models.ManyToManyField(Source, related_name="press_answers")
    logged_by = recorded_by()
    history = HistoricalRecords()

    class Meta:
        ordering = ["answered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(campaign__isnull=False, request__isnull=True, jurisdiction__isnull=True)
                | Q(campaign__isnull=True, request__isnull=False, jurisdiction__isnull=True)
                | Q(campaign__isnull=True, request__isnull=True, jurisdiction__isnull=False),
                name="press_answer_about_one_thing",
            ),
            models.CheckConstraint(
                condition=~Q(kind="referred") | ~Q(referred_to=""),
                name="press_answer_referral_says_to_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answered_by}: {self.get_kind_display().lower()} ({self.answered_on})"

    def get_absolute_url(self) -> str:
        target = self.campaign or self.request
        if target is not None:
            return f"{target.get_absolute_url()}#press-{self.pk}"
        return f"{self.jurisdiction.get_absolute_url().split('#')[0]}#press-{self.pk}"
