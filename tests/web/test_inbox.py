"""The inbox pages (docs/mail-in.md): who may see them, assigning and dismissing by hand, bad
input answered inline, and a hostile message shown as text only."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from requests_tracker.choices import InboundState
from requests_tracker.models import InboundMessage
from requests_tracker.services import mail

pytestmark = pytest.mark.django_db

HOSTILE = (
    b"From: Clerk <clerk@unknown.example>\r\n"
    b"To: tracker@newsroom.example\r\n"
    b"Subject: <img src=x onerror=alert(1)>\r\n"
    b"Message-ID: <hostile-1@unknown.example>\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n\r\n"
    b"<p>Hello</p><script>alert('in body')</script><a href='javascript:alert(2)'>click</a>\r\n"
)


@pytest.fixture
def unmatched(settings, media):
    settings.MAIL_IN_ADDRESS = "tracker@newsroom.example"
    message, created = mail.receive_message(HOSTILE)
    assert created and message.state == InboundState.UNMATCHED
    return message


def signed_in(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def test_only_journalists_and_editors_see_the_inbox(unmatched, viewer, journalist):
    assert Client().get("/inbox/").status_code == 302  # to the login page
    assert signed_in(viewer).get("/inbox/").status_code == 403
    assert signed_in(viewer).get(f"/inbox/{unmatched.pk}/").status_code == 403
    page = signed_in(journalist).get("/")
    menu = BeautifulSoup(page.content, "html.parser").select_one("nav .nav")
    assert "Inbox (1)" in menu.get_text(" ", strip=True)
    viewers_menu = BeautifulSoup(signed_in(viewer).get("/").content, "html.parser")
    assert "Inbox" not in viewers_menu.select_one("nav .nav").get_text()


def test_a_hostile_message_is_shown_as_text_only(unmatched, journalist):
    html = signed_in(journalist).get(f"/inbox/{unmatched.pk}/").content.decode()
    assert "<script>alert" not in html and "<img" not in html
    assert "javascript:" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the subject, escaped
    shown = BeautifulSoup(html, "html.parser").main.get_text()
    assert "Hello" in shown and "in body" not in shown  # the script's words are dropped


def test_an_unmatched_message_is_assigned_by_hand_then_dismissed_state_by_state(
    unmatched, data_request, journalist
):
    client = signed_in(journalist)
    refused = client.post(f"/inbox/{unmatched.pk}/assign/", {"request": "999999"})
    assert refused.status_code == 400
    assert "There is no request with that number." in refused.content.decode()
    assert InboundMessage.objects.get().state == InboundState.UNMATCHED

    address = f"https://tracker.example/requests/{data_request.pk}/"
    assert client.post(f"/inbox/{unmatched.pk}/assign/", {"request": address}).status_code == 302
    message = InboundMessage.objects.get()
    assert (message.state, message.data_request) == (InboundState.DRAFT, data_request)
    draft_page = client.get(f"/inbox/{unmatched.pk}/").content.decode()
    assert "Accept and log the response" in draft_page

    bad = client.post(f"/inbox/{unmatched.pk}/accept/", {"response-kind": "declined"})
    assert bad.status_code == 400 and "field-error" in bad.content.decode()
    assert not data_request.responses.exists()

    assert client.post(f"/inbox/{unmatched.pk}/dismiss/").status_code == 302
    assert InboundMessage.objects.get().state == InboundState.DISMISSED
    again = client.post(f"/inbox/{unmatched.pk}/dismiss/", follow=True)
    assert "This message is dismissed already." in again.content.decode()
