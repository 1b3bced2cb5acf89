"""Legal grounds as the pages show them: the catalogue with how often each is cited, and one
ground with everything that cites it, as the reader may see it (selectors.visibility: a held
record is counted by nobody and listed for the newsroom only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from requests_tracker.models import DataRequest, Escalation, LegalGround, Response
from requests_tracker.selectors.visibility import published_q, shown_to


def grounds() -> QuerySet[LegalGround]:
    return LegalGround.objects.annotate(
        response_count=Count(
            "responses", filter=published_q(Response, "responses__"), distinct=True
        ),
        request_count=Count(
            "requests", filter=published_q(DataRequest, "requests__"), distinct=True
        ),
        campaign_count=Count("campaigns", distinct=True),
        escalation_count=Count(
            "escalations", filter=published_q(Escalation, "escalations__"), distinct=True
        ),
    ).order_by("level", "name")


def citing(ground: LegalGround, reader: Any) -> dict[str, list]:
    """Who cited `ground`: campaigns, requests, escalations, responses (with their counties) and
    cases."""
    return {
        "campaigns": list(ground.campaigns.order_by("-issued_on")),
        "requests": list(
            shown_to(ground.requests.all(), reader)
            .select_related("county")
            .order_by("-issued_on", "id")
        ),
        "responses": list(
            shown_to(ground.responses.all(), reader)
            .select_related("request__county", "responding_agency")
            .order_by("-received_on", "id")
        ),
        "escalations": list(
            shown_to(ground.escalations.all(), reader)
            .select_related("request__county")
            .order_by("-issued_on", "id")
        ),
        "cases": list(ground.cases.order_by("-filed_on", "id")),
    }
