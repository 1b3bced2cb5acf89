"""Campaigns, requests, and what happened to them: responses and escalations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from requests_tracker import permissions, selectors, services
from requests_tracker.api import exports, schema, serializers
from requests_tracker.api.renderers import CSVRenderer
from requests_tracker.api.views.base import (
    CSV_CHUNK_ROWS,
    LIST_ACTIONS,
    CreateAction,
    DestroyAction,
    ListAction,
    RetrieveAction,
    TrackerViewSet,
    UpdateAction,
)
from requests_tracker.api.views.embargo import EmbargoAction
from requests_tracker.api.views.places import COUNTY_COLUMNS, STATUS_COLUMNS
from requests_tracker.lists import filters, parameters
from requests_tracker.services import bulk as bulk_actions

EXPANSIONS = ("latest_response",)
"""What a request row may embed on request (`expand=`): its latest response, in full."""

EXPAND_PARAMETER = OpenApiParameter(
    "expand",
    {"type": "array", "items": {"type": "string", "pattern": f"^(?:{'|'.join(EXPANSIONS)})$"}},
    style="form",
    explode=True,
    description="`latest_response`: embed each request's latest response in full (as "
    "responses/ shows it), at the same cost for any page size.",
)


def expansions(request: Request) -> set[str]:
    """The records embedded on request: `expand=latest_response` (several comma-separated or
    repeated, as every list parameter); anything else is a 400 naming `expand`."""
    given = parameters.CommaOrRepeatedWidget().value_from_datadict(
        request.query_params, {}, "expand"
    )
    unknown = [item for item in given or [] if item not in EXPANSIONS]
    if unknown:
        offered = ", ".join(f"`{name}`" for name in EXPANSIONS)
        raise ValidationError({"expand": [f"Give {offered} (or leave it out)."]})
    return set(given or [])


def _may_manage_campaign(user: Any, campaign: Any) -> bool:
    return permissions.can_manage_campaigns(user)


LETTER_COLUMNS = ["issued_on", "due_on", "due_basis", "due_rule", "data_sought", "legal_authority"]
"""The CSV columns of what a DOJ letter states, for a request and a campaign alike: its date,
deadline and demand."""
SOURCED_COLUMNS = [("Sources", "sources.url"), ("Unsourced", "unsourced")]
"""The CSV columns of the sources behind a record, and whether any backs it."""
ENTRY_COLUMNS = [("Id", "id"), ("Request", "request"), *COUNTY_COLUMNS]
"""The first CSV columns of an entry on a request (a response, an escalation): what it is on."""


def entry_columns(
    *own_columns: str | tuple[str, str], shown: dict[str, str] | None = None
) -> list[str | tuple[str, str]]:
    """The CSV columns of an entry on a request: what it is on, its own columns (the fields its
    service writes, a linked record `shown` by one of its values), then where the request stands
    with it counted, its sources and who logged it."""
    shown = shown or {}
    return [
        *ENTRY_COLUMNS,
        *(shown.get(column, column) for column in own_columns),
        ("Request status", "request_status"),
        *SOURCED_COLUMNS,
        ("Logged by", "logged_by"),
    ]


class NewsroomRecordViewSet(
    EmbargoAction,
    ListAction,
    RetrieveAction,
    CreateAction,
    UpdateAction,
    DestroyAction,
    TrackerViewSet,
):
    """A record the newsroom enters one at a time, by id (a request, or an entry on one): listed,
    read, entered, corrected, deleted in error (editors), and held back under embargo."""


class RequestEntryViewSet(NewsroomRecordViewSet):
    """An entry on one request (a response, an escalation), written through its own three
    services, each of which derives the request's status in the same transaction: `log_entry`
    takes the request (`data_request`), `update_entry` and `delete_entry` the entry, by the
    keyword `entry_name`."""

    entry_name: ClassVar[str]
    log_entry: ClassVar[Callable[..., Model]]
    update_entry: ClassVar[Callable[..., Model]]
    delete_entry: ClassVar[Callable[..., None]]

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return self.log_entry(data_request=data.pop("request"), actor=self.actor(), **data)

    def perform_service_update(self, instance: Model, data: dict[str, Any]) -> Model:
        return self.update_entry(**{self.entry_name: instance}, actor=self.actor(), **data)

    def perform_service_destroy(self, instance: Model) -> None:
        self.delete_entry(**{self.entry_name: instance}, actor=self.actor())


@schema.documented(
    list="DOJ actions sent to many counties at once, with how their requests stand.",
    retrieve="One campaign.",
    create="Issue a campaign: one request to each listed county, in one transaction "
    "(editors only).",
    update="Edit a campaign's title, legal authority or summary (editors only).",
    create_examples=schema.CAMPAIGN_EXAMPLES,
)
class CampaignViewSet(ListAction, RetrieveAction, CreateAction, UpdateAction, TrackerViewSet):
    serializer_class = serializers.CampaignSerializer
    write_serializers = {
        "create": serializers.CampaignCreateSerializer,
        "partial_update": serializers.CampaignUpdateSerializer,
    }
    filterset_class = filters.CampaignFilter
    default_ordering = ("-issued_on", "-id")
    may_write = staticmethod(permissions.can_manage_campaigns)
    may_edit = staticmethod(_may_manage_campaign)
    csv_filename = "campaigns"
    csv_columns = [
        ("Id", "id"),
        "title",
        "issuing_agency.name",
        *LETTER_COLUMNS,
        "summary",
        ("Requests", "requests.total"),
        ("Open requests", "requests.open"),
        ("Overdue requests", "requests.overdue"),
        *STATUS_COLUMNS,
        *SOURCED_COLUMNS,
        ("Entered by", "created_by"),
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.campaign_tallies()

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.issue_campaign(actor=self.actor(), **data)

    def perform_service_update(self, instance: Model, data: dict[str, Any]) -> Model:
        return services.update_campaign(campaign=instance, actor=self.actor(), **data)

    @extend_schema(
        summary="Act on many of the campaign's requests at once",
        description="File the same escalation, cite one source, log one extension, follow or "
        "stop following, for the listed requests of this campaign (editors). Each row goes "
        "through the same rules as a single write; the answer says, row by row, what each "
        "request became or why it was refused. With `dry_run`, nothing is written.",
        request=serializers.BulkActionSerializer,
        responses={200: serializers.BulkResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def bulk(self, request: Request, pk: str | None = None) -> Response:
        campaign = self.get_object()
        incoming = serializers.BulkActionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = bulk_actions.run_bulk_action(
            campaign=campaign,
            action=incoming.validated_data["action"],
            requests=incoming.validated_data["requests"],
            fields=incoming.action_fields(),
            actor=self.actor(),
            dry_run=incoming.validated_data["dry_run"],
        )
        return Response(serializers.BulkResultSerializer(result).data)


@schema.documented(
    list="Every request: who was asked for what, by when, and where it stands. Every matching "
    "row as a spreadsheet: `requests.csv`.",
    retrieve="One request with its responses and escalations (its timeline).",
    create="Record a request DOJ sent to one county (journalists).",
    update="Correct a request's facts (its author or an editor). A due-date change is recorded.",
    destroy="Delete a request entered in error, with its responses and escalations (editors).",
    list_examples=schema.REQUEST_LIST_EXAMPLES,
    list_parameters=[EXPAND_PARAMETER],
    create_examples=schema.REQUEST_EXAMPLES,
)
class DataRequestViewSet(NewsroomRecordViewSet):
    serializer_class = serializers.DataRequestRowSerializer
    detail_serializer_class = serializers.DataRequestDetailSerializer
    write_serializers = {
        "create": serializers.DataRequestCreateSerializer,
        "partial_update": serializers.DataRequestUpdateSerializer,
    }
    filterset_class = filters.RequestFilter
    default_ordering = ("-issued_on", "-id")
    csv_filename = "requests"
    csv_columns = [
        ("Id", "id"),
        *COUNTY_COLUMNS,
        "campaign.title",
        "issuing_agency.name",
        "addressee",
        *LETTER_COLUMNS,
        "status",
        "overdue_since",
        ("Days overdue", "days_overdue"),
        ("Latest response", "latest_response_kind"),
        ("Latest response on", "latest_response_on"),
        "summary",
        "internal_note",
        *SOURCED_COLUMNS,
        ("Entered by", "created_by"),
        ("Last changed", "updated_at"),
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.data_requests(
            with_timeline=self.action not in LIST_ACTIONS, reader=self.request.user
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        # JSON pages are written from plain rows (serializers.DataRequestRows: the same fields);
        # CSV goes the common way.
        if isinstance(request.accepted_renderer, CSVRenderer):
            return super().list(request, *args, **kwargs)
        expand = expansions(request)
        rows = serializers.DataRequestRows(reader=request.user, today=services.local_today())
        page = rows.represent(
            self.paginate_queryset(rows.select(self.filter_queryset(self.get_queryset())))
        )
        if "latest_response" in expand:
            latest = selectors.latest_responses(row["id"] for row in page)
            shown = serializers.ResponseSerializer(
                list(latest.values()), many=True, context=self.get_serializer_context()
            ).data
            by_request = dict(zip(latest, shown, strict=True))
            for row in page:
                row["latest_response"] = by_request.get(row["id"])
        return self.get_paginated_response(page)

    def csv_rows(self, queryset: QuerySet) -> Iterator[dict[str, Any]]:
        return exports.request_rows(
            queryset,
            reader=self.request.user,
            today=services.local_today(),
            chunk_size=CSV_CHUNK_ROWS,
        )

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.issue_request(actor=self.actor(), **data)

    def perform_service_update(self, instance: Model, data: dict[str, Any]) -> Model:
        return services.update_request(data_request=instance, actor=self.actor(), **data)

    def perform_service_destroy(self, instance: Model) -> None:
        services.delete_request(data_request=instance, actor=self.actor())


@schema.documented(
    list="Counties' answers to requests, oldest first.",
    retrieve="One response.",
    create="Log a county's answer (journalists). The answer includes the request's status "
    "with this response counted, derived in the same transaction.",
    update="Correct a response (who logged it, or an editor); the request's status follows.",
    destroy="Delete a response logged in error (editors); the request's status follows.",
    create_examples=schema.RESPONSE_EXAMPLES,
)
class ResponseViewSet(RequestEntryViewSet):
    serializer_class = serializers.ResponseSerializer
    write_serializers = {
        "create": serializers.ResponseCreateSerializer,
        "partial_update": serializers.ResponseUpdateSerializer,
    }
    filterset_class = filters.ResponseFilter
    default_ordering = ("received_on", "id")
    csv_filename = "responses"
    csv_columns = entry_columns(
        *services.RESPONSE_FIELDS, shown={"responding_agency": "responding_agency.name"}
    )

    entry_name = "response"
    log_entry = staticmethod(services.log_response)
    update_entry = staticmethod(services.update_response)
    delete_entry = staticmethod(services.delete_response)

    def base_queryset(self) -> QuerySet:
        return selectors.county_responses()


@schema.documented(
    list="DOJ's escalations: demand letters, subpoenas, lawsuits, court orders.",
    retrieve="One escalation.",
    create="Record DOJ's next step on a request (journalists); the request's status follows.",
    update="Change an escalation, most often its status (who logged it, or an editor).",
    destroy="Delete an escalation recorded in error (editors).",
)
class EscalationViewSet(RequestEntryViewSet):
    serializer_class = serializers.EscalationSerializer
    write_serializers = {
        "create": serializers.EscalationCreateSerializer,
        "partial_update": serializers.EscalationUpdateSerializer,
    }
    filterset_class = filters.EscalationFilter
    default_ordering = ("issued_on", "id")
    csv_filename = "escalations"
    csv_columns = entry_columns(*services.ESCALATION_FIELDS, "overdue_since")

    entry_name = "escalation"
    log_entry = staticmethod(services.file_escalation)
    update_entry = staticmethod(services.update_escalation)
    delete_entry = staticmethod(services.delete_escalation)

    def base_queryset(self) -> QuerySet:
        return selectors.escalations()
