"""One rule for "are we in CI?", so no test can pass in CI by skipping.

Locally, a test that needs something this machine lacks (Chromium, Redis, PostgreSQL, curl)
skips and says what is missing. In CI, where `.ci/run` installs and starts all of it, the same
absence is a failure. CI is on when `CI` is `true`, `1` or `yes`, in any case (services spell it
differently).
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

CI_VALUES = frozenset({"1", "true", "yes"})


def in_ci() -> bool:
    """True when the environment says CI (`CI=true`, `CI=1`, `CI=yes`, any case)."""
    return os.environ.get("CI", "").strip().lower() in CI_VALUES


def unavailable(reason: str) -> NoReturn:
    """Skip the test saying `reason`; under CI fail it instead, since CI must run every test."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: this test must run, not skip)", pytrace=False)
    pytest.skip(reason)


def require_postgresql() -> None:
    """For a test of PostgreSQL-only behaviour (full-text search, triggers, query plans)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        unavailable(
            f"This needs PostgreSQL (the database is {connection.vendor}): set DATABASE_URL"
        )
