"""Password guessing is stopped: after AXES_FAILURE_LIMIT wrong passwords in a row, the right
one is refused for that account from that address until the cool-off has passed. Password-reset
mails are limited per address and email."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
ATTACKER = "203.0.113.50"
START = dt.datetime(2025, 8, 18, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def journalist_login(db):
    return UserFactory(username="reporter", role="journalist")


@pytest.fixture
def admin_login(db):
    return UserFactory(username="deskeditor", role="editor", is_staff=True)


def sign_in(path: str, username: str, password: str, address: str = ATTACKER, **extra: str):
    return Client().post(
        path, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and "sessionid" in response.cookies


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_after_the_failure_limit_the_right_password_is_refused_until_the_cool_off(
    path, journalist_login, admin_login, settings, caplog
):
    user = admin_login if path.startswith("/admin") else journalist_login
    # The promise in the README and docs/security.md: five wrong passwords, fifteen minutes.
    assert settings.AXES_FAILURE_LIMIT == 5
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    with time_machine.travel(START, tick=False) as clock:
        answers = [sign_in(path, user.username, f"guess-{n}").status_code for n in range(5)]
        assert answers == [200, 200, 200, 200, 429]
        with caplog.at_level(logging.WARNING):
            refused = sign_in(path, user.username, PASSWORD)
        assert refused.status_code == 429
        assert not signed_in(refused)
        assert "Too many failed sign-in attempts" in refused.content.decode()
        assert "after repeated login failures" in caplog.text

        clock.shift(dt.timedelta(minutes=15) - dt.timedelta(seconds=1))
        assert not signed_in(sign_in(path, user.username, PASSWORD))

        # The refused attempt above restarted the wait; a full cool-off later, it works.
        clock.shift(dt.timedelta(minutes=15, seconds=1))
        assert signed_in(sign_in(path, user.username, PASSWORD))


def test_the_lockout_is_per_account_and_address(journalist_login, settings):
    other = UserFactory(username="photographer", role="journalist")
    with time_machine.travel(START, tick=False):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in("/accounts/login/", "reporter", f"guess-{attempt}")
        assert not signed_in(sign_in("/accounts/login/", "reporter", PASSWORD))
        # A forged X-Forwarded-For is not another address (no proxy is trusted by default).
        forged = sign_in(
            "/accounts/login/", "reporter", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1"
        )
        assert not signed_in(forged)
        # The journalist at the newsroom's address, and a colleague at the attacker's, get in.
        assert signed_in(sign_in("/accounts/login/", "reporter", PASSWORD, address="192.0.2.7"))
        assert signed_in(sign_in("/accounts/login/", other.username, PASSWORD))
    assert AccessAttempt.objects.filter(username="reporter", ip_address=ATTACKER).exists()


def test_a_success_before_the_limit_starts_the_count_again(journalist_login, settings):
    limit = settings.AXES_FAILURE_LIMIT
    with time_machine.travel(START, tick=False):
        for attempt in range(limit - 1):
            sign_in("/accounts/login/", "reporter", f"guess-{attempt}")
        assert signed_in(sign_in("/accounts/login/", "reporter", PASSWORD))
        for attempt in range(limit - 1):
            sign_in("/accounts/login/", "reporter", f"guess-{attempt}")
        assert signed_in(sign_in("/accounts/login/", "reporter", PASSWORD))


def test_behind_a_trusted_proxy_the_lockout_follows_the_client_address(journalist_login, settings):
    settings.NUM_PROXIES = 1
    proxy = {"address": "10.0.0.2"}
    with time_machine.travel(START, tick=False):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in(
                "/accounts/login/",
                "reporter",
                f"guess-{attempt}",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}, {ATTACKER}",
                **proxy,
            )
        locked = sign_in(
            "/accounts/login/", "reporter", PASSWORD, HTTP_X_FORWARDED_FOR=ATTACKER, **proxy
        )
        assert not signed_in(locked)
        newsroom = sign_in(
            "/accounts/login/", "reporter", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.7", **proxy
        )
        assert signed_in(newsroom)


def request_reset(email: str, address: str = ATTACKER):
    return Client().post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_password_reset_mails_are_limited_per_address_and_email(journalist_login, settings):
    cache.clear()
    per_email = settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    answers = [request_reset(journalist_login.email).status_code for _ in range(per_email + 2)]
    assert answers == [302] * per_email + [429, 429]
    assert len(mail.outbox) == per_email
    refused = request_reset(journalist_login.email)
    assert "Too many password reset requests" in refused.content.decode()
    # The journalist asking from the newsroom still gets a mail.
    assert request_reset(journalist_login.email, address="192.0.2.7").status_code == 302
    assert len(mail.outbox) == per_email + 1
    cache.clear()


def test_password_reset_mails_are_limited_per_address_for_any_email(db, settings):
    cache.clear()
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 4
    answers = [request_reset(f"someone{n}@newsroom.example").status_code for n in range(6)]
    assert answers == [302] * 4 + [429, 429]
    cache.clear()


def test_reset_mails_to_one_account_are_capped_across_addresses(journalist_login, settings):
    """Three addresses asking three times each sent nine mails to one account."""
    addresses = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    answers = [
        request_reset(journalist_login.email, address=address).status_code
        for address in addresses
        for _ in range(3)
    ]
    limit = settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT
    assert limit == 5
    assert answers.count(302) == limit and len(mail.outbox) == limit
    assert answers[limit:] == [429] * (len(answers) - limit)


def test_an_ipv6_subscriber_line_counts_as_one_address(journalist_login, settings):
    """Each guess from another address of the same /64 counts against that one line."""
    limit = settings.AXES_FAILURE_LIMIT
    with time_machine.travel(START, tick=False):
        for n in range(limit):
            sign_in("/accounts/login/", "reporter", f"guess-{n}", address=f"2001:db8:1:2::{n + 1}")
        assert not signed_in(sign_in("/accounts/login/", "reporter", PASSWORD, "2001:db8:1:2::99"))
        assert signed_in(sign_in("/accounts/login/", "reporter", PASSWORD, "2001:db8:9:9::1"))


def test_guesses_from_many_addresses_lock_the_account_at_its_own_limit(journalist_login, settings):
    """One guess from each of many addresses never met the per-address limit; the account's
    own limit (higher, so a stranger cannot lock a journalist out with a few tries) stops it."""
    limit = settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT
    assert limit == 20
    with time_machine.travel(START, tick=False) as clock:
        for n in range(limit):
            sign_in("/accounts/login/", "reporter", f"guess-{n}", address=f"203.0.113.{n + 1}")
        refused = sign_in("/accounts/login/", "reporter", PASSWORD, address="192.0.2.7")
        assert refused.status_code == 429 and not signed_in(refused)
        clock.shift(dt.timedelta(minutes=15, seconds=1))
        assert signed_in(sign_in("/accounts/login/", "reporter", PASSWORD, address="192.0.2.7"))


def test_a_signed_in_request_reads_its_user_and_role_in_one_statement(journalist_login):
    """The session comes from the cache, the user with their role in one statement: a signed-in
    reader costs one statement more than an anonymous one, not three."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reader = Client()
    assert signed_in(
        reader.post("/accounts/login/", {"username": "reporter", "password": PASSWORD})
    )
    with CaptureQueriesContext(connection) as statements:
        assert reader.get("/api/v1/counties/").status_code == 200
    read = [s["sql"] for s in statements.captured_queries]
    assert not [sql for sql in read if "django_session" in sql]
    who = [sql for sql in read if '"auth_user"' in sql or '"auth_group"' in sql]
    assert len(who) == 1 and "auth_group" in who[0]


def test_a_reader_taken_out_of_their_group_loses_the_role_at_their_next_request(journalist_login):
    reader = Client()
    assert signed_in(
        reader.post("/accounts/login/", {"username": "reporter", "password": PASSWORD})
    )
    assert reader.get("/requests/").status_code == 200
    journalist_login.groups.clear()
    assert reader.get("/requests/").status_code == 403
