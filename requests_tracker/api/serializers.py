"""What the API shows and accepts. Reading serializers shape records; writing serializers only
check types and look up related records, then the view hands the values to a service, which
applies the business rules and writes.

Anonymous readers (TRACKER_PUBLIC) never get internal notes or who logged what: those fields are
dropped from every representation for anyone who is not a newsroom member.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from requests_tracker import permissions, selectors, services
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    Agency,
    Campaign,
    County,
    DataCategory,
    DataRequest,
    DueBasis,
    Escalation,
    EscalationKind,
    EscalationStatus,
    ReportedFigure,
    RequestStatus,
    Response,
    ResponseKind,
    Source,
    WebhookSubscription,
)

NEWSROOM_ONLY_FIELDS = ("internal_note", "created_by", "logged_by", "actor", "verified_by")
"""Shown to newsroom members only (permissions.can_see_internal); never to anonymous readers."""

MAX_INT32 = 2_147_483_647
MAX_DUE_DAYS = 3650
MAX_UPLOAD_BYTES = 25 * 1024 * 1024


class NewsroomOnlyFieldsMixin:
    """Drops NEWSROOM_ONLY_FIELDS when the reader may not see them."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not permissions.can_see_internal(request.user):
            for name in NEWSROOM_ONLY_FIELDS:
                fields.pop(name, None)
        return fields


def _username(source: str) -> serializers.CharField:
    return serializers.CharField(
        source=f"{source}.username",
        read_only=True,
        allow_null=True,
        help_text="Who entered this (newsroom members only).",
    )


class FipsField(serializers.SlugRelatedField):
    """A county given by its five-digit FIPS code."""

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "does_not_exist": "No county has FIPS code {value}.",
        "invalid": "A county FIPS code is exactly five digits, e.g. 06037.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", County.objects.all())
        super().__init__(slug_field="fips", **kwargs)

    def to_internal_value(self, data: Any) -> County:
        if not isinstance(data, str) or len(data) != 5 or not data.isascii() or not data.isdigit():
            self.fail("invalid")
        return super().to_internal_value(data)


def _ids(queryset: Any, help_text: str, **kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    kwargs.setdefault("required", False)
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, many=True, help_text=help_text, **kwargs
    )


def _categories(help_text: str, **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices),
        help_text=help_text,
        max_length=len(DataCategory.values),
        **kwargs,
    )


class WriteSerializer(serializers.Serializer):
    """Input checked for types only (the service checks the rules). A field the client may not
    send is refused by name rather than silently ignored, so nobody believes they set it."""

    DERIVED = {
        "status": "Derived from the responses and escalations; log one of those instead.",
        "overdue_since": "Derived from the due date and the status.",
    }

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                raise serializers.ValidationError(
                    {
                        key: [self.DERIVED.get(key, "This field cannot be written here.")]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)


# --- Shapes shared by several records ---------------------------------------------------------


class CountyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = County
        fields = ["fips", "name", "state"]


class AgencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "level"]


class SourceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "title", "url", "kind", "publisher", "published_on"]


class CampaignBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "title"]


class RequestCountsSerializer(serializers.Serializer):
    """Counts of requests: all, open (not settled), overdue now, and by status."""

    total = serializers.IntegerField(source="requests_total")
    open = serializers.IntegerField(source="requests_open")
    overdue = serializers.IntegerField(source="requests_overdue")
    by_status = serializers.SerializerMethodField()

    def get_by_status(self, row: Any) -> dict[str, int]:
        return selectors.status_counts_of(row)


class StatusCountsField(serializers.DictField):
    """{status: count} for every request status."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.IntegerField(), **kwargs)


# --- Counties and agencies --------------------------------------------------------------------


class CountySerializer(serializers.ModelSerializer):
    sanctuary_source = SourceBriefSerializer(read_only=True, allow_null=True)
    requests = RequestCountsSerializer(source="*", read_only=True)

    class Meta:
        model = County
        fields = [
            "fips",
            "name",
            "state",
            "slug",
            "sanctuary_status",
            "sanctuary_source",
            "requests",
        ]


class AgencySerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="fips", read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = ["id", "name", "level", "county"]


class AgencyCreateSerializer(WriteSerializer):
    name = serializers.CharField(max_length=200)
    level = serializers.ChoiceField(choices=Agency.Level.choices)
    county = FipsField(
        required=False, allow_null=True, help_text="FIPS of a local agency's county."
    )


# --- Sources ----------------------------------------------------------------------------------


class IdListField(serializers.Field):
    """The ids of a prefetched to-many relation."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, manager: Any) -> list[int]:
        return [record.pk for record in manager.all()]


extend_schema_field({"type": "array", "items": {"type": "integer"}})(IdListField)


class CitationsSerializer(serializers.Serializer):
    """The ids of the records that cite a source."""

    requests = IdListField()
    responses = IdListField()
    escalations = IdListField()
    campaigns = IdListField()


class SourceSerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
    file = serializers.FileField(read_only=True, allow_null=True, use_url=True)
    cited_on = CitationsSerializer(source="*", read_only=True)
    created_by = _username("created_by")
    verified_by = _username("verified_by")

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "url",
            "file",
            "sha256",
            "publisher",
            "published_on",
            "kind",
            "archived_url",
            "verified_on",
            "verified_by",
            "cited_on",
            "created_by",
            "created_at",
            "updated_at",
        ]


class CiteOnSerializer(WriteSerializer):
    """Records to cite a source on, by id."""

    requests = _ids(DataRequest.objects.all(), "Requests to cite this source on.")
    responses = _ids(Response.objects.all(), "Responses to cite this source on.")
    escalations = _ids(Escalation.objects.all(), "Escalations to cite this source on.")
    campaigns = _ids(Campaign.objects.all(), "Campaigns to cite this source on.")

    def records(self) -> list[Any]:
        data = self.validated_data
        return [
            *data.get("requests", []),
            *data.get("responses", []),
            *data.get("escalations", []),
            *data.get("campaigns", []),
        ]


class SourceCreateSerializer(CiteOnSerializer):
    title = serializers.CharField(max_length=300)
    url = serializers.URLField(max_length=1000, required=False, allow_blank=True, default="")
    file = serializers.FileField(
        required=False,
        allow_null=True,
        allow_empty_file=False,
        help_text="An uploaded copy of the document (multipart/form-data); stored with its "
        "SHA-256.",
    )
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    published_on = serializers.DateField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Source.Kind.choices, default=Source.Kind.NEWS_REPORT)
    archived_url = serializers.URLField(
        max_length=1000, required=False, allow_blank=True, default=""
    )

    def validate_file(self, file: Any) -> Any:
        if file is not None and file.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(
                f"A file may be at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
            )
        return file

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("url") and not attrs.get("file"):
            raise serializers.ValidationError(
                {"url": "Give the source's address or upload a copy of it."}
            )
        return attrs


class SourceUpdateSerializer(WriteSerializer):
    title = serializers.CharField(max_length=300, required=False)
    url = serializers.URLField(max_length=1000, required=False, allow_blank=True)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    published_on = serializers.DateField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Source.Kind.choices, required=False)
    archived_url = serializers.URLField(max_length=1000, required=False, allow_blank=True)
    verified_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="When you checked the source; you are recorded as who verified it.",
    )


# --- Requests, responses, escalations ---------------------------------------------------------


class ResponseSerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
    county = CountyBriefSerializer(source="request.county", read_only=True)
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
    sources = SourceBriefSerializer(many=True, read_only=True)
    unsourced = serializers.SerializerMethodField()
    logged_by = _username("logged_by")

    class Meta:
        model = Response
        fields = [
            "id",
            "request",
            "county",
            "request_status",
            "request_overdue_since",
            "request_due_on",
            "received_on",
            "responding_agency",
            "official",
            "kind",
            "categories_provided",
            "records_provided",
            "legal_basis_cited",
            "new_due_on",
            "summary",
            "quotation",
            "sources",
            "unsourced",
            "logged_by",
            "created_at",
            "updated_at",
        ]

    def get_unsourced(self, record: Any) -> bool:
        return not record.sources.all()


class ResponseWriteFields(WriteSerializer):
    received_on = serializers.DateField()
    responding_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    official = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=ResponseKind.choices)
    categories_provided = _categories(
        "What the county handed over: a subset of what the request sought.", required=False
    )
    records_provided = serializers.IntegerField(
        min_value=0, max_value=MAX_INT32, required=False, allow_null=True
    )
    legal_basis_cited = serializers.CharField(max_length=500, required=False, allow_blank=True)
    new_due_on = serializers.DateField(
        required=False, allow_null=True, help_text="The new deadline, for an extension."
    )
    summary = serializers.CharField(required=False, allow_blank=True)
    quotation = serializers.CharField(required=False, allow_blank=True)


class ResponseCreateSerializer(ResponseWriteFields):
    request = serializers.PrimaryKeyRelatedField(queryset=DataRequest.objects.all())
    sources = _ids(Source.objects.all(), "Sources for this response, by id.")


class ResponseUpdateSerializer(ResponseWriteFields):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class EscalationSerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
    county = CountyBriefSerializer(source="request.county", read_only=True)
    request_status = serializers.ChoiceField(
        source="request.status", choices=RequestStatus.choices, read_only=True
    )
    sources = SourceBriefSerializer(many=True, read_only=True)
    unsourced = serializers.SerializerMethodField()
    logged_by = _username("logged_by")

    class Meta:
        model = Escalation
        fields = [
            "id",
            "request",
            "county",
            "request_status",
            "kind",
            "follows",
            "issued_on",
            "due_on",
            "court",
            "case_number",
            "status",
            "overdue_since",
            "summary",
            "sources",
            "unsourced",
            "logged_by",
            "created_at",
            "updated_at",
        ]

    def get_unsourced(self, record: Any) -> bool:
        return not record.sources.all()


class EscalationWriteFields(WriteSerializer):
    kind = serializers.ChoiceField(choices=EscalationKind.choices)
    follows = serializers.PrimaryKeyRelatedField(
        queryset=Escalation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The escalation on the same request this one builds on.",
    )
    issued_on = serializers.DateField()
    due_on = serializers.DateField(
        required=False, allow_null=True, help_text="Compliance or return date."
    )
    court = serializers.CharField(max_length=200, required=False, allow_blank=True)
    case_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=EscalationStatus.choices, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)


class EscalationCreateSerializer(EscalationWriteFields):
    request = serializers.PrimaryKeyRelatedField(queryset=DataRequest.objects.all())
    sources = _ids(Source.objects.all(), "Sources for this escalation, by id.")


class EscalationUpdateSerializer(EscalationWriteFields):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class DataRequestSerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
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
    sources = SourceBriefSerializer(many=True, read_only=True)
    unsourced = serializers.SerializerMethodField()
    created_by = _username("created_by")

    class Meta:
        model = DataRequest
        fields = [
            "id",
            "county",
            "campaign",
            "issuing_agency",
            "addressee",
            "issued_on",
            "due_on",
            "due_basis",
            "due_rule",
            "data_sought",
            "legal_authority",
            "summary",
            "internal_note",
            "status",
            "overdue_since",
            "days_overdue",
            "latest_response_kind",
            "latest_response_on",
            "sources",
            "unsourced",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_days_overdue(self, record: DataRequest) -> int:
        today = self.context.get("today") or services.local_today()
        return selectors.days_overdue(record, today=today)

    def get_unsourced(self, record: Any) -> bool:
        return not record.sources.all()


class DataRequestDetailSerializer(DataRequestSerializer):
    responses = ResponseSerializer(many=True, read_only=True)
    escalations = EscalationSerializer(many=True, read_only=True)

    class Meta(DataRequestSerializer.Meta):
        fields = [*DataRequestSerializer.Meta.fields, "responses", "escalations"]


class DeadlineFields(WriteSerializer):
    issued_on = serializers.DateField()
    due_basis = serializers.ChoiceField(
        choices=DueBasis.choices,
        help_text="`stated`: the letter gives the date (send due_on and quote it in due_rule); "
        "`calendar_days` / `business_days`: send due_days and the date is computed.",
    )
    due_on = serializers.DateField(required=False, allow_null=True)
    due_days = serializers.IntegerField(
        min_value=0, max_value=MAX_DUE_DAYS, required=False, allow_null=True
    )
    due_rule = serializers.CharField(max_length=500, required=False, allow_blank=True)
    data_sought = _categories("What DOJ asked for.", allow_empty=False)
    legal_authority = serializers.CharField(max_length=500, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    addressee = serializers.CharField(max_length=200, required=False, allow_blank=True)
    issuing_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())


class DataRequestCreateSerializer(DeadlineFields):
    county = FipsField()
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    internal_note = serializers.CharField(required=False, allow_blank=True)
    sources = _ids(Source.objects.all(), "Sources for this request (the letter), by id.")


class DataRequestUpdateSerializer(WriteSerializer):
    issuing_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False
    )
    addressee = serializers.CharField(max_length=200, required=False, allow_blank=True)
    issued_on = serializers.DateField(required=False)
    due_on = serializers.DateField(required=False)
    due_basis = serializers.ChoiceField(choices=DueBasis.choices, required=False)
    due_rule = serializers.CharField(max_length=500, required=False, allow_blank=True)
    data_sought = _categories("What DOJ asked for.", required=False, allow_empty=False)
    legal_authority = serializers.CharField(max_length=500, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    internal_note = serializers.CharField(required=False, allow_blank=True)


# --- Campaigns --------------------------------------------------------------------------------


class CampaignSerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
    issuing_agency = AgencyBriefSerializer(read_only=True)
    sources = SourceBriefSerializer(many=True, read_only=True)
    unsourced = serializers.SerializerMethodField()
    requests = RequestCountsSerializer(source="*", read_only=True)
    created_by = _username("created_by")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "issuing_agency",
            "issued_on",
            "due_on",
            "due_basis",
            "due_rule",
            "data_sought",
            "legal_authority",
            "summary",
            "sources",
            "unsourced",
            "requests",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_unsourced(self, record: Any) -> bool:
        return not record.sources.all()


class CampaignCreateSerializer(DeadlineFields):
    title = serializers.CharField(max_length=300)
    counties = serializers.ListField(
        child=FipsField(),
        allow_empty=False,
        max_length=4000,
        help_text="FIPS codes of every county the letter went to; one request is issued to each.",
    )
    sources = _ids(Source.objects.all(), "Sources for the campaign (the letter), by id.")


class CampaignUpdateSerializer(WriteSerializer):
    title = serializers.CharField(max_length=300, required=False)
    legal_authority = serializers.CharField(max_length=500, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)


# --- Figures ----------------------------------------------------------------------------------


class ReportedFigureSerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
    county = CountyBriefSerializer(read_only=True)
    source = SourceBriefSerializer(read_only=True)
    logged_by = _username("logged_by")

    class Meta:
        model = ReportedFigure
        fields = [
            "id",
            "county",
            "metric",
            "value",
            "unit",
            "period_start",
            "period_end",
            "period_label",
            "reported_by",
            "note",
            "source",
            "logged_by",
            "created_at",
            "updated_at",
        ]


class ReportedFigureCreateSerializer(WriteSerializer):
    county = FipsField()
    metric = serializers.CharField(max_length=200)
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    unit = serializers.CharField(max_length=50, required=False, allow_blank=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    period_label = serializers.CharField(max_length=100, required=False, allow_blank=True)
    reported_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())


# --- Activity ---------------------------------------------------------------------------------


class ActivitySerializer(NewsroomOnlyFieldsMixin, serializers.ModelSerializer):
    county = CountyBriefSerializer(read_only=True, allow_null=True)
    actor = _username("actor")
    data = serializers.DictField(read_only=True, help_text="Details of the event, by verb.")

    class Meta:
        model = Activity
        fields = [
            "id",
            "created_at",
            "verb",
            "summary",
            "county",
            "campaign",
            "request",
            "response",
            "escalation",
            "actor",
            "data",
        ]


# --- Stats ------------------------------------------------------------------------------------


class TallyFields(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    by_status = StatusCountsField()


class StateTallySerializer(TallyFields):
    state = serializers.CharField(source="key")


class CampaignTallySerializer(TallyFields):
    campaign = serializers.IntegerField(
        source="key", allow_null=True, help_text="Campaign id; null for requests outside one."
    )
    title = serializers.CharField(source="label")


class StatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField(
        help_text="Not settled: awaiting, acknowledged, extended, partial or escalated."
    )
    overdue = serializers.IntegerField()
    by_status = StatusCountsField()
    by_state = StateTallySerializer(many=True)
    by_campaign = CampaignTallySerializer(many=True)
    responded = serializers.IntegerField(
        help_text="Requests with at least one answer (public statements do not count)."
    )
    median_days_to_first_response = serializers.FloatField(allow_null=True)
    due_date_passed_or_answered = serializers.IntegerField()
    answered_by_due_date = serializers.IntegerField()
    answered_by_due_date_share = serializers.FloatField(
        allow_null=True,
        help_text="answered_by_due_date / due_date_passed_or_answered: substantive answers "
        "(complied, partial, declined, no records) on or before the due date.",
    )


# --- Webhooks ---------------------------------------------------------------------------------


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    created_by = _username("created_by")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ActivityVerb.choices), read_only=True
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "event_types",
            "is_active",
            "consecutive_failures",
            "disabled_reason",
            "created_by",
            "created_at",
            "updated_at",
        ]


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The HMAC secret; shown only in the answer to a create."
    )

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class WebhookSubscriptionWriteSerializer(WriteSerializer):
    url = serializers.URLField(max_length=1000)
    secret = serializers.CharField(
        min_length=16,
        max_length=128,
        required=False,
        help_text="Shared secret for the signature; one is generated when left out.",
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ActivityVerb.choices),
        required=False,
        max_length=len(ActivityVerb.values),
        help_text="Events to send; empty means every event.",
    )
    is_active = serializers.BooleanField(required=False)
