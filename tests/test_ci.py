"""The CI guard: any way a CI service spells "on" counts, so no CI run passes by skipping."""

from __future__ import annotations

import pytest

from tests import ci


@pytest.mark.parametrize("value", ["true", "TRUE", "True", "1", "yes", "YES", " yes "])
def test_every_spelling_of_on_is_ci(monkeypatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert ci.in_ci()
    with pytest.raises(pytest.fail.Exception, match="must run, not skip"):
        ci.unavailable("No system Chromium")


@pytest.mark.parametrize("value", ["", "false", "0", "no"])
def test_anything_else_is_a_local_run_that_skips(monkeypatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert not ci.in_ci()
    with pytest.raises(pytest.skip.Exception, match="No system Chromium"):
        ci.unavailable("No system Chromium")


def test_no_ci_variable_is_a_local_run(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert not ci.in_ci()
