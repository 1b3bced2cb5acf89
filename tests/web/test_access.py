"""Who may read and who may write on the pages (permissions.py decides; the pages obey)."""

from __future__ import annotations

import pytest
from django.test import Client

from requests_tracker.models import Activity, Response, Source
from tests.web.conftest import INTERNAL_NOTE, fact, page_of

pytestmark = pytest.mark.django_db


def read_paths(answered) -> list[str]:
    request = answered.request
    return [
        "/",
        "/counties/",
        f"/counties/{request.county.fips}/",
        "/requests/",
        f"/requests/{request.pk}/",
    ]


def write_paths(answered) -> list[str]:
    pk = answered.request.pk
    return [
        f"/requests/{pk}/responses/",
        f"/requests/{pk}/escalations/",
        f"/requests/{pk}/sources/",
    ]


def test_anonymous_visitors_of_a_closed_tracker_are_sent_to_log_in(
    answered, anonymous_browser, settings
):
    settings.TRACKER_PUBLIC = False
    for path in read_paths(answered):
        response = anonymous_browser.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path


def test_a_public_tracker_lets_anonymous_visitors_read_but_not_internal_notes_or_who_logged(
    answered, anonymous_browser, settings, journalist
):
    settings.TRACKER_PUBLIC = True
    for path in read_paths(answered):
        response = anonymous_browser.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert INTERNAL_NOTE not in page, path
        assert "logged by" not in page.lower(), path
        assert journalist.username not in page, path
        assert "Entered by" not in page, path
    detail = anonymous_browser.get(f"/requests/{answered.request.pk}/").content.decode()
    assert "We don&#x27;t ask about immigration status." in detail
    assert "Log a response" not in detail
    assert "csrfmiddlewaretoken" not in detail


def test_anonymous_posts_on_a_public_tracker_are_sent_to_log_in_and_save_nothing(
    answered, anonymous_browser, settings
):
    settings.TRACKER_PUBLIC = True
    for path in write_paths(answered):
        response = anonymous_browser.post(path, {"response-kind": "declined"})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert Response.objects.count() == 1


def test_a_viewer_reads_internal_notes_but_gets_no_forms_and_403_on_post(answered, viewer_browser):
    response = viewer_browser.get(f"/requests/{answered.request.pk}/")
    page = response.content.decode()
    assert INTERNAL_NOTE in page
    assert "Logged by" in page
    assert fact(page_of(response), "Entered by").get_text() == "journalist"
    assert "Log a response" not in page
    assert "File an escalation" not in page
    activity_before = Activity.objects.count()
    for path in write_paths(answered):
        response = viewer_browser.post(
            path,
            {
                "response-kind": "declined",
                "response-received_on": "2025-08-01",
                "source-url": "https://news.example/x",
                "source-title": "x",
            },
        )
        assert response.status_code == 403, path
    assert Response.objects.count() == 1
    assert Activity.objects.count() == activity_before


def test_a_signed_in_user_without_a_newsroom_role_is_refused(answered, outsider_browser):
    assert outsider_browser.get("/").status_code == 403
    assert outsider_browser.get(f"/requests/{answered.request.pk}/").status_code == 403


def test_journalists_and_editors_see_the_three_forms(answered, journalist_browser, editor_browser):
    for client in (journalist_browser, editor_browser):
        page = client.get(f"/requests/{answered.request.pk}/").content.decode()
        assert "Log a response" in page
        assert "File an escalation" in page
        assert "Add a source for the request" in page


def test_forms_are_refused_without_the_csrf_token(answered, journalist):
    client = Client(enforce_csrf_checks=True)
    client.force_login(journalist)
    response = client.post(
        f"/requests/{answered.request.pk}/sources/",
        {"source-url": "https://news.example/new", "source-title": "New"},
    )
    assert response.status_code == 403
    assert not Source.objects.filter(url="https://news.example/new").exists()


def test_every_form_on_the_page_carries_a_csrf_token(answered, journalist_browser):
    page = journalist_browser.get(f"/requests/{answered.request.pk}/").content.decode()
    # Response, escalation, source, watch, log out, and holding back the request and its answer.
    assert page.count('method="post"') == page.count("csrfmiddlewaretoken") == 7


def test_the_login_page_uses_the_site_layout_and_logging_out_takes_a_post(
    anonymous_browser, journalist, settings
):
    page = anonymous_browser.get("/accounts/login/?next=/requests/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "DOJ Request Tracker" in html and 'name="username"' in html
    assert 'value="/requests/"' in html
    response = anonymous_browser.post(
        "/accounts/login/",
        {"username": "journalist", "password": "correct horse battery staple", "next": "/"},
    )
    assert response.status_code == 302
    assert anonymous_browser.get("/").status_code == 200
    assert anonymous_browser.get("/accounts/logout/").status_code == 405
    logged_out = anonymous_browser.post("/accounts/logout/")
    assert logged_out.status_code == 200
    assert "Logged out" in logged_out.content.decode()
    assert anonymous_browser.get("/").status_code == 302


def test_opening_a_form_address_directly_goes_back_to_the_request_page(
    answered, journalist_browser
):
    for path in write_paths(answered):
        response = journalist_browser.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/requests/{answered.request.pk}/"
