"""services.import_sheet: rows through the services, all or nothing, idempotent, CSV and XLSX."""

from __future__ import annotations

import datetime as dt

import pytest

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    DataRequest,
    Escalation,
    ReportedFigure,
    RequestStatus,
    Response,
    Source,
)
from tests.factories import (
    AgencyFactory,
    CountyFactory,
    SourceFactory,
    detainer_metric,
    make_request,
)
from tests.sheets import csv_file, xlsx_file

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 15)
REQUEST_HEADER = [
    "county_fips",
    "issuing_agency",
    "issued_on",
    "due_basis",
    "due_days",
    "data_sought",
    "summary",
    "source_url",
    "source_title",
]
DOJ = "U.S. Department of Justice"


def request_row(fips: str, *, data_sought: str = "noncitizen_roster; charges") -> list[str]:
    return [
        fips,
        DOJ,
        "2025-07-17",
        "calendar_days",
        "30",
        data_sought,
        "A list of non-citizens in the jail.",
        "https://news.example/doj-letters",
        "DOJ asks sheriffs for jail lists",
    ]


@pytest.fixture
def counties():
    return {
        fips: CountyFactory(fips=fips, name=name)
        for fips, name in [
            ("06037", "Los Angeles County"),
            ("06075", "San Francisco County"),
            ("06065", "Riverside County"),
            ("06073", "San Diego County"),
        ]
    }


def run(kind: str, content: bytes, **options) -> services.ImportResult:
    return services.import_sheet(kind=kind, content=content, today=TODAY, **options)


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (DataRequest, Response, Escalation, Source, ReportedFigure, Activity)
    }


# --- all or nothing ---------------------------------------------------------------------------


def test_a_file_with_three_good_rows_and_one_bad_row_writes_nothing_and_names_the_bad_cell(
    counties,
):
    content = csv_file(
        REQUEST_HEADER,
        [
            request_row("06037"),
            request_row("06075"),
            request_row("06065", data_sought="noncitizen_roster; mugshots"),
            request_row("06073"),
        ],
    )
    result = run("requests", content)

    assert [(e.row, e.column) for e in result.errors] == [(4, "data_sought")]
    assert "“mugshots” is not one of" in result.errors[0].reason
    assert not result.written
    assert table_counts() == dict.fromkeys(table_counts(), 0)


def test_a_row_the_service_refuses_is_reported_with_the_column_of_the_field_it_names(counties):
    late = request_row("06075")
    late[2] = "2025-10-01"  # after TODAY: no letter is issued in the future
    result = run("requests", csv_file(REQUEST_HEADER, [request_row("06037"), late]))
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "issued_on", "The issue date cannot be in the future.")
    ]
    assert not DataRequest.objects.exists()


def test_every_bad_row_is_reported_not_only_the_first(counties):
    unknown_county = request_row("06999")
    no_days = request_row("06075")
    no_days[4] = ""
    result = run("requests", csv_file(REQUEST_HEADER, [unknown_county, no_days]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "county_fips"), (3, "due_days")]
    assert "No county with FIPS 06999" in result.errors[0].reason


# --- the same status and Activity as the services ---------------------------------------------


RESPONSE_HEADER = [
    "county_fips",
    "request_issued_on",
    "kind",
    "received_on",
    "responding_agency",
    "official",
    "legal_basis_cited",
    "new_due_on",
    "summary",
    "source_url",
    "source_title",
]


def answers(fips: str) -> list[list[str]]:
    """An extension granted, then a refusal under SB 54: extended, then declined."""
    return [
        [
            fips,
            "2025-07-17",
            "extension_granted",
            "2025-08-10",
            "Sheriff's Department",
            "Sheriff",
            "",
            "2025-09-30",
            "DOJ gave six more weeks.",
            "https://news.example/extension",
            "Extension granted",
        ],
        [
            fips,
            "2025-07-17",
            "declined",
            "2025-08-20",
            "Sheriff's Department",
            "Sheriff",
            "SB 54",
            "",
            "The county will not share the list.",
            "https://news.example/extension",
            "",
        ],
    ]


def timeline_of(data_request: DataRequest) -> list[tuple]:
    """What the timeline says happened, without the ids and names that differ per county."""
    return [
        (event.verb, event.occurred_on, {k: v for k, v in event.data.items() if k != "source_id"})
        for event in Activity.objects.filter(request=data_request).order_by("id")
    ]


def test_imported_answers_give_the_status_due_date_and_timeline_the_services_give(counties):
    by_hand = make_request(county=counties["06075"], today=TODAY, issuing_agency=AgencyFactory())
    imported = make_request(county=counties["06037"], today=TODAY, issuing_agency=AgencyFactory())
    sheriff = AgencyFactory(name="Sheriff's Department", level="county")
    source = SourceFactory(url="https://news.example/extension")
    for row in answers("06075"):
        services.log_response(
            data_request=by_hand,
            kind=row[2],
            received_on=dt.date.fromisoformat(row[3]),
            responding_agency=sheriff,
            official=row[5],
            legal_basis_cited=row[6],
            new_due_on=dt.date.fromisoformat(row[7]) if row[7] else None,
            summary=row[8],
            sources=[source],
            today=TODAY,
        )

    result = run("responses", csv_file(RESPONSE_HEADER, answers("06037")))

    assert result.errors == [] and result.created == 2
    by_hand.refresh_from_db()
    imported.refresh_from_db()
    assert imported.status == by_hand.status == RequestStatus.DECLINED
    assert imported.due_on == by_hand.due_on == dt.date(2025, 9, 30)
    assert timeline_of(imported) == timeline_of(by_hand)
    assert result.rows[-1].detail == "request status: declined"


def test_imported_requests_are_flagged_overdue_as_issue_request_flags_them(counties):
    result = run("requests", csv_file(REQUEST_HEADER, [request_row("06037")]))
    data_request = DataRequest.objects.get()
    assert data_request.overdue_since == dt.date(2025, 8, 17)
    assert data_request.sources.get().title == "DOJ asks sheriffs for jail lists"
    assert result.rows[0].detail == "request status: awaiting response, overdue since 2025-08-17"


# --- idempotent re-import ---------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(counties):
    requests = csv_file(REQUEST_HEADER, [request_row(fips) for fips in counties])
    responses = csv_file(RESPONSE_HEADER, answers("06037"))
    first = [run("requests", requests), run("responses", responses)]
    assert [result.created for result in first] == [4, 2]
    before = table_counts()
    statuses = dict(DataRequest.objects.values_list("pk", "status"))

    again = [run("requests", requests), run("responses", responses)]

    assert [(r.created, r.on_file, r.errors) for r in again] == [(0, 4, []), (0, 2, [])]
    assert table_counts() == before
    assert dict(DataRequest.objects.values_list("pk", "status")) == statuses


def test_a_row_on_file_with_other_values_is_left_alone_and_the_difference_named(counties):
    run("requests", csv_file(REQUEST_HEADER, [request_row("06037")]))
    edited = request_row("06037")
    edited[6] = "Another summary."
    result = run("requests", csv_file(REQUEST_HEADER, [edited]))
    assert result.rows[0].action == "already on file"
    assert "differs in summary" in result.rows[0].detail
    assert DataRequest.objects.get().summary == "A list of non-citizens in the jail."


def test_escalations_sources_and_figures_are_found_again_by_their_natural_keys(counties):
    make_request(county=counties["06037"], today=TODAY, issuing_agency=AgencyFactory())
    files = {
        "sources": csv_file(
            ["url", "title", "publisher", "published_on", "kind"],
            [["https://court.example/subpoena", "Subpoena", "Court", "2025-08-28", "court_filing"]],
        ),
        "escalations": csv_file(
            ["county_fips", "request_issued_on", "kind", "issued_on", "due_on", "source_url"],
            [
                ["06037", "2025-07-17", "demand_letter", "2025-08-20", "", ""],
                [
                    "06037",
                    "2025-07-17",
                    "administrative_subpoena",
                    "2025-08-28",
                    "2025-09-11",
                    "https://court.example/subpoena",
                ],
            ],
        ),
        "figures": csv_file(
            ["county_name", "state", "metric", "value", "period_start", "period_end", "source_url"],
            [
                [
                    "Los Angeles",
                    "CA",
                    detainer_metric().slug,
                    "995",
                    "2024-01-01",
                    "2024-12-31",
                    "https://court.example/subpoena",
                ]
            ],
        ),
    }
    created = {kind: run(kind, content).created for kind, content in files.items()}
    again = {kind: run(kind, content) for kind, content in files.items()}

    assert created == {"sources": 1, "escalations": 2, "figures": 1}
    assert {kind: (r.created, r.on_file) for kind, r in again.items()} == {
        "sources": (0, 1),
        "escalations": (0, 2),
        "figures": (0, 1),
    }
    assert ReportedFigure.objects.get().county == counties["06037"]
    assert DataRequest.objects.get().status == RequestStatus.ESCALATED


# --- CSV and XLSX -----------------------------------------------------------------------------


def test_an_xlsx_file_with_date_cells_and_numeric_fips_imports_like_the_csv(counties):
    rows = [request_row("06037"), request_row("06075")]
    result = run("requests", xlsx_file(REQUEST_HEADER, rows))
    assert result.errors == [] and result.created == 2
    assert set(DataRequest.objects.values_list("county__fips", "issued_on", "due_on")) == {
        ("06037", dt.date(2025, 7, 17), dt.date(2025, 8, 16)),
        ("06075", dt.date(2025, 7, 17), dt.date(2025, 8, 16)),
    }
    again = run("requests", csv_file(REQUEST_HEADER, rows))
    assert (again.created, again.on_file) == (0, 2)


def test_an_xlsx_bad_row_is_numbered_as_the_spreadsheet_shows_it(counties):
    rows = [request_row("06037"), ["", "", "", "", "", "", "", "", ""], request_row("06999")]
    result = run("requests", xlsx_file(REQUEST_HEADER, rows))
    assert [(e.row, e.column) for e in result.errors] == [(4, "county_fips")]


# --- dry run ----------------------------------------------------------------------------------


def test_the_dry_run_writes_nothing_and_shows_what_would_change(counties):
    make_request(county=counties["06037"], today=TODAY, issuing_agency=AgencyFactory(name=DOJ))
    before = table_counts()
    result = run(
        "requests",
        csv_file(REQUEST_HEADER, [request_row("06037"), request_row("06075")]),
        dry_run=True,
    )
    assert [(row.row, row.action) for row in result.rows] == [
        (2, "already on file"),
        (3, "created"),
    ]
    assert result.rows[1].detail.startswith("request status: awaiting response")
    assert not result.written
    assert table_counts() == before


# --- the file itself --------------------------------------------------------------------------


def test_an_unknown_column_refuses_the_file_at_its_header(counties):
    result = run("requests", csv_file([*REQUEST_HEADER, "mugshot"], [[*request_row("06037"), "x"]]))
    assert [(e.row, e.column) for e in result.errors] == [(1, "mugshot")]
    assert "which requests do not have" in result.errors[0].reason


def test_a_missing_required_column_refuses_the_file(counties):
    header = [name for name in REQUEST_HEADER if name != "due_basis"]
    row = request_row("06037")
    del row[3]
    result = run("requests", csv_file(header, [row]))
    assert [(e.row, e.column) for e in result.errors] == [(1, "due_basis")]


def test_a_file_that_is_no_spreadsheet_is_refused(counties):
    result = run("requests", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
    assert [(e.row, e.column) for e in result.errors] == [(1, "")]
    assert "upload CSV or XLSX" in result.errors[0].reason or "Not a CSV" in result.errors[0].reason


def test_counties_are_found_by_name_and_state_with_or_without_county(counties):
    header = ["county_name", "state", *REQUEST_HEADER[1:]]
    rows = [
        ["Los Angeles", "ca", *request_row("06037")[1:]],
        ["San Francisco County", "CA", *request_row("06075")[1:]],
    ]
    result = run("requests", csv_file(header, rows))
    assert result.errors == []
    assert set(DataRequest.objects.values_list("county__fips", flat=True)) == {"06037", "06075"}
