"""The admin applies the API's rules: who may change an entry (permissions.can_edit), and the
services' own refusals, shown on the form with what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from requests_tracker import services
from requests_tracker.models import Activity, ActivityVerb, DataRequest, Response
from tests.admin.pages import add_inline_row, unchanged_post
from tests.factories import CountyFactory, SourceFactory, UserFactory, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    """2025-08-25 in the newsroom: Los Angeles' request (due 2025-08-16) is overdue."""
    with time_machine.travel(dt.datetime(2025, 8, 25, 19, tzinfo=dt.UTC), tick=False):
        yield


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def staff_journalist(db):
    return UserFactory(username="reporter", role="journalist", is_staff=True)


@pytest.fixture
def other_staff_journalist(db):
    return UserFactory(username="reporter2", role="journalist", is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="chief", is_staff=True, is_superuser=True)


def change_url(record) -> str:
    return reverse(f"admin:requests_tracker_{record._meta.model_name}_change", args=[record.pk])


def log_answer(data_request: DataRequest, actor) -> Response:
    return services.log_response(
        data_request=data_request,
        kind="acknowledged",
        received_on=dt.date(2025, 7, 20),
        summary="Received; under review.",
        actor=actor,
    )


# --- Who may change an entry ----------------------------------------------------------------


def test_a_journalist_cannot_change_another_journalists_response_in_the_admin(
    client, data_request, staff_journalist, other_staff_journalist
):
    response = log_answer(data_request, other_staff_journalist)
    browser = signed_in(client, staff_journalist)
    page = browser.get(change_url(response))
    assert page.status_code == 200  # shown to read, without a way to save
    assert not page.context["has_change_permission"]
    data = {
        "received_on": "2025-07-20",
        "kind": "acknowledged",
        "summary": "Rewritten by someone else.",
    }

    refused = browser.post(change_url(response), data)

    assert refused.status_code == 403
    response.refresh_from_db()
    assert response.summary == "Received; under review."


def test_a_journalist_changes_their_own_response_in_the_admin(
    client, data_request, staff_journalist
):
    response = log_answer(data_request, staff_journalist)
    browser = signed_in(client, staff_journalist)
    data = unchanged_post(browser.get(change_url(response)))
    data["summary"] = "Received; the sheriff's counsel is reviewing it."

    saved = browser.post(change_url(response), data)

    assert saved.status_code == 302
    response.refresh_from_db()
    assert response.summary == "Received; the sheriff's counsel is reviewing it."


def test_a_journalist_cannot_change_another_journalists_response_from_their_request_page(
    client, staff_journalist, other_staff_journalist
):
    data_request = make_request(county=CountyFactory(), actor=staff_journalist)
    response = log_answer(data_request, other_staff_journalist)
    browser = signed_in(client, staff_journalist)
    data = unchanged_post(browser.get(change_url(data_request)))
    data["responses-0-summary"] = "Rewritten by someone else."

    refused = browser.post(change_url(data_request), data)

    assert refused.status_code == 403
    response.refresh_from_db()
    assert response.summary == "Received; under review."


def test_an_editor_changes_anyones_response_in_the_admin(
    client, data_request, other_staff_journalist
):
    response = log_answer(data_request, other_staff_journalist)
    editor = UserFactory(username="desk", role="editor", is_staff=True)
    browser = signed_in(client, editor)
    data = unchanged_post(browser.get(change_url(response)))
    data["summary"] = "Corrected by the desk."

    assert browser.post(change_url(response), data).status_code == 302
    response.refresh_from_db()
    assert response.summary == "Corrected by the desk."


# --- The services' refusals on the form -----------------------------------------------------


def test_a_new_due_date_without_a_new_rule_is_refused_on_the_form_as_typed(
    client, superuser, data_request
):
    browser = signed_in(client, superuser)
    data = unchanged_post(browser.get(change_url(data_request)))
    data.update({"due_on": "2025-09-30", "summary": "Deadline moved, per the sheriff."})

    page = browser.post(change_url(data_request), data)

    assert page.status_code == 200  # the form again, not a redirect with a banner
    form = page.context["adminform"].form
    assert form.errors["due_rule"] == [
        "Say why the due date changed: quote the letter or give the rule."
    ]
    assert form["due_on"].value() == "2025-09-30"
    assert form["summary"].value() == "Deadline moved, per the sheriff."
    assert 'value="2025-09-30"' in page.content.decode()
    assert not list(page.context["messages"])
    data_request.refresh_from_db()
    assert data_request.due_on == dt.date(2025, 8, 16)
    assert data_request.summary == ""
    assert not Activity.objects.filter(verb=ActivityVerb.DUE_DATE_CHANGED).exists()


def test_a_new_due_date_with_its_rule_is_saved_and_recorded(client, superuser, data_request):
    browser = signed_in(client, superuser)
    data = unchanged_post(browser.get(change_url(data_request)))
    data.update({"due_on": "2025-09-30", "due_rule": "DOJ agreed to September 30 by email."})

    assert browser.post(change_url(data_request), data).status_code == 302

    data_request.refresh_from_db()
    assert data_request.due_on == dt.date(2025, 9, 30)
    change = Activity.objects.get(verb=ActivityVerb.DUE_DATE_CHANGED)
    assert change.data["from"] == "2025-08-16" and change.data["to"] == "2025-09-30"


def test_a_stated_deadline_without_its_date_is_refused_with_the_services_words(client, superuser):
    browser = signed_in(client, superuser)
    add_url = reverse("admin:requests_tracker_datarequest_add")
    data = unchanged_post(browser.get(add_url))
    data.update(
        {
            "county": CountyFactory().pk,
            "issuing_agency": make_request().issuing_agency_id,
            "issued_on": "2025-07-17",
            "due_basis": "stated",
            "due_rule": "within 30 days",
            "data_sought": ["charges"],
        }
    )

    page = browser.post(add_url, data)

    assert page.status_code == 200
    assert page.context["adminform"].form.errors["due_on"] == [
        "Give the due date the letter states."
    ]
    assert DataRequest.objects.count() == 1


# --- What the pages show --------------------------------------------------------------------


def test_a_cited_source_is_labelled_by_its_title_on_the_request_page(
    client, superuser, data_request
):
    source = SourceFactory(title="DOJ letter to Sheriff Luna, July 17, 2025")
    services.cite_source(source=source, record=data_request, actor=superuser)

    html = signed_in(client, superuser).get(change_url(data_request)).content.decode()

    assert "DOJ letter to Sheriff Luna, July 17, 2025" in html
    assert "DataRequest_sources object" not in html


def test_the_admin_index_names_watches(client, superuser):
    html = signed_in(client, superuser).get(reverse("admin:index")).content.decode()
    assert ">Watches<" in html and "Watchs" not in html


def test_the_request_list_cuts_a_long_campaign_title_and_keeps_it_whole_on_hover_and_in_csv(
    client, superuser
):
    title = "July 2025 letters to California sheriffs: rosters & release dates (SB 54 counties)"
    campaign = services.issue_campaign(
        title=title,
        issuing_agency=make_request().issuing_agency,
        issued_on=dt.date(2025, 7, 17),
        counties=[CountyFactory(name="Fresno County")],
        due_basis="calendar_days",
        due_days=30,
        data_sought=["charges"],
        actor=superuser,
    )
    browser = signed_in(client, superuser)
    url = reverse("admin:requests_tracker_datarequest_changelist")

    html = browser.get(url).content.decode()
    exported = browser.post(
        url, {"action": "export_as_csv", "_selected_action": [campaign.requests.get().pk]}
    )

    escaped = title.replace("&", "&amp;")
    assert f'<span class="short-label" title="{escaped}">{escaped}</span>' in html
    assert "tracker/admin.css" in html
    assert title in b"".join(exported.streaming_content).decode()


def test_a_new_response_logged_on_the_request_page_still_goes_through_the_service(
    client, superuser, data_request
):
    browser = signed_in(client, superuser)
    data = unchanged_post(browser.get(change_url(data_request)))
    add_inline_row(data, "responses", {"received_on": "2025-08-20", "kind": "declined"})

    assert browser.post(change_url(data_request), data).status_code == 302

    data_request.refresh_from_db()
    assert data_request.status == "declined"
    assert Response.objects.get().logged_by == superuser
