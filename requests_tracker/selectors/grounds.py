"""Legal grounds as the pages show them: the catalogue with how often each is cited, and one
ground with everything that cites it."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from requests_tracker.models import LegalGround


def grounds() -> QuerySet[LegalGround]:
    return LegalGround.objects.annotate(
        response_count=Count("responses", distinct=True),
        request_count=Count("requests", distinct=True),
        campaign_count=Count("campaigns", distinct=True),
        escalation_count=Count("escalations", distinct=True),
    ).order_by("level", "name")


def citing(ground: LegalGround) -> dict[str, list]:
    """Who cited `ground`: campaigns, requests, escalations and responses (with their counties)."""
    return {
        "campaigns": list(ground.campaigns.order_by("-issued_on")),
        "requests": list(ground.requests.select_related("county").order_by("-issued_on", "id")),
        "responses": list(
            ground.responses.select_related("request__county", "responding_agency").order_by(
                "-received_on", "id"
            )
        ),
        "escalations": list(
            ground.escalations.select_related("request__county").order_by("-issued_on", "id")
        ),
    }
