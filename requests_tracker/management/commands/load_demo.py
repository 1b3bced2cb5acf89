"""Load the July 2025 request wave to California sheriffs as dated, sourced facts.

Why: a new instance (and every demo) should show real records, not lorem ipsum: DOJ's request
of 2025-07-17 to the Los Angeles, San Francisco, Riverside and San Diego sheriffs, the public
answers that were reported, and as context the four suits DOJ brought over sanctuary policies
(Los Angeles, Illinois with Cook County, New York City, Minnesota with Hennepin County) as court
cases with their docket entries and parties; then (management/demo_story.py) the dated policies,
the officials and their offices, Los Angeles County's and California's figures under defined
metrics, and what the press was told. Every fact cites the
public report it comes from; the summaries are our own words, quotations are short official
statements.

Everything is written through the services in one transaction, and each record is looked up
before it is written, so running the command twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from requests_tracker import services
from requests_tracker.courts import courtlistener
from requests_tracker.management.demo_facts import SourceFact, service_arguments
from requests_tracker.management.demo_grounds import GROUNDS
from requests_tracker.management.demo_story import load_story
from requests_tracker.models import (
    Agency,
    Campaign,
    Case,
    County,
    DataCategory,
    DueBasis,
    LegalGround,
    Response,
    ResponseKind,
    Source,
    Threat,
    ThreatKind,
)
from requests_tracker.services import courts, grounds, threats

JULY_17 = dt.date(2025, 7, 17)


SOURCES = [
    SourceFact(
        "doj_release",
        "U.S. Department of Justice Requests Data on Criminal Illegal Aliens in California Jails",
        "https://www.einpresswire.com/article/831623482/"
        "u-s-department-of-justice-requests-data-on-criminal-illegal-aliens-in-california-jails",
        "U.S. Department of Justice, Office of Public Affairs (press release as republished by "
        "EIN Presswire)",
        JULY_17,
        Source.Kind.OFFICIAL_STATEMENT,
    ),
    SourceFact(
        "newsmax",
        "Newsmax report on DOJ's letters to California sheriffs (30 days to comply)",
        "https://www.newsmax.com/politics/doj-california-pam-bondi/2025/07/17/id/1219147/",
        "Newsmax",
        JULY_17,
        Source.Kind.NEWS_REPORT,
    ),
    SourceFact(
        "laist",
        "Justice Department wants information on undocumented immigrants inside California jails",
        "https://lbpost.com/news/immigration/"
        "justice-department-wants-information-on-undocumented-immigrants-inside-california-jails",
        "LAist (republished by the Long Beach Post)",
        JULY_17,
        Source.Kind.NEWS_REPORT,
    ),
    SourceFact(
        "foxla",
        "DOJ wants data on non-citizen inmates in California, Luna calls it 'impossible'",
        "https://www.foxla.com/news/doj-california-inmate-data-los-angeles-county-robert-luna",
        "FOX 11 Los Angeles",
        JULY_17,
        Source.Kind.NEWS_REPORT,
    ),
    SourceFact(
        "smartcities",
        "DOJ threatens to subpoena California sheriffs in seeking county jail data",
        "https://www.smartcitiesdive.com/news/"
        "doj-threatens-to-subpoena-california-sheriffs-in-seeking-county-jail-data/753453",
        "Smart Cities Dive",
        None,  # publication date not confirmed; the article reports the 2025-07-17 news conference
        Source.Kind.NEWS_REPORT,
    ),
    SourceFact(
        "vanguard_la",
        "Davis Vanguard report on Sheriff Luna's news conference on transfers to ICE",
        "https://davisvanguard.org/2025/07/la-county-sheriff-ice-transfer/",
        "Davis Vanguard",
        None,  # publication date not confirmed; the article reports the 2025-07-17 news conference
        Source.Kind.NEWS_REPORT,
    ),
    SourceFact(
        "sfstandard",
        "San Francisco Standard report on DOJ's request to the San Francisco sheriff",
        "https://sfstandard.com/2025/07/17/attorney-general-pam-bondi-jail-inmate-names",
        "The San Francisco Standard",
        JULY_17,
        Source.Kind.NEWS_REPORT,
    ),
    SourceFact(
        "la_lawsuit",
        "United States v. City of Los Angeles, No. 2:25-cv-05917 (C.D. Cal.), filed 2025-06-30",
        "https://clearinghouse.net/case/46752/",
        "Civil Rights Litigation Clearinghouse",
        dt.date(2025, 6, 30),
        Source.Kind.COURT_FILING,
    ),
]


@dataclass(frozen=True)
class CaseFact:
    """A suit DOJ brought over sanctuary policies (../FACTS: court dockets, the Civil Rights
    Litigation Clearinghouse), with the counties its defendants sit in and the docket entries
    the public record dates."""

    title: str
    court: str
    docket_number: str
    filed_on: dt.date
    parties: str
    counties: tuple[str, ...]
    source: SourceFact
    summary: str
    entries: tuple[tuple[int | None, dt.date, str], ...]
    status: str = "open"
    closed_on: dt.date | None = None


def _clearinghouse(case_id: int, title: str, filed_on: dt.date) -> SourceFact:
    return SourceFact(
        f"clearinghouse_{case_id}",
        title,
        f"https://clearinghouse.net/case/{case_id}/",
        "Civil Rights Litigation Clearinghouse",
        filed_on,
        Source.Kind.COURT_FILING,
    )


def _docket_search(docket_number: str, title: str, filed_on: dt.date) -> SourceFact:
    """A case whose public summary we know only from its docket: CourtListener's search for its
    number (not a guessed docket id)."""
    query = docket_number.replace(":", "%3A")
    return SourceFact(
        f"docket_{docket_number}",
        title,
        f"https://www.courtlistener.com/?type=r&q=%22{query}%22",
        "CourtListener (RECAP archive)",
        filed_on,
        Source.Kind.COURT_FILING,
    )


CASES = [
    CaseFact(
        "United States v. City of Los Angeles",
        "U.S. District Court for the Central District of California",
        "2:25-cv-05917",
        dt.date(2025, 6, 30),
        "United States (plaintiff); City of Los Angeles and its officials (defendants)",
        ("06037",),
        SOURCES[-1],
        "DOJ sued the city over its sanctuary ordinance (Ordinance 188441), which limits the use "
        "of city resources and information-sharing for federal immigration enforcement.",
        (
            (
                1,
                dt.date(2025, 6, 30),
                "COMPLAINT filed by the United States against the City of "
                "Los Angeles over Ordinance 188441.",
            ),
        ),
    ),
    CaseFact(
        "United States v. Illinois et al.",
        "U.S. District Court for the Northern District of Illinois",
        "1:25-cv-01285",
        dt.date(2025, 2, 6),
        "United States (plaintiff); State of Illinois, Cook County and others (defendants)",
        ("17031",),
        _docket_search(
            "1:25-cv-01285",
            "United States v. Illinois et al., No. 1:25-cv-01285 (N.D. Ill.), docket",
            dt.date(2025, 2, 6),
        ),
        "DOJ's suit against Illinois and local governments including Cook County, dismissed "
        "without prejudice on 2025-07-25.",
        (
            (
                1,
                dt.date(2025, 2, 6),
                "COMPLAINT filed by the United States against the State of Illinois, Cook "
                "County and others.",
            ),
            (None, dt.date(2025, 7, 25), "ORDER dismissing the case without prejudice."),
        ),
        status="dismissed",
        closed_on=dt.date(2025, 7, 25),
    ),
    CaseFact(
        "United States v. City of New York",
        "U.S. District Court for the Eastern District of New York",
        "1:25-cv-04084",
        dt.date(2025, 7, 24),
        "United States (plaintiff); City of New York (defendant)",
        ("36005", "36047", "36061", "36081", "36085"),
        _clearinghouse(
            46818,
            "United States v. City of New York, No. 1:25-cv-04084 (E.D.N.Y.)",
            dt.date(2025, 7, 24),
        ),
        "DOJ's suit against New York City, filed 2025-07-24. The city spans five counties "
        "(its boroughs), so the case shows on each.",
        (
            (
                1,
                dt.date(2025, 7, 24),
                "COMPLAINT filed by the United States against the City of New York.",
            ),
        ),
    ),
    CaseFact(
        "United States v. State of Minnesota et al.",
        "U.S. District Court for the District of Minnesota",
        "0:25-cv-03798",
        dt.date(2025, 9, 29),
        "United States (plaintiff); State of Minnesota, Hennepin County and others (defendants)",
        ("27053",),
        _clearinghouse(
            47014,
            "United States v. State of Minnesota et al., No. 0:25-cv-03798 (D. Minn.)",
            dt.date(2025, 9, 29),
        ),
        "DOJ's suit against Minnesota and local governments including Hennepin County, filed "
        "2025-09-29.",
        (
            (
                1,
                dt.date(2025, 9, 29),
                "COMPLAINT filed by the United States against the State of Minnesota and others.",
            ),
        ),
    ),
]
CASE_STATES = ("IL", "NY", "MN")

CAMPAIGN_TITLE = "DOJ request to California sheriffs for lists of non-citizen inmates (July 2025)"
CAMPAIGN_SUMMARY = (
    "On 2025-07-17 the Justice Department asked sheriffs in several large California counties for "
    "a list of every jail inmate who is not a U.S. citizen, with each person's crimes of arrest or "
    "conviction and scheduled release date. The letters allowed 30 days. DOJ said it hoped for "
    "voluntary compliance and would otherwise pursue subpoenas or other compulsory process. Its "
    "release named Los Angeles and San Francisco counties; a DOJ spokesperson also named Riverside "
    "and San Diego to regional outlets (2025-07-17/18)."
)
SHERIFFS = {
    "06037": "Los Angeles County Sheriff's Department",
    "06075": "San Francisco Sheriff's Office",
    "06065": "Riverside County Sheriff's Office",
    "06073": "San Diego County Sheriff's Office",
}


class Command(BaseCommand):
    help = "Load the July 2025 DOJ request wave to California sheriffs (idempotent)."

    def handle(self, *args, **options):
        if County.objects.filter(fips__in=SHERIFFS).count() != len(SHERIFFS):
            call_command("load_counties", state="CA", stdout=self.stdout)
        for state in CASE_STATES:  # where the other suits' defendants sit
            if not County.objects.filter(state=state).exists():
                call_command("load_counties", state=state, stdout=self.stdout)
        with transaction.atomic():
            created = self._load()
        self.stdout.write(
            "Demo data loaded." if created else "Demo data already present; nothing changed."
        )

    def _load(self) -> bool:
        counties = {county.fips: county for county in County.objects.filter(fips__in=SHERIFFS)}
        doj = services.register_agency(
            name="U.S. Department of Justice", level=Agency.Level.FEDERAL
        )
        sheriffs = {
            fips: services.register_agency(
                name=name, level=Agency.Level.COUNTY, county=counties[fips]
            )
            for fips, name in SHERIFFS.items()
        }
        sf_mayor = services.register_agency(
            name="Office of the Mayor of San Francisco",
            level=Agency.Level.CITY,
            county=counties["06075"],
        )
        sources = {fact.key: fact.add() for fact in SOURCES}

        campaign = Campaign.objects.filter(title=CAMPAIGN_TITLE).first()
        created = campaign is None
        if campaign is None:
            campaign = services.issue_campaign(
                title=CAMPAIGN_TITLE,
                issuing_agency=doj,
                issued_on=JULY_17,
                counties=[counties[fips] for fips in SHERIFFS],
                due_basis=DueBasis.CALENDAR_DAYS,
                due_days=30,
                due_rule="The letters gave sheriffs 30 days to comply",
                data_sought=[
                    DataCategory.NONCITIZEN_ROSTER,
                    DataCategory.CHARGES,
                    DataCategory.CONVICTIONS,
                    DataCategory.RELEASE_DATES,
                ],
                legal_authority="",
                summary=CAMPAIGN_SUMMARY,
                addressee="the county sheriff",
                sources=[sources["doj_release"], sources["newsmax"], sources["laist"]],
            )
        requests = {
            request.county.fips: request for request in campaign.requests.select_related("county")
        }

        los_angeles = requests["06037"]
        # (The suit against the City of Los Angeles is the city's: a case with its parties.)
        for key in ("foxla", "smartcities"):
            services.cite_source(source=sources[key], record=los_angeles, actor=None)
        services.cite_source(source=sources["sfstandard"], record=requests["06075"], actor=None)

        created |= self._respond(
            data_request=los_angeles,
            kind=ResponseKind.PUBLIC_STATEMENT,
            received_on=JULY_17,
            responding_agency=sheriffs["06037"],
            official="Sheriff Robert G. Luna",
            legal_basis_cited=(
                "SB 54 (California Values Act, Gov. Code 7284 et seq.); county policy"
            ),
            summary=(
                "The sheriff said his department does not ask people their immigration status, so "
                "such a list could not be produced, and that it would review what information, if "
                "any, it can legally provide. He said the department honors no ICE detainers and "
                "transfers people to ICE only on a federal judicial warrant."
            ),
            quotation=(
                "We don't ask somebody if they are here legally or illegally. It would be "
                "impossible for us to provide a list like that."
            ),
            sources=[sources["foxla"], sources["smartcities"]],
        )
        created |= self._respond(
            data_request=requests["06075"],
            kind=ResponseKind.PUBLIC_STATEMENT,
            received_on=JULY_17,
            responding_agency=sf_mayor,
            official="Charles Lutvak, spokesperson for Mayor Daniel Lurie",
            legal_basis_cited="San Francisco sanctuary ordinance (Admin. Code ch. 12H, 12I); SB 54",
            said_at="A statement reported by the San Francisco Standard",
            summary=(
                "The mayor's office said the city's sanctuary policies stand and local law "
                "enforcement does not take part in federal immigration enforcement. The sheriff's "
                "office said it had no formal request yet and would review the information in "
                "DOJ's release and respond."
            ),
            quotation=(
                "Under San Francisco and California's longstanding policies, local law enforcement "
                "does not participate in federal immigration enforcement."
            ),
            sources=[sources["sfstandard"]],
        )

        created |= self._cases()
        created |= self._threat(campaign, sources["doj_release"])
        self._grounds(requests)
        # The story's other facts: parties, policies, officials, metrics, press answers.
        created |= load_story(sources, requests)
        return created

    def _grounds(self, requests: dict[str, Any]) -> None:
        """The laws of FACTS.md's vocabulary, and the answers that cite them (their
        `legal_basis_cited` names them)."""
        catalogue = {}
        for slug, name, citation, level, summary in GROUNDS:
            catalogue[slug] = LegalGround.objects.filter(slug=slug).first() or (
                grounds.save_ground(
                    ground=LegalGround(
                        slug=slug, name=name, citation=citation, level=level, summary=summary
                    ),
                    actor=None,
                )
            )
        cited = {"06037": ["sb-54"], "06075": ["sb-54", "sf-sanctuary-ordinance"]}
        for fips, slugs in cited.items():
            answers = list(requests[fips].responses.exclude(legal_basis_cited=""))
            for slug in slugs:
                grounds.cite_ground(ground=catalogue[slug], records=answers, actor=None)

    def _threat(self, campaign: Campaign, release: Any) -> bool:
        """DOJ's release of 2025-07-17: it would pursue subpoenas or other compulsory process if
        the sheriffs did not comply; no such step against these sheriffs was found (FACTS.md)."""
        if Threat.objects.filter(campaign=campaign).exists():
            return False
        threats.record_threat(
            campaign=campaign,
            kind=ThreatKind.COMPULSORY_PROCESS,
            threatened_on=JULY_17,
            threatened_by="U.S. Department of Justice",
            condition="if the sheriffs did not provide the lists within 30 days",
            summary="DOJ's announcement said it would pursue subpoenas or other compulsory "
            "process against sheriffs who did not comply; no such step against these sheriffs "
            "was found in public reporting.",
            sources=[release],
        )
        return True

    def _cases(self) -> bool:
        created = False
        for fact in CASES:
            if Case.objects.filter(court=fact.court, docket_number=fact.docket_number).exists():
                continue
            case = courts.open_case(
                **service_arguments(fact, besides=("counties", "source", "entries")),
                counties=County.objects.filter(fips__in=fact.counties),
                sources=[fact.source.add()],
            )
            courts.record_entries(
                case=case,
                entries=[
                    courtlistener.Entry(
                        id=None,
                        docket_id=None,
                        entry_number=number,
                        date_filed=filed_on,
                        description=description,
                        document_url=fact.source.url,
                    )
                    for number, filed_on, description in fact.entries
                ],
            )
            created = True
        return created

    @staticmethod
    def _respond(*, data_request, kind, received_on, official, sources, **fields) -> bool:
        exists = Response.objects.filter(
            request=data_request, kind=kind, received_on=received_on, official=official
        ).exists()
        if exists:
            return False
        services.log_response(
            data_request=data_request,
            kind=kind,
            received_on=received_on,
            official=official,
            sources=sources,
            **fields,
        )
        return True
