"""Threats as data (services/threats.py): the July 2025 letter's threat of subpoenas is on file
in the demo data, shows as not carried out with its day count on the campaign page, the request
page and the API, and is marked carried out only by an escalation that could have done it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from requests_tracker import services
from requests_tracker.models import Campaign, Threat
from requests_tracker.services import threats
from tests.factories import CountyFactory, letters_of_july_17

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo")
    return Campaign.objects.get(title__startswith="DOJ")


@time_machine.travel(dt.datetime(2025, 9, 15, 12, tzinfo=dt.UTC), tick=False)
def test_the_demo_threat_is_not_carried_out_after_60_days_on_pages_and_in_the_api(demo, viewer):
    client = Client()
    client.force_login(viewer)
    threat = Threat.objects.get(campaign=demo)
    assert threat.kind == "compulsory_process" and threat.sources.exists()

    api = client.get("/api/v1/threats/", {"campaign": demo.pk}).json()["results"]
    assert [(t["carried_out"], t["days_not_carried_out"]) for t in api] == [(False, 60)]
    assert api[0]["threatened_on"] == "2025-07-17"

    page = client.get(demo.get_absolute_url()).content.decode()
    assert "not carried out after 60 days" in page
    assert "1 threat on file; <strong>1 not carried out</strong>" in page  # the campaign's count
    los_angeles = demo.requests.get(county__fips="06037")
    assert (
        "not carried out after 60 days"
        in client.get(los_angeles.get_absolute_url()).content.decode()
    )
    assert client.get("/api/v1/threats/", {"carried_out": "true"}).json()["results"] == []


def test_a_threat_is_carried_out_only_by_a_later_escalation_it_was_made_to(editor):
    county = CountyFactory(name="Kern County", fips="06029")
    campaign = letters_of_july_17("July 2025 letters", [county])
    other = letters_of_july_17("Other", [CountyFactory(fips="06019")])
    threat = threats.record_threat(
        campaign=campaign,
        kind="subpoena",
        threatened_on=dt.date(2025, 7, 17),
        threatened_by="U.S. Department of Justice",
        actor=editor,
        today=dt.date(2025, 7, 18),
    )
    elsewhere = services.file_escalation(
        data_request=other.requests.get(),
        kind="administrative_subpoena",
        issued_on=dt.date(2025, 9, 1),
        actor=editor,
        today=dt.date(2025, 9, 2),
    )
    with pytest.raises(ValidationError) as refused:
        threats.carry_out_threat(threat=threat, escalation=elsewhere, actor=editor)
    assert "carried_out_by" in refused.value.message_dict

    subpoena = services.file_escalation(
        data_request=campaign.requests.get(),
        kind="administrative_subpoena",
        issued_on=dt.date(2025, 9, 1),
        actor=editor,
        today=dt.date(2025, 9, 2),
    )
    threats.carry_out_threat(threat=threat, escalation=subpoena, actor=editor)
    threat.refresh_from_db()
    assert threat.carried_out and threat.days_not_carried_out(dt.date(2025, 9, 2)) is None
    assert campaign.requests.get().activity.filter(verb="threat_carried_out").exists()


def test_a_threat_belongs_to_a_campaign_or_a_request_and_is_not_dated_after_today(editor):
    campaign = letters_of_july_17("July 2025 letters", [CountyFactory(fips="06029")])
    with pytest.raises(ValidationError) as refused:
        threats.record_threat(
            kind="lawsuit",
            threatened_on=dt.date(2025, 7, 17),
            threatened_by="DOJ",
            actor=editor,
        )
    assert "campaign" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        threats.record_threat(
            campaign=campaign,
            kind="lawsuit",
            threatened_on=dt.date(2025, 7, 20),
            threatened_by="DOJ",
            actor=editor,
            today=dt.date(2025, 7, 18),
        )
    assert "threatened_on" in refused.value.message_dict
    assert not Threat.objects.exists()
