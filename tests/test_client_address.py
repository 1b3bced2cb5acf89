"""The client's address: X-Forwarded-For is trusted exactly as far as NUM_PROXIES says."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from requests_tracker.security.client_address import client_address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, "192.0.2.10"),
        (0, "203.0.113.5", "192.0.2.10"),  # no proxy trusted: the header is the client's word
        (1, None, "192.0.2.10"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # the forged entry is ignored
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
        (3, "203.0.113.5", "203.0.113.5"),  # fewer entries than proxies: the outermost
        (1, "198.51.100.1, not-an-address", "192.0.2.10"),
        (1, "198.51.100.1, 2001:db8::7", "2001:db8::7"),
    ],
)
def test_client_address(settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", **headers)
    assert client_address(request) == expected
