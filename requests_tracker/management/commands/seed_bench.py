"""`manage.py seed_bench --requests N [--seed S]`

Why it exists: to measure pages and jobs at newsroom scale. A demo database holds a handful of
requests, where every page is fast whatever it costs per row; a national DOJ campaign reaches
every one of the ~3,200 U.S. counties, and a few of them make tens of thousands of requests. This
command builds such a database (bench/run.py measures it), so a list that grows a query per row or
a job that slows down with the table shows up before a newsroom finds it.

Everything is written through the services, as a newsroom would write it: campaigns issued with
services.issue_campaign (one bulk insert of a request per county), then a share of the requests get
a county's answer (services.log_response) or a DOJ escalation (services.file_escalation), so the
statuses, due dates and overdue flags vary. The choices come from a random generator seeded with
--seed, so the same N and seed give the same database (and the same status counts) every time.
Dates are fixed, not taken from the clock: the data is "as of" SEEDED_AS_OF.

It adds to what is there; run it on an empty, migrated database meant for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from requests_tracker import services
from requests_tracker.models import (
    Agency,
    County,
    DataCategory,
    DataRequest,
    DueBasis,
    EscalationKind,
    ResponseKind,
)

SEEDED_AS_OF = dt.date(2025, 9, 1)
"""The day the seeded data describes; every date is on or before it, none comes from the clock."""

LATEST_CAMPAIGN_ON = dt.date(2025, 8, 18)
CAMPAIGN_DAYS_APART = 7
CAMPAIGN_DATES = 12
"""Campaign i is issued LATEST_CAMPAIGN_ON - 7 * (i % 12) days. With 30 days to answer, the first
three campaigns are not yet due on SEEDED_AS_OF and the later ones are overdue, so a flag_overdue
run after SEEDED_AS_OF has most of the waiting requests to flag (bench/run.py measures that run)."""

DUE_DAYS = 30
DATA_SOUGHT = [
    DataCategory.NONCITIZEN_ROSTER,
    DataCategory.CHARGES,
    DataCategory.CONVICTIONS,
    DataCategory.RELEASE_DATES,
]

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


class Command(BaseCommand):
    help = "Create N benchmark requests over every U.S. county, through the services."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--requests", type=int, required=True, metavar="N", help="How many requests."
        )
        parser.add_argument(
            "--seed", type=int, default=2025, metavar="S", help="Random seed (default 2025)."
        )

    def handle(self, *args: object, requests: int, seed: int, **options: object) -> None:
        if requests < 1:
            raise CommandError("--requests must be 1 or more.")
        call_command("load_counties", "--all", stdout=self.stdout)
        counties = list(County.objects.order_by("fips"))
        rng = random.Random(seed)
        outcomes, weights = zip(*OUTCOMES, strict=True)
        with transaction.atomic():
            agency = services.register_agency(
                name="U.S. Department of Justice (benchmark)", level=Agency.Level.FEDERAL
            )
            remaining, campaign_no = requests, 0
            while remaining:
                chosen = rng.sample(counties, min(remaining, len(counties)))
                issued_on = LATEST_CAMPAIGN_ON - dt.timedelta(
                    days=CAMPAIGN_DAYS_APART * (campaign_no % CAMPAIGN_DATES)
                )
                campaign = services.issue_campaign(
                    title=f"Benchmark campaign {campaign_no + 1} (seed {seed})",
                    issuing_agency=agency,
                    issued_on=issued_on,
                    counties=chosen,
                    due_basis=DueBasis.CALENDAR_DAYS,
                    due_days=DUE_DAYS,
                    data_sought=DATA_SOUGHT,
                    legal_authority="8 U.S.C. 1373",
                    summary="Benchmark data: a list of non-citizens in the county jail.",
                    today=SEEDED_AS_OF,
                )
                for request in campaign.requests.select_related("county").order_by("county__fips"):
                    outcome = rng.choices(outcomes, weights)[0]
                    if outcome is not None:
                        self._answer(request, outcome, rng)
                remaining -= len(chosen)
                campaign_no += 1
        self.stdout.write(
            f"{requests} benchmark requests in {campaign_no} campaign(s), seed {seed}, "
            f"as of {SEEDED_AS_OF.isoformat()}."
        )

    def _answer(self, request: DataRequest, outcome: str, rng: random.Random) -> None:
        days_since = (SEEDED_AS_OF - request.issued_on).days
        on = request.issued_on + dt.timedelta(days=rng.randint(1, days_since))
        if outcome == EscalationKind.ADMINISTRATIVE_SUBPOENA:
            services.file_escalation(
                data_request=request,
                kind=outcome,
                issued_on=on,
                due_on=on + dt.timedelta(days=14),
                summary="Benchmark subpoena for the same records.",
                today=SEEDED_AS_OF,
            )
            return
        extra: dict[str, object] = {}
        if outcome == ResponseKind.EXTENSION_GRANTED:
            extra["new_due_on"] = request.due_on + dt.timedelta(days=DUE_DAYS)
        elif outcome == ResponseKind.PARTIAL:
            extra["categories_provided"] = rng.sample(DATA_SOUGHT, 2)
        elif outcome == ResponseKind.DECLINED:
            extra["legal_basis_cited"] = "SB 54 (California Values Act), Gov. Code 7284.6"
        services.log_response(
            data_request=request,
            kind=outcome,
            received_on=on,
            summary="Benchmark answer.",
            today=SEEDED_AS_OF,
            **extra,
        )
