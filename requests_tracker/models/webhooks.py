"""Webhook subscriptions and their delivery log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from requests_tracker.choices import ActivityVerb, DeliveryStatus
from requests_tracker.models.activity import Activity
from requests_tracker.models.fields import TimeStamped, recorded_by, validate_uri


class WebhookSubscription(TimeStamped):
    """An external system that wants a signed POST for each new Activity of the chosen kinds."""

    url = models.URLField(max_length=1000, validators=[validate_uri], verbose_name="address")
    secret = models.CharField(max_length=128, help_text="Shared secret for the HMAC signature.")
    event_types = models.JSONField(
        default=list,
        blank=True,
        help_text="Activity verbs to send; empty means every event.",
        verbose_name="events",
    )
    is_active = models.BooleanField(default=True, verbose_name="active")
    consecutive_failures = models.PositiveIntegerField(
        default=0, editable=False, verbose_name="failures in a row"
    )
    disabled_reason = models.CharField(
        max_length=300, blank=True, editable=False, verbose_name="why disabled"
    )
    created_by = recorded_by()
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        unknown = [verb for verb in self.event_types or [] if verb not in ActivityVerb.values]
        if unknown:
            raise ValidationError({"event_types": f"Unknown event types: {', '.join(unknown)}."})


class WebhookDelivery(models.Model):
    Status = DeliveryStatus

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a pending delivery is next tried (or until when an attempt in progress "
        "holds it); empty when it has not been tried yet or is finished.",
    )
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "activity"], name="delivery_once_per_activity"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} → {self.subscription} ({self.status})"
