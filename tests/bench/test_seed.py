"""`python -m bench.seed` (bench/seed.py, bench/seeding.py): N requests over every U.S. county,
written with COPY, same seed same data, and the same statuses, overdue flags, sentences and
extensions the services would have written.

Only counts and statuses here; the timings belong to the bench (`python -m bench`), never to tests.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from bench import seeding as bench_seed
from requests_tracker import services, workflow
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    Campaign,
    County,
    DataRequest,
    Escalation,
    RequestStatus,
    Response,
    ResponseKind,
)


def seed(requests: int, seed: int = 7) -> bench_seed.SeedResult:
    call_command("load_counties", "--all", stdout=StringIO())
    return bench_seed.seed(requests=requests, seed=seed)


def statuses(requests) -> Counter:
    return Counter(requests.values_list("status", flat=True))


@pytest.mark.django_db
def test_creates_n_requests_over_counties_of_many_states_with_their_timeline() -> None:
    seed(50)

    assert DataRequest.objects.count() == 50
    assert County.objects.count() > 3000  # loads every county, so a campaign can reach any
    assert DataRequest.objects.values("county__state").distinct().count() > 10
    assert Activity.objects.filter(verb=ActivityVerb.REQUEST_ISSUED).count() == 50
    assert Activity.objects.filter(verb=ActivityVerb.RESPONSE_LOGGED).count() == (
        Response.objects.count()
    )
    # Every request cites its campaign's letter, so lists show sourced rows.
    assert not DataRequest.objects.filter(sources=None).exists()


@pytest.mark.django_db
def test_statuses_vary_through_responses_and_escalations() -> None:
    seed(300)

    by_status = statuses(DataRequest.objects.all())
    assert len(by_status) >= 6
    assert by_status[RequestStatus.AWAITING] < 300
    in_force = Escalation.objects.filter(status__in=workflow.ESCALATION_IN_FORCE)
    assert by_status[RequestStatus.ESCALATED] == in_force.values("request").distinct().count()


@pytest.mark.django_db
def test_status_and_overdue_are_what_the_workflow_derives_from_the_rows_written() -> None:
    # California's 58 counties only: 700 requests make 13 campaigns over all 12 issue dates, so
    # some deadlines (and some extended ones) have passed by SEEDED_AS_OF and some have not.
    call_command("load_counties", "--state", "CA", stdout=StringIO())
    result = bench_seed.seed(requests=700, seed=3)
    assert result.campaigns == 13
    assert 0 < result.overdue < 700
    assert Escalation.objects.filter(overdue_since__isnull=False).exists()

    for request in DataRequest.objects.prefetch_related("responses", "escalations"):
        expected = workflow.derive_status(
            [workflow.ResponseFact(r.kind, r.received_on, r.pk) for r in request.responses.all()],
            [
                workflow.EscalationFact(e.status, e.issued_on, e.pk)
                for e in request.escalations.all()
            ],
        )
        assert request.status == expected, request.pk
        assert request.overdue_since == workflow.request_overdue_since(
            expected, request.due_on, bench_seed.SEEDED_AS_OF
        )
        extensions = [
            r for r in request.responses.all() if r.kind == ResponseKind.EXTENSION_GRANTED
        ]
        if extensions:
            assert request.due_on == extensions[-1].new_due_on
    # The overdue job, run as of the same day, finds nothing to change.
    assert services.flag_overdue(today=bench_seed.SEEDED_AS_OF).changed == 0


@pytest.mark.django_db
def test_the_services_keep_working_on_seeded_rows() -> None:
    seed(50)
    waiting = DataRequest.objects.filter(status=RequestStatus.AWAITING).first()

    response = services.log_response(
        data_request=waiting,
        kind=ResponseKind.DECLINED,
        received_on=bench_seed.SEEDED_AS_OF,
        today=bench_seed.SEEDED_AS_OF,
    )

    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.DECLINED
    assert response.pk > Response.objects.exclude(pk=response.pk).order_by("-pk")[0].pk
    later = services.flag_overdue(today=bench_seed.SEEDED_AS_OF + dt.timedelta(days=60))
    assert later.requests_flagged > 0


@pytest.mark.django_db
def test_same_seed_gives_the_same_statuses_county_by_county() -> None:
    seed(50)
    first_run = DataRequest.objects.filter(campaign__in=list(Campaign.objects.all()))
    first = sorted(first_run.values_list("county__fips", "status", "overdue_since", "due_on"))

    seed(50)
    second = sorted(
        DataRequest.objects.exclude(pk__in=first_run.values("pk")).values_list(
            "county__fips", "status", "overdue_since", "due_on"
        )
    )

    assert second == first


@pytest.mark.django_db
def test_rejects_a_count_below_one() -> None:
    with pytest.raises(ValueError, match="1 request or more"):
        seed(0)


@pytest.mark.django_db
def test_a_seeded_extension_is_what_the_service_makes_of_the_same_letter() -> None:
    """The seeder writes an extension straight to the tables; the request row and the events it
    leaves must be the ones services.log_response leaves for the same county, dates and
    campaign letter (sentences, data, the original deadline kept on the row)."""
    call_command("load_counties", "--state", "CA", stdout=StringIO())
    bench_seed.seed(requests=400, seed=5)
    seeded = (
        DataRequest.objects.filter(responses__kind=ResponseKind.EXTENSION_GRANTED)
        .select_related("county", "campaign", "issuing_agency")
        .first()
    )
    extension = seeded.responses.get(kind=ResponseKind.EXTENSION_GRANTED)
    events = ("due_date_changed", "response_logged", "status_changed")

    def written(request: DataRequest) -> dict:
        row = DataRequest.objects.filter(pk=request.pk).values(
            "due_on", "due_basis", "due_rule", "original_due_on", "original_due_basis",
            "original_due_rule", "status",
        )[0]  # fmt: skip
        activity = request.activity.filter(verb__in=events, response__kind="extension_granted")
        return {
            **row,
            "events": sorted(activity.values_list("verb", "summary", "data", "occurred_on")),
        }

    # The same letter logged through the service, on a twin request in another state.
    twin_county = County.objects.create(
        name=seeded.county.name, state="NV", fips="32999", slug="twin"
    )
    twin = services.issue_request(
        county=twin_county,
        campaign=seeded.campaign,
        issuing_agency=seeded.issuing_agency,
        issued_on=seeded.issued_on,
        due_basis="calendar_days",
        due_days=bench_seed.DUE_DAYS,
        data_sought=seeded.data_sought,
        today=seeded.issued_on,
    )
    services.log_response(
        data_request=twin,
        kind=ResponseKind.EXTENSION_GRANTED,
        received_on=extension.received_on,
        new_due_on=extension.new_due_on,
        today=bench_seed.SEEDED_AS_OF,
    )

    from_service = written(twin)
    from_seed = written(seeded)
    assert from_seed["original_due_on"] is not None
    # The county's name is the only difference in the sentences: the state.
    for event in from_service["events"]:
        event_text = event[1].replace(", NV:", ", CA:")
        assert event_text in [e[1] for e in from_seed["events"]], event
    assert {k: v for k, v in from_seed.items() if k != "events"} == {
        k: v for k, v in from_service.items() if k != "events"
    }
    assert [(v, d, o) for v, _, d, o in from_seed["events"]] == [
        (v, d, o) for v, _, d, o in from_service["events"]
    ]


@pytest.mark.django_db
def test_seeded_answers_are_found_by_their_countys_name(editor) -> None:
    """The requests are written before their answers, so the search vectors' triggers find each
    answer's county (written the other way round, answers missed their county's name)."""
    from requests_tracker.selectors import search

    call_command("load_counties", "--state", "CA", stdout=StringIO())
    bench_seed.seed(requests=120, seed=5)
    response = Response.objects.select_related("request__county").order_by("pk").first()
    county = response.request.county.name
    found = search.matching_responses(Response.objects.all(), f'"{county}"', editor)
    assert response in found
    assert set(found) == set(Response.objects.filter(request__county__name=county))


@pytest.mark.django_db(transaction=True)
def test_the_command_seeds_a_database_as_the_bench_runs_it() -> None:
    """`python -m bench.seed` in a process of its own, as bench/run.py starts it (importing the
    seeder before Django was set up once broke it)."""
    from tests.database import database_url

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="config.settings")
    done = subprocess.run(
        [sys.executable, "-m", "bench.seed", "--requests", "40", "--seed", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "40 benchmark requests" in done.stdout
    assert DataRequest.objects.count() == 40
    assert County.objects.count() > 3000
