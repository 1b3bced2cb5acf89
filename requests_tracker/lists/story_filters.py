"""The filters of the story's lists: metrics, jurisdictions, policies, people, press answers."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from requests_tracker.lists.parameters import (
    ChoiceInFilter,
    TrackerFilterSet,
    TrackerOrderingFilter,
    date_filter,
    fips_filter,
    ids_filter,
    state_filter,
    words_filter,
)
from requests_tracker.models import County, Jurisdiction, Metric, Person, Policy, PressAnswer


class MetricFilter(TrackerFilterSet):
    slug = django_filters.CharFilter(field_name="slug", label="Its short name.")
    ordering = TrackerOrderingFilter(fields=("name",))

    class Meta:
        model = Metric
        fields: list[str] = []


class JurisdictionFilter(TrackerFilterSet):
    level = ChoiceInFilter(
        field_name="level", choices=Jurisdiction.Level.choices, label="Level(s)."
    )
    state = state_filter("state")
    county = fips_filter("county__fips")
    ordering = TrackerOrderingFilter(fields=("name",))

    class Meta:
        model = Jurisdiction
        fields: list[str] = []


class PolicyFilter(TrackerFilterSet):
    jurisdiction = django_filters.CharFilter(
        field_name="jurisdiction__slug", label="The jurisdiction's slug."
    )
    county = fips_filter("jurisdiction__county__fips")
    county.method = "in_force_in"
    kind = ChoiceInFilter(field_name="kind", choices=Policy.Kind.choices, label="Kind(s).")
    effective_after = date_filter("effective_on", "gte", "In effect from this date or later.")
    ordering = TrackerOrderingFilter(fields=("effective_on",))

    class Meta:
        model = Policy
        fields: list[str] = []

    def in_force_in(self, queryset: QuerySet, name: str, codes: list[str]) -> QuerySet:
        """A county's timeline as its page shows it: its own policies, its cities' and its
        state's laws."""
        states = County.objects.filter(fips__in=codes).values("state")
        return queryset.filter(
            Q(jurisdiction__county__fips__in=codes)
            | Q(jurisdiction__level="state", jurisdiction__state__in=states)
        )


class PersonFilter(TrackerFilterSet):
    search = words_filter("Words in the name.", ("name", "roles__title"), distinct=True)
    ordering = TrackerOrderingFilter(fields=("name",))

    class Meta:
        model = Person
        fields: list[str] = []


class PressAnswerFilter(TrackerFilterSet):
    campaign = ids_filter("About one of these campaigns.", "campaign_id")
    request = ids_filter("About one of these requests.", "request_id")
    jurisdiction = django_filters.CharFilter(
        field_name="jurisdiction__slug", label="Asked of this jurisdiction (its slug)."
    )
    kind = ChoiceInFilter(field_name="kind", choices=PressAnswer.Kind.choices, label="Kind(s).")
    ordering = TrackerOrderingFilter(fields=("answered_on",))

    class Meta:
        model = PressAnswer
        fields: list[str] = []
