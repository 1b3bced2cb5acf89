"""Mail in: the messages read from the newsroom's mailbox, and the senders known per county.

A message is kept once (by its Message-ID, or its SHA-256 when it has none). A matched message
is a draft response waiting for a journalist; nothing it says changes a request until the draft
is accepted through the response service (services/mail.py, docs/mail-in.md)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from requests_tracker.choices import InboundState, MatchedBy, ResponseKind
from requests_tracker.models.fields import LongTextField, TimeStamped, optional_link, recorded_by
from requests_tracker.models.places import County
from requests_tracker.models.requests import Campaign, DataRequest, Response
from requests_tracker.models.sources import Source


class InboundMessage(TimeStamped):
    """One message fetched from the mailbox: who sent it, what it says, what it carried, and what
    the newsroom made of it."""

    State = InboundState

    message_id = models.CharField(max_length=998, blank=True, help_text="Without angle brackets.")
    sha256 = models.CharField(max_length=64, help_text="Of the raw message as fetched.")
    size = models.PositiveBigIntegerField(help_text="The raw message's size in bytes.")
    sender = models.CharField(max_length=254, blank=True)
    sender_name = models.CharField(max_length=200, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True, help_text="The headers that matter.")
    text = LongTextField(blank=True, help_text="The reply's own words, as plain text.")
    quoted = LongTextField(blank=True, help_text="Earlier messages it quotes or forwards.")
    notes = models.JSONField(
        default=list, blank=True, help_text="What was left out of the message, and why."
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.UNMATCHED)
    refused_reason = models.CharField(max_length=500, blank=True)
    data_request = optional_link(
        DataRequest,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    campaign = optional_link(Campaign, on_delete=models.SET_NULL, related_name="+")
    matched_by = models.CharField(max_length=20, choices=MatchedBy.choices, blank=True)
    match_note = models.CharField(
        max_length=500, blank=True, help_text="How it was matched, or why it could not be."
    )
    guessed_kind = models.CharField(max_length=30, choices=ResponseKind.choices, blank=True)
    guess_words = models.JSONField(
        default=list, blank=True, help_text="The words of the message that led to the guess."
    )
    document = optional_link(
        Source,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The message itself as a source document (its headers and text).",
    )
    attachments = models.ManyToManyField(Source, blank=True, related_name="inbound_messages")
    response = models.OneToOneField(
        Response,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_message",
    )
    reviewed_by = recorded_by()
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~Q(message_id=""),
                name="inbound_message_once_per_message_id",
            ),
            models.UniqueConstraint(
                fields=["sha256"],
                condition=Q(message_id=""),
                name="inbound_message_once_per_body_without_id",
            ),
            models.CheckConstraint(
                condition=~Q(state="draft") | Q(data_request__isnull=False),
                name="inbound_draft_has_request",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(response__isnull=False),
                name="inbound_accepted_has_response",
            ),
        ]
        indexes = [models.Index(fields=["state", "-created_at"])]

    def __str__(self) -> str:
        return self.subject or f"Message from {self.sender or 'an unknown sender'}"

    def get_absolute_url(self) -> str:
        return reverse("web:inbox_message", args=[self.pk])


class MailSender(TimeStamped):
    """An address (`sheriff@county.example`) or a whole domain (`county.example`) a county
    writes from: mail from it without a signed reply address is matched to the county."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="mail_senders")
    address = models.CharField(
        max_length=254,
        help_text="An e-mail address, or a domain for every address at it (no @).",
    )

    class Meta:
        ordering = ["county", "address"]
        constraints = [
            models.UniqueConstraint(fields=["address"], name="mail_sender_unique_address"),
            models.CheckConstraint(
                condition=Q(address=models.functions.Lower("address")),
                name="mail_sender_lowercase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.county})"

    def clean(self) -> None:
        self.address = self.address.strip().lower()
