"""The event log, and who follows what in it (watches, private feed tokens)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from requests_tracker.choices import ActivityVerb, WatchFrequency
from requests_tracker.models.fields import optional_link, recorded_by
from requests_tracker.models.places import County
from requests_tracker.models.requests import Campaign, DataRequest, Escalation, Response


class Activity(models.Model):
    """Append-only event log. Feeds the timeline, dashboard, Atom feed, API, digests, webhooks.

    Two times: `occurred_on`, the day the event happened (the letter's date, the day an answer
    was received, the first overdue day; the day of recording for edits), which timelines are
    ordered by; and `created_at`, when it was recorded, which the changes feed is ordered by.
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    occurred_on = models.DateField(
        default=timezone.localdate, help_text="The day the event happened (not when recorded)."
    )
    verb = models.CharField(
        max_length=30, choices=ActivityVerb.choices, help_text="What kind of event."
    )
    county = optional_link(
        County, on_delete=models.CASCADE, related_name="activity", help_text="The county."
    )
    campaign = optional_link(
        Campaign, on_delete=models.CASCADE, related_name="activity", help_text="The campaign."
    )
    request = optional_link(
        DataRequest, on_delete=models.CASCADE, related_name="activity", help_text="The request."
    )
    response = optional_link(
        Response, on_delete=models.SET_NULL, related_name="activity", help_text="The response."
    )
    escalation = optional_link(
        Escalation, on_delete=models.SET_NULL, related_name="activity", help_text="The escalation."
    )
    actor = recorded_by()
    summary = models.CharField(max_length=500, help_text="The event in one line.")
    data = models.JSONField(default=dict, blank=True)
    # Events about a record under embargo are held: newsroom members see them, nobody else does,
    # and webhooks and digests skip them. `held_for` names the records holding the event
    # (Embargoable.embargo_key); when the last one lifts, the event is released with the lift
    # time as its `created_at`, so feeds, webhooks and watchers take it up then
    # (services/embargo.py).
    # Database defaults too: set-based writers (flag_overdue's INSERT … SELECT) leave them out.
    embargoed = models.BooleanField(default=False, db_default=False, editable=False)
    held_for = models.JSONField(default=list, db_default=[], blank=True, editable=False)

    superseded_by: Activity | None = None
    """Not stored: the later event that undid this one, where a timeline has worked it out
    (selectors.activity.with_superseded_flags); None on every other list, so that a template
    asking for it finds an answer rather than a failed lookup."""

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "activity"
        indexes = [
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["verb", "created_at"]),
            models.Index(fields=["request", "created_at"]),
            models.Index(fields=["county", "created_at"]),
            models.Index(fields=["request", "occurred_on", "created_at"]),
            models.Index(fields=["id"], condition=Q(embargoed=True), name="activity_held"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.summary}"

    def get_absolute_url(self) -> str:
        """The page of what the event is about: its request, else its campaign, else its county
        (whose row must be loaded: select_related("county")), else the dashboard."""
        if self.request_id:
            return reverse("web:request_detail", args=[self.request_id])
        if self.campaign_id:
            return reverse("web:campaign_detail", args=[self.campaign_id])
        if self.county_id:
            return self.county.get_absolute_url()
        return reverse("web:dashboard")


class Watch(models.Model):
    """A user follows exactly one county, campaign or request and gets digests of its changes."""

    Frequency = WatchFrequency

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.CASCADE)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE)
    request = models.ForeignKey(DataRequest, null=True, blank=True, on_delete=models.CASCADE)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    last_sent_activity = optional_link(
        Activity,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The newest event already sent in a digest; later ones are sent next time.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "watches"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(county__isnull=False, campaign__isnull=True, request__isnull=True)
                    | Q(county__isnull=True, campaign__isnull=False, request__isnull=True)
                    | Q(county__isnull=True, campaign__isnull=True, request__isnull=False)
                ),
                name="watch_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "county"], name="watch_unique_county"),
            models.UniqueConstraint(fields=["user", "campaign"], name="watch_unique_campaign"),
            models.UniqueConstraint(fields=["user", "request"], name="watch_unique_request"),
        ]

    def __str__(self) -> str:
        return f"{self.user} watches {self.target}"

    @property
    def target(self) -> County | Campaign | DataRequest:
        return self.county or self.campaign or self.request


class FeedToken(models.Model):
    """A user's feed secret: private feed addresses are signed over it (feed_tokens.py), so a feed
    reader that cannot sign in still reads as the user. Replacing it revokes every address made
    before; until the first revocation there is no row and the secret is empty."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    key = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"Feed token of {self.user}"
