"""Rate limits count each real client once: a forged X-Forwarded-For buys nothing, the proxies
that are trusted (settings.NUM_PROXIES) are, and a cache outage does not take the API down."""

from __future__ import annotations

import socket
import time

import pytest

ANON_LIMIT = 5


@pytest.fixture
def public_api(settings):
    settings.TRACKER_PUBLIC = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": f"{ANON_LIMIT}/min", "user": "1000/min"},
    }


def statuses(client, count: int, **headers: str) -> list[int]:
    return [client.get("/api/v1/counties/", **headers).status_code for _ in range(count)]


def test_a_changing_x_forwarded_for_does_not_reset_the_anonymous_limit(
    db, public_api, anonymous_client
):
    answers = [
        anonymous_client.get("/api/v1/counties/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(ANON_LIMIT + 3)
    ]
    assert answers == [200] * ANON_LIMIT + [429] * 3
    refused = anonymous_client.get("/api/v1/counties/", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"


def test_behind_one_proxy_clients_are_told_apart_by_the_address_it_appended(
    db, public_api, anonymous_client, settings
):
    settings.NUM_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def as_client(address: str, forged: int) -> int:
        return anonymous_client.get(
            "/api/v1/counties/",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{forged}, {address}",
            **proxy,
        ).status_code

    # One client forging a new leftmost entry each time is still one client.
    assert [as_client("198.51.100.7", n) for n in range(ANON_LIMIT + 1)] == [200] * ANON_LIMIT + [
        429
    ]
    # Another client behind the same proxy has its own count.
    assert as_client("198.51.100.8", 0) == 200


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_api_answers_when_the_shared_cache_is_down(db, public_api, anonymous_client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "requests_tracker.security.shared_cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    started = time.monotonic()
    assert statuses(anonymous_client, ANON_LIMIT + 2) == [200] * (ANON_LIMIT + 2)  # fails open
    assert time.monotonic() - started < 5
