"""The admin's import page: upload, preview (nothing written), confirm (the previewed file is
written, once); editors only; templates to download."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_tracker.models import Activity, DataRequest
from tests.factories import CountyFactory, UserFactory
from tests.sheets import csv_file
from tests.web.conftest import page_of, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_september():
    """Today is 2025-09-15: the July letters are overdue."""
    with time_machine.travel(dt.datetime(2025, 9, 15, 12, tzinfo=dt.UTC)):
        yield


URL = "/admin/import/"
HEADER = ["county_fips", "issuing_agency", "issued_on", "due_basis", "due_days", "data_sought"]
ROWS = [
    ["06037", "U.S. Department of Justice", "2025-07-17", "calendar_days", "30", "charges"],
    ["06075", "U.S. Department of Justice", "2025-07-17", "calendar_days", "30", "charges"],
]


@pytest.fixture
def chief(db):
    CountyFactory(fips="06037", name="Los Angeles County")
    CountyFactory(fips="06075", name="San Francisco County")
    return signed_in(UserFactory(username="chief", is_staff=True, role="editor"))


def upload(rows, name: str = "letters.csv") -> dict:
    return {"kind": "requests", "file": SimpleUploadedFile(name, csv_file(HEADER, rows))}


def test_the_preview_lists_what_the_file_would_do_and_writes_nothing(chief):
    response = chief.post(URL, upload(ROWS))
    assert response.status_code == 200
    rows = page_of(response).find(id="import-rows").find("tbody").find_all("tr")
    assert [row.find_all("td")[1].get_text() for row in rows] == ["created", "created"]
    assert "overdue since 2025-08-17" in rows[0].get_text()
    assert not DataRequest.objects.exists() and not Activity.objects.exists()
    assert page_of(response).find(id="confirm-import") is not None


def test_confirming_writes_the_previewed_file_as_the_editor(chief):
    preview = page_of(chief.post(URL, upload(ROWS)))
    token = preview.find("input", attrs={"name": "confirmation"})["value"]

    done = chief.post(URL, {"confirmation": token})

    assert done.status_code == 200
    assert "Imported letters.csv: 2 created" in done.content.decode()
    assert DataRequest.objects.count() == 2
    assert set(DataRequest.objects.values_list("created_by__username", flat=True)) == {"chief"}
    again = chief.post(URL, {"confirmation": token})
    assert "0 created, 2 already on file" in again.content.decode()
    assert DataRequest.objects.count() == 2


def test_a_bad_row_is_shown_with_its_number_column_and_reason_and_cannot_be_confirmed(chief):
    bad = [*ROWS, ["06999", "U.S. Department of Justice", "2025-07-17", "calendar_days", "30", ""]]
    response = chief.post(URL, upload(bad))
    assert response.status_code == 400
    errors = page_of(response).find(id="import-errors").find("tbody").find_all("tr")
    cells = [[td.get_text() for td in row.find_all("td")] for row in errors]
    assert cells[0][:2] == ["4", "county_fips"]
    assert "No county with FIPS 06999" in cells[0][2]
    assert page_of(response).find(id="confirm-import") is None
    assert not DataRequest.objects.exists()


def test_an_altered_confirmation_is_refused(chief):
    preview = page_of(chief.post(URL, upload(ROWS)))
    token = preview.find("input", attrs={"name": "confirmation"})["value"]
    response = chief.post(URL, {"confirmation": token[:-2] + "xx"})
    assert response.status_code == 400
    assert "expired or was altered" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_journalists_cannot_import(db):
    journalist = signed_in(UserFactory(username="reporter", is_staff=True, role="journalist"))
    assert journalist.get(URL).status_code == 403
    assert journalist.post(URL, upload(ROWS)).status_code == 403


def test_the_index_links_the_page_for_editors_and_the_templates_download(chief):
    index = page_of(chief.get("/admin/"))
    assert index.find("a", href=URL) is not None
    template = chief.get("/admin/import/template/responses.csv")
    assert template.status_code == 200
    assert template.content.decode().startswith("county_fips,county_name,state,request_issued_on")
    assert "attachment" in template["Content-Disposition"]
    xlsx = chief.get("/admin/import/template/figures.xlsx")
    assert xlsx.content[:2] == b"PK"


def test_a_response_row_without_its_requests_issue_date_is_refused_with_the_column(chief):
    """`06037,,2025-08-01,declined` gave a 500: the row names no request to answer."""
    header = ["county_fips", "request_issued_on", "received_on", "kind"]
    upload_file = SimpleUploadedFile(
        "responses.csv", csv_file(header, [["06037", "", "2025-08-01", "declined"]])
    )
    response = chief.post(URL, {"kind": "responses", "file": upload_file})
    assert response.status_code == 400  # a preview with a refused row, never a 500
    row = page_of(response).find(id="import-errors").find("tbody").find("tr")
    assert "request_issued_on" in row.get_text(" ")
    assert "Give the date the request was issued" in row.get_text(" ")
    assert page_of(response).find(id="confirm-import") is None
