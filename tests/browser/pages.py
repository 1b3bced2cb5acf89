"""Signing in through the login form, as every browser test starts.

The wait after "Log in" is for the page asked for, by its path: never a glob such as `**/` or
`**/requests/1/`, which the login page itself (`/accounts/login/?next=/requests/1/`) matches, so
a failed sign-in would pass unseen.
"""

from __future__ import annotations

from urllib.parse import urlsplit

PASSWORD = "correct horse battery staple"
"""The password tests.factories.UserFactory gives every user."""


def sign_in(page, username: str, next_path: str = "/", *, via_login_page: bool = False) -> None:
    """Sign in as `username` and wait until `next_path` (path, query and fragment allowed) is
    shown. By default the page asked for sends the visitor to the login form (a closed tracker);
    `via_login_page` starts at /accounts/login/?next=... instead."""
    page.goto(f"/accounts/login/?next={next_path}" if via_login_page else next_path)
    assert urlsplit(page.url).path == "/accounts/login/", "the visitor is asked to sign in"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    wanted = urlsplit(next_path).path
    page.wait_for_url(lambda url: urlsplit(url).path == wanted)
