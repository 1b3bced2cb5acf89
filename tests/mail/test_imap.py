"""The IMAP client (requests_tracker/mail/imap.py) against a real Dovecot (tests/mail/dovecot.py).

No database: these tests only talk to the mailbox.
"""

from __future__ import annotations

import dataclasses
import socket
import time

import pytest

from requests_tracker.mail.imap import Mailbox, MailboxError, MailboxSettings

FIRST = (
    b"From: Records Clerk <clerk@county.example>\r\n"
    b"To: tracker+r12-0123456789abcdef@newsroom.example\r\n"
    b"Subject: Re: DOJ request of July 17\r\n"
    b"Message-ID: <first@county.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"We have sent the voter roll on 2025-08-01.\r\n"
    b"Se\xc3\xb1or Mu\xc3\xb1oz (county counsel) signed it.\r\n"
    b"\r\n"
    b"-- \r\n"
    b"Clerk's office\r\n"
)
SECOND = (
    b"From: clerk@other-county.example\r\n"
    b"Subject: Out of office\r\n"
    b"Message-ID: <second@other-county.example>\r\n"
    b"\r\n"
    b"Back on Monday.\r\n"
)


def test_unseen_messages_are_fetched_byte_for_byte(imap_server):
    imap_server.deliver(FIRST)
    imap_server.deliver(SECOND)

    with Mailbox(imap_server.settings) as mailbox:
        uids = mailbox.unseen()
        fetched = [mailbox.fetch(uid) for uid in uids]

    assert uids == [1, 2]
    assert fetched == [FIRST, SECOND]


def test_size_is_the_message_length(imap_server):
    imap_server.deliver(FIRST)
    imap_server.deliver(SECOND)

    with Mailbox(imap_server.settings) as mailbox:
        assert [mailbox.size(uid) for uid in mailbox.unseen()] == [len(FIRST), len(SECOND)]


def test_fetch_leaves_a_message_unseen_and_mark_seen_marks_it(imap_server):
    imap_server.deliver(FIRST)
    imap_server.deliver(SECOND)

    with Mailbox(imap_server.settings) as mailbox:
        mailbox.fetch(1)
        mailbox.fetch(2)
        assert mailbox.unseen() == [1, 2]
        assert imap_server.flags() == {1: set(), 2: set()}

        mailbox.mark_seen(1)
        assert mailbox.unseen() == [2]

    assert imap_server.flags() == {1: {"\\Seen"}, 2: set()}
    with Mailbox(imap_server.settings) as mailbox:
        assert mailbox.unseen() == [2]


def test_an_empty_folder_has_nothing_unseen(imap_server):
    with Mailbox(imap_server.settings) as mailbox:
        assert mailbox.unseen() == []


def test_starttls_reads_the_same_mailbox(imap_server):
    imap_server.deliver(FIRST)

    with Mailbox(imap_server.starttls_settings) as mailbox:
        assert mailbox.fetch(mailbox.unseen()[0]) == FIRST


def test_a_uid_that_is_not_there(imap_server):
    imap_server.deliver(FIRST)

    with Mailbox(imap_server.settings) as mailbox:
        with pytest.raises(MailboxError, match="no message with UID 7"):
            mailbox.fetch(7)
        with pytest.raises(MailboxError, match="no message with UID 7"):
            mailbox.size(7)
        mailbox.mark_seen(7)  # gone already: nothing to do
        assert mailbox.unseen() == [1]


@pytest.mark.parametrize("password", ["not-the-password", "pässwörd-ñ"])
def test_a_wrong_password_is_refused_without_showing_it(imap_server, password):
    settings = dataclasses.replace(imap_server.settings, password=password)

    with pytest.raises(MailboxError) as refused:
        Mailbox(settings).__enter__()

    assert "AUTHENTICATIONFAILED" in str(refused.value)
    assert password not in str(refused.value)
    assert refused.value.__cause__ is None
    assert password not in repr(settings)


def test_a_missing_folder_is_refused(imap_server):
    settings = dataclasses.replace(imap_server.settings, folder="Replies")

    with pytest.raises(MailboxError, match="opening the folder Replies"):
        Mailbox(settings).__enter__()


def test_an_untrusted_certificate_is_refused(imap_server):
    # The system's CAs do not include the test server's self-signed certificate.
    settings = dataclasses.replace(imap_server.settings, ca_file="")

    for untrusted in (
        settings,
        dataclasses.replace(settings, port=imap_server.starttls_settings.port, security="starttls"),
    ):
        with pytest.raises(MailboxError, match="certificate is not trusted"):
            Mailbox(untrusted).__enter__()


def test_a_missing_ca_bundle_is_a_mailbox_error(tmp_path):
    settings = MailboxSettings(
        "127.0.0.1", 993, "newsroom", "secret", ca_file=str(tmp_path / "missing.pem")
    )

    with pytest.raises(MailboxError, match="reading the CA bundle .*missing.pem"):
        Mailbox(settings).__enter__()


def test_a_closed_port_is_refused_at_once():
    with socket.socket() as bound:  # bound, never listening: connections to it are refused
        bound.bind(("127.0.0.1", 0))
        settings = MailboxSettings(
            "127.0.0.1", bound.getsockname()[1], "newsroom", "secret", timeout=2
        )
        started = time.monotonic()
        with pytest.raises(MailboxError, match="refused"):
            Mailbox(settings).__enter__()

    assert time.monotonic() - started < 2


def test_a_server_that_never_answers_times_out():
    with socket.socket() as silent:  # accepts connections (the kernel does) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings = MailboxSettings(
            "127.0.0.1", silent.getsockname()[1], "newsroom", "secret", timeout=0.3
        )
        started = time.monotonic()
        with pytest.raises(MailboxError, match=r"no answer within 0\.3 s"):
            Mailbox(settings).__enter__()

    assert time.monotonic() - started < 2


def test_a_lost_connection_is_an_error_and_leaving_is_quiet(imap_server):
    imap_server.deliver(FIRST)

    with Mailbox(imap_server.settings) as mailbox:
        imap_server.stop()
        with pytest.raises(MailboxError, match="connection broke|connection reset|EOF"):
            mailbox.fetch(1)
    # Leaving the block did not raise although the server is gone.


def test_the_mailbox_works_only_inside_its_with_block(imap_server):
    mailbox = Mailbox(imap_server.settings)

    with pytest.raises(RuntimeError, match="not open"):
        mailbox.unseen()
    with mailbox:
        assert mailbox.unseen() == []
    with pytest.raises(RuntimeError, match="not open"):
        mailbox.unseen()


def test_settings_refuse_plain_text_and_line_breaks():
    with pytest.raises(ValueError, match="tls, starttls"):
        MailboxSettings("imap.example.org", 143, "newsroom", "secret", security="none")
    with pytest.raises(ValueError, match="folder"):
        MailboxSettings("imap.example.org", 993, "newsroom", "secret", folder="INBOX\r\nA1 LOGOUT")
