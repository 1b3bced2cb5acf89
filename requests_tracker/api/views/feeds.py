"""The changes feed, the numbers for dashboards, and webhook subscriptions."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from requests_tracker import page_cache, permissions, selectors, services
from requests_tracker.api import schema, serializers
from requests_tracker.api.pagination import ActivityFeedPagination
from requests_tracker.api.renderers import OrjsonRenderer
from requests_tracker.api.views.base import (
    LIST_ACTIONS,
    CreateAction,
    DestroyAction,
    ListAction,
    PrivateAnswers,
    RetrieveAction,
    TrackerViewSet,
    UpdateAction,
    serializer_columns,
)
from requests_tracker.api.views.places import COUNTY_COLUMNS
from requests_tracker.lists import filters
from requests_tracker.models import DataRequest
from requests_tracker.selectors import documents


@schema.documented(
    list="The changes feed: every event (request issued, response logged, status changed, "
    "became overdue, ...) in the order (created_at, id). Start with `since` (or from the "
    "beginning), follow `next` while `has_more` is true, and keep the last `next` link: "
    "fetching it later returns only events you have not seen, each exactly once, even while "
    "others write. Events appear a second or so after they are committed.",
    retrieve="One event.",
    list_examples=schema.ACTIVITY_EXAMPLES,
)
class ActivityViewSet(ListAction, RetrieveAction, TrackerViewSet):
    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityFilter
    pagination_class = ActivityFeedPagination
    default_ordering = ("created_at", "id")
    csv_filename = "activity"
    csv_columns = [
        ("Id", "id"),
        ("Time", "created_at"),
        ("Event", "verb"),
        "summary",
        *COUNTY_COLUMNS,
        "campaign",
        "request",
        "response",
        "escalation",
        ("By", "actor"),
    ]

    def base_queryset(self) -> QuerySet:
        return documents.activity_shown_to(selectors.activity_feed(), self.request.user)

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        # Schema generation inspects the view without a database; the cut-off is a live read.
        if self.action in LIST_ACTIONS and not getattr(self, "swagger_fake_view", False):
            queryset = queryset.filter(created_at__lt=selectors.activity_settled_before())
        return queryset


class StatsView(PrivateAnswers, generics.GenericAPIView):
    """Counts by status, state and campaign; overdue; median days from issue to first
    response; share of requests answered by the due date. Takes the filters of requests/."""

    renderer_classes = [OrjsonRenderer]
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.RequestFilter
    serializer_class = serializers.StatsSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet:
        return DataRequest.objects.all()

    @extend_schema(
        summary="Numbers for dashboards and stories",
        responses={200: serializers.StatsSerializer},
        examples=schema.STATS_EXAMPLES,
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        requests = self.filter_queryset(self.get_queryset())  # refuses bad filters first

        def answer() -> dict[str, Any]:
            # Over every request, the numbers come from the tallies, which do not grow with
            # history.
            whole = not self.filters_in_use(request)
            today = services.local_today()
            stats = selectors.request_stats(None if whole else requests, today=today)
            return dict(self.get_serializer(stats).data)

        # The same answer until the data change (page_cache).
        return Response(
            page_cache.cached("api-stats", *page_cache.reader_vary(request), compute=answer)
        )

    def filters_in_use(self, request: Request) -> list[str]:
        """The filters that narrow the requests (an ordering narrows nothing)."""
        filterset = DjangoFilterBackend().get_filterset(request, self.get_queryset(), self)
        filterset.is_valid()  # filter_queryset has already refused invalid ones
        return [
            name
            for name, value in filterset.form.cleaned_data.items()
            if name != "ordering" and value not in (None, "", [], ())
        ]


def _may_manage_webhooks(user: Any, subscription: Any = None) -> bool:
    return permissions.can_manage_webhooks(user)


@schema.documented(
    list="Webhook subscriptions (editors only).",
    retrieve="One subscription (editors only).",
    create="Subscribe a receiver to new events (editors only). The answer shows the signing "
    "secret, once.",
    update="Change a subscription; switching it back on clears its failure count (editors).",
    destroy="Delete a subscription and its delivery log (editors only).",
    create_response=serializers.WebhookSubscriptionCreatedSerializer,
)
class WebhookSubscriptionViewSet(
    ListAction, RetrieveAction, CreateAction, UpdateAction, DestroyAction, TrackerViewSet
):
    serializer_class = serializers.WebhookSubscriptionSerializer
    write_serializers = {
        "create": serializers.WebhookSubscriptionWriteSerializer,
        "partial_update": serializers.WebhookSubscriptionWriteSerializer,
    }
    filterset_class = filters.WebhookSubscriptionFilter
    default_ordering = ("url", "id")
    may_read = staticmethod(_may_manage_webhooks)
    may_write = staticmethod(_may_manage_webhooks)
    may_edit = staticmethod(_may_manage_webhooks)
    may_delete = staticmethod(_may_manage_webhooks)
    csv_filename = "webhooks"
    csv_columns = serializer_columns(
        serializers.WebhookSubscriptionSerializer,
        shown={"id": [("Id", "id")]},
        left_out=("updated_at",),
    )

    def base_queryset(self) -> QuerySet:
        return selectors.webhook_subscriptions()

    def representation(self, instance: Model) -> dict[str, Any]:
        if self.action == "create":
            return serializers.WebhookSubscriptionCreatedSerializer(
                instance, context=self.get_serializer_context()
            ).data
        return super().representation(instance)

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.subscribe_webhook(actor=self.actor(), **data)

    def perform_service_update(self, instance: Model, data: dict[str, Any]) -> Model:
        return services.update_webhook_subscription(
            subscription=instance, actor=self.actor(), **data
        )

    def perform_service_destroy(self, instance: Model) -> None:
        services.delete_webhook_subscription(subscription=instance, actor=self.actor())
