"""Campaigns, requests, and what happened to them: responses and escalations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from requests_tracker import selectors, services, workflow
from requests_tracker.api.serializers.common import (
    EMBARGO_READ_FIELDS,
    AgencyBriefSerializer,
    CampaignBriefSerializer,
    CountyBriefSerializer,
    FipsField,
    FipsListField,
    NewsroomOnlyFieldsMixin,
    RequestCountsSerializer,
    ServiceInputSerializer,
    SourceBriefSerializer,
    UnsourcedMixin,
    categories_field,
    username_field,
)
from requests_tracker.models import (
    Campaign,
    DataRequest,
    Escalation,
    RequestStatus,
    Response,
    ResponseKind,
)
from requests_tracker.selectors import documents

MAX_DUE_DAYS = 3650
MAX_CAMPAIGN_COUNTIES = 4000
"""More than the 3,244 counties and county equivalents of the United States and territories."""


def sources_input(record: str, **more: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`extra_kwargs` of a record's create: its sources, by id, and `more` fields' settings."""
    return {**more, "sources": {"help_text": f"Sources for {record}, by id."}}


# --- Responses --------------------------------------------------------------------------------


class EntrySerializer(NewsroomOnlyFieldsMixin, UnsourcedMixin, serializers.ModelSerializer):
    # What a response and an escalation show besides their own fields: their request's county
    # and status, their sources, and who logged them.

    county = CountyBriefSerializer(source="request.county", read_only=True)
    sources = SourceBriefSerializer(many=True, read_only=True)
    unsourced = serializers.SerializerMethodField()
    logged_by = username_field("logged_by")

    @staticmethod
    def entry_fields(*own: str) -> list[str]:
        return [
            "id",
            "request",
            "county",
            "request_status",
            *own,
            *EMBARGO_READ_FIELDS,
            *ENTRY_TAIL,
        ]


ENTRY_TAIL = ("sources", "unsourced", "logged_by", "created_at", "updated_at")


# Not "Response": generated clients have a Response type of their own (the HTTP answer).
@extend_schema_serializer(component_name="CountyResponse")
class ResponseSerializer(EntrySerializer):
    request_status = serializers.ChoiceField(
        source="request.status",
        choices=RequestStatus.choices,
        read_only=True,
        help_text="The request's status with this response counted (derived in the same "
        "transaction as the write).",
    )
    request_overdue_since = serializers.DateField(
        source="request.overdue_since", read_only=True, allow_null=True
    )
    request_due_on = serializers.DateField(source="request.due_on", read_only=True)
    responding_agency = AgencyBriefSerializer(read_only=True, allow_null=True)
    categories_provided = categories_field(Response, "categories_provided", read_only=True)

    class Meta:
        model = Response
        fields = EntrySerializer.entry_fields(
            "request_overdue_since", "request_due_on", *services.RESPONSE_FIELDS
        )


class ResponseUpdateSerializer(ServiceInputSerializer):
    categories_provided = categories_field(Response, "categories_provided", required=False)

    class Meta:
        model = Response
        fields = services.RESPONSE_FIELDS
        up_to_today = ("received_on",)
        extra_kwargs = {"new_due_on": {"help_text": "The new deadline, for an extension."}}


class ResponseCreateSerializer(ResponseUpdateSerializer):
    class Meta(ResponseUpdateSerializer.Meta):
        fields = ("request", *services.RESPONSE_FIELDS, "sources")
        extra_kwargs = sources_input("this response", **ResponseUpdateSerializer.Meta.extra_kwargs)


# --- Escalations ------------------------------------------------------------------------------


class EscalationSerializer(EntrySerializer):
    request_status = serializers.ChoiceField(
        source="request.status", choices=RequestStatus.choices, read_only=True
    )

    class Meta:
        model = Escalation
        fields = EntrySerializer.entry_fields(*services.ESCALATION_FIELDS, "overdue_since")


class EscalationUpdateSerializer(ServiceInputSerializer):
    class Meta:
        model = Escalation
        fields = services.ESCALATION_FIELDS
        up_to_today = ("issued_on",)
        extra_kwargs = {
            "follows": {"help_text": "The escalation on the same request this one builds on."}
        }


class EscalationCreateSerializer(EscalationUpdateSerializer):
    class Meta(EscalationUpdateSerializer.Meta):
        fields = ("request", *services.ESCALATION_FIELDS, "sources")
        extra_kwargs = sources_input(
            "this escalation", **EscalationUpdateSerializer.Meta.extra_kwargs
        )


# --- Requests ---------------------------------------------------------------------------------


class DataRequestSerializer(NewsroomOnlyFieldsMixin, UnsourcedMixin, serializers.ModelSerializer):
    county = CountyBriefSerializer(read_only=True)
    campaign = CampaignBriefSerializer(read_only=True, allow_null=True)
    issuing_agency = AgencyBriefSerializer(read_only=True)
    days_overdue = serializers.SerializerMethodField(
        help_text="Whole days since the due date passed while no substantive answer came; 0 "
        "when not overdue."
    )
    latest_response_kind = serializers.ChoiceField(
        choices=ResponseKind.choices, read_only=True, allow_null=True
    )
    latest_response_on = serializers.DateField(read_only=True, allow_null=True)
    data_sought = categories_field(DataRequest, "data_sought", read_only=True)
    sources = SourceBriefSerializer(many=True, read_only=True)
    unsourced = serializers.SerializerMethodField()
    created_by = username_field("created_by")

    class Meta:
        model = DataRequest
        fields = [
            "id",
            "county",
            "campaign",
            *services.in_model_order(DataRequest, services.REQUEST_EDITABLE_FIELDS),
            "status",
            "overdue_since",
            "days_overdue",
            "latest_response_kind",
            "latest_response_on",
            *EMBARGO_READ_FIELDS,
            "sources",
            "unsourced",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_days_overdue(self, record: DataRequest) -> int:
        today = self.context.get("today") or services.local_today()
        return selectors.days_overdue(record, today=today)


@extend_schema_serializer(component_name="DataRequest")
class DataRequestRowSerializer(DataRequestSerializer):
    """A request as the list shows it; with `expand=latest_response`, also its latest response
    in full."""

    # The schema's description of a row: views/requests.py adds `latest_response` to the rows
    # DataRequestRows writes.

    latest_response = ResponseSerializer(
        read_only=True,
        allow_null=True,
        help_text="With `expand=latest_response` only: the county's most recent answer (the one "
        "`latest_response_kind` names), as responses/ shows it; null when there is none.",
    )

    class Meta(DataRequestSerializer.Meta):
        fields = [*DataRequestSerializer.Meta.fields, "latest_response"]


class DataRequestDetailSerializer(DataRequestSerializer):
    responses = ResponseSerializer(many=True, read_only=True)
    escalations = EscalationSerializer(many=True, read_only=True)

    class Meta(DataRequestSerializer.Meta):
        fields = [*DataRequestSerializer.Meta.fields, "responses", "escalations"]


LETTER_INPUT = {
    "due_basis": {
        "help_text": "`stated`: the letter gives the date (send due_on and quote it in due_rule); "
        "`calendar_days` / `business_days`: send due_days and the date is computed."
    },
    # A computed deadline needs neither: the service works them out from due_days.
    "due_on": {"required": False, "allow_null": True},
    "due_rule": {"required": False, "allow_blank": True},
}
"""How a letter's deadline is sent, for a request and for a campaign alike."""


class LetterInputSerializer(ServiceInputSerializer):
    # What a DOJ letter states (services.LETTER_FIELDS), for one county or many.

    due_days = serializers.IntegerField(
        min_value=0, max_value=MAX_DUE_DAYS, required=False, allow_null=True
    )
    data_sought = categories_field(DataRequest, "data_sought", allow_empty=False)

    class Meta:
        up_to_today = ("issued_on",)

    @staticmethod
    def letter_input(record: str) -> dict[str, dict[str, Any]]:
        """`extra_kwargs` for a letter sent to `record`: its deadline, and its sources."""
        return sources_input(f"{record} (the letter)", **LETTER_INPUT)


class DataRequestCreateSerializer(LetterInputSerializer):
    county = FipsField()

    class Meta(LetterInputSerializer.Meta):
        model = DataRequest
        fields = services.REQUEST_FIELDS
        extra_kwargs = LetterInputSerializer.letter_input("this request")


class DataRequestUpdateSerializer(ServiceInputSerializer):
    data_sought = categories_field(DataRequest, "data_sought", required=False, allow_empty=False)

    class Meta:
        model = DataRequest
        fields = services.in_model_order(DataRequest, services.REQUEST_EDITABLE_FIELDS)
        up_to_today = ("issued_on",)
        # A request on file always shows why its due date is what it is: not blank here.
        extra_kwargs = {"due_rule": {"required": False}}


# --- Campaigns --------------------------------------------------------------------------------


class CampaignSerializer(NewsroomOnlyFieldsMixin, UnsourcedMixin, serializers.ModelSerializer):
    issuing_agency = AgencyBriefSerializer(read_only=True)
    data_sought = categories_field(Campaign, "data_sought", read_only=True)
    sources = SourceBriefSerializer(many=True, read_only=True)
    unsourced = serializers.SerializerMethodField()
    requests = RequestCountsSerializer(source="*", read_only=True)
    created_by = username_field("created_by")

    class Meta:
        model = Campaign
        fields = [
            "id",
            *services.in_model_order(Campaign, services.CAMPAIGN_FIELDS),
            "unsourced",
            "requests",
            "created_by",
            "created_at",
            "updated_at",
        ]


class CampaignCreateSerializer(LetterInputSerializer):
    # Not the campaign's own: each county's request is addressed (the sheriff, ...).
    addressee = serializers.CharField(
        max_length=DataRequest._meta.get_field("addressee").max_length,
        required=False,
        allow_blank=True,
    )
    counties = FipsListField(
        allow_empty=False,
        max_length=MAX_CAMPAIGN_COUNTIES,
        help_text="FIPS codes of every county the letter went to; one request is issued to each.",
    )

    class Meta(LetterInputSerializer.Meta):
        model = Campaign
        fields = services.CAMPAIGN_FIELDS
        extra_kwargs = LetterInputSerializer.letter_input("the campaign")


class CampaignUpdateSerializer(ServiceInputSerializer):
    class Meta:
        model = Campaign
        fields = services.in_model_order(Campaign, services.CAMPAIGN_EDITABLE_FIELDS)


# --- The request list, without the serializer machinery ------------------------------------


class _CitedSource:
    # A cited source as documents.sources_shown_to reads it (pk, sensitive, embargoed), with its
    # row.
    __slots__ = ("embargoed", "pk", "row", "sensitive")

    def __init__(self, pk: int, sensitive: bool, embargoed: bool, row: dict[str, Any]) -> None:
        self.pk = pk
        self.sensitive = sensitive
        self.embargoed = embargoed
        self.row = row


def _date(value: dt.date | None, zone: Any = None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value: dt.datetime | None, zone: Any) -> str | None:
    # As DRF's DateTimeField writes it: in the current time zone, UTC as "Z".
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _as_is(value: Any, zone: Any) -> Any:
    return value


def _writer_of(field: serializers.Field) -> Callable[[Any, Any], Any]:
    if isinstance(field, serializers.DateTimeField):
        return _moment
    if isinstance(field, serializers.DateField):
        return _date
    if isinstance(
        field,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.JSONField
        | serializers.ListField,
    ):
        return _as_is
    if isinstance(field, serializers.IntegerField | serializers.BooleanField):
        return _as_is
    raise ImproperlyConfigured(f"No plain writer for {type(field).__name__}.")


SOURCE_COLUMNS = [name for name in SourceBriefSerializer.Meta.fields if name != "withheld"]


class DataRequestRows:
    """A page of requests exactly as DataRequestSerializer shows it, built from `.values()`.

    The list is the API's busiest read, and model instances and DRF's per-field machinery cost
    several times its SQL. This reads only the columns a row shows and writes the same dicts,
    field for field and in the serializer's order, for the reader's role (the serializer decides
    which fields a role sees, once per role, and still describes the row in the schema); the
    page's cited sources come in one more query, shown as documents.sources_shown_to says.
    tests/api/test_request_list_rows.py compares the two for every role.
    """

    _plans: ClassVar[dict[documents.SourceSight, tuple[list[str], list[tuple[str, Any]]]]] = {}

    def __init__(self, *, reader: Any, today: dt.date) -> None:
        self.today = today
        # What a role is shown of a row and of its sources turns on the same three rights.
        self.sight = documents.SourceSight.of(reader)
        if self.sight not in self._plans:
            self._plans[self.sight] = self._plan(reader)
        self.columns, self.cells = self._plans[self.sight]

    @staticmethod
    def _plan(reader: Any) -> tuple[list[str], list[tuple[str, Any]]]:
        """(the columns to read, [(field name, how to write it)]) for a reader of this role."""
        context = {"request": SimpleNamespace(user=reader)}
        columns: list[str] = ["id", "overdue_since"]
        cells: list[tuple[str, Any]] = []
        for name, field in DataRequestSerializer(context=context).fields.items():
            if name in ("sources", "unsourced", "days_overdue"):
                cells.append((name, name))
            elif isinstance(field, serializers.ModelSerializer):
                parts = [(sub, f"{field.source}__{sub}") for sub in field.Meta.fields]
                columns += [f"{field.source}_id", *(column for _, column in parts)]
                cells.append((name, ("brief", f"{field.source}_id", parts)))
            else:
                column = field.source.replace(".", "__")
                columns.append(column)
                cells.append((name, (_writer_of(field), column)))
        return list(dict.fromkeys(columns)), cells

    def select(self, queryset: QuerySet[DataRequest]) -> QuerySet:
        """The filtered, ordered requests as rows of the columns shown (and of the ordering's,
        which keyset cursors read)."""
        ordering = [term.lstrip("-") for term in queryset.query.order_by if isinstance(term, str)]
        return queryset.prefetch_related(None).values(*dict.fromkeys([*self.columns, *ordering]))

    def represent(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        cited = self._sources([row["id"] for row in rows])
        zone = timezone.get_current_timezone()
        return [self._row(row, cited.get(row["id"], []), zone) for row in rows]

    def _sources(self, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        found: dict[int, list[_CitedSource]] = {}
        for request_id, sensitive, embargoed, *values in selectors.sources_cited_on(
            ids, SOURCE_COLUMNS
        ):
            row = dict(zip(SOURCE_COLUMNS, values, strict=True))
            row["published_on"] = _date(row["published_on"])
            row["withheld"] = False
            found.setdefault(request_id, []).append(
                _CitedSource(row["id"], sensitive, embargoed, row)
            )
        return {
            request_id: [
                source.row
                if isinstance(source, _CitedSource)
                else {name: getattr(source, name) for name in SourceBriefSerializer.Meta.fields}
                for source in self.sight.shown(sources)
            ]
            for request_id, sources in found.items()
        }

    def _row(self, row: dict[str, Any], sources: list[dict[str, Any]], zone: Any) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for name, how in self.cells:
            if how == "sources":
                shown[name] = sources
            elif how == "unsourced":
                shown[name] = not sources
            elif how == "days_overdue":
                shown[name] = workflow.days_overdue(row["overdue_since"], self.today)
            elif how[0] == "brief":
                _, key, parts = how
                shown[name] = (
                    None if row[key] is None else {sub: row[column] for sub, column in parts}
                )
            else:
                write, column = how
                shown[name] = write(row[column], zone)
        return shown
