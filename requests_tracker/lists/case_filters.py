"""The filters of the court-case and threat lists (`/api/v1/cases/`, `/api/v1/docket-entries/`,
`/api/v1/threats/`), built from the same parts as every other list's (filters.py)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

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
    state_filter,
    words_filter,
)
from requests_tracker.models import Case, DocketEntry, LegalGround, Threat


class CaseFilter(TrackerFilterSet):
    jurisdiction = fips_filter("counties__fips")
    party = django_filters.CharFilter(
        field_name="jurisdictions__slug",
        label="A party's jurisdiction slug, e.g. city-of-los-angeles-ca (/api/v1/jurisdictions/).",
    )
    kind = ChoiceInFilter(field_name="kind", choices=Case.Kind.choices, label="Kind(s).")
    state = state_filter("counties__state")
    status = ChoiceInFilter(field_name="status", choices=Case.Status.choices, label="Status(es).")
    request = ids_filter("Concerns one of these requests.", "requests")
    campaign = ids_filter("Concerns a request of one of these campaigns.", "requests__campaign")
    court = django_filters.CharFilter(field_name="court", lookup_expr="icontains")
    filed_after, filed_before = date_range("filed_on", "Filed")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    search = words_filter(
        "Words in the title, docket number, parties or summary.",
        ("title", "docket_number", "parties", "summary"),
    )
    ordering = TrackerOrderingFilter(fields=("filed_on", "updated_at", "title"))

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # A case with two matching counties (or requests) is still one row.
        return super().filter_queryset(queryset).distinct()


class DocketEntryFilter(TrackerFilterSet):
    case = ids_filter("Entries of these cases.", "case_id")
    jurisdiction = fips_filter("case__counties__fips")
    filed_after, filed_before = date_range("filed_on", "Filed")
    needs_review = YesNoFilter(
        field_name="needs_review", label="Reads like a court's order on a subpoena."
    )
    recorded_since = MomentFilter(field_name="recorded_at", lookup_expr="gte")
    ordering = TrackerOrderingFilter(fields=("filed_on", "entry_number", "recorded_at"))

    class Meta:
        model = DocketEntry
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().filter_queryset(queryset).distinct()


class ThreatFilter(TrackerFilterSet):
    campaign = ids_filter("Threats made in these campaigns' letters.", "campaign_id")
    request = ids_filter("Threats made to one of these requests.", "request_id")
    kind = ChoiceInFilter(field_name="kind", choices=Threat.Kind.choices, label="Kind(s).")
    carried_out = YesNoFilter(
        field_name="carried_out_by", lookup_expr="isnull", exclude=True, label="Carried out."
    )
    threatened_after = date_filter("threatened_on", "gte", "Made on or after this date.")
    ordering = TrackerOrderingFilter(fields=("threatened_on", "updated_at"))

    class Meta:
        model = Threat
        fields: list[str] = []


class LegalGroundFilter(TrackerFilterSet):
    slug = django_filters.CharFilter(field_name="slug", label="Its short name, e.g. sb-54.")
    level = ChoiceInFilter(field_name="level", choices=LegalGround.Level.choices, label="Level(s).")
    ordering = TrackerOrderingFilter(fields=("name", "level"))

    class Meta:
        model = LegalGround
        fields: list[str] = []
