"""Synthetic benchmark data at national scale, written straight to the tables (PostgreSQL COPY):
what `python -m bench.seed --requests N [--seed S]` writes (bench/seed.py, the command that
bench/run.py runs for each size).

Why not through the services: they write one request's answer at a time (a lock, a validation,
an Activity row and a status refresh each), about 6 ms per answered request, so a million requests
would take hours. This module decides the same facts a newsroom would record and writes them the
way the services would have: every request's status and overdue flag from workflow.py's
functions, every event's sentence from services.timeline's SENTENCES (`sentence`), an
extension's deadline, rule and remembered original deadline as services.responses sets them
(tests/bench/test_seed.py compares a seeded extension with one the service makes). All rows of a
kind are written in one COPY, inside one transaction, the requests before what answers them (the
search vectors' triggers read a response's request). Ids are reserved up front from each table's
sequence, so rows can point at each other without reading anything back.

What a run writes, for `requests` requests over every county (it runs `load_counties --all`):
- one issuing agency; a campaign each time the counties run out (3,234 requests per campaign),
  issued a week apart over 12 weeks, 30 calendar days to answer; each campaign's letter is a
  Source that the campaign and every one of its requests cite;
- per request, with the weights in OUTCOMES: no answer yet, an acknowledgement, an extension
  granted (the due date moves, as the responses service moves it), a partial, complied, declined
  or no-records answer (some preceded by an acknowledgement), or an administrative subpoena (open,
  contested or quashed); a few public statements besides; about half of the answers cite the
  state's news-report Source;
- Activity: the campaign and each request issued, each response logged and escalation filed, each
  due date moved, each status change (in the order the events happened, re-deriving the status
  after each one) and the overdue flags in force as of SEEDED_AS_OF.

What it does not write: django-simple-history rows (benchmarks never read history) and the
flag-then-clear Activity pairs a request answered after its deadline went through on the way.
Same `requests` and `seed`, same rows (ids aside); dates come from SEEDED_AS_OF, never the clock.
Meant for an empty, migrated database that nobody else writes to while it runs.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from bench.bulk_rows import TableWriter
from requests_tracker import services, tallies, workflow
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
    RequestStatus,
    Response,
    ResponseKind,
    Source,
    SourceKind,
)
from requests_tracker.services.activity import DUE_DATE_CHANGES, sentence
from requests_tracker.services.responses import due_date_change, extension_rule
from requests_tracker.services.status import STATUS_LABELS

SEEDED_AS_OF = dt.date(2025, 9, 1)
"""The day the seeded data describes; every date is on or before it, none comes from the clock."""

LATEST_CAMPAIGN_ON = dt.date(2025, 8, 18)
CAMPAIGN_DAYS_APART = 7
CAMPAIGN_DATES = 12
"""Campaign i is issued LATEST_CAMPAIGN_ON - 7 * (i % 12) days. With 30 days to answer, the first
three campaigns are not yet due on SEEDED_AS_OF and the later ones are overdue, so a flag_overdue
run a few weeks after SEEDED_AS_OF has requests to flag (the bench picks the date)."""

DUE_DAYS = 30
ESCALATION_DUE_DAYS = 14
DATA_SOUGHT = [
    DataCategory.NONCITIZEN_ROSTER,
    DataCategory.CHARGES,
    DataCategory.CONVICTIONS,
    DataCategory.RELEASE_DATES,
]
LEGAL_AUTHORITY = "8 U.S.C. 1373"
AGENCY_NAME = "U.S. Department of Justice (benchmark)"

# What happens to a request, with its weight: over half of the counties answer somehow, the way the
# July 2025 letters went (some silent, some acknowledging, some declining under state law).
OUTCOMES: list[tuple[str | None, int]] = [
    (None, 45),
    (ResponseKind.ACKNOWLEDGED, 10),
    (ResponseKind.EXTENSION_GRANTED, 5),
    (ResponseKind.PARTIAL, 10),
    (ResponseKind.COMPLIED, 8),
    (ResponseKind.DECLINED, 10),
    (ResponseKind.NO_RECORDS, 2),
    (EscalationKind.ADMINISTRATIVE_SUBPOENA, 10),
]
SUBPOENA_STATUSES: list[tuple[str, int]] = [
    (EscalationStatus.OPEN, 7),
    (EscalationStatus.CONTESTED, 2),
    (EscalationStatus.QUASHED, 1),
]
ACKNOWLEDGED_FIRST = 0.3
"""Share of substantive answers preceded by an acknowledgement (two responses on the request)."""
PUBLIC_STATEMENT = 0.05
"""Share of requests on which the county also spoke to the press (never changes the status)."""
ANSWER_CITES_SOURCE = 0.5

RESPONSE_LABELS = dict(ResponseKind.choices)
ESCALATION_LABELS = dict(EscalationKind.choices)
NOON = dt.time(12, tzinfo=dt.UTC)


@dataclass
class SeedResult:
    requests: int = 0
    campaigns: int = 0
    responses: int = 0
    escalations: int = 0
    sources: int = 0
    activity: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0


def describe(result: SeedResult, *, seed: int, seconds: float) -> str:
    statuses = ", ".join(f"{status} {n:,}" for status, n in result.by_status.items() if n)
    return (
        f"{result.requests:,} benchmark requests in {result.campaigns} campaign(s), seed {seed}, "
        f"as of {SEEDED_AS_OF.isoformat()}: {result.responses:,} responses, "
        f"{result.escalations:,} escalations, {result.sources:,} sources, {result.activity:,} "
        f"activity rows; {statuses}; {result.overdue:,} overdue. {seconds:.1f} s."
    )


def seed(*, requests: int, seed: int) -> SeedResult:
    """Write `requests` benchmark requests (and what followed them) over the loaded counties.

    One transaction; the written tables are analyzed afterwards, so the planner
    sees the data the way autovacuum would leave it.
    """
    if requests < 1:
        raise ValueError("Give 1 request or more.")
    counties = list(County.objects.order_by("fips").values_list("pk", "fips", "name", "state"))
    if not counties:
        raise ValueError("No counties loaded: run `load_counties --all` first.")
    rng = random.Random(seed)
    with transaction.atomic():
        # The requests before their answers: the search vectors' triggers read a response's
        # request (its county's name) when the response is written.
        writer = TableWriter(order=[Source, Campaign, DataRequest])
        result = _Generator(writer, rng, counties, seed).run(requests)
        writer.flush()
        # The database's triggers tallied each COPY: one row per bucket and chunk, folded here.
        tallies.compact()
    with connection.cursor() as cursor:
        # The counties too: loaded just before, and joined by every list filtered by state.
        for table in [*writer.tables_written, County._meta.db_table]:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        # The compaction left the per-chunk rows dead (15 times the live ones at 1M): give
        # the tables back their size where a VACUUM may run, as a long-lived database keeps
        # it (autovacuum reuses the space the compactions free).
        analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM FULL ANALYZE"
        cursor.execute(f"{analyze} {', '.join(tallies.TABLES)}")
    return result


def _noon(day: dt.date, seconds: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, NOON) + dt.timedelta(seconds=seconds)


@dataclass
class _Answer:
    """One response or escalation, in the order it happened."""

    on: dt.date
    response_kind: str | None = None
    escalation_status: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class _Generator:
    def __init__(
        self,
        writer: TableWriter,
        rng: random.Random,
        counties: list[tuple[int, str, str, str]],
        seed: int,
    ) -> None:
        self.w = writer
        self.rng = rng
        self.counties = counties
        self.seed = seed
        self.outcomes, self.outcome_weights = zip(*OUTCOMES, strict=True)
        self.subpoena_statuses, self.subpoena_weights = zip(*SUBPOENA_STATUSES, strict=True)
        self.result = SeedResult(by_status=dict.fromkeys(RequestStatus.values, 0))
        self.agency = services.register_agency(name=AGENCY_NAME, level=Agency.Level.FEDERAL)
        self.data_sought_json = json.dumps(list(map(str, DATA_SOUGHT)))
        self.state_sources: dict[str, int] = {}

    def run(self, requests: int) -> SeedResult:
        remaining, campaign_no = requests, 0
        while remaining:
            chosen = self.rng.sample(self.counties, min(remaining, len(self.counties)))
            self._campaign(campaign_no, sorted(chosen, key=lambda county: county[1]))
            remaining -= len(chosen)
            campaign_no += 1
        self.result.campaigns = campaign_no
        return self.result

    def _source(self, *, title: str, url: str, kind: str, published_on: dt.date) -> int:
        source_id = self.w.next_id(Source)
        self.w.add(
            Source,
            id=source_id,
            created_at=_noon(published_on),
            updated_at=_noon(published_on),
            title=title,
            url=url,
            kind=kind,
            publisher="Benchmark data",
            published_on=published_on,
        )
        self.result.sources += 1
        return source_id

    def _state_source(self, state: str) -> int:
        if state not in self.state_sources:
            self.state_sources[state] = self._source(
                title=f"Counties answer DOJ's jail-roster letters ({state}, benchmark)",
                url=f"https://news.example.org/bench/{state.lower()}",
                kind=SourceKind.NEWS_REPORT,
                published_on=SEEDED_AS_OF,
            )
        return self.state_sources[state]

    def _campaign(self, number: int, counties: Sequence[tuple[int, str, str, str]]) -> None:
        issued_on = LATEST_CAMPAIGN_ON - dt.timedelta(
            days=CAMPAIGN_DAYS_APART * (number % CAMPAIGN_DATES)
        )
        deadline = services.resolve_deadline(
            issued_on=issued_on, due_basis=DueBasis.CALENDAR_DAYS, due_days=DUE_DAYS
        )
        title = f"Benchmark campaign {number + 1} (seed {self.seed})"
        letter = self._source(
            title=f"DOJ letter: {title}",
            url=f"https://www.justice.gov/bench/seed-{self.seed}/campaign-{number + 1}.pdf",
            kind=SourceKind.PRIMARY_DOCUMENT,
            published_on=issued_on,
        )
        campaign_id = self.w.next_id(Campaign)
        issued_at = _noon(issued_on)
        self.w.add(
            Campaign,
            id=campaign_id,
            created_at=issued_at,
            updated_at=issued_at,
            title=title,
            issuing_agency_id=self.agency.pk,
            issued_on=issued_on,
            due_on=deadline.due_on,
            due_basis=deadline.basis,
            due_rule=deadline.rule,
            data_sought=self.data_sought_json,
            legal_authority=LEGAL_AUTHORITY,
            summary="Benchmark data: a list of non-citizens in the county jail.",
        )
        self.w.add(Campaign.sources.through, campaign_id=campaign_id, source_id=letter)
        self._activity(
            issued_at,
            ActivityVerb.CAMPAIGN_ISSUED,
            campaign_id=campaign_id,
            occurred_on=issued_on,
            summary=sentence(
                ActivityVerb.CAMPAIGN_ISSUED, agency=self.agency, title=title, count=len(counties)
            ),
            data={"counties": len(counties), "due_on": deadline.due_on.isoformat()},
        )
        ids = self.w.reserve(DataRequest, len(counties))
        for request_id, county in zip(ids, counties, strict=True):
            self._request(request_id, county, campaign_id, letter, issued_on, deadline)
        self.result.requests += len(counties)

    def _answers(self, issued_on: dt.date, due_on: dt.date) -> list[_Answer]:
        """What the county and DOJ did about one request, oldest first (random, seeded)."""
        rng = self.rng
        days_since = (SEEDED_AS_OF - issued_on).days
        outcome = rng.choices(self.outcomes, self.outcome_weights)[0]
        answers: list[_Answer] = []
        if outcome is not None:
            on = issued_on + dt.timedelta(days=rng.randint(1, days_since))
            if outcome == EscalationKind.ADMINISTRATIVE_SUBPOENA:
                status = rng.choices(self.subpoena_statuses, self.subpoena_weights)[0]
                answers.append(_Answer(on, escalation_status=status))
            else:
                extra: dict[str, Any] = {}
                if outcome == ResponseKind.EXTENSION_GRANTED:
                    extra["new_due_on"] = due_on + dt.timedelta(days=DUE_DAYS)
                elif outcome == ResponseKind.PARTIAL:
                    extra["categories_provided"] = rng.sample(DATA_SOUGHT, 2)
                elif outcome == ResponseKind.DECLINED:
                    extra["legal_basis_cited"] = "SB 54 (California Values Act), Gov. Code 7284.6"
                if (
                    outcome in workflow.SUBSTANTIVE_OUTCOME
                    and on > issued_on + dt.timedelta(days=1)
                    and rng.random() < ACKNOWLEDGED_FIRST
                ):
                    acknowledged_on = issued_on + dt.timedelta(
                        days=rng.randint(1, (on - issued_on).days - 1)
                    )
                    answers.append(_Answer(acknowledged_on, ResponseKind.ACKNOWLEDGED))
                answers.append(_Answer(on, outcome, extra=extra))
        if rng.random() < PUBLIC_STATEMENT:
            on = issued_on + dt.timedelta(days=rng.randint(1, days_since))
            answers.append(_Answer(on, ResponseKind.PUBLIC_STATEMENT))
        answers.sort(key=lambda answer: answer.on)
        return answers

    def _request(
        self,
        request_id: int,
        county: tuple[int, str, str, str],
        campaign_id: int,
        letter: int,
        issued_on: dt.date,
        deadline: Any,
    ) -> None:
        county_id, _, name, state = county
        label = f"{name}, {state}"  # as str(county) writes it
        scope = {"request_id": request_id, "county_id": county_id, "campaign_id": campaign_id}
        issued_at = _noon(issued_on)
        due_on, due_basis, due_rule = deadline.due_on, deadline.basis, deadline.rule
        self._activity(
            issued_at,
            ActivityVerb.REQUEST_ISSUED,
            **scope,
            occurred_on=issued_on,
            summary=sentence(
                ActivityVerb.REQUEST_ISSUED, agency=self.agency, county=label, due_on=due_on
            ),
            data={"due_on": due_on.isoformat()},
        )
        self.w.add(DataRequest.sources.through, datarequest_id=request_id, source_id=letter)

        responses: list[workflow.ResponseFact] = []
        escalations: list[workflow.EscalationFact] = []
        status = workflow.derive_status(responses, escalations)
        updated_at = issued_at
        original: tuple[Any, str, str] = (None, "", "")
        for order, answer in enumerate(self._answers(issued_on, due_on), start=1):
            at = _noon(answer.on, order)
            updated_at = max(updated_at, at)
            if answer.escalation_status is not None:
                escalation_id = self._escalation(answer, scope, label, letter, at)
                escalations.append(
                    workflow.EscalationFact(answer.escalation_status, answer.on, escalation_id)
                )
            else:
                response_id = self._response(answer, scope, label, state, at)
                responses.append(
                    workflow.ResponseFact(answer.response_kind, answer.on, response_id)
                )
                new_due_on = answer.extra.get("new_due_on")
                if new_due_on is not None and new_due_on != due_on:
                    # As the responses service moves it: the latest extension sets the date,
                    # and the deadline the first extension moved is kept on the row.
                    was = due_on
                    if original[0] is None:
                        original = (due_on, due_basis, due_rule)
                    due_on, due_basis = new_due_on, DueBasis.STATED
                    due_rule = extension_rule(answer.on, was_due=was)
                    self._activity(
                        at,
                        ActivityVerb.DUE_DATE_CHANGED,
                        **scope,
                        response_id=response_id,
                        occurred_on=answer.on,
                        summary=sentence(
                            ActivityVerb.DUE_DATE_CHANGED,
                            county=label,
                            change=DUE_DATE_CHANGES["extension_granted"],
                            due_on=due_on,
                            was=was,
                        ),
                        data=due_date_change(was, due_on, "extension_granted"),
                    )
            new_status = workflow.derive_status(responses, escalations)
            if new_status != status:
                self._activity(
                    at,
                    ActivityVerb.STATUS_CHANGED,
                    **scope,
                    occurred_on=answer.on,
                    summary=sentence(
                        ActivityVerb.STATUS_CHANGED,
                        county=label,
                        was=STATUS_LABELS[status].lower(),
                        now=STATUS_LABELS[new_status].lower(),
                    ),
                    data={"from": status, "to": new_status},
                )
                status = new_status

        overdue_since = workflow.request_overdue_since(status, due_on, SEEDED_AS_OF)
        if overdue_since is not None:
            self._activity(
                _noon(overdue_since),
                ActivityVerb.BECAME_OVERDUE,
                **scope,
                occurred_on=overdue_since,
                summary=sentence(
                    ActivityVerb.BECAME_OVERDUE, county=label, what="response", since=overdue_since
                ),
                data={"overdue_since": overdue_since.isoformat()},
            )
            self.result.overdue += 1
        self.result.by_status[status] += 1
        self.w.add(
            DataRequest,
            id=request_id,
            created_at=issued_at,
            updated_at=updated_at,
            county_id=county_id,
            campaign_id=campaign_id,
            issuing_agency_id=self.agency.pk,
            issued_on=issued_on,
            due_on=due_on,
            due_basis=due_basis,
            due_rule=due_rule,
            original_due_on=original[0],
            original_due_basis=original[1],
            original_due_rule=original[2],
            data_sought=self.data_sought_json,
            legal_authority=LEGAL_AUTHORITY,
            summary="Benchmark data: a list of non-citizens in the county jail.",
            status=status,
            overdue_since=overdue_since,
            first_response_on=workflow.first_response_on(responses),
            first_answer_on=workflow.first_answer_on(responses),
            declined_on_file=workflow.declined_on_file(responses),
            escalation_filed=workflow.escalation_filed(escalations),
        )

    def _response(
        self, answer: _Answer, scope: dict[str, int], label: str, state: str, at: dt.datetime
    ) -> int:
        response_id = self.w.next_id(Response)
        kind = answer.response_kind
        self.w.add(
            Response,
            id=response_id,
            created_at=at,
            updated_at=at,
            request_id=scope["request_id"],
            received_on=answer.on,
            kind=kind,
            categories_provided=json.dumps(
                list(map(str, answer.extra.get("categories_provided", [])))
            ),
            legal_basis_cited=answer.extra.get("legal_basis_cited", ""),
            new_due_on=answer.extra.get("new_due_on"),
            summary="Benchmark answer.",
        )
        if self.rng.random() < ANSWER_CITES_SOURCE:
            self.w.add(
                Response.sources.through,
                response_id=response_id,
                source_id=self._state_source(state),
            )
        self._activity(
            at,
            ActivityVerb.RESPONSE_LOGGED,
            **scope,
            response_id=response_id,
            occurred_on=answer.on,
            summary=sentence(
                ActivityVerb.RESPONSE_LOGGED,
                county=label,
                kind=RESPONSE_LABELS[kind].lower(),
                received_on=answer.on,
            ),
            data={"kind": kind, "received_on": answer.on.isoformat()},
        )
        self.result.responses += 1
        return response_id

    def _escalation(
        self, answer: _Answer, scope: dict[str, int], label: str, letter: int, at: dt.datetime
    ) -> int:
        escalation_id = self.w.next_id(Escalation)
        kind = EscalationKind.ADMINISTRATIVE_SUBPOENA
        due_on = answer.on + dt.timedelta(days=ESCALATION_DUE_DAYS)
        overdue_since = workflow.escalation_overdue_since(
            answer.escalation_status, due_on, SEEDED_AS_OF
        )
        self.w.add(
            Escalation,
            id=escalation_id,
            created_at=at,
            updated_at=at,
            request_id=scope["request_id"],
            kind=kind,
            issued_on=answer.on,
            due_on=due_on,
            status=answer.escalation_status,
            overdue_since=overdue_since,
            summary="Benchmark subpoena for the same records.",
        )
        self.w.add(Escalation.sources.through, escalation_id=escalation_id, source_id=letter)
        what = ESCALATION_LABELS[kind].lower()
        self._activity(
            at,
            ActivityVerb.ESCALATION_FILED,
            **scope,
            escalation_id=escalation_id,
            occurred_on=answer.on,
            summary=sentence(
                ActivityVerb.ESCALATION_FILED, county=label, kind=what, issued_on=answer.on
            ),
            data={"kind": kind, "issued_on": answer.on.isoformat(), "due_on": due_on.isoformat()},
        )
        if overdue_since is not None:
            self._activity(
                _noon(overdue_since),
                ActivityVerb.BECAME_OVERDUE,
                **scope,
                escalation_id=escalation_id,
                occurred_on=overdue_since,
                summary=sentence(
                    ActivityVerb.BECAME_OVERDUE, county=label, what=what, since=overdue_since
                ),
                data={"overdue_since": overdue_since.isoformat()},
            )
        self.result.escalations += 1
        return escalation_id

    def _activity(
        self,
        at: dt.datetime,
        verb: str,
        *,
        occurred_on: dt.date,
        summary: str,
        data: dict[str, Any],
        **ids: int,
    ) -> None:
        self.w.add(
            Activity,
            created_at=at,
            occurred_on=occurred_on,
            verb=str(verb),
            summary=summary,
            data=json.dumps(data),
            **ids,
        )
        self.result.activity += 1
