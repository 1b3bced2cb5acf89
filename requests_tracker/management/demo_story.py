"""The story's facts beyond requests and answers, for `load_demo`: who the parties are, the laws
and policies in force on which dates, the officials and their offices, defined metrics with
Los Angeles County's and California's figures, and what the press was told.

Every fact cites a public source (../FACTS and the reports load_demo already cites). Where a
date or an attribution is not confirmed from a primary source the record is marked `uncertain`
and says why; nothing here is invented to fill a gap (Inspector General Max Huntsman's
assessment, for one, is left out: no public source for its words is on file).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from requests_tracker.management.demo_facts import SourceFact, service_arguments
from requests_tracker.models import (
    Case,
    CaseParty,
    County,
    Jurisdiction,
    Metric,
    Policy,
    PressAnswer,
    ReportedFigure,
    Source,
)
from requests_tracker.services import courts, figures, jurisdictions, people, press

JULY_17 = dt.date(2025, 7, 17)
SANCTUARY_LIST_DAY = dt.date(2025, 8, 5)

EXTRA_SOURCES = (
    SourceFact(
        "sb54",
        "SB 54, California Values Act (2017-2018), bill text and history",
        "https://leginfo.legislature.ca.gov/faces/billNavClient.xhtml?bill_id=201720180SB54",
        "California Legislative Information",
        dt.date(2017, 10, 5),
        Source.Kind.PRIMARY_DOCUMENT,
    ),
    SourceFact(
        "sanctuary_list",
        "Sanctuary jurisdiction list under Executive Order 14287",
        "https://www.justice.gov/ag/us-sanctuary-jurisdiction-list",
        "U.S. Department of Justice, Office of the Attorney General",
        SANCTUARY_LIST_DAY,
        Source.Kind.PRIMARY_DOCUMENT,
    ),
)

JURISDICTIONS = (
    # slug, name, level, state, county FIPS
    ("united-states", "United States", Jurisdiction.Level.NATION, "", None),
    ("state-of-california", "State of California", Jurisdiction.Level.STATE, "CA", None),
    ("state-of-illinois", "State of Illinois", Jurisdiction.Level.STATE, "IL", None),
    ("state-of-minnesota", "State of Minnesota", Jurisdiction.Level.STATE, "MN", None),
    ("city-of-los-angeles-ca", "City of Los Angeles", Jurisdiction.Level.CITY, "CA", "06037"),
    ("city-of-san-francisco-ca", "City of San Francisco", Jurisdiction.Level.CITY, "CA", "06075"),
    ("city-of-berkeley-ca", "City of Berkeley", Jurisdiction.Level.CITY, "CA", "06001"),
    # New York City spans five counties (its boroughs): no one county.
    ("city-of-new-york-ny", "City of New York", Jurisdiction.Level.CITY, "NY", None),
)
COUNTY_PARTIES = ("06037", "06075", "06073", "17031", "27053")

PARTIES = {
    # docket number: (jurisdiction slug, role), ...
    "2:25-cv-05917": (("united-states", "plaintiff"), ("city-of-los-angeles-ca", "defendant")),
    "1:25-cv-01285": (
        ("united-states", "plaintiff"),
        ("state-of-illinois", "defendant"),
        ("county:17031", "defendant"),
    ),
    "1:25-cv-04084": (("united-states", "plaintiff"), ("city-of-new-york-ny", "defendant")),
    "0:25-cv-03798": (
        ("united-states", "plaintiff"),
        ("state-of-minnesota", "defendant"),
        ("county:27053", "defendant"),
    ),
}
OUTCOMES = {"1:25-cv-01285": "Dismissed without prejudice."}

METRICS = (
    (
        "ice-detainer-requests-received",
        "ICE detainer requests received",
        "Immigration detainers (Form I-247A) ICE sent the jail: requests to be told before a "
        "person's release and to hold the person up to 48 hours. Signed by an ICE officer, not "
        "a judge.",
        "requests",
        "The sheriff's public statements; annual TRUTH Act reports",
    ),
    (
        "ice-detainer-requests-honored",
        "ICE detainer requests honored",
        "Detainer requests the jail acted on (held the person, or told ICE of the release).",
        "requests",
        "The sheriff's public statements; annual TRUTH Act reports",
    ),
    (
        "ice-detainer-requests-declined",
        "ICE detainer requests declined",
        "Detainer requests the jail did not act on.",
        "requests",
        "The sheriff's public statements; annual TRUTH Act reports",
    ),
    (
        "transfers-to-ice-on-judicial-warrants",
        "Transfers to ICE on federal judicial warrants",
        "People the jail handed to ICE on a warrant signed by a federal judge (SB 54 permits "
        "these), not on a detainer alone.",
        "transfers",
        "The sheriff's public statements",
    ),
    (
        "people-in-custody-asked-about",
        "People in custody DOJ asked about",
        "People in the jail a DOJ request asks for data about (for the July 2025 letters: "
        "inmates who are not U.S. citizens).",
        "people",
        "The sheriff's answer, or the county's records",
    ),
    (
        "jurisdictions-listed-as-sanctuary",
        "Jurisdictions on DOJ's sanctuary list",
        "Entries (a state, counties, cities) on the list DOJ published under Executive Order "
        "14287.",
        "jurisdictions",
        "DOJ's published list",
    ),
)


def load_story(sources: dict[str, Source], requests: dict[str, Any]) -> bool:
    """Write the story's records (each looked up first: running it twice changes nothing);
    True if anything was new."""
    before = _count()
    sources = {**sources, **{fact.key: fact.add() for fact in EXTRA_SOURCES}}
    places = _jurisdictions()
    _parties(places)
    _policies(places, sources)
    officials = _people(places, sources, requests)
    _figures(sources, officials)
    _press(places, sources)
    return _count() != before


def _count() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Jurisdiction, CaseParty, Policy, Metric, ReportedFigure, PressAnswer)
    )


def _jurisdictions() -> dict[str, Jurisdiction]:
    counties = {c.fips: c for c in County.objects.filter(fips__in=[*COUNTY_PARTIES, "06001"])}
    places = {
        slug: jurisdictions.register_jurisdiction(
            slug=slug,
            name=name,
            level=level,
            state=state,
            county=counties.get(fips) if fips else None,
        )
        for slug, name, level, state, fips in JURISDICTIONS
        if fips is None or fips in counties
    }
    for fips in COUNTY_PARTIES:
        if fips in counties:
            places[f"county:{fips}"] = jurisdictions.county_jurisdiction(counties[fips])
    return places


def _parties(places: dict[str, Jurisdiction]) -> None:
    for case in Case.objects.filter(docket_number__in=PARTIES):
        if case.parties_in.exists():
            continue
        jurisdictions.set_parties(
            case=case,
            parties=[(places[slug], role) for slug, role in PARTIES[case.docket_number]],
        )
        if case.docket_number in OUTCOMES:
            courts.update_case(case=case, outcome=OUTCOMES[case.docket_number])


@dataclass(frozen=True)
class PolicyFact:
    """A dated policy of the place whose slug is `place` (record_policy's arguments)."""

    place: str
    kind: str
    title: str
    summary: str
    stance: str
    effective_on: dt.date
    sources: list[Source]
    uncertain: bool


def _policies(places: dict[str, Jurisdiction], sources: dict[str, Source]) -> None:
    facts = [
        PolicyFact(
            "state-of-california",
            Policy.Kind.SANCTUARY_LAW,
            "SB 54, the California Values Act, takes effect",
            "State and local law enforcement may not use their resources for immigration "
            "enforcement, with exceptions (Gov. Code 7282.5); release dates may be given only "
            "where public or an exception applies. Upheld in United States v. California, "
            "921 F.3d 865 (9th Cir. 2019).",
            "",
            dt.date(2018, 1, 1),
            [sources["sb54"]],
            False,
        ),
        PolicyFact(
            "county:06037",
            Policy.Kind.DETAINER_PRACTICE,
            "Honors no ICE detainer requests",
            "The sheriff said the department honored none of the 995 detainer requests it "
            "received in 2024, citing state law and county policy (first reported here on "
            "2025-07-17).",
            "limited_cooperation",
            JULY_17,
            [sources["smartcities"], sources["foxla"]],
            False,
        ),
        PolicyFact(
            "county:06037",
            Policy.Kind.TRANSFER_PRACTICE,
            "Transfers to ICE resume, on federal judicial warrants only",
            "The first transfers since early 2020, citing SB 54's exceptions for serious crimes: "
            "8 in May 2025 and 12 in June 2025, the sheriff said (the day in May is not "
            "reported, so the first of the month stands for it).",
            "limited_cooperation",
            dt.date(2025, 5, 1),
            [sources["vanguard_la"]],
            False,
        ),
        PolicyFact(
            "city-of-los-angeles-ca",
            Policy.Kind.SANCTUARY_LAW,
            "Sanctuary ordinance (Ordinance 188441) in force",
            "In force when DOJ sued the city over it on 2025-06-30; its adoption date is not "
            "confirmed here, so the suit's date stands for it.",
            "sanctuary",
            dt.date(2025, 6, 30),
            [sources["la_lawsuit"]],
            True,
        ),
    ]
    for slug in (
        "state-of-california",
        "county:06073",
        "county:06075",
        "city-of-berkeley-ca",
        "city-of-los-angeles-ca",
        "city-of-san-francisco-ca",
    ):
        facts.append(
            PolicyFact(
                slug,
                Policy.Kind.LISTING,
                "Listed by DOJ as a sanctuary jurisdiction",
                "On DOJ's list under Executive Order 14287 (Los Angeles County was not).",
                "",
                SANCTUARY_LIST_DAY,
                [sources["sanctuary_list"]],
                False,
            )
        )
    for fact in facts:
        place = places.get(fact.place)
        if place is None or Policy.objects.filter(jurisdiction=place, title=fact.title).exists():
            continue
        jurisdictions.record_policy(
            jurisdiction=place, **service_arguments(fact, besides=("place",))
        )


OFFICIALS = (
    # key, name, slug, office, where (a place's slug), in office from, source key
    (
        "luna",
        "Robert G. Luna",
        "robert-g-luna",
        "Sheriff",
        "county:06037",
        dt.date(2022, 12, 5),
        "foxla",
    ),
    (
        "bonta",
        "Rob Bonta",
        "rob-bonta",
        "Attorney General of California",
        "state-of-california",
        dt.date(2021, 4, 23),
        "laist",
    ),
    (
        "bondi",
        "Pam Bondi",
        "pam-bondi",
        "Attorney General of the United States",
        "united-states",
        dt.date(2025, 2, 5),
        "sfstandard",
    ),
)
"""The officials the story names and the offices they held, each marked `uncertain`: no start
date is checked against a primary source here (Luna was sworn in in December 2022; the day is
from public record, unchecked)."""


def _people(
    places: dict[str, Jurisdiction], sources: dict[str, Source], requests: dict[str, Any]
) -> dict[str, Any]:
    officials = {}
    for key, name, slug, title, place, started_on, source_key in OFFICIALS:
        officials[key] = people.add_person(name=name, slug=slug)
        people.add_role(
            person=officials[key],
            title=title,
            jurisdiction=places.get(place),
            started_on=started_on,
            source=sources[source_key],
            uncertain=True,
        )
    answers = list(requests["06037"].responses.filter(official__icontains="Luna"))
    people.link_person(person=officials["luna"], records=answers)
    return officials


def _figures(sources: dict[str, Source], officials: dict[str, Any]) -> None:
    catalogue = {
        slug: figures.define_metric(
            slug=slug, name=name, definition=definition, unit=unit, source_type=source_type
        )
        for slug, name, definition, unit, source_type in METRICS
    }
    los_angeles = County.objects.filter(fips="06037").first()
    year_2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31), "2024")
    to_mid_july = (dt.date(2025, 1, 1), JULY_17, "2025, to mid-July")
    rows = [
        # metric, county, state, value, period, note, source, reported by
        ("ice-detainer-requests-received", los_angeles, "", 995, year_2024, "", "smartcities"),
        ("ice-detainer-requests-honored", los_angeles, "", 0, year_2024, "", "smartcities"),
        ("ice-detainer-requests-received", los_angeles, "", 435, to_mid_july, "", "smartcities"),
        ("ice-detainer-requests-honored", los_angeles, "", 0, to_mid_july, "", "smartcities"),
        (
            "transfers-to-ice-on-judicial-warrants",
            los_angeles,
            "",
            8,
            (dt.date(2025, 5, 1), dt.date(2025, 5, 31), "May 2025"),
            "The first such transfers since early 2020.",
            "vanguard_la",
        ),
        (
            "transfers-to-ice-on-judicial-warrants",
            los_angeles,
            "",
            12,
            (dt.date(2025, 6, 1), dt.date(2025, 6, 30), "June 2025"),
            "",
            "vanguard_la",
        ),
        (
            "jurisdictions-listed-as-sanctuary",
            None,
            "CA",
            6,
            (SANCTUARY_LIST_DAY, SANCTUARY_LIST_DAY, "2025-08-05"),
            "The State of California, San Diego and San Francisco counties, and the cities of "
            "Berkeley, Los Angeles and San Francisco; Los Angeles County was not listed.",
            "sanctuary_list",
        ),
    ]
    for slug, county, state, value, (start, end, label), note, source_key in rows:
        if county is None and not state:
            continue
        natural_key = {  # one count of a metric for one place, period and source is kept once
            "metric": catalogue[slug],
            "county": county,
            "state": county.state if county else state,
            "period_start": start,
            "period_end": end,
            "source": sources[source_key],
        }
        if ReportedFigure.objects.filter(**natural_key).exists():
            continue
        by_sheriff = county is not None
        figures.record_figure(
            **natural_key,
            value=Decimal(value),
            period_label=label,
            note=note,
            reported_by="Sheriff Robert G. Luna" if by_sheriff else "U.S. Department of Justice",
            person=officials["luna"] if by_sheriff else None,
        )


def _press(places: dict[str, Jurisdiction], sources: dict[str, Source]) -> None:
    california = places["state-of-california"]
    answers = [
        (
            PressAnswer.Kind.STATEMENT,
            "California Attorney General Rob Bonta",
            "DOJ cannot force local law enforcement to break state law, and SB 54 does not "
            "allow wholesale notification.",
            True,  # FACTS: "regional reports"; which outlet carried it is not confirmed here
        ),
        (
            PressAnswer.Kind.NO_COMMENT,
            "The California Attorney General's office",
            "Did not comment, as reported in the July 2025 account this tracker grew from; "
            "which question it declined is not recorded here.",
            True,
        ),
    ]
    for kind, answered_by, summary, uncertain in answers:
        if PressAnswer.objects.filter(jurisdiction=california, kind=kind).exists():
            continue
        press.record_press_answer(
            kind=kind,
            jurisdiction=california,
            answered_by=answered_by,
            person=None,
            answered_on=JULY_17,
            summary=summary,
            uncertain=uncertain,
            sources=[sources["laist"]],
        )
    bonta = people.add_person(name="Rob Bonta", slug="rob-bonta")
    statement = PressAnswer.objects.filter(jurisdiction=california, kind=PressAnswer.Kind.STATEMENT)
    people.link_person(person=bonta, records=list(statement))
