"""Query filters for every list (django-filter). Lists take comma lists where a client would ask
for several values at once (`status=awaiting,acknowledged`, `state=CA,IL`); dates are inclusive
(`issued_after=2025-07-01` includes July 1); times are ISO 8601, a naive time being read in the
newsroom's time zone. A value that cannot be read is a 400 naming the parameter, never ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

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

MAX_ID = 2**63 - 1
SEARCH_WORDS_LIMIT = 10
"""Words of a search that count; more would only add conditions to one query."""


class MomentField(forms.Field):
    """An ISO 8601 time or date; naive values are in settings.TIME_ZONE."""

    default_error_messages = {
        "invalid": "Give an ISO 8601 time (2025-08-01T09:30:00-07:00 or ...Z) or a date "
        "(2025-08-01).",
    }

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in (None, ""):
            return None
        text = str(value).strip()
        # An unescaped "+" in a query string arrives as a space: "…T09:30:00 07:00".
        text = re.sub(r"(T[\d:.]+) (\d\d(:?\d\d)?)$", r"\1+\2", text)
        try:
            moment = dt.datetime.fromisoformat(text)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_default_timezone())
            # In UTC: the database refuses some offsets Python allows (+19:15), and a time out
            # of range once converted is refused here rather than in SQL.
            return moment.astimezone(dt.UTC)
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class MomentFilter(django_filters.Filter):
    field_class = MomentField


class YesNoField(forms.Field):
    """true/false (also 1/0, yes/no); anything else is an error, not "no filter"."""

    values = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    default_error_messages = {"invalid": "Give true or false."}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        try:
            return self.values[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ChoiceInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """A comma list of choices: `status=awaiting,acknowledged`."""


class CodeInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """A comma list of codes, each checked against a pattern (FIPS codes, state codes)."""

    def __init__(self, *args: Any, pattern: str, message: str, upper: bool = False, **kwargs):
        self.upper = upper
        flags = re.IGNORECASE if upper else 0
        kwargs["validators"] = [RegexValidator(rf"^(?:{pattern})$", message, flags=flags)]
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value and self.upper:
            value = [code.upper() for code in value]
        return super().filter(qs, value)


def fips_filter(field_name: str) -> CodeInFilter:
    return CodeInFilter(
        field_name=field_name,
        lookup_expr="in",
        pattern=r"\d{5}",
        message="County FIPS codes are five digits (comma-separated for several).",
        label="County FIPS code(s), comma-separated.",
    )


def state_filter(field_name: str) -> CodeInFilter:
    return CodeInFilter(
        field_name=field_name,
        lookup_expr="in",
        pattern=r"[A-Z]{2}",
        upper=True,
        message="States are two-letter USPS codes (comma-separated for several).",
        label="State USPS code(s), comma-separated, e.g. CA or CA,IL.",
    )


class TrackerOrderingFilter(django_filters.OrderingFilter):
    """Ordering by the chosen fields, then by id, so equal values keep a stable order (which
    keyset cursors need). Names in `inverted` sort their field the other way round, e.g.
    `days_overdue` sorts on the first overdue day, where earlier means more days."""

    def __init__(self, *args: Any, inverted: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.inverted = set(inverted)
        kwargs.setdefault("help_text", "Sort by these fields; prefix with - for descending.")
        super().__init__(*args, **kwargs)

    def get_ordering_value(self, param: str) -> str:
        descending = param.startswith("-")
        name = param.lstrip("-")
        if name in self.inverted:
            descending = not descending
        return ("-" if descending else "") + self.param_map[name]

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*ordering, "-id" if ordering[-1].startswith("-") else "id")


def _date(field_name: str, lookup: str, label: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(field_name=field_name, lookup_expr=lookup, label=label)


def _search(queryset: QuerySet, fields: tuple[str, ...], value: str) -> QuerySet:
    """Records with every word (case aside) in at least one of `fields`."""
    words = value.split()
    for word in words[:SEARCH_WORDS_LIMIT]:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def search_filter(label: str) -> django_filters.CharFilter:
    """`q`, the one search of selectors/search.py (full-text on PostgreSQL), and `search`, its
    older name, kept for existing clients: the same filter under both names."""
    return django_filters.CharFilter(
        method="search_text", label=label, max_length=full_text.MAX_QUERY_LENGTH
    )


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


class RequestFilter(FullTextSearch, django_filters.FilterSet):
    state = state_filter("county__state")
    county = fips_filter("county__fips")
    campaign = IdFilter(field_name="campaign_id", label="Campaign id.")
    status = ChoiceInFilter(
        field_name="status", choices=RequestStatus.choices, label="Status(es), comma-separated."
    )
    overdue = YesNoFilter(
        field_name="overdue_since", lookup_expr="isnull", exclude=True, label="Overdue now."
    )
    issued_after = _date("issued_on", "gte", "Issued on or after this date.")
    issued_before = _date("issued_on", "lte", "Issued on or before this date.")
    due_after = _date("due_on", "gte", "Due on or after this date.")
    due_before = _date("due_on", "lte", "Due on or before this date.")
    updated_since = MomentFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after this time."
    )
    q = search_filter(
        SEARCH_LABEL + "Searched: the county's name and the campaign's title first, then the "
        "summary, legal authority, addressee and deadline rule (and the internal note, for the "
        "newsroom)."
    )
    search = search_filter("The same as `q` (its older name).")
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


class ResponseFilter(FullTextSearch, django_filters.FilterSet):
    request = IdFilter(field_name="request_id", label="Request id.")
    state = state_filter("request__county__state")
    county = fips_filter("request__county__fips")
    campaign = IdFilter(field_name="request__campaign_id", label="Campaign id.")
    kind = ChoiceInFilter(field_name="kind", choices=ResponseKind.choices, label="Kind(s).")
    received_after = _date("received_on", "gte", "Received on or after this date.")
    received_before = _date("received_on", "lte", "Received on or before this date.")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    q = search_filter(
        SEARCH_LABEL + "Searched: the county's name first, then the summary, quotation, "
        "official and legal basis."
    )
    search = search_filter("The same as `q` (its older name).")
    ordering = TrackerOrderingFilter(
        fields=("received_on", "created_at", "updated_at"),
    )
    matcher = staticmethod(full_text.matching_responses)

    class Meta:
        model = Response
        fields: list[str] = []


class EscalationFilter(FullTextSearch, django_filters.FilterSet):
    request = IdFilter(field_name="request_id", label="Request id.")
    state = state_filter("request__county__state")
    county = fips_filter("request__county__fips")
    campaign = IdFilter(field_name="request__campaign_id", label="Campaign id.")
    kind = ChoiceInFilter(field_name="kind", choices=EscalationKind.choices, label="Kind(s).")
    status = ChoiceInFilter(
        field_name="status", choices=EscalationStatus.choices, label="Status(es)."
    )
    overdue = YesNoFilter(
        field_name="overdue_since", lookup_expr="isnull", exclude=True, label="Overdue now."
    )
    issued_after = _date("issued_on", "gte", "Issued on or after this date.")
    issued_before = _date("issued_on", "lte", "Issued on or before this date.")
    due_before = _date("due_on", "lte", "Due on or before this date.")
    case_number = django_filters.CharFilter(field_name="case_number", lookup_expr="iexact")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    q = search_filter(
        SEARCH_LABEL + "Searched: the county's name first, then the summary, court and case number."
    )
    search = search_filter("The same as `q` (its older name).")
    ordering = TrackerOrderingFilter(fields=("issued_on", "due_on", "updated_at"))
    matcher = staticmethod(full_text.matching_escalations)

    class Meta:
        model = Escalation
        fields: list[str] = []


class SourceFilter(FullTextSearch, django_filters.FilterSet):
    kind = ChoiceInFilter(field_name="kind", choices=Source.Kind.choices, label="Kind(s).")
    publisher = django_filters.CharFilter(field_name="publisher", lookup_expr="icontains")
    published_after = _date("published_on", "gte", "Published on or after this date.")
    published_before = _date("published_on", "lte", "Published on or before this date.")
    verified = YesNoFilter(
        field_name="verified_on", lookup_expr="isnull", exclude=True, label="Checked by us."
    )
    request = IdFilter(method="cited_on", label="Cited on this request.")
    response = IdFilter(method="cited_on", label="Cited on this response.")
    escalation = IdFilter(method="cited_on", label="Cited on this escalation.")
    campaign = IdFilter(method="cited_on", label="Cited on this campaign.")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    q = search_filter(
        SEARCH_LABEL + "Searched: the title first, then the publisher, and the text of the "
        "source's document (sensitive sources only for editors)."
    )
    search = search_filter("The same as `q` (its older name).")
    ordering = TrackerOrderingFilter(fields=("created_at", "updated_at", "title"))
    matcher = staticmethod(full_text.matching_sources)

    class Meta:
        model = Source
        fields: list[str] = []

    def cited_on(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        through = {
            "request": Source.requests.through.objects.filter(datarequest_id=value),
            "response": Source.responses.through.objects.filter(response_id=value),
            "escalation": Source.escalations.through.objects.filter(escalation_id=value),
            "campaign": Source.campaigns.through.objects.filter(campaign_id=value),
        }[name]
        return queryset.filter(Exists(through.filter(source_id=OuterRef("pk"))))


class ReportedFigureFilter(django_filters.FilterSet):
    state = state_filter("county__state")
    county = fips_filter("county__fips")
    metric = django_filters.CharFilter(field_name="metric", lookup_expr="icontains")
    source = IdFilter(field_name="source_id", label="Source id.")
    period_after = _date("period_end", "gte", "Periods ending on or after this date.")
    period_before = _date("period_start", "lte", "Periods starting on or before this date.")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    search = django_filters.CharFilter(
        method="search_figures", label="Words in the metric, note or who reported it."
    )
    ordering = TrackerOrderingFilter(fields=("period_start", "period_end", "value", "created_at"))

    class Meta:
        model = ReportedFigure
        fields: list[str] = []

    def search_figures(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, ("metric", "note", "reported_by", "county__name"), value)


def _counties(queryset: QuerySet, value: str, user: Any) -> QuerySet:
    return full_text.matching_counties(queryset, value)


class CountyFilter(FullTextSearch, django_filters.FilterSet):
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
    q = search_filter("Words in the county's name (each as typed, case aside), e.g. `los ang`.")
    search = search_filter("The same as `q` (its older name).")
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


class CampaignFilter(django_filters.FilterSet):
    issuing_agency = IdFilter(field_name="issuing_agency_id", label="Agency id.")
    state = django_filters.CharFilter(method="sent_to_state", label="Sent to a county in a state.")
    issued_after = _date("issued_on", "gte", "Issued on or after this date.")
    issued_before = _date("issued_on", "lte", "Issued on or before this date.")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    search = django_filters.CharFilter(
        method="search_campaigns", label="Words in the title, summary or legal authority."
    )
    ordering = TrackerOrderingFilter(fields=("issued_on", "due_on", "title"))

    class Meta:
        model = Campaign
        fields: list[str] = []

    def sent_to_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        state = value.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", state):
            raise forms.ValidationError({"state": "A state is its two-letter USPS code."})
        sent = DataRequest.objects.filter(campaign=OuterRef("pk"), county__state=state)
        return queryset.filter(Exists(sent))

    def search_campaigns(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, ("title", "summary", "legal_authority"), value)


class AgencyFilter(django_filters.FilterSet):
    level = ChoiceInFilter(field_name="level", choices=Agency.Level.choices)
    county = fips_filter("county__fips")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    ordering = TrackerOrderingFilter(fields=("name", "level"))

    class Meta:
        model = Agency
        fields: list[str] = []


class ActivityFilter(django_filters.FilterSet):
    since = MomentFilter(
        field_name="created_at",
        lookup_expr="gte",
        label="Events at or after this time (start of a sync; then follow `next`).",
    )
    verb = ChoiceInFilter(field_name="verb", choices=ActivityVerb.choices, label="Verb(s).")
    state = state_filter("county__state")
    county = fips_filter("county__fips")
    request = IdFilter(field_name="request_id", label="Request id.")
    campaign = IdFilter(field_name="campaign_id", label="Campaign id.")

    class Meta:
        model = Activity
        fields: list[str] = []


class WebhookSubscriptionFilter(django_filters.FilterSet):
    is_active = YesNoFilter(field_name="is_active")
    ordering = TrackerOrderingFilter(fields=("url", "created_at"))

    class Meta:
        model = WebhookSubscription
        fields: list[str] = []
