"""Query filters for every list (django-filter), built from lists/parameters.py. Where a client
would ask for several values at once, a parameter takes them comma-separated
(`status=awaiting,acknowledged`) or repeated (`status=awaiting&status=acknowledged`, as
generated clients send arrays), with the same result; dates are inclusive
(`issued_after=2025-07-01` includes July 1) and written YYYY-MM-DD; times are RFC 3339, with
their offset. An empty value (`status=`) is the same as leaving the parameter out. A value that
cannot be read (an unknown choice, an empty item in a list, `ordering=issued_on,`) is a 400
naming the parameter, never ignored.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, QuerySet

from requests_tracker.lists.parameters import (
    ChoiceInFilter,
    MomentFilter,
    TrackerFilterSet,
    TrackerOrderingFilter,
    YesNoFilter,
    date_filter,
    date_range,
    fips_filter,
    ids_filter,
    search_filters,
    state_filter,
    words_filter,
)
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    Agency,
    Campaign,
    County,
    DataRequest,
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
from requests_tracker.selectors import search as full_text


class FullTextSearch:
    """Lists searched with `q` (or `search`): the matches, best first unless `ordering` is
    given. `matcher(queryset, words, user)` is one of selectors.search's matching_*."""

    matcher: Any = None

    def search_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        user = getattr(self.request, "user", None)
        found = type(self).matcher(queryset, value, user)
        if self.data.get("ordering"):
            return found
        return found.order_by(f"-{full_text.RANK}", *queryset.query.order_by)


SEARCH_LABEL = (
    "Words to find, best match first (unless `ordering` is given): every word must match; "
    '"quotes" for a phrase, `or` between alternatives, `-word` to leave one out. '
)


class RequestFilter(FullTextSearch, TrackerFilterSet):
    state = state_filter("county__state")
    county = fips_filter("county__fips")
    campaign = ids_filter("Campaign id(s).", "campaign_id")
    status = ChoiceInFilter(
        field_name="status", choices=RequestStatus.choices, label="Status(es), comma-separated."
    )
    overdue = YesNoFilter(
        field_name="overdue_since", lookup_expr="isnull", exclude=True, label="Overdue now."
    )
    issued_after, issued_before = date_range("issued_on", "Issued")
    due_after, due_before = date_range("due_on", "Due")
    updated_since = MomentFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after this time."
    )
    q, search = search_filters(
        SEARCH_LABEL + "Searched: the county's name and the campaign's title first, then the "
        "summary, legal authority, addressee and deadline rule (and the internal note, for the "
        "newsroom)."
    )
    ordering = TrackerOrderingFilter(
        fields={
            "issued_on": "issued_on",
            "due_on": "due_on",
            "updated_at": "updated_at",
            "overdue_rank": "days_overdue",
            "county_name": "county",
            "status": "status",
        },
        inverted=("days_overdue",),
    )
    # The /requests/ page filters and searches with this too (web/forms.py): one search for both.
    matcher = staticmethod(full_text.matching_requests)

    class Meta:
        model = DataRequest
        fields: list[str] = []


class RequestEntryFilter(FullTextSearch, TrackerFilterSet):
    """The first filters of an entry on a request (a response, an escalation): which request,
    the county's state and FIPS, and the request's campaign."""

    request = ids_filter("Request id(s).", "request_id")
    state = state_filter("request__county__state")
    county = fips_filter("request__county__fips")
    campaign = ids_filter("Campaign id(s).", "request__campaign_id")


class ResponseFilter(RequestEntryFilter):
    kind = ChoiceInFilter(field_name="kind", choices=ResponseKind.choices, label="Kind(s).")
    ground = django_filters.CharFilter(
        field_name="legal_grounds__slug", label="Cites this legal ground (its slug, e.g. sb-54)."
    )
    received_after, received_before = date_range("received_on", "Received")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    q, search = search_filters(
        SEARCH_LABEL + "Searched: the county's name first, then the summary, quotation, "
        "official and legal basis."
    )
    ordering = TrackerOrderingFilter(
        fields=("received_on", "created_at", "updated_at"),
    )
    matcher = staticmethod(full_text.matching_responses)

    class Meta:
        model = Response
        fields: list[str] = []


class EscalationFilter(RequestEntryFilter):
    kind = ChoiceInFilter(field_name="kind", choices=EscalationKind.choices, label="Kind(s).")
    status = ChoiceInFilter(
        field_name="status", choices=EscalationStatus.choices, label="Status(es)."
    )
    overdue = YesNoFilter(
        field_name="overdue_since", lookup_expr="isnull", exclude=True, label="Overdue now."
    )
    issued_after, issued_before = date_range("issued_on", "Issued")
    due_before = date_filter("due_on", "lte", "Due on or before this date.")
    case_number = django_filters.CharFilter(field_name="case_number", lookup_expr="iexact")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    q, search = search_filters(
        SEARCH_LABEL + "Searched: the county's name first, then the summary, court and case number."
    )
    ordering = TrackerOrderingFilter(fields=("issued_on", "due_on", "updated_at"))
    matcher = staticmethod(full_text.matching_escalations)

    class Meta:
        model = Escalation
        fields: list[str] = []


class SourceFilter(FullTextSearch, TrackerFilterSet):
    kind = ChoiceInFilter(field_name="kind", choices=Source.Kind.choices, label="Kind(s).")
    publisher = django_filters.CharFilter(field_name="publisher", lookup_expr="icontains")
    published_after, published_before = date_range("published_on", "Published")
    verified = YesNoFilter(
        field_name="verified_on", lookup_expr="isnull", exclude=True, label="Checked by us."
    )
    request = ids_filter("Cited on one of these requests.", method="cited_on")
    response = ids_filter("Cited on one of these responses.", method="cited_on")
    escalation = ids_filter("Cited on one of these escalations.", method="cited_on")
    campaign = ids_filter("Cited on one of these campaigns.", method="cited_on")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    q, search = search_filters(
        SEARCH_LABEL + "Searched: the title first, then the publisher, and the text of the "
        "source's document (sensitive sources only for editors)."
    )
    ordering = TrackerOrderingFilter(fields=("created_at", "updated_at", "title"))
    matcher = staticmethod(full_text.matching_sources)

    class Meta:
        model = Source
        fields: list[str] = []

    def cited_on(self, queryset: QuerySet, name: str, value: list[int] | None) -> QuerySet:
        if not value:
            return queryset
        through = {
            "request": Source.requests.through.objects.filter(datarequest_id__in=value),
            "response": Source.responses.through.objects.filter(response_id__in=value),
            "escalation": Source.escalations.through.objects.filter(escalation_id__in=value),
            "campaign": Source.campaigns.through.objects.filter(campaign_id__in=value),
        }[name]
        return queryset.filter(Exists(through.filter(source_id=OuterRef("pk"))))


class ReportedFigureFilter(TrackerFilterSet):
    state = state_filter("state")
    county = fips_filter("county__fips")
    metric = django_filters.CharFilter(
        field_name="metric__slug", label="The metric's slug, e.g. ice-detainer-requests-received."
    )
    scope = ChoiceInFilter(
        field_name="scope", choices=ReportedFigure.Scope.choices, label="Scope(s)."
    )
    source = ids_filter("Source id(s).", "source_id")
    period_after = date_filter("period_end", "gte", "Periods ending on or after this date.")
    period_before = date_filter("period_start", "lte", "Periods starting on or before this date.")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    search = words_filter(
        "Words in the metric, note or who reported it.",
        ("metric__name", "note", "reported_by", "county__name"),
    )
    ordering = TrackerOrderingFilter(fields=("period_start", "period_end", "value", "created_at"))

    class Meta:
        model = ReportedFigure
        fields: list[str] = []


def _counties(queryset: QuerySet, value: str, user: Any) -> QuerySet:
    return full_text.matching_counties(queryset, value)


class CountyFilter(FullTextSearch, TrackerFilterSet):
    state = state_filter("state")
    sanctuary_status = ChoiceInFilter(
        field_name="sanctuary_status", choices=County.SanctuaryStatus.choices
    )
    has_requests = YesNoFilter(
        field_name="requests_total", method="more_than_none", label="Has any requests."
    )
    overdue = YesNoFilter(
        field_name="requests_overdue", method="more_than_none", label="Has overdue requests."
    )
    q, search = search_filters(
        "Words in the county's name (each as typed, case aside), e.g. `los ang`."
    )
    ordering = TrackerOrderingFilter(
        fields={
            "name": "name",
            "state": "state",
            "fips": "fips",
            "requests_total": "requests",
            "requests_open": "open",
            "requests_overdue": "overdue",
        }
    )

    matcher = staticmethod(_counties)

    class Meta:
        model = County
        fields: list[str] = []

    def more_than_none(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        lookup = {f"{name}__gt": 0}
        return queryset.filter(**lookup) if value else queryset.exclude(**lookup)


class CampaignFilter(TrackerFilterSet):
    issuing_agency = ids_filter("Agency id(s).", "issuing_agency_id")
    state = state_filter("state", method="sent_to_state")
    issued_after, issued_before = date_range("issued_on", "Issued")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    search = words_filter(
        "Words in the title, summary or legal authority.", ("title", "summary", "legal_authority")
    )
    ordering = TrackerOrderingFilter(fields=("issued_on", "due_on", "title"))

    class Meta:
        model = Campaign
        fields: list[str] = []

    def sent_to_state(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """Campaigns sent to at least one county in one of these states."""
        if not value:
            return queryset
        states = [state.upper() for state in value]
        sent = DataRequest.objects.filter(campaign=OuterRef("pk"), county__state__in=states)
        return queryset.filter(Exists(sent))


class AgencyFilter(TrackerFilterSet):
    level = ChoiceInFilter(field_name="level", choices=Agency.Level.choices)
    county = fips_filter("county__fips")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    ordering = TrackerOrderingFilter(fields=("name", "level"))

    class Meta:
        model = Agency
        fields: list[str] = []


class ActivityFilter(TrackerFilterSet):
    since = MomentFilter(
        field_name="created_at",
        lookup_expr="gte",
        label="Events at or after this time (start of a sync; then follow `next`).",
    )
    verb = ChoiceInFilter(field_name="verb", choices=ActivityVerb.choices, label="Verb(s).")
    state = state_filter("county__state")
    county = fips_filter("county__fips")
    request = ids_filter("Request id(s).", "request_id")
    campaign = ids_filter("Campaign id(s).", "campaign_id")

    class Meta:
        model = Activity
        fields: list[str] = []


class WebhookSubscriptionFilter(TrackerFilterSet):
    is_active = YesNoFilter(field_name="is_active")
    ordering = TrackerOrderingFilter(fields=("url", "created_at"))

    class Meta:
        model = WebhookSubscription
        fields: list[str] = []
