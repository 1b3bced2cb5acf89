"""Bulk actions on a campaign's requests (services/bulk.py): a dry run reports each row and writes
nothing; confirming writes each row through its single-write service in one transaction, refuses
rows a rule refuses with the reason, and records the action once in the activity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from requests_tracker import services
from requests_tracker.models import Activity, Escalation, Watch
from requests_tracker.services.bulk import run_bulk_action
from tests.factories import CountyFactory, SourceFactory, letters_of_july_17

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 2)
SUBPOENA = {"kind": "administrative_subpoena", "issued_on": dt.date(2025, 9, 1), "due_on": None}


@pytest.fixture
def campaign(editor):
    counties = [
        CountyFactory(name=f"{name} County", fips=fips)
        for name, fips in [("Los Angeles", "06037"), ("Riverside", "06065"), ("Fresno", "06019")]
    ]
    campaign = letters_of_july_17("July 2025 letters", counties)
    riverside = campaign.requests.get(county__fips="06065")
    services.file_escalation(
        data_request=riverside, actor=editor, today=TODAY, **{**SUBPOENA, "summary": "First"}
    )
    return campaign


def test_a_dry_run_reports_every_row_and_writes_nothing(campaign, editor):
    before = (Escalation.objects.count(), Activity.objects.count())
    result = run_bulk_action(
        campaign=campaign,
        action="file_escalation",
        requests=list(campaign.requests.all()),
        fields={**SUBPOENA, "summary": ""},
        actor=editor,
        dry_run=True,
        today=TODAY,
    )
    assert (result.done, result.refused) == (2, 1)
    refused = next(row for row in result.rows if not row.ok)
    assert refused.county == "Riverside County, CA"
    assert refused.errors == {
        "kind": ["An open administrative subpoena of 2025-09-01 already stands on this request."]
    }
    assert all("Administrative subpoena of 2025-09-01" in r.outcome for r in result.rows if r.ok)
    assert (Escalation.objects.count(), Activity.objects.count()) == before


def test_confirming_files_each_row_through_the_service_and_records_the_action_once(
    campaign, editor
):
    result = run_bulk_action(
        campaign=campaign,
        action="file_escalation",
        requests=list(campaign.requests.all()),
        fields={**SUBPOENA, "summary": "Subpoena of September 1"},
        actor=editor,
        today=TODAY,
    )
    assert result.done == 2
    for fips in ("06037", "06019"):
        data_request = campaign.requests.get(county__fips=fips)
        assert data_request.status == "escalated"
        assert data_request.activity.filter(verb="escalation_filed").count() == 1
    bulk = Activity.objects.get(verb="bulk_action")
    assert bulk.campaign == campaign and bulk.data["count"] == 2
    assert bulk.summary == (
        "Administrative subpoena filed against 2 requests of “July 2025 letters” at once"
    )


def test_only_editors_act_on_many_requests(campaign, journalist):
    with pytest.raises(PermissionDenied):
        run_bulk_action(
            campaign=campaign,
            action="follow",
            requests=list(campaign.requests.all()),
            fields={},
            actor=journalist,
        )


def test_requests_of_another_campaign_are_refused_before_anything_is_done(campaign, editor):
    other = letters_of_july_17("Other letters", [CountyFactory(name="Kern County", fips="06029")])
    with pytest.raises(ValidationError) as refused:
        run_bulk_action(
            campaign=campaign,
            action="follow",
            requests=[*campaign.requests.all(), *other.requests.all()],
            fields={},
            actor=editor,
        )
    assert "requests" in refused.value.message_dict
    assert not Watch.objects.exists()


def test_a_source_cited_twice_and_an_extension_for_many(campaign, editor):
    source = SourceFactory()
    services.cite_source(source=source, record=campaign.requests.first(), actor=editor)
    cited = run_bulk_action(
        campaign=campaign,
        action="cite_source",
        requests=list(campaign.requests.all()),
        fields={"source": source},
        actor=editor,
        today=TODAY,
    )
    assert (cited.done, cited.refused) == (2, 1)
    extended = run_bulk_action(
        campaign=campaign,
        action="log_extension",
        requests=list(campaign.requests.all()),
        fields={"new_due_on": dt.date(2025, 9, 30), "received_on": TODAY, "summary": ""},
        actor=editor,
        today=TODAY,
    )
    assert extended.done == 3
    assert set(campaign.requests.values_list("due_on", flat=True)) == {dt.date(2025, 9, 30)}
