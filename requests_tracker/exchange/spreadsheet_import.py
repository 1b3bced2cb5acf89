"""Spreadsheets in: reading a CSV or XLSX file into rows, and the columns each kind of record has.

What this module owns (services/imports.py writes the rows, through the services):

- Reading (tablib, for both formats): the file's type is judged by its bytes (uploads.py: an
  XLSX that would expand past SOURCE_MAX_UNZIPPED_MB is refused), CSV text may be UTF-8 (with or
  without a BOM) or Windows-1252. The first row names the columns; names are matched without
  regard to case, spaces or dashes ("Received on" is `received_on`). A column the kind does not
  have, a column named twice, or a required column missing refuses the whole file. Empty rows are
  skipped. Rows are numbered as a spreadsheet program shows them: the header is row 1.
- Cells: dates as ISO (2025-07-17), as U.S. month/day/year (7/17/2025) or as the spreadsheet's own
  date cells; whole numbers and decimals with or without thousands separators; lists (data
  categories) separated by semicolons or commas; choices by their value or their label, in any
  case (`declined` or `Declined`). A FIPS code typed as a number (6037) gets its leading zero
  back. A cell that cannot be read is reported with its row, its column and why.
- The columns of each kind (KINDS), written once: the import, the template download, the admin's
  page and docs/import.md (checked by a test) all read them from here. A column that is a model's
  field says what it is in the model's words (its help_text), then how to fill it in; its cells
  are read as the field's type.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import models

from requests_tracker.choices import DataCategory, EscalationKind
from requests_tracker.documents import uploads
from requests_tracker.models import (
    Agency,
    DataRequest,
    Escalation,
    ReportedFigure,
    Response,
    Source,
)

MAX_ROWS = 5000
"""Rows one file may hold: an import is one transaction, and a preview lists every row."""

MAX_FILE_MB = 10
MAX_COLUMNS = 100
"""Columns of a workbook read (every kind has far fewer)."""
MAX_SCANNED_ROWS = 4 * MAX_ROWS
"""Rows of a workbook read, empty ones counted: past this the file is refused, not cut."""
HEADER_ROW = 1


class SheetError(Exception):
    """The file as a whole cannot be imported (its type, its header row, its size)."""

    def __init__(self, reason: str, *, row: int = HEADER_ROW, column: str = "") -> None:
        super().__init__(reason)
        self.row, self.column, self.reason = row, column, reason


class CellError(ValueError):
    """One cell cannot be read; the message says why."""


# --- Reading cells --------------------------------------------------------------------------

_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_LIST_SEPARATORS = re.compile(r"[;,\n]")


def read_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = read_text(value)
    if match := _US_DATE.match(text):
        month, day, year = map(int, match.groups())
        text = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        return dt.date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)
    except ValueError:
        raise CellError(f"“{text}” is not a date: write it as 2025-07-17 (or 7/17/2025).") from None


def read_integer(value: Any) -> int:
    text = read_text(value).replace(",", "")
    if not re.fullmatch(r"\d+", text):
        raise CellError(f"“{read_text(value)}” is not a whole number of 0 or more.")
    return int(text)


def read_decimal(value: Any) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = read_text(value).replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{read_text(value)}” is not a number.") from None
    if not number.is_finite():
        raise CellError(f"“{read_text(value)}” is not a number.")
    return number


def read_fips(value: Any) -> str:
    text = read_text(value)
    if re.fullmatch(r"\d{4}", text):  # a spreadsheet dropped the leading zero (06037 → 6037)
        text = "0" + text
    if not re.fullmatch(r"\d{5}", text):
        raise CellError(f"“{text}” is not a county FIPS code (five digits, e.g. 06037).")
    return text


def choice_reader(choices: Iterable[tuple[str, Any]]) -> Callable[[Any], str]:
    """A reader of one of `choices` (value, label), accepting its value or its label, in any
    case."""
    names = {}
    for value, label in choices:
        names[value.casefold()] = value
        names[str(label).casefold()] = value
    allowed = ", ".join(dict.fromkeys(names.values()))

    def read(cell: Any) -> str:
        text = read_text(cell)
        found = names.get(text.casefold()) or names.get(text.casefold().replace(" ", "_"))
        if found is None:
            raise CellError(f"“{text}” is not one of: {allowed}.")
        return found

    return read


def list_reader(choices: type[models.TextChoices]) -> Callable[[Any], list[str]]:
    """A reader of several choices in one cell, separated by semicolons or commas."""
    read_one = choice_reader(choices.choices)

    def read(cell: Any) -> list[str]:
        items = [item.strip() for item in _LIST_SEPARATORS.split(read_text(cell))]
        values = [read_one(item) for item in items if item]
        return list(dict.fromkeys(values))

    return read


# --- The columns of each kind ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    read: Callable[[Any], Any] = read_text
    required: bool = False


READERS: dict[str, Callable[[Any], Any]] = {
    "DateField": read_date,
    "PositiveIntegerField": read_integer,
    "DecimalField": read_decimal,
}
"""How a cell is read, by the internal type of the field it fills (the rest: as text)."""
CATEGORIES = list_reader(DataCategory)
CATEGORY_LIST = f"Data categories, separated by semicolons: {', '.join(DataCategory.values)}."


def field_column(
    model: type[models.Model],
    name: str,
    how: str = "",
    *,
    required: bool = False,
    default: str = "",
    read: Callable[[Any], Any] | None = None,
) -> Column:
    """The column for `model`'s field `name`: its help is what the field is (its help_text),
    then `how` to fill it in (for a choice: the values, and the default if any); its cells are
    read as the field's type, a choice by its value or its label."""
    declared = model._meta.get_field(name)
    if declared.choices:
        read = read or choice_reader(declared.choices)
        listed = ", ".join(value for value, _ in declared.choices)
        how = how or f"One of: {listed}" + (f" (default {default})." if default else ".")
    read = read or READERS.get(declared.get_internal_type(), read_text)
    return Column(name, " ".join(filter(None, (str(declared.help_text), how))), read, required)


COUNTY_COLUMNS = (
    Column("county_fips", "Five-digit FIPS code (or give county_name and state).", read_fips),
    Column("county_name", "The county's name, e.g. Los Angeles County (with state)."),
    Column("state", "The county's state, two letters, e.g. CA (with county_name)."),
)
REQUEST_KEY_COLUMNS = (
    *COUNTY_COLUMNS,
    Column("request_issued_on", "The date of the request answered or escalated.", read_date, True),
    Column(
        "request_agency",
        "Who issued that request, when the county had two requests on the same day.",
    ),
)
SOURCE_COLUMNS = (
    Column("source_url", "The address of the source for this row's facts."),
    Column(
        "source_title",
        "The source's title; needed when its address is not on file yet.",
    ),
)
AGENCY_LEVEL = choice_reader(Agency.Level.choices)

KINDS: dict[str, tuple[Column, ...]] = {
    "requests": (
        *COUNTY_COLUMNS,
        field_column(
            DataRequest,
            "issuing_agency",
            "Its name, e.g. U.S. Department of Justice.",
            required=True,
        ),
        Column(
            "issuing_agency_level",
            "federal, state, county or city (default federal).",
            AGENCY_LEVEL,
        ),
        field_column(DataRequest, "campaign", "Its title, as on file."),
        field_column(DataRequest, "addressee"),
        field_column(DataRequest, "issued_on", required=True),
        field_column(
            DataRequest,
            "due_basis",
            "stated (give due_on and due_rule), calendar_days or business_days (give due_days).",
            required=True,
        ),
        field_column(DataRequest, "due_on", "For a stated deadline: the date the letter states."),
        Column("due_days", "The number of days the letter allows.", read_integer),
        field_column(DataRequest, "due_rule", "Needed for a stated date."),
        field_column(DataRequest, "data_sought", CATEGORY_LIST, read=CATEGORIES, required=True),
        field_column(DataRequest, "legal_authority", "E.g. 8 U.S.C. 1373."),
        field_column(DataRequest, "summary"),
        field_column(DataRequest, "internal_note"),
        *SOURCE_COLUMNS,
    ),
    "responses": (
        *REQUEST_KEY_COLUMNS,
        field_column(Response, "kind", required=True),
        field_column(Response, "received_on", required=True),
        field_column(
            Response, "responding_agency", "E.g. Los Angeles County Sheriff's Department."
        ),
        Column(
            "responding_agency_level",
            "federal, state, county or city (default county).",
            AGENCY_LEVEL,
        ),
        field_column(Response, "official"),
        field_column(Response, "categories_provided", "Separated by semicolons.", read=CATEGORIES),
        field_column(Response, "records_provided"),
        field_column(Response, "legal_basis_cited"),
        field_column(Response, "said_at"),
        field_column(Response, "already_public_url"),
        field_column(Response, "new_due_on", "For an extension."),
        field_column(Response, "summary"),
        field_column(Response, "quotation"),
        *SOURCE_COLUMNS,
    ),
    "escalations": (
        *REQUEST_KEY_COLUMNS,
        field_column(Escalation, "kind", required=True),
        field_column(Escalation, "issued_on", required=True),
        field_column(Escalation, "due_on"),
        field_column(Escalation, "court", "For a subpoena, suit or order."),
        field_column(Escalation, "case_number"),
        field_column(Escalation, "status", default="open"),
        Column(
            "follows_kind",
            "The kind of the earlier step on the same request it builds on.",
            choice_reader(EscalationKind.choices),
        ),
        Column("follows_issued_on", "The date of that earlier step.", read_date),
        field_column(Escalation, "summary"),
        *SOURCE_COLUMNS,
    ),
    "sources": (
        field_column(Source, "url", "Its key: one source per address.", required=True),
        field_column(Source, "title", required=True),
        field_column(Source, "publisher"),
        field_column(Source, "published_on"),
        field_column(Source, "kind", default="news_report"),
        field_column(Source, "archived_url"),
    ),
    "figures": (
        Column("county_fips", "The county counted (or county_name and state).", read_fips),
        Column("county_name", "The county's name, with state."),
        field_column(ReportedFigure, "state", "Alone, for a statewide figure."),
        field_column(
            ReportedFigure,
            "metric",
            "Its slug or name, from the catalogue, e.g. ice-detainer-requests-received.",
            required=True,
        ),
        field_column(ReportedFigure, "value", required=True),
        field_column(ReportedFigure, "period_start", required=True),
        field_column(ReportedFigure, "period_end", required=True),
        field_column(ReportedFigure, "period_label", "E.g. 2024."),
        field_column(ReportedFigure, "reported_by"),
        field_column(ReportedFigure, "note"),
        Column("source_url", "The address of the figure's source.", required=True),
        Column(
            "source_title",
            "The source's title; needed when its address is not on file yet.",
        ),
    ),
}
"""The columns of each kind of record, in template order. Every kind takes the source columns;
figures must have one."""


def columns_of(kind: str) -> tuple[Column, ...]:
    if kind not in KINDS:
        raise SheetError(f"Unknown kind “{kind}”: choose one of {', '.join(KINDS)}.")
    return KINDS[kind]


def template(kind: str, file_format: str) -> bytes:
    """The kind's header row as an empty spreadsheet ("csv" or "xlsx") to fill in."""
    dataset = tablib.Dataset(headers=[column.name for column in columns_of(kind)], title=kind)
    exported = dataset.export(file_format)
    return exported.encode("utf-8") if isinstance(exported, str) else exported


# --- Reading a file -------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One row of the file: its number as a spreadsheet shows it, its cells read by column
    (absent and empty cells are None), and the cells that could not be read, with why."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value


@dataclass
class Sheet:
    kind: str
    file_format: str
    columns: list[str]
    rows: list[SheetRow]


def read_sheet(kind: str, content: bytes) -> Sheet:
    """The rows of a CSV or XLSX file of `kind`, read cell by cell (see the module docstring).

    Raises SheetError for a file that cannot be read at all; a cell that cannot be read is kept
    in its row's `problems`, so every such cell of the file is reported at once.
    """
    columns = {column.name: column for column in columns_of(kind)}
    if len(content) > MAX_FILE_MB * uploads.MIB:
        raise SheetError(f"The file is larger than {MAX_FILE_MB} MB: split it.")
    if not content.strip():
        raise SheetError("The file is empty.")
    file_format, headers, records = _load(content)
    names = [_column_name(header) for header in headers]
    _check_header(kind, columns, names)
    rows = []
    for number, cells in records:
        values = dict(zip(names, cells, strict=False))
        if all(read_text(value) == "" for value in values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise SheetError(f"The file has more than {MAX_ROWS:,} rows: split it.", row=number)
        row = SheetRow(number)
        for name, value in values.items():
            if not name:
                if read_text(value):
                    row.problems[""] = "This cell has no column name in the header row."
                continue
            if read_text(value) == "":
                row.values[name] = None
                continue
            try:
                row.values[name] = columns[name].read(value)
            except CellError as error:
                row.problems[name] = str(error)
        rows.append(row)
    return Sheet(kind=kind, file_format=file_format, columns=[n for n in names if n], rows=rows)


def _load(content: bytes) -> tuple[str, list[Any], Iterator[tuple[int, list[Any]]]]:
    try:
        detected = uploads.detect_type(io.BytesIO(content))
    except ValidationError as error:
        raise SheetError(f"Not a CSV or XLSX file: {' '.join(error.messages)}") from None
    if detected == uploads.XLSX:
        return "xlsx", *_workbook_rows(content)
    if detected not in (uploads.CSV, uploads.PLAIN_TEXT):
        raise SheetError(f"A {detected.label} is not a spreadsheet: upload CSV or XLSX.")
    text = _decode(content)
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except Exception as error:  # csv.Error, or a row wider than the header (InvalidDimensions)
        raise SheetError(f"The CSV file cannot be read: {error}") from None
    # tablib skips empty records; their numbers come from reading the records once more.
    numbers = [n for n, record in enumerate(csv.reader(io.StringIO(text)), start=1) if record]
    if not numbers or numbers[0] != HEADER_ROW:
        raise SheetError("The first row must name the columns.")
    return "csv", list(dataset.headers or []), zip(numbers[1:], map(list, dataset), strict=False)


def _workbook_rows(content: bytes) -> tuple[list[Any], Iterator[tuple[int, list[Any]]]]:
    """The first sheet's header and numbered rows, read as they stream (openpyxl read-only) at
    most MAX_COLUMNS wide and MAX_SCANNED_ROWS deep: a sheet may declare 16,384 columns and a
    million rows that are empty, and filling them in is what would cost, not the file's size."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = workbook.active.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        header = list(next(rows, ()))
    except Exception as error:  # openpyxl's many ways of refusing a broken workbook
        raise SheetError(f"The XLSX file cannot be read: {error}") from None
    if len(header) > MAX_COLUMNS and read_text(header[MAX_COLUMNS]):
        workbook.close()
        raise SheetError(f"The file has more than {MAX_COLUMNS} columns.")

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, row in enumerate(rows, start=HEADER_ROW + 1):
                if number > MAX_SCANNED_ROWS:
                    raise SheetError(
                        f"The sheet goes on past row {MAX_SCANNED_ROWS:,} (empty rows count): "
                        "delete the empty rows, or split it.",
                        row=number,
                    )
                yield number, list(row[:MAX_COLUMNS])
        finally:
            workbook.close()

    return header[:MAX_COLUMNS], numbered()


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _column_name(header: Any) -> str:
    return re.sub(r"[\s\-]+", "_", read_text(header).casefold())


def _check_header(kind: str, columns: dict[str, Column], names: list[str]) -> None:
    for position, name in enumerate(names, start=1):
        if name and name not in columns:
            raise SheetError(
                f"Column {position} is “{name}”, which {kind} do not have. "
                f"The columns are: {', '.join(columns)}.",
                column=name,
            )
        if name and names.index(name) != position - 1:
            raise SheetError(f"The column “{name}” is named twice.", column=name)
    missing = [name for name, column in columns.items() if column.required and name not in names]
    if missing:
        raise SheetError(
            f"Required column(s) missing: {', '.join(missing)}.", column=", ".join(missing)
        )
