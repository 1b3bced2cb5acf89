"""The story's facts as data: `/api/v1/metrics/`, `/api/v1/jurisdictions/`,
`/api/v1/policies/`, `/api/v1/people/` and `/api/v1/press-answers/` (read-only; recorded in
the admin and by `load_demo`, through services/figures.py, jurisdictions.py, people.py and
press.py)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from requests_tracker.api import schema, serializers
from requests_tracker.api.views.base import BySlug, ListAction, RetrieveAction, TrackerViewSet
from requests_tracker.lists import story_filters
from requests_tracker.models import Jurisdiction, Metric, Person, Policy, Role
from requests_tracker.selectors import story


@schema.documented(
    list="The catalogue of metrics figures are reported under, each with its definition, unit "
    "and where such numbers come from; `figures/?metric=<slug>` lists one metric's series.",
    retrieve="One metric.",
)
class MetricViewSet(BySlug, ListAction, RetrieveAction, TrackerViewSet):
    serializer_class = serializers.MetricSerializer
    filterset_class = story_filters.MetricFilter
    default_ordering = ("name", "id")
    csv_filename = "metrics"
    csv_columns = [
        "slug",
        "name",
        "definition",
        "unit",
        "source_type",
    ]

    def base_queryset(self) -> QuerySet:
        return Metric.objects.all()


@schema.documented(
    list="Jurisdictions that are parties to the story (counties, cities, states, the nation), "
    "each with the county it is or sits in and its dated policies. `cases/?party=<slug>` "
    "lists the cases it is a party to.",
    retrieve="One jurisdiction, by slug, with its policy timeline.",
)
class JurisdictionViewSet(BySlug, ListAction, RetrieveAction, TrackerViewSet):
    serializer_class = serializers.JurisdictionSerializer
    filterset_class = story_filters.JurisdictionFilter
    default_ordering = ("level", "state", "name", "id")
    csv_filename = "jurisdictions"
    csv_columns = [
        "slug",
        "name",
        "level",
        "state",
        "county.fips",
    ]

    def base_queryset(self) -> QuerySet:
        policies = Policy.objects.select_related("jurisdiction__county").prefetch_related("sources")
        return Jurisdiction.objects.select_related("county").prefetch_related(
            Prefetch("policies", queryset=policies)
        )


@schema.documented(
    list="Dated policy facts (a sanctuary ordinance, a practice on detainers or transfers, an "
    "agreement, a listing), oldest first; `?county=06037` gives a county's timeline, its "
    "cities' included. A county's `sanctuary_status` is the stance of its latest policy in "
    "force that sets one.",
    retrieve="One policy.",
)
class PolicyViewSet(ListAction, RetrieveAction, TrackerViewSet):
    serializer_class = serializers.PolicySerializer
    filterset_class = story_filters.PolicyFilter
    default_ordering = ("effective_on", "id")
    csv_filename = "policies"
    csv_columns = [
        ("Id", "id"),
        "jurisdiction.name",
        "kind",
        "title",
        "stance",
        "effective_on",
        "ended_on",
        "uncertain",
    ]

    def base_queryset(self) -> QuerySet:
        return Policy.objects.select_related("jurisdiction__county", "logged_by").prefetch_related(
            "sources"
        )


@schema.documented(
    list="Officials named in the record, each with the offices they held and the dates.",
    retrieve="One person, by slug.",
)
class PersonViewSet(BySlug, ListAction, RetrieveAction, TrackerViewSet):
    serializer_class = serializers.PersonSerializer
    filterset_class = story_filters.PersonFilter
    default_ordering = ("name", "id")
    csv_filename = "people"
    csv_columns = ["slug", "name"]

    def base_queryset(self) -> QuerySet:
        roles = Role.objects.select_related("jurisdiction__county", "agency", "source")
        return Person.objects.prefetch_related(Prefetch("roles", queryset=roles))


@schema.documented(
    list="What reporters were told when they asked about a request: no comment, a referral "
    "(and to whom), no answer, a statement. These are not answers to DOJ and never change a "
    "request's status.",
    retrieve="One press answer.",
)
class PressAnswerViewSet(ListAction, RetrieveAction, TrackerViewSet):
    serializer_class = serializers.PressAnswerSerializer
    filterset_class = story_filters.PressAnswerFilter
    default_ordering = ("answered_on", "id")
    csv_filename = "press-answers"
    csv_columns = [
        ("Id", "id"),
        "kind",
        "campaign",
        "request",
        "jurisdiction.name",
        "answered_by",
        "referred_to",
        "answered_on",
        "summary",
    ]

    def base_queryset(self) -> QuerySet:
        return (
            story.press_answers_shown_to(self.request.user)
            .select_related("jurisdiction__county", "person", "logged_by")
            .prefetch_related("sources")
        )
