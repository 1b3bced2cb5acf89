"""The release's tables for the story's facts beyond requests and answers: defined metrics,
jurisdictions (any party: city, state, nation) and their parts in cases, dated policies, people
and their roles, and what the press was told."""

from __future__ import annotations

from requests_tracker.choices import (
    JurisdictionLevel,
    PartyRole,
    PolicyKind,
    PressAnswerKind,
    Stance,
)
from requests_tracker.exchange.dataset.tables import (
    BASE_RESOURCES,
    CAMPAIGN_KEY,
    CASE,
    CASE_KEY,
    ID,
    NAME,
    PERSON_KEY,
    RELEASED_SOURCE,
    REQUEST_KEY,
    SLUG,
    SOURCE_KEY,
    SUMMARY,
    UNCERTAIN,
    Column,
    Resource,
    choice,
    citations,
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

JURISDICTION_KEY = ("jurisdiction_id", "jurisdictions", "id")

STORY_RESOURCES: tuple[Resource, ...] = (
    Resource(
        "metrics",
        "Metrics",
        "What reported figures count, each defined once so figures can be compared.",
        (
            ID,
            Column("slug", "string", "Its short name (figures.metric).", required=True),
            NAME,
            Column("definition", "string", "What is counted, and what is not.", required=True),
            Column("unit", "string", "What one is.", required=True),
            Column("source_type", "string", "Where such numbers come from."),
        ),
        lambda: Metric.objects.order_by("pk"),
        primary_key=("slug",),
    ),
    Resource(
        "jurisdictions",
        "Jurisdictions",
        "Governments that are parties to the story: counties, cities, states, the nation.",
        (
            ID,
            SLUG,
            NAME,
            choice("level", JurisdictionLevel, "nation, state, county or city."),
            Column("state", "string", "Its state (empty: the nation)."),
            Column("county_fips", "string", "The county it is or sits in.", read="county__fips"),
        ),
        lambda: Jurisdiction.objects.order_by("pk"),
        foreign_keys=(("county_fips", "counties", "fips"),),
    ),
    Resource(
        "case_parties",
        "Parties to each case",
        "Which jurisdiction takes which part in each case (plaintiff, defendant, movant, ...).",
        (
            CASE,
            Column("jurisdiction_id", "integer", "The party.", required=True),
            choice("role", PartyRole, "Its part in the case."),
        ),
        lambda: CaseParty.objects.order_by("case_id", "jurisdiction_id", "role"),
        primary_key=("case_id", "jurisdiction_id", "role"),
        foreign_keys=(CASE_KEY, JURISDICTION_KEY),
    ),
    Resource(
        "policies",
        "Policies",
        "Dated policy facts per jurisdiction: ordinances, practices on detainers and transfers, "
        "agreements, listings.",
        (
            ID,
            Column("jurisdiction_id", "integer", "Whose policy.", required=True),
            choice("kind", PolicyKind, "What kind of policy."),
            Column("title", "string", "What the policy is.", required=True),
            SUMMARY,
            Column(
                "stance",
                "string",
                "The stance it sets (empty: none).",
                enum=("", *Stance.values),
            ),
            Column("effective_on", "date", "When it took effect.", required=True),
            Column("ended_on", "date", "When it ended."),
            UNCERTAIN,
        ),
        lambda: Policy.objects.order_by("pk"),
        foreign_keys=(JURISDICTION_KEY,),
    ),
    citations("policy", Policy, "policies"),
    Resource(
        "people",
        "People",
        "Officials named in the record.",
        (
            ID,
            Column("slug", "string", "Short name.", True),
            Column("name", "string", "Name.", True),
        ),
        lambda: Person.objects.order_by("pk"),
    ),
    Resource(
        "roles",
        "Roles",
        "The offices people held, with their dates.",
        (
            ID,
            Column("person_id", "integer", "Who.", required=True),
            Column("title", "string", "The office.", required=True),
            Column("jurisdiction_id", "integer", "Whose office."),
            Column("agency_id", "integer", "The agency it heads or sits in."),
            Column("started_on", "date", "When it began (empty: not known)."),
            Column("ended_on", "date", "When it ended (empty: still held)."),
            UNCERTAIN,
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
        (
            ID,
            choice("kind", PressAnswerKind, "What the press was told."),
            Column("campaign_id", "integer", "The campaign asked about."),
            Column("request_id", "integer", "The request asked about."),
            Column("jurisdiction_id", "integer", "The jurisdiction asked."),
            Column("answered_by", "string", "Who answered.", required=True),
            Column("person_id", "integer", "That official, if on file."),
            Column("referred_to", "string", "To whom questions were referred."),
            Column("answered_on", "date", "When it was reported.", required=True),
            SUMMARY,
            UNCERTAIN,
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
