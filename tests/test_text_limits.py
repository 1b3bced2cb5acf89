"""Summaries, quotations and notes have one length limit (TEXT_MAX_LENGTH): the model, the web
form and the API refuse longer text with a clear message, and nothing is saved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from requests_tracker import services
from requests_tracker.models import Response

pytestmark = pytest.mark.django_db

LIMIT = 20_000


def test_the_default_limit_is_20000_characters(settings):
    assert settings.TEXT_MAX_LENGTH == LIMIT


def test_a_service_refuses_a_summary_over_the_limit_and_names_it(data_request):
    with pytest.raises(ValidationError) as error:
        services.log_response(
            data_request=data_request,
            kind="declined",
            received_on=dt.date(2025, 8, 1),
            summary="x" * (LIMIT + 1),
        )
    assert error.value.message_dict["summary"] == [
        "Keep this to 20,000 characters or fewer (it has 20,001)."
    ]
    assert not Response.objects.exists()
    services.log_response(
        data_request=data_request,
        kind="declined",
        received_on=dt.date(2025, 8, 1),
        summary="x" * LIMIT,
    )
    assert Response.objects.get().summary == "x" * LIMIT


def test_the_limit_is_a_setting(data_request, settings):
    settings.TEXT_MAX_LENGTH = 10
    with pytest.raises(ValidationError) as error:
        services.update_request(data_request=data_request, actor=None, internal_note="x" * 11)
    assert "10 characters" in error.value.message_dict["internal_note"][0]


def test_the_web_form_sets_maxlength_and_shows_the_error_inline(data_request, journalist):
    client = Client()
    client.force_login(journalist)
    page = client.get(data_request.get_absolute_url()).content.decode()
    assert 'name="response-quotation" cols="40" rows="3" maxlength="20000"' in page
    answer = client.post(
        f"/requests/{data_request.pk}/responses/",
        {
            "response-kind": "declined",
            "response-received_on": "2025-08-01",
            "response-quotation": "x" * (LIMIT + 1),
        },
    )
    assert answer.status_code == 400
    assert 'id="id_response-quotation_error"' in answer.content.decode()
    assert not Response.objects.exists()


def test_the_api_answers_400_naming_the_field(data_request, journalist):
    client = APIClient()
    client.force_authenticate(journalist)
    answer = client.post(
        "/api/v1/responses/",
        {
            "request": data_request.pk,
            "kind": "declined",
            "received_on": "2025-08-01",
            "summary": "x" * (LIMIT + 1),
        },
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["summary"] == [
        "Keep this to 20,000 characters or fewer (it has 20,001)."
    ]
    assert not Response.objects.exists()
