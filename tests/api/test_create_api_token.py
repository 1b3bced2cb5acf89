"""`manage.py create_api_token USER`: prints a token that authenticates as USER."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tests.factories import UserFactory


def create_token(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_printed_token_authenticates_as_the_user(journalist):
    key, _ = create_token("journalist")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/requests/").status_code == 200
    assert create_token("journalist")[0] == key, "asking again shows the same token"


def test_rotate_replaces_the_token_and_the_old_one_stops_working(journalist):
    old, _ = create_token("journalist")
    new, _ = create_token("journalist", "--rotate")
    assert new != old
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/requests/").status_code == 401


def test_a_user_without_a_role_is_warned(db):
    UserFactory(username="intern")
    key, warning = create_token("intern")
    assert key and "no tracker role" in warning


def test_unknown_or_inactive_users_get_no_token(db):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        create_token("ghost")
    UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        create_token("gone")
