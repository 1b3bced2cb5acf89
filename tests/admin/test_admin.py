"""The admin goes through the services: the same status, the same Activity, the same errors."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    DataRequest,
    RequestStatus,
    Response,
    WebhookSubscription,
)
from tests.factories import AgencyFactory, CountyFactory, SourceFactory, UserFactory, make_request


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def _form_data(response):
    """The POST a browser would send back for the admin page it was given, unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            else:
                data[key] = value
    return data


def _add_inline(data, prefix, fields):
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


@time_machine.travel(dt.datetime(2025, 8, 25, 12, tzinfo=dt.UTC))
def test_logging_a_response_in_the_admin_does_exactly_what_the_service_does(admin_client):
    """Two identical requests: one answered in the admin, one through the service directly."""
    via_admin = make_request(county=CountyFactory(name="Riverside County", fips="06065"))
    via_service = make_request(county=CountyFactory(name="San Diego County", fips="06073"))
    services.flag_overdue(today=dt.date(2025, 8, 25))  # both are overdue since 2025-08-17
    answer = {
        "received_on": "2025-08-20",
        "kind": "declined",
        "legal_basis_cited": "SB 54",
        "summary": "The sheriff declined, citing state law.",
    }

    url = reverse("admin:requests_tracker_datarequest_change", args=[via_admin.pk])
    data = _form_data(admin_client.get(url))
    _add_inline(data, "responses", answer)
    result = admin_client.post(url, data)
    assert result.status_code == 302, result.context and result.context["errors"]

    admin_user = get_user_model().objects.get(username="admin")
    services.log_response(
        data_request=via_service,
        actor=admin_user,
        kind="declined",
        received_on=dt.date(2025, 8, 20),
        legal_basis_cited="SB 54",
        summary="The sheriff declined, citing state law.",
    )

    def outcome(request):
        request.refresh_from_db()
        events = [
            (a.verb, a.actor_id, {k: v for k, v in a.data.items()})
            for a in Activity.objects.filter(request=request).order_by("id")
        ]
        return request.status, request.overdue_since, events

    assert outcome(via_admin) == outcome(via_service)
    status, overdue_since, events = outcome(via_admin)
    assert status == RequestStatus.DECLINED
    assert overdue_since is None
    # The response, the status change, and the overdue flag (raised as the deadline of
    # 2025-08-16 had passed) cleared by the answer.
    assert [verb for verb, _, _ in events][-3:] == [
        ActivityVerb.RESPONSE_LOGGED,
        ActivityVerb.STATUS_CHANGED,
        ActivityVerb.OVERDUE_CLEARED,
    ]
    assert Response.objects.get(request=via_admin).logged_by == admin_user


@time_machine.travel(dt.datetime(2025, 8, 25, 12, tzinfo=dt.UTC))
def test_admin_shows_an_inline_error_for_a_response_dated_before_the_request(
    admin_client, data_request
):
    url = reverse("admin:requests_tracker_datarequest_change", args=[data_request.pk])
    data = _form_data(admin_client.get(url))
    _add_inline(data, "responses", {"received_on": "2025-07-01", "kind": "acknowledged"})

    result = admin_client.post(url, data)

    assert result.status_code == 200
    assert "cannot be dated before the request was issued" in result.content.decode()
    assert not Response.objects.exists()
    assert not Activity.objects.filter(verb=ActivityVerb.RESPONSE_LOGGED).exists()


@time_machine.travel(dt.datetime(2025, 7, 20, 12, tzinfo=dt.UTC))
def test_adding_a_request_in_the_admin_computes_the_deadline_through_the_service(admin_client):
    county = CountyFactory(name="San Diego County", fips="06073")
    agency = AgencyFactory()
    url = reverse("admin:requests_tracker_datarequest_add")
    data = _form_data(admin_client.get(url))
    data.update(
        {
            "county": county.pk,
            "issuing_agency": agency.pk,
            "issued_on": "2025-07-17",
            "due_basis": "calendar_days",
            "due_days": "30",
            "data_sought": ["noncitizen_roster", "release_dates"],
            "summary": "Roster request.",
        }
    )

    result = admin_client.post(url, data)

    assert result.status_code == 302, result.context and result.context["adminform"].form.errors
    request = DataRequest.objects.get(county=county)
    assert request.due_on == dt.date(2025, 8, 16)
    assert request.due_rule == "30 calendar days from 2025-07-17"
    assert Activity.objects.filter(request=request, verb=ActivityVerb.REQUEST_ISSUED).count() == 1


def test_citing_a_source_in_the_admin_records_it_on_the_timeline(admin_client, data_request):
    source = SourceFactory(title="DOJ letter to the sheriff")
    url = reverse("admin:requests_tracker_datarequest_change", args=[data_request.pk])
    page = admin_client.get(url)
    data = _form_data(page)
    prefix = next(
        inline.formset.prefix
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is DataRequest.sources.through
    )
    _add_inline(data, prefix, {"source": source.pk})

    result = admin_client.post(url, data)

    assert result.status_code == 302
    assert list(data_request.sources.all()) == [source]
    assert Activity.objects.filter(request=data_request, verb=ActivityVerb.SOURCE_ADDED).exists()


def test_csv_export_action_streams_the_selected_rows(admin_client, data_request):
    url = reverse("admin:requests_tracker_datarequest_changelist")
    result = admin_client.post(
        url, {"action": "export_as_csv", "_selected_action": [data_request.pk]}
    )
    assert result.status_code == 200
    body = b"".join(result.streaming_content).decode()
    header, row = body.strip().splitlines()
    assert header.startswith("County,Campaign,Issuing agency,Issued on,Due on,Status")
    assert "Los Angeles County, CA" in row and "2025-08-16" in row


def test_status_and_overdue_are_read_only_in_the_admin(admin_client, data_request):
    url = reverse("admin:requests_tracker_datarequest_change", args=[data_request.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "status" not in form.fields and "overdue_since" not in form.fields


def test_every_model_has_an_admin_page(admin_client):
    for name in [
        "county",
        "agency",
        "campaign",
        "datarequest",
        "response",
        "escalation",
        "source",
        "reportedfigure",
        "watch",
        "activity",
        "webhooksubscription",
        "webhookdelivery",
    ]:
        assert (
            admin_client.get(reverse(f"admin:requests_tracker_{name}_changelist")).status_code
            == 200
        )


@time_machine.travel(dt.datetime(2025, 8, 25, 12, tzinfo=dt.UTC))
def test_response_pages_log_and_delete_through_the_services(admin_client, data_request):
    add_url = reverse("admin:requests_tracker_response_add")
    data = _form_data(admin_client.get(add_url))
    data.update(
        {
            "request": data_request.pk,
            "received_on": "2025-08-01",
            "kind": "complied",
            "categories_provided": ["noncitizen_roster"],
        }
    )

    assert admin_client.post(add_url, data).status_code == 302
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.COMPLIED

    response = Response.objects.get()
    delete_url = reverse("admin:requests_tracker_response_delete", args=[response.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
    data_request.refresh_from_db()
    # Without the answer the request waits again, and its deadline (2025-08-16) has passed.
    assert data_request.status == RequestStatus.AWAITING
    assert data_request.overdue_since == dt.date(2025, 8, 17)


def test_saving_an_unchanged_request_page_writes_nothing_to_the_timeline(
    admin_client, data_request
):
    url = reverse("admin:requests_tracker_datarequest_change", args=[data_request.pk])
    before = Activity.objects.count()
    result = admin_client.post(url, _form_data(admin_client.get(url)))
    assert result.status_code == 302
    assert Activity.objects.count() == before


def test_switching_a_disabled_webhook_back_on_in_the_admin_clears_its_failures(admin_client):
    add_url = reverse("admin:requests_tracker_webhooksubscription_add")
    result = admin_client.post(
        add_url,
        {"url": "https://desk.example/hook", "event_types": ["became_overdue"], "is_active": "on"},
    )
    assert result.status_code == 302
    subscription = WebhookSubscription.objects.get()
    assert len(subscription.secret) >= 32  # generated, since none was given
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        is_active=False, consecutive_failures=5, disabled_reason="5 failures in a row"
    )

    change_url = reverse(
        "admin:requests_tracker_webhooksubscription_change", args=[subscription.pk]
    )
    result = admin_client.post(
        change_url,
        {"url": "https://desk.example/hook", "event_types": ["became_overdue"], "is_active": "on"},
    )

    assert result.status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 0
    assert subscription.disabled_reason == ""
