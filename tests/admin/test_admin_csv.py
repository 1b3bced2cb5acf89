"""The admin's "Export selected rows as CSV" writes cells the way the API's CSV does: a cell that
a spreadsheet would run as a formula is shown as text, never run."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from requests_tracker.models import Agency
from tests.factories import UserFactory

# ASCII and fullwidth (＝ ＋ － ＠) formula starts, with what a spreadsheet would run.
FORMULAS = [
    '=HYPERLINK("https://evil.example","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "＝1+2",
    "＋1+2",
    "－1+2",
    "＠SUM(1)",
]


@pytest.fixture
def editor_admin(client, db):
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    return client


def exported(client, model_name: str, pks: list[int]) -> list[dict[str, str]]:
    result = client.post(
        reverse(f"admin:requests_tracker_{model_name}_changelist"),
        {"action": "export_as_csv", "_selected_action": pks},
    )
    assert result.status_code == 200
    assert result["Content-Type"].startswith("text/csv")
    body = b"".join(result.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_admin_csv_export_defuses_a_cell_a_spreadsheet_would_run(editor_admin, formula):
    agency = Agency.objects.create(name=formula, level=Agency.Level.COUNTY)

    [row] = exported(editor_admin, "agency", [agency.pk])

    assert row["Name"] == "'" + formula
    assert row["Level"] == "County"


def test_the_admin_csv_export_keeps_plain_numbers_and_text_as_they_are(editor_admin):
    plain = Agency.objects.create(name="Los Angeles County Sheriff", level=Agency.Level.COUNTY)
    negative = Agency.objects.create(name="-12.5", level=Agency.Level.CITY)

    rows = exported(editor_admin, "agency", [plain.pk, negative.pk])

    assert sorted(row["Name"] for row in rows) == ["-12.5", "Los Angeles County Sheriff"]
