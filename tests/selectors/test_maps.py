"""Reads for the county map: the highest escalation rung, by one rule for the map and for a
campaign's comparison (highest_rungs)."""

from __future__ import annotations

import datetime as dt

import pytest

from requests_tracker import services
from requests_tracker.models import Escalation
from requests_tracker.selectors.maps import county_standings, highest_rungs
from requests_tracker.services.embargo_terms import EmbargoTerms
from tests.factories import CountyFactory, make_request

pytestmark = pytest.mark.django_db

JULY = dt.date(2025, 7, 1)


def file(data_request, kind, day, journalist, **extra):
    return services.file_escalation(
        data_request=data_request,
        kind=kind,
        issued_on=JULY + dt.timedelta(days=day),
        due_on=JULY + dt.timedelta(days=day + 30),
        actor=journalist,
        today=JULY + dt.timedelta(days=40),
        **extra,
    )


def test_the_highest_rung_is_the_highest_on_the_ladder_then_the_latest(journalist):
    requests = [
        make_request(county=CountyFactory(fips=f"060{n:02d}"), issued_on=JULY) for n in range(5)
    ]
    laddered, tied, held, lone, _ = requests
    # A subpoena outranks a later demand letter, even once quashed.
    file(laddered, "demand_letter", 2, journalist)
    file(laddered, "administrative_subpoena", 5, journalist, status="quashed")
    file(laddered, "demand_letter", 9, journalist)
    # Two of a kind: the later one, and of one day's, the one filed last.
    file(tied, "demand_letter", 3, journalist)
    file(tied, "demand_letter", 6, journalist, summary="first of the day")
    file(tied, "demand_letter", 6, journalist, summary="second of the day")
    # A lawsuit held under embargo is no rung for the public.
    file(held, "demand_letter", 4, journalist)
    file(
        held,
        "lawsuit",
        8,
        journalist,
        embargo=EmbargoTerms(until=None, reason="Runs Sunday"),
    )
    file(lone, "grand_jury_subpoena", 7, journalist)

    ids = [request.pk for request in requests]
    in_python = highest_rungs(
        Escalation.objects.filter(request__in=ids, embargoed=False).values_list(
            "id", "request_id", "kind", "status", "due_on", "issued_on"
        )
    )
    # The map reads the same rung for each county's current request, none where none was filed.
    on_the_map = {
        standing.request_id: (standing.rung_kind, standing.rung_status, standing.rung_due_on)
        for standing in county_standings(state="CA", today=JULY).values()
        if standing.request_id in ids
    }
    assert on_the_map == {pk: in_python.get(pk, (None, None, None)) for pk in ids}
    assert in_python[laddered.pk][:2] == ("administrative_subpoena", "quashed")
    second = Escalation.objects.get(summary="second of the day")
    assert in_python[tied.pk] == ("demand_letter", second.status, second.due_on)
    assert in_python[held.pk][0] == "demand_letter"
    assert set(in_python) == {laddered.pk, tied.pk, held.pk, lone.pk}
