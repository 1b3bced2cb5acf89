"""Spreadsheets for the import tests, written the way a newsroom's would be: CSV text, or an XLSX
workbook with real date cells and a FIPS code typed as a number."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import openpyxl


def csv_file(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_file(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """The rows as a workbook: ISO date strings become date cells, FIPS codes numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        cells: list[Any] = []
        for name, value in zip(header, row, strict=True):
            if isinstance(value, str) and name.endswith("_on") and value:
                value = dt.date.fromisoformat(value)
            elif name == "county_fips" and value:
                value = int(value)  # Excel drops the leading zero of 06037
            cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sparse_xlsx(header: Sequence[str], far_row: int, value: str = "06037") -> bytes:
    """A tiny workbook that says it is 16,384 columns wide and `far_row` rows deep: the header,
    then one cell `far_row` rows down, nothing between (how a 4.9 KB file held a web worker)."""
    import re
    import zipfile

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    sheet.cell(row=far_row, column=1, value=value)
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="A1:XFD{far_row}"'.encode(), data
                )
            target.writestr(item, data)
    return rebuilt.getvalue()
