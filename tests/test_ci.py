"""The CI guard: any way a CI service spells "on" counts, and under CI a skip of any origin is
reported as a failure, so no CI run passes by skipping."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import ci

pytest_plugins = ["pytester"]


@pytest.mark.parametrize("value", ["true", "TRUE", "True", "1", "yes", "YES", " yes "])
def test_every_spelling_of_on_is_ci(monkeypatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert ci.in_ci()


@pytest.mark.parametrize("value", ["", "false", "0", "no"])
def test_anything_else_is_a_local_run(monkeypatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert not ci.in_ci()


def test_no_ci_variable_is_a_local_run(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert not ci.in_ci()


SKIPPING = """
import pytest
from tests.ci import unavailable

def test_missing_tool():
    unavailable("No system Chromium")

@pytest.mark.skipif(True, reason="a skipif nobody reviewed")
def test_marked():
    pass

def test_plain_skip():
    pytest.skip("skipped by hand")

@pytest.mark.xfail(reason="a known bug", strict=True)
def test_known_bug():
    assert False
"""


def run_skipping_tests(pytester: pytest.Pytester, monkeypatch, ci_value: str):
    monkeypatch.setenv("CI", ci_value)
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    pytester.makeconftest(
        "from tests.ci import failed_under_ci, in_ci\n"
        "import pytest\n"
        "@pytest.hookimpl(wrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n"
        "    report = yield\n"
        "    if in_ci():\n"
        "        failed_under_ci(report)\n"
        "    return report\n"
    )
    pytester.makepyfile(test_skipping=SKIPPING)
    return pytester.runpytest_subprocess(
        "-p", "no:django", "-p", "no:env", "-p", "no:cacheprovider"
    )


def test_under_ci_every_kind_of_skip_fails(pytester, monkeypatch) -> None:
    result = run_skipping_tests(pytester, monkeypatch, "true")
    # A skipif skips at set-up, so it shows as an error: the run fails either way.
    result.assert_outcomes(failed=2, errors=1, xfailed=1)
    result.stdout.fnmatch_lines(["*No system Chromium (CI is set: this test must run, not skip)*"])


def test_locally_the_same_tests_skip(pytester, monkeypatch) -> None:
    result = run_skipping_tests(pytester, monkeypatch, "")
    result.assert_outcomes(skipped=3, xfailed=1)
