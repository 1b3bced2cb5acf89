"""Spreadsheet import: each row of a file becomes a record through the same services as every other
write, so status, overdue flags, due dates and the timeline come out as if typed in one by one.

Why tablib and not django-import-export: import-export's resources save model instances
directly (its own `save_instance`), which would bypass these services and leave status, overdue
and Activity wrong. tablib only reads the file (requests_tracker/exchange/spreadsheet_import.py);
every write is here.

Rules (docs/import.md):
- All or nothing per file: the rows are written in one transaction; if any row fails, nothing is
  kept, and every failing row is reported (its number, the column and the reason). Each row runs
  in a savepoint, so one row's refusal does not hide the next row's.
- A dry run writes the rows the same way and then rolls everything back: what it reports (created,
  already on file, the status a request would reach) is exactly what the import would do.
- Natural keys make a re-import of the same file change nothing: a row whose record is already on
  file is reported "already on file" and left as it is. Where the row's other values differ from
  the record, the report names those columns: a published fact is corrected on its page, where the
  edit can carry a correction note, not silently by a spreadsheet.
  request: county, issuing agency (name and level), issued_on;
  response: the request, kind, received_on, official;
  escalation: the request, kind, issued_on, case_number;
  source: url;
  figure: metric, county (or state, or neither for the nation), period_start, period_end, source.
  A response's or escalation's request is found by county and request_issued_on (and
  request_agency when the county had two requests that day).
- Counties are matched by FIPS, or by name and state ("Los Angeles" finds Los Angeles County).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Model, Q

from requests_tracker.exchange import spreadsheet_import
from requests_tracker.models import (
    Agency,
    Campaign,
    County,
    DataRequest,
    Escalation,
    Metric,
    ReportedFigure,
    Response,
    Source,
)
from requests_tracker.selectors.history import record_label
from requests_tracker.services.activity import User
from requests_tracker.services.clock import local_today
from requests_tracker.services.escalations import ESCALATION_FIELDS, file_escalation
from requests_tracker.services.figures import FIGURE_FIELDS, record_figure
from requests_tracker.services.requests import REQUEST_FIELDS, issue_request, register_agency
from requests_tracker.services.responses import RESPONSE_FIELDS, log_response
from requests_tracker.services.sources import SOURCE_FIELDS, add_new_sources, add_source

CREATED = "created"
ON_FILE = "already on file"


@dataclass(frozen=True)
class RowError:
    """Why a row (or the file, at row 1) was refused; `column` is empty for the whole row."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class RowOutcome:
    """What a row did (or, in a dry run, would do): its record, and what follows from it."""

    row: int
    action: str
    record: str
    detail: str = ""
    url: str = ""


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def written(self) -> bool:
        """Whether the rows were kept (not a dry run, and no row failed)."""
        return not self.dry_run and not self.errors

    @property
    def created(self) -> int:
        return sum(row.action == CREATED for row in self.rows)

    @property
    def on_file(self) -> int:
        return sum(row.action == ON_FILE for row in self.rows)


class RowRefused(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


Importer = Callable[..., RowOutcome]


def import_sheet(
    *,
    kind: str,
    content: bytes,
    actor: User | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportResult:
    """Import a CSV or XLSX file of `kind` (spreadsheet_import.KINDS) row by row through the
    services, all or nothing (see the module docstring). Nothing is kept on a dry run or when
    any row fails."""
    result = ImportResult(kind=kind, dry_run=dry_run)
    try:
        sheet = spreadsheet_import.read_sheet(kind, content)
    except spreadsheet_import.SheetError as error:
        result.errors.append(RowError(error.row, error.column, error.reason))
        return result
    if not sheet.rows:
        result.errors.append(
            RowError(spreadsheet_import.HEADER_ROW, "", "The file has no rows to import.")
        )
        return result
    importer = IMPORTERS[kind]
    today = today or local_today()
    with transaction.atomic():
        for row in sheet.rows:
            if row.problems:
                result.errors.extend(RowError(row.number, c, r) for c, r in row.problems.items())
                continue
            try:
                with transaction.atomic():  # a savepoint: a refused row leaves the others usable
                    result.rows.append(importer(row, actor=actor, today=today))
            except RowRefused as refusal:
                result.errors.append(RowError(row.number, refusal.column, refusal.reason))
            except ValidationError as error:
                result.errors.extend(_row_errors(row.number, error))
        if not result.written:
            transaction.set_rollback(True)
    return result


# --- Rows of each kind ----------------------------------------------------------------------


def import_request(
    row: spreadsheet_import.SheetRow, *, actor: User | None, today: dt.date
) -> RowOutcome:
    county = find_county(row)
    level = row.get("issuing_agency_level", Agency.Level.FEDERAL)
    agency = Agency.objects.filter(name=row.get("issuing_agency"), level=level).first()
    issued_on = row.get("issued_on")
    existing = (
        DataRequest.objects.filter(county=county, issuing_agency=agency, issued_on=issued_on)
        .select_related("county")
        .first()
        if agency
        else None
    )
    if existing is not None:
        return _on_file(
            row,
            existing,
            ["addressee", "legal_authority", "summary", "internal_note", "data_sought"],
        )
    campaign = None
    if row.get("campaign"):
        campaign = Campaign.objects.filter(title=row.get("campaign")).first()
        if campaign is None:
            raise RowRefused("campaign", "No campaign with this title is on file.")
        if campaign.requests.filter(county=county).exists():
            raise RowRefused("campaign", f"This campaign already has a request to {county}.")
    data_request = issue_request(
        **service_arguments(
            row,
            REQUEST_FIELDS,
            county=county,
            issuing_agency=_agency(
                row.get("issuing_agency"), level, county=None, column="issuing_agency"
            ),
            campaign=campaign,
            sources=row_sources(row, actor=actor),
        ),
        actor=actor,
        today=today,
    )
    return _created(row, data_request, data_request)


RESPONSE_KEY = {"kind": None, "received_on": None, "official": ""}
"""A response's natural key: its columns, each with the value an empty cell stands for."""

ESCALATION_KEY = {"kind": None, "issued_on": None, "case_number": ""}
"""An escalation's natural key: its columns, each with the value an empty cell stands for."""


def import_response(
    row: spreadsheet_import.SheetRow, *, actor: User | None, today: dt.date
) -> RowOutcome:
    compared = ["legal_basis_cited", "summary", "quotation", "records_provided", "new_due_on"]
    data_request, on_file = _find_on_request(row, Response, RESPONSE_KEY, compared)
    if on_file is not None:
        return on_file
    agency = None
    if row.get("responding_agency"):
        level = row.get("responding_agency_level", Agency.Level.COUNTY)
        agency = _agency(
            row.get("responding_agency"),
            level,
            county=data_request.county,
            column="responding_agency",
        )
    return _write_on_request(
        row, data_request, log_response, RESPONSE_FIELDS, actor, today, responding_agency=agency
    )


def import_escalation(
    row: spreadsheet_import.SheetRow, *, actor: User | None, today: dt.date
) -> RowOutcome:
    compared = ["due_on", "court", "status", "summary"]
    data_request, on_file = _find_on_request(row, Escalation, ESCALATION_KEY, compared)
    if on_file is not None:
        return on_file
    follows = _follows(row, data_request)
    return _write_on_request(
        row, data_request, file_escalation, ESCALATION_FIELDS, actor, today, follows=follows
    )


def _find_on_request(
    row: spreadsheet_import.SheetRow,
    model: type[Response] | type[Escalation],
    key: Mapping[str, Any],
    compared: Iterable[str],
) -> tuple[DataRequest, RowOutcome | None]:
    """The request a response or escalation row is on, and the row's outcome when a record with
    its natural key `key` is already on file there (None: the row is to be written)."""
    data_request = find_request(row)
    existing = model.objects.filter(
        request=data_request, **{name: row.get(name, empty) for name, empty in key.items()}
    ).first()
    return data_request, None if existing is None else _on_file(row, existing, compared)


def _write_on_request(
    row: spreadsheet_import.SheetRow,
    data_request: DataRequest,
    write: Callable[..., Response | Escalation],
    fields: Iterable[str],
    actor: User | None,
    today: dt.date,
    **resolved: Any,
) -> RowOutcome:
    """Write a response or escalation row on `data_request` through its service `write`, with
    the service's `fields` the row fills, the records `resolved` from its text, and its source."""
    record = write(
        data_request=data_request,
        **service_arguments(row, fields, **resolved),
        sources=row_sources(row, actor=actor),
        actor=actor,
        today=today,
    )
    return _created(row, data_request, record)


def import_source(
    row: spreadsheet_import.SheetRow, *, actor: User | None, today: dt.date
) -> RowOutcome:
    existing = Source.objects.filter(url=row.get("url")).first()
    if existing is not None:
        return _on_file(row, existing, ["title", "publisher", "published_on", "archived_url"])
    source = add_source(**service_arguments(row, SOURCE_FIELDS), actor=actor)
    return RowOutcome(row.number, CREATED, source.title, "", source.get_absolute_url())


def import_figure(
    row: spreadsheet_import.SheetRow, *, actor: User | None, today: dt.date
) -> RowOutcome:
    """A county's figure (by FIPS, or name and state), a state's (state only) or the nation's
    (neither), under a metric of the catalogue named by its slug or name."""
    named_county = row.get("county_fips") or row.get("county_name")
    county = find_county(row) if named_county else None
    state = county.state if county else row.get("state", "").upper()
    metric = find_metric(row)
    (source,) = row_sources(row, actor=actor)
    existing = ReportedFigure.objects.filter(
        metric=metric,
        county=county,
        state=state,
        period_start=row.get("period_start"),
        period_end=row.get("period_end"),
        source=source,
    ).first()
    if existing is not None:
        return _on_file(row, existing, ["value", "period_label", "reported_by"])
    figure = record_figure(
        **service_arguments(
            row, FIGURE_FIELDS, county=county, state=state, metric=metric, source=source
        ),
        actor=actor,
    )
    return RowOutcome(row.number, CREATED, record_label(figure), "", figure.get_absolute_url())


def find_metric(row: spreadsheet_import.SheetRow) -> Metric:
    named = row.get("metric")
    metric = Metric.objects.filter(Q(slug=named) | Q(name__iexact=named)).first()
    if metric is None:
        raise RowRefused(
            "metric",
            f"No metric “{named}” is defined: add it to the catalogue first (admin, Metrics), "
            "then name it by its slug or name.",
        )
    return metric


IMPORTERS: dict[str, Importer] = {
    "requests": import_request,
    "responses": import_response,
    "escalations": import_escalation,
    "sources": import_source,
    "figures": import_figure,
}


# --- Finding what a row names ---------------------------------------------------------------


def find_county(row: spreadsheet_import.SheetRow) -> County:
    """The county a row names: by county_fips, else by county_name and state (the name with or
    without "County"). A county must be on file (manage.py load_counties)."""
    fips = row.get("county_fips")
    if fips:
        county = County.objects.filter(fips=fips).first()
        if county is None:
            raise RowRefused(
                "county_fips",
                f"No county with FIPS {fips} is on file (manage.py load_counties --state XX).",
            )
        return county
    name, state = row.get("county_name"), row.get("state", "").upper()
    if not name or not state:
        raise RowRefused("county_fips", "Give county_fips, or county_name and state.")
    in_state = County.objects.filter(state=state)
    matches = list(in_state.filter(name__iexact=name)) or list(
        in_state.filter(name__iexact=f"{name} County")
    )
    if len(matches) != 1:
        reason = "Several counties" if matches else "No county"
        raise RowRefused("county_name", f"{reason} named “{name}” in {state} on file.")
    return matches[0]


def find_request(row: spreadsheet_import.SheetRow) -> DataRequest:
    """The request a response or escalation row answers: the county's request issued on
    request_issued_on (by request_agency when there are several)."""
    county = find_county(row)
    issued_on = row.get("request_issued_on")
    if issued_on is None:
        raise RowRefused(
            "request_issued_on",
            "Give the date the request was issued (YYYY-MM-DD): it says which request this "
            "row answers.",
        )
    requests = DataRequest.objects.filter(county=county, issued_on=issued_on).select_related(
        "county", "campaign"
    )
    if row.get("request_agency"):
        requests = requests.filter(issuing_agency__name__iexact=row.get("request_agency"))
    found = list(requests[:2])
    if not found:
        raise RowRefused(
            "request_issued_on",
            f"No request to {county} issued on {issued_on.isoformat()} is on file.",
        )
    if len(found) > 1:
        raise RowRefused(
            "request_agency",
            f"{county} had several requests issued on {issued_on.isoformat()}: "
            "name its issuing agency.",
        )
    return found[0]


def row_sources(row: spreadsheet_import.SheetRow, *, actor: User | None) -> list[Source]:
    """The source a row cites: the one on file with source_url, or a new one (add_source) with
    source_title. A row without source_url cites none."""
    url, title = row.get("source_url"), row.get("source_title")
    if not url:
        if title:
            raise RowRefused("source_url", "Give the source's address.")
        return []
    existing = Source.objects.filter(url=url).first()
    if existing is not None:
        return [existing]
    if not title:
        raise RowRefused("source_title", "This address is not on file yet: give its title.")
    return add_new_sources([{"title": title, "url": url}], actor=actor)


def service_arguments(
    row: spreadsheet_import.SheetRow, fields: Iterable[str], **resolved: Any
) -> dict[str, Any]:
    """A service's arguments from a row: its fields (the service's own list) the row fills, as
    read; an empty cell is left to the service's default. `resolved` gives the records a row
    names by text (county, agency, source, ...), which replace those columns."""
    arguments = {
        name: row.values[name]
        for name in fields
        if name not in resolved and row.values.get(name) is not None
    }
    return {**arguments, **resolved}


def _agency(name: str, level: str, *, county: County | None, column: str) -> Agency:
    try:
        return register_agency(name=name, level=level, county=county)
    except ValidationError as error:
        raise RowRefused(column, " ".join(error.messages)) from error


def _follows(row: spreadsheet_import.SheetRow, data_request: DataRequest) -> Escalation | None:
    kind, issued_on = row.get("follows_kind"), row.get("follows_issued_on")
    if not kind and not issued_on:
        return None
    if not kind or not issued_on:
        raise RowRefused("follows_kind", "Give both follows_kind and follows_issued_on.")
    found = list(data_request.escalations.filter(kind=kind, issued_on=issued_on)[:2])
    if len(found) != 1:
        raise RowRefused(
            "follows_kind",
            f"{'Several' if found else 'No'} {kind.replace('_', ' ')} of "
            f"{issued_on.isoformat()} on this request.",
        )
    return found[0]


def _on_file(
    row: spreadsheet_import.SheetRow, record: Model, compared: Iterable[str]
) -> RowOutcome:
    differing = [
        name
        for name in compared
        if row.values.get(name) is not None and not _same(row.values[name], getattr(record, name))
    ]
    detail = (
        f"differs in {', '.join(differing)}: correct it on the record's page" if differing else ""
    )
    label = record.title if isinstance(record, Source) else record_label(record)
    return RowOutcome(row.number, ON_FILE, label, detail, record.get_absolute_url())


def _same(value: Any, stored: Any) -> bool:
    if isinstance(value, list):
        return sorted(value) == sorted(stored or [])
    return value == stored


def _created(
    row: spreadsheet_import.SheetRow, data_request: DataRequest, record: Model
) -> RowOutcome:
    """A row that wrote `record`: with where its request now stands (status, overdue)."""
    data_request.refresh_from_db(fields=["status", "overdue_since"])
    detail = f"request status: {data_request.get_status_display().lower()}"
    if data_request.overdue_since:
        detail += f", overdue since {data_request.overdue_since.isoformat()}"
    return RowOutcome(row.number, CREATED, record_label(record), detail, record.get_absolute_url())


COLUMN_OF_FIELD: Mapping[str, str] = {
    "county": "county_fips",
    "request": "request_issued_on",
    "issuing_agency": "issuing_agency",
    "responding_agency": "responding_agency",
    "follows": "follows_kind",
    "source": "source_url",
}


def _row_errors(number: int, error: ValidationError) -> list[RowError]:
    """A service's refusal as row errors, each naming the column its field is read from."""
    if not hasattr(error, "error_dict"):
        return [RowError(number, "", " ".join(error.messages))]
    return [
        RowError(
            number,
            "" if name == NON_FIELD_ERRORS else COLUMN_OF_FIELD.get(name, name),
            " ".join(messages),
        )
        for name, messages in error.message_dict.items()
    ]
