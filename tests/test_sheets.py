"""Spreadsheet import: reading cells the way newsrooms type them, and the docs' templates."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import tablib

from requests_tracker.exchange import spreadsheet_import
from tests.sheets import csv_file, sparse_xlsx

DOCS = Path(__file__).resolve().parents[1] / "docs" / "import.md"


def reader(kind: str, name: str):
    return next(column.read for column in spreadsheet_import.KINDS[kind] if column.name == name)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-07-17", dt.date(2025, 7, 17)),
        ("7/17/2025", dt.date(2025, 7, 17)),
        # openpyxl gives date cells as naive datetimes, as the workbook stores them.
        (dt.datetime(2025, 7, 17, 0, 0), dt.date(2025, 7, 17)),  # noqa: DTZ001
        ("2025-07-17T00:00:00", dt.date(2025, 7, 17)),
    ],
)
def test_dates_are_read_in_iso_us_order_and_as_date_cells(cell, expected):
    assert spreadsheet_import.read_date(cell) == expected


def test_a_date_in_day_month_order_past_twelve_is_refused_with_the_formats_accepted():
    with pytest.raises(spreadsheet_import.CellError, match="write it as 2025-07-17"):
        spreadsheet_import.read_date("17/7/2025")


def test_a_fips_code_a_spreadsheet_turned_into_a_number_gets_its_zero_back():
    assert spreadsheet_import.read_fips(6037) == "06037"
    assert spreadsheet_import.read_fips(6037.0) == "06037"
    assert spreadsheet_import.read_fips("06037") == "06037"
    with pytest.raises(spreadsheet_import.CellError):
        spreadsheet_import.read_fips("037")


def test_numbers_with_thousands_separators():
    assert spreadsheet_import.read_integer("1,234") == 1234
    assert spreadsheet_import.read_decimal("1,095.5") == Decimal("1095.5")
    with pytest.raises(spreadsheet_import.CellError):
        spreadsheet_import.read_integer("-3")
    with pytest.raises(spreadsheet_import.CellError):
        spreadsheet_import.read_decimal("NaN")


def test_choices_by_value_or_label_in_any_case_and_lists_by_semicolons():
    read_kind = reader("responses", "kind")
    assert read_kind("Declined") == read_kind("declined") == "declined"
    assert read_kind("Extension granted") == "extension_granted"
    categories = reader("requests", "data_sought")
    assert categories("Non-citizen roster; charges;charges") == ["noncitizen_roster", "charges"]


def test_header_names_are_matched_without_case_spaces_or_dashes():
    sheet = spreadsheet_import.read_sheet(
        "sources", csv_file(["URL", "Title", "Published on"], [["https://a.example", "A", ""]])
    )
    assert sheet.columns == ["url", "title", "published_on"]
    assert sheet.rows[0].values == {"url": "https://a.example", "title": "A", "published_on": None}


def test_empty_csv_records_are_skipped_and_still_counted():
    content = b"url,title\r\nhttps://a.example,A\r\n\r\n,\r\nhttps://b.example,B\r\n"
    assert [row.number for row in spreadsheet_import.read_sheet("sources", content).rows] == [2, 5]


def test_a_utf8_bom_and_windows_1252_text_are_read():
    assert spreadsheet_import.read_sheet(
        "sources", "\ufeffurl,title\nhttps://a.example,Café\n".encode()
    )
    sheet = spreadsheet_import.read_sheet(
        "sources", "url,title\nhttps://a.example,Café\n".encode("cp1252")
    )
    assert sheet.rows[0].values["title"] == "Café"


@pytest.mark.parametrize("kind", sorted(spreadsheet_import.KINDS))
def test_the_templates_hold_the_header_row_docs_import_md_shows(kind):
    columns = [column.name for column in spreadsheet_import.KINDS[kind]]
    documented = re.search(rf"### {kind}\n\n```csv\n(.+)\n```", DOCS.read_text())
    assert documented is not None, f"docs/import.md has no template for {kind}"
    assert documented.group(1).split(",") == columns
    assert tablib.Dataset().load(
        spreadsheet_import.template(kind, "csv").decode(), format="csv"
    ).headers == (columns)
    workbook = openpyxl.load_workbook(io.BytesIO(spreadsheet_import.template(kind, "xlsx")))
    assert [cell.value for cell in next(workbook.active.rows)] == columns


RESPONSE_HEADER = ["county_fips", "request_issued_on", "received_on", "kind"]


def test_a_workbook_declaring_16384_columns_is_read_only_as_wide_as_its_columns(monkeypatch):
    """Header in row 1, one cell 2,000 rows down, the sheet's size A1:XFD2000: the row is
    found where it is, and no row is filled in wider than the columns read."""
    widths: list[int] = []
    real = spreadsheet_import._workbook_rows

    def measured(content):
        header, rows = real(content)

        def counted():
            for number, row in rows:
                widths.append(len(row))
                yield number, row

        return header, counted()

    monkeypatch.setattr(spreadsheet_import, "_workbook_rows", measured)
    sheet = spreadsheet_import.read_sheet("responses", sparse_xlsx(RESPONSE_HEADER, far_row=2000))
    assert [row.number for row in sheet.rows] == [2000]
    assert max(widths) <= spreadsheet_import.MAX_COLUMNS


def test_a_workbook_going_on_for_a_million_rows_is_refused_not_read_to_the_end():
    with pytest.raises(spreadsheet_import.SheetError, match="goes on past row 20,000"):
        spreadsheet_import.read_sheet("responses", sparse_xlsx(RESPONSE_HEADER, far_row=1_048_576))
