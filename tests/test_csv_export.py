"""One spreadsheet cell writer for the API lists and the admin export."""

from __future__ import annotations

import pytest

from requests_tracker.exchange.csv_export import cell, csv_lines


@pytest.mark.parametrize(
    "text",
    ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\tcmd", "\rcmd", "＝1+2", "＋1+2", "－1+2", "＠SUM(A1)"],
)
def test_text_a_spreadsheet_would_run_is_shown_as_text(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("number", ["-12", "+3", "-12.5", "-.5", "1e6", "-2E-3"])
def test_a_signed_number_stays_a_number(number):
    assert cell(number) == number


def test_infinity_and_not_a_number_are_not_taken_for_numbers():
    assert cell("-inf") == "'-inf"
    assert cell("+nan") == "'+nan"


def test_lists_booleans_and_nothing_read_as_a_spreadsheet_expects():
    assert cell(["charges", "=cmd"]) == "charges; '=cmd"
    assert cell(True) == "true" and cell(None) == ""


def test_lines_follow_the_columns_through_dotted_paths():
    rows = [{"county": {"name": "Los Angeles County"}, "sources": [{"url": "=x"}, {"url": "y"}]}]
    lines = list(csv_lines([("County", "county.name"), ("Sources", "sources.url")], rows))
    assert lines == ["County,Sources\r\n", "Los Angeles County,'=x; y\r\n"]
