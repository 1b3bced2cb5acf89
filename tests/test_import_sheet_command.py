"""`manage.py import_sheet`: the same service as the admin page, from the command line."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from requests_tracker.models import DataRequest
from tests.factories import CountyFactory
from tests.sheets import csv_file, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_september():
    """Today is 2025-09-15: the July letters are overdue."""
    with time_machine.travel(dt.datetime(2025, 9, 15, 12, tzinfo=dt.UTC)):
        yield


HEADER = ["county_fips", "issuing_agency", "issued_on", "due_basis", "due_days", "data_sought"]
ROW = ["06037", "U.S. Department of Justice", "2025-07-17", "calendar_days", "30", "charges"]


@pytest.fixture(autouse=True)
def los_angeles(db):
    CountyFactory(fips="06037", name="Los Angeles County")


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_sheet", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_a_csv_and_says_what_each_row_did(tmp_path):
    path = tmp_path / "letters.csv"
    path.write_bytes(csv_file(HEADER, [ROW]))
    out, _ = run("requests", str(path))
    assert "row 2: created: Los Angeles County, CA: request of 2025-07-17" in out
    assert "Imported letters.csv: 1 created, 0 already on file." in out
    assert DataRequest.objects.count() == 1


def test_dry_run_of_an_xlsx_writes_nothing(tmp_path):
    path = tmp_path / "letters.xlsx"
    path.write_bytes(xlsx_file(HEADER, [ROW]))
    out, _ = run("requests", str(path), "--dry-run")
    assert "Dry run of letters.xlsx: 1 created, 0 already on file. Nothing was written." in out
    assert not DataRequest.objects.exists()


def test_a_bad_row_fails_the_command_naming_the_row_and_column(tmp_path):
    path = tmp_path / "letters.csv"
    path.write_bytes(csv_file(HEADER, [ROW, [*ROW[:5], "mugshots"]]))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_sheet", "requests", str(path), stdout=StringIO(), stderr=StringIO())
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_sheet", "requests", str(path), stdout=StringIO(), stderr=err)
    assert "row 3, column data_sought: “mugshots” is not one of" in err.getvalue()
    assert not DataRequest.objects.exists()


def test_an_unknown_user_is_refused(tmp_path):
    path = tmp_path / "letters.csv"
    path.write_bytes(csv_file(HEADER, [ROW]))
    with pytest.raises(CommandError, match="No active user named 'nobody'"):
        run("requests", str(path), "--user", "nobody")
