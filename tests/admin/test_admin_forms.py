"""The admin's add pages ask for what each service takes, and save through it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from requests_tracker import services
from requests_tracker.models import Activity, ActivityVerb, Campaign, Case, ReportedFigure, Source
from requests_tracker.services import jurisdictions
from tests.admin.pages import unchanged_post
from tests.factories import (
    AgencyFactory,
    CountyFactory,
    SourceFactory,
    UserFactory,
    detainer_metric,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(client, db):
    user = UserFactory(username="chief", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def add_page(client, model_name: str):
    url = reverse(f"admin:requests_tracker_{model_name}_add")
    return url, client.get(url)


@time_machine.travel(dt.datetime(2025, 7, 20, 19, tzinfo=dt.UTC), tick=False)
def test_a_campaign_added_in_the_admin_issues_a_request_to_each_county(client, chief):
    counties = [CountyFactory(fips="06037"), CountyFactory(fips="06073")]
    url, page = add_page(client, "campaign")
    assert list(page.context["adminform"].form.fields) == [
        name for name in services.CAMPAIGN_FIELDS if name != "sources"
    ]
    data = unchanged_post(page)
    data.update(
        {
            "title": "July 2025 letters",
            "issuing_agency": AgencyFactory().pk,
            "addressee": "The sheriff",
            "issued_on": "2025-07-17",
            "due_basis": "calendar_days",
            "due_days": "30",
            "data_sought": ["noncitizen_roster", "release_dates"],
            "counties": [county.pk for county in counties],
        }
    )

    result = client.post(url, data)

    assert result.status_code == 302, result.context and result.context["adminform"].form.errors
    campaign = Campaign.objects.get()
    assert (campaign.due_on, campaign.due_rule) == (
        dt.date(2025, 8, 16),
        "30 calendar days from 2025-07-17",
    )
    requests = campaign.requests.order_by("county__fips")
    assert [r.county for r in requests] == counties
    assert {r.addressee for r in requests} == {"The sheriff"}
    assert Activity.objects.filter(verb=ActivityVerb.REQUEST_ISSUED).count() == 2


@time_machine.travel(dt.datetime(2025, 7, 20, 19, tzinfo=dt.UTC), tick=False)
def test_a_campaign_without_its_number_of_days_is_refused_with_the_services_words(client, chief):
    url, page = add_page(client, "campaign")
    data = unchanged_post(page)
    data.update(
        {
            "title": "July 2025 letters",
            "issuing_agency": AgencyFactory().pk,
            "issued_on": "2025-07-17",
            "due_basis": "business_days",
            "data_sought": ["charges"],
            "counties": [CountyFactory().pk],
        }
    )

    result = client.post(url, data)

    assert result.status_code == 200
    assert result.context["adminform"].form.errors["due_days"] == [
        "Give the number of days the letter allows (0 or more)."
    ]
    assert not Campaign.objects.exists()


def test_a_source_added_in_the_admin_goes_through_add_source(client, chief):
    url, page = add_page(client, "source")
    assert set(page.context["adminform"].form.fields) == set(services.SOURCE_FIELDS)
    data = unchanged_post(page)
    data.update({"title": "LASD statement", "url": "https://news.example/lasd"})

    assert client.post(url, data).status_code == 302

    source = Source.objects.get()
    assert source.created_by == chief and source.kind == Source.Kind.NEWS_REPORT


def test_a_source_without_address_or_file_is_refused_with_the_models_words(client, chief):
    url, page = add_page(client, "source")
    data = unchanged_post(page)
    data["title"] = "Hearsay"

    result = client.post(url, data)

    assert result.status_code == 200
    assert result.context["adminform"].form.errors["url"] == [
        "Give the source's address or upload a copy of it."
    ]


def test_a_figure_added_in_the_admin_is_recorded_by_whoever_added_it(client, chief):
    url, page = add_page(client, "reportedfigure")
    assert list(page.context["adminform"].form.fields) == list(services.FIGURE_FIELDS)
    data = unchanged_post(page)
    data.update(
        {
            "county": CountyFactory().pk,
            "metric": detainer_metric().pk,
            "value": "995",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "source": SourceFactory().pk,
        }
    )

    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors

    figure = ReportedFigure.objects.get()
    assert figure.logged_by == chief and figure.unit == "requests"
    assert (figure.scope, figure.state) == ("county", figure.county.state)


def test_a_case_added_with_a_city_as_defendant_shows_on_its_countys_page(client, chief):
    """Parties are jurisdictions (services/jurisdictions.set_parties): naming the City of Los
    Angeles as defendant puts the case on Los Angeles County's page."""
    county = CountyFactory(fips="06037", name="Los Angeles County")
    city = jurisdictions.register_jurisdiction(
        name="City of Los Angeles", level="city", state=county.state, county=county
    )
    nation = jurisdictions.register_jurisdiction(name="United States", level="nation")
    url, page = add_page(client, "case")
    data = unchanged_post(page)
    data.update(
        {
            "title": "United States v. City of Los Angeles",
            "kind": "suit_by_doj",
            "court": "U.S. District Court for the Central District of California",
            "docket_number": "2:25-cv-05917",
            "filed_on": "2025-06-30",
            "status": "open",
            "parties_in-TOTAL_FORMS": "2",
            "parties_in-0-jurisdiction": city.pk,
            "parties_in-0-role": "defendant",
            "parties_in-1-jurisdiction": nation.pk,
            "parties_in-1-role": "plaintiff",
        }
    )
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors

    case = Case.objects.get()
    assert {(p.jurisdiction.slug, p.role) for p in case.parties_in.all()} == {
        (city.slug, "defendant"),
        (nation.slug, "plaintiff"),
    }
    assert list(case.counties.all()) == [county]
    assert "United States v. City of Los Angeles" in client.get("/counties/06037/").content.decode()
