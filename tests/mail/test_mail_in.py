"""Mail in end to end against a real Dovecot: a reply to a request's signed address becomes one
draft (fetched twice, kept once), its PDF is read and found by search, the request is untouched
until a journalist accepts the draft; unknown mail waits to be assigned; hostile mail is refused
or kept harmless (docs/mail-in.md)."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.core.exceptions import PermissionDenied

from requests_tracker.choices import InboundState, RequestStatus, ResponseKind
from requests_tracker.mail.addresses import read_address, reply_address
from requests_tracker.models import Activity, InboundMessage, Source
from requests_tracker.selectors import search
from requests_tracker.services import documents, mail
from tests.documents import text_pdf
from tests.factories import CountyFactory, make_request

pytestmark = pytest.mark.django_db(transaction=True)

SHERIFF = "records@lasd.example"


@pytest.fixture(autouse=True)
def mailbox_settings(settings, imap_server, media):
    settings.MAIL_IN_ADDRESS = "tracker@newsroom.example"
    box = imap_server.settings
    settings.MAIL_IN_IMAP_HOST = box.host
    settings.MAIL_IN_IMAP_PORT = box.port
    settings.MAIL_IN_IMAP_USER = box.user
    settings.MAIL_IN_IMAP_PASSWORD = box.password
    settings.MAIL_IN_IMAP_CA_FILE = box.ca_file
    settings.MAIL_IN_ALLOWED_SENDERS = []
    return box


def reply(
    *,
    to: str,
    text: str,
    sender: str = SHERIFF,
    subject: str = "RE: Request for information on non-citizen inmates",
    attachments: list[tuple[str, bytes, str]] = (),
    html: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Records Unit <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime(2025, 8, 14, 16, 5, tzinfo=dt.UTC))
    message["Message-ID"] = make_msgid(domain="lasd.example")
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, data, declared in attachments:
        maintype, subtype = declared.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


DECLINE = (
    "The Sheriff's Department declines to provide the requested roster. "
    "State law (SB 54) prohibits sharing release dates for immigration enforcement.\n\n"
    "On Thu, Jul 17, 2025, DOJ wrote:\n> Please provide a list of all non-citizen inmates.\n"
)


def test_a_reply_to_a_requests_address_becomes_one_draft_and_is_logged_only_when_accepted(
    imap_server, data_request, journalist, django_capture_on_commit_callbacks
):
    address = reply_address("request", data_request.pk)
    assert read_address(address.upper()).pk == data_request.pk  # mail may change the case
    letter = text_pdf(["The department will not release inmate lists to DOJ under SB 54."])
    raw = reply(to=address, text=DECLINE, attachments=[("letter.pdf", letter, "application/pdf")])
    imap_server.deliver(raw)

    with django_capture_on_commit_callbacks(execute=False):
        first = mail.fetch_mail()
    assert (first.fetched, first.drafts, first.duplicates) == (1, 1, 0)
    assert all("\\Seen" in flags for flags in imap_server.flags().values())
    # A second delivery of the same message (a forward, a re-sent copy) is kept once.
    imap_server.deliver(raw)
    again = mail.fetch_mail()
    assert (again.fetched, again.duplicates, again.stored) == (1, 1, 0)
    message = InboundMessage.objects.get()
    assert message.state == InboundState.DRAFT
    assert message.data_request == data_request
    assert message.matched_by == "signed_address"
    assert message.guessed_kind == ResponseKind.DECLINED
    assert {"declines", "SB 54", "prohibits"} <= set(message.guess_words)
    assert "non-citizen inmates" in message.quoted and "non-citizen" not in message.text
    pdf = message.attachments.get()
    assert pdf.content_type == "application/pdf" and pdf.sensitive

    # The PDF's words are found by search once read (an editor: mail documents are held).
    assert documents.extract_source_text(source_id=pdf.pk).status == "done"
    from tests.factories import UserFactory

    editor = UserFactory(username="editor", role="editor")
    hits = search.search_group("sources", "inmate lists", editor)
    assert pdf.pk in [hit.record.pk for hit in hits.hits]

    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.AWAITING
    assert not data_request.responses.exists()

    response = mail.accept_draft(
        message=message,
        actor=journalist,
        kind=ResponseKind.DECLINED,
        received_on=dt.date(2025, 8, 14),
        summary="Declined, citing SB 54.",
        today=dt.date(2025, 8, 15),
    )
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.DECLINED
    assert set(response.sources.all()) == {message.document, pdf}
    logged = Activity.objects.get(response=response, verb="response_logged")
    assert logged.request_id == data_request.pk  # on the request's timeline
    message.refresh_from_db()
    assert (message.state, message.response, message.reviewed_by) == (
        InboundState.ACCEPTED,
        response,
        journalist,
    )


def test_unknown_mail_waits_unmatched_and_is_assigned_by_hand(
    imap_server, data_request, journalist
):
    imap_server.deliver(
        reply(
            to="tracker@newsroom.example",
            text="We need more time.",
            sender="clerk@elsewhere.example",
        )
    )
    result = mail.fetch_mail()
    assert (result.unmatched, result.drafts) == (1, 0)
    message = InboundMessage.objects.get()
    assert message.state == InboundState.UNMATCHED
    assert "assign it by hand" in message.match_note

    mail.assign_message(message=message, data_request=data_request, actor=journalist)
    message.refresh_from_db()
    assert (message.state, message.data_request, message.matched_by) == (
        InboundState.DRAFT,
        data_request,
        "by_hand",
    )


def test_a_known_county_sender_is_matched_without_a_signed_address(imap_server, editor):
    county = CountyFactory(name="Fresno County", fips="06019")
    data_request = make_request(county=county)
    mail.add_mail_sender(county=county, address="FresnoSheriff.example", actor=editor)
    imap_server.deliver(
        reply(
            to="tracker@newsroom.example",
            text="No responsive records exist.",
            sender="lt@mail.fresnosheriff.example",
        )
    )
    mail.fetch_mail()
    message = InboundMessage.objects.get()
    assert (message.data_request, message.matched_by) == (data_request, "sender_domain")
    assert message.guessed_kind == ResponseKind.NO_RECORDS


def test_a_tampered_signature_matches_nothing(imap_server, data_request):
    forged = reply_address("request", data_request.pk).replace(f"+r{data_request.pk}-", "+r999-")
    imap_server.deliver(
        reply(to=forged, text="Attached are the records.", sender="x@unknown.example")
    )
    mail.fetch_mail()
    assert InboundMessage.objects.get().state == InboundState.UNMATCHED


def test_hostile_mail_is_refused_with_a_reason_or_kept_harmless(imap_server, data_request):
    address = reply_address("request", data_request.pk)
    html_as_pdf = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
    imap_server.deliver(
        reply(
            to=address,
            text="See the attached roster.",
            html="<p>See the <b>attached</b> roster.</p><script>alert('x')</script>",
            attachments=[("roster.pdf", html_as_pdf, "application/pdf")],
        )
    )
    many_parts = EmailMessage()
    many_parts["From"], many_parts["To"], many_parts["Subject"] = SHERIFF, address, "Parts"
    many_parts.set_content("many")
    for n in range(1000):
        many_parts.add_attachment(
            b"x", maintype="application", subtype="octet-stream", filename=f"{n}.bin"
        )
    imap_server.deliver(many_parts.as_bytes())
    huge_header = b"From: a@b.example\r\nX-Junk: " + b"a" * (20 * 1024 * 1024) + b"\r\n\r\nbody\r\n"
    imap_server.deliver(huge_header)

    result = mail.fetch_mail()
    assert result.fetched == 3 and result.refused == 2
    reasons = " ".join(
        InboundMessage.objects.filter(state=InboundState.REFUSED).values_list(
            "refused_reason", flat=True
        )
    )
    assert "parts" in reasons and "at most" in reasons
    assert "header" in reasons.lower()
    assert not Source.objects.filter(inbound_messages__state=InboundState.REFUSED).exists()

    kept = InboundMessage.objects.get(state=InboundState.DRAFT)
    assert not kept.attachments.exists()
    assert any(note.startswith("roster.pdf was not kept") for note in kept.notes)
    assert "alert" not in kept.text and "<" not in kept.text


def test_a_sender_outside_the_allow_list_is_refused(imap_server, data_request, settings):
    settings.MAIL_IN_ALLOWED_SENDERS = ["lasd.example"]
    imap_server.deliver(
        reply(to="tracker@newsroom.example", text="hi", sender="spam@elsewhere.example")
    )
    imap_server.deliver(
        reply(to="tracker@newsroom.example", text="hi", sender="records@sub.lasd.example")
    )
    result = mail.fetch_mail()
    assert (result.refused, result.unmatched) == (1, 1)


def test_only_journalists_and_editors_review(imap_server, data_request, viewer):
    imap_server.deliver(reply(to=reply_address("request", data_request.pk), text="Declined."))
    mail.fetch_mail()
    with pytest.raises(PermissionDenied):
        mail.dismiss_message(message=InboundMessage.objects.get(), actor=viewer)
