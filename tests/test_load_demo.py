"""load_demo: the July 2025 wave, every fact sourced, and a second run changes nothing."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command

from requests_tracker.models import (
    Campaign,
    DataRequest,
    ReportedFigure,
    RequestStatus,
    Response,
    Source,
)


def _counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("requests_tracker").get_models()
    }


@pytest.mark.django_db
def test_load_demo_twice_leaves_every_table_as_it_was():
    call_command("load_demo")
    first = _counts()
    call_command("load_demo")
    assert _counts() == first
    # California's 58, and the states of the other suits' defendants (Illinois, New York,
    # Minnesota: 102, 62 and 87 counties).
    assert first["requests_tracker.County"] == 58 + 102 + 62 + 87
    assert first["requests_tracker.Case"] == 4


@pytest.mark.django_db
def test_demo_is_the_july_2025_request_to_four_sheriffs_with_sources():
    call_command("load_demo")

    campaign = Campaign.objects.get()
    assert campaign.issued_on == dt.date(2025, 7, 17)
    assert campaign.due_on == dt.date(2025, 8, 16)
    assert campaign.sources.exists()
    counties = set(campaign.requests.values_list("county__name", flat=True))
    assert counties == {
        "Los Angeles County",
        "San Francisco County",
        "Riverside County",
        "San Diego County",
    }
    for request in DataRequest.objects.all():
        assert set(request.data_sought) >= {"noncitizen_roster", "charges", "release_dates"}
        # No substantive answer was reported, so each is overdue from the day after the deadline.
        assert request.status == RequestStatus.AWAITING
        assert request.overdue_since == dt.date(2025, 8, 17)

    los_angeles = Response.objects.get(request__county__fips="06037")
    assert "immigration status" in los_angeles.summary
    assert los_angeles.sources.exists()
    san_francisco = Response.objects.get(request__county__fips="06075")
    assert "does not participate in federal immigration enforcement" in san_francisco.quotation

    figures = {(f.metric.slug, f.period_label): int(f.value) for f in ReportedFigure.objects.all()}
    assert figures[("ice-detainer-requests-received", "2024")] == 995
    assert figures[("transfers-to-ice-on-judicial-warrants", "May 2025")] == 8

    # The suit against the City of Los Angeles is the city's case, not a source hung on the
    # County's request.
    lawsuit = Source.objects.get(
        kind=Source.Kind.COURT_FILING, title__contains="2:25-cv-05917", docket_entry=None
    )
    assert not lawsuit.requests.exists()
    assert lawsuit.cases.get().parties_in.filter(jurisdiction__slug="city-of-los-angeles-ca")
    assert all(source.url and source.publisher for source in Source.objects.all())
