"""The other records as the admin, API and pages list them: sources, reported figures, agencies,
webhook subscriptions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Model,
    Prefetch,
    QuerySet,
)

from requests_tracker.models import (
    Agency,
    Campaign,
    DataRequest,
    Escalation,
    ReportedFigure,
    Response,
    Source,
    WebhookSubscription,
)
from requests_tracker.selectors import visibility


def sources_on_file(reader: Any) -> QuerySet[Source]:
    """Sources with who added and verified them, and the ids of every record that cites them
    that `reader` may meet (selectors/visibility.py)."""

    def ids(model: type[Model]) -> QuerySet:
        return visibility.shown_to(model.objects.only("id").order_by("id"), reader)

    return Source.objects.select_related("created_by", "verified_by").prefetch_related(
        Prefetch("requests", queryset=ids(DataRequest)),
        Prefetch("responses", queryset=ids(Response)),
        Prefetch("escalations", queryset=ids(Escalation)),
        Prefetch("campaigns", queryset=Campaign.objects.only("id").order_by("id")),
    )


def reported_figures() -> QuerySet[ReportedFigure]:
    """Figures officials reported, with their county, source and who logged them."""
    return ReportedFigure.objects.select_related(
        "metric", "county", "person", "source", "logged_by"
    )


def agencies() -> QuerySet[Agency]:
    """Issuing and responding bodies, with the county a local one belongs to."""
    return Agency.objects.select_related("county")


def webhook_subscriptions() -> QuerySet[WebhookSubscription]:
    """Webhook subscriptions with who created them."""
    return WebhookSubscription.objects.select_related("created_by")


__all__ = ["sources_on_file", "reported_figures", "agencies", "webhook_subscriptions"]
