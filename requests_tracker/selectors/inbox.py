"""The inbox: messages read from the mailbox that wait for the newsroom (docs/mail-in.md)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from requests_tracker.choices import InboundState
from requests_tracker.models import InboundMessage

WAITING = (InboundState.DRAFT, InboundState.UNMATCHED)


def inbox_counts() -> dict[str, int]:
    """Drafts and unmatched messages waiting (one query), for the menu and the inbox."""
    counts = InboundMessage.objects.filter(state__in=WAITING).aggregate(
        drafts=Count("pk", filter=Q(state=InboundState.DRAFT)),
        unmatched=Count("pk", filter=Q(state=InboundState.UNMATCHED)),
    )
    return {key: value or 0 for key, value in counts.items()}


def messages(state: str) -> QuerySet[InboundMessage]:
    """The messages in `state`, newest first, with what the inbox list shows of each."""
    return (
        InboundMessage.objects.filter(state=state)
        .select_related("data_request__county", "campaign")
        .annotate(attachment_count=Count("attachments"))
        .defer("text", "quoted", "headers")
        .order_by("-created_at", "-id")
    )


def message(pk: int) -> InboundMessage:
    """One message with its request, campaign, document and attachments."""
    return (
        InboundMessage.objects.select_related(
            "data_request__county", "campaign", "document", "response", "reviewed_by"
        )
        .prefetch_related("attachments")
        .get(pk=pk)
    )
