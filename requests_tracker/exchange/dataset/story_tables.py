"""The release's tables for the story's facts beyond requests and answers: defined metrics,
jurisdictions (any party: city, state, nation) and their parts in cases, dated policies, people
and their roles, and what the press was told."""

from __future__ import annotations

from requests_tracker.exchange.dataset.columns import fields
from requests_tracker.exchange.dataset.tables import (
    BASE_RESOURCES,
    CAMPAIGN_KEY,
    CASE_KEY,
    ID,
    PERSON_KEY,
    RELEASED_SOURCE,
    REQUEST_KEY,
    SOURCE_KEY,
    Resource,
    citations,
    county,
    links,
    withhold_private_source,
)
from requests_tracker.models import (
    CaseParty,
    Jurisdiction,
    LegalGround,
    Metric,
    Person,
    Policy,
    PressAnswer,
    Role,
)
from requests_tracker.services.figures import METRIC_FIELDS
from requests_tracker.services.jurisdictions import JURISDICTION_FIELDS, POLICY_FIELDS

JURISDICTION_KEY = ("jurisdiction_id", "jurisdictions", "id")

STORY_RESOURCES: tuple[Resource, ...] = (
    Resource(
        "metrics",
        "Metrics",
        "What reported figures count, each defined once so figures can be compared.",
        fields(Metric, ID, *METRIC_FIELDS),
        lambda: Metric.objects.order_by("pk"),
        primary_key=("slug",),
    ),
    Resource(
        "jurisdictions",
        "Jurisdictions",
        "Governments that are parties to the story: counties, cities, states, the nation.",
        fields(Jurisdiction, ID, *JURISDICTION_FIELDS, instead={"county": county(Jurisdiction)}),
        lambda: Jurisdiction.objects.order_by("pk"),
        foreign_keys=(("county_fips", "counties", "fips"),),
    ),
    Resource(
        "case_parties",
        "Parties to each case",
        "Which jurisdiction takes which part in each case (plaintiff, defendant, movant, ...).",
        fields(CaseParty, "case", "jurisdiction", "role"),
        lambda: CaseParty.objects.order_by("case_id", "jurisdiction_id", "role"),
        primary_key=("case_id", "jurisdiction_id", "role"),
        foreign_keys=(CASE_KEY, JURISDICTION_KEY),
    ),
    Resource(
        "policies",
        "Policies",
        "Dated policy facts per jurisdiction: ordinances, practices on detainers and transfers, "
        "agreements, listings.",
        fields(Policy, ID, *POLICY_FIELDS),
        lambda: Policy.objects.order_by("pk"),
        foreign_keys=(JURISDICTION_KEY,),
    ),
    citations("policy", Policy, "policies"),
    Resource(
        "people",
        "People",
        "Officials named in the record.",
        (ID, *fields(Person, "slug", "name")),
        lambda: Person.objects.order_by("pk"),
    ),
    Resource(
        "roles",
        "Roles",
        "The offices people held, with their dates.",
        fields(
            Role,
            ID,
            "person",
            "title",
            "jurisdiction",
            "agency",
            "started_on",
            "ended_on",
            "uncertain",
            RELEASED_SOURCE,
        ),
        lambda: Role.objects.order_by("pk"),
        withhold_private_source,
        foreign_keys=(PERSON_KEY, JURISDICTION_KEY, ("agency_id", "agencies", "id"), SOURCE_KEY),
    ),
    Resource(
        "press_answers",
        "Press answers",
        "What reporters were told (no comment, a referral, a statement); never a request's "
        "answer to DOJ.",
        fields(
            PressAnswer,
            ID,
            "kind",
            "campaign",
            "request",
            "jurisdiction",
            "answered_by",
            "person",
            "referred_to",
            "answered_on",
            "summary",
            "uncertain",
        ),
        lambda: PressAnswer.objects.order_by("pk"),
        foreign_keys=(
            CAMPAIGN_KEY,
            REQUEST_KEY,
            JURISDICTION_KEY,
            PERSON_KEY,
        ),
    ),
    citations("press_answer", PressAnswer, "press_answers"),
    links("legal_ground", LegalGround, "cases", "case", CASE_KEY, "id"),
)

RESOURCES: tuple[Resource, ...] = (*BASE_RESOURCES, *STORY_RESOURCES)
"""Every table of the release, in the order the package lists them."""

__all__ = ["RESOURCES"]
