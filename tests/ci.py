"""One rule for "are we in CI?", so no test can pass in CI by skipping.

Locally, a test that needs something this machine lacks (Chromium, Redis, Tesseract, curl)
skips and says what is missing (`unavailable`). In CI, where `.ci/run` installs and starts all of
it, every skip is a failure: tests/conftest.py turns each skipped report into a failed one under
CI, whatever raised the skip (`unavailable`, `pytest.skip`, a `skipif`), so no future skip can
hide a failure. CI is on when `CI` is `true`, `1` or `yes`, in any case (services spell it
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
    """Skip the test saying what is missing; under CI the skip is reported as a failure."""
    pytest.skip(reason)


def failed_under_ci(report: pytest.TestReport) -> None:
    """Turn a skipped report into a failed one (called for every report when in_ci())."""
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"{reason} (CI is set: this test must run, not skip)"
