"""`manage.py publish_dataset`: what a public instance shows, as a valid Frictionless data package
and a SQLite file; never an internal note, a user's name or a sensitive source."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from requests_tracker import services
from requests_tracker.exchange import dataset
from requests_tracker.models import County, DatasetRelease
from requests_tracker.selectors import documents
from tests.factories import (
    AgencyFactory,
    SourceFactory,
    UserFactory,
    make_request,
    record_detainer_figure,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 15)
INTERNAL_NOTE = "Sheriff's aide tipped us off; do not name her (XQZ-note)."
USER_NAME = "rsmith-datadesk"
SENSITIVE_TITLE = "Jail roster with the names of people in custody (XQZ-roster)"
SENSITIVE_URL = "https://files.example.org/xqz-roster.pdf"
PUBLIC_SUMMARY = "DOJ asked for every non-citizen in the jail."
URL = "https://data.example.org/tracker/"


@pytest.fixture
def planted(county, settings):
    """A public record with, around it, one of each thing a release must never hold."""
    settings.SITE_URL = "https://tracker.example.org"
    reporter = UserFactory(username=USER_NAME, role="editor", first_name="Rita")
    data_request = make_request(
        county=county,
        summary=PUBLIC_SUMMARY,
        internal_note=INTERNAL_NOTE,
        actor=reporter,
        today=TODAY,
    )
    public = SourceFactory(title="LASD statement", created_by=reporter, verified_by=reporter)
    sensitive = SourceFactory(title=SENSITIVE_TITLE, url=SENSITIVE_URL, sensitive=True)
    for source in (public, sensitive):
        services.cite_source(source=source, record=data_request, actor=reporter)
    response = services.log_response(
        data_request=data_request,
        kind="declined",
        received_on=dt.date(2025, 8, 1),
        responding_agency=AgencyFactory(name="LASD", level="county", county=county),
        sources=[public, sensitive],
        actor=reporter,
        today=TODAY,
    )
    services.update_response(
        response=response,
        actor=reporter,
        legal_basis_cited="SB 54",
        correction_note="The letter cited SB 54.",
        today=TODAY,
    )
    figure = record_detainer_figure(county=county, source=sensitive, actor=reporter)
    County.objects.filter(pk=county.pk).update(
        sanctuary_status="sanctuary", sanctuary_source=sensitive
    )
    return {"request": data_request, "sensitive": sensitive, "public": public, "figure": figure}


def publish(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("publish_dataset", str(path), *args, stdout=out)
    return out.getvalue()


def read(path: Path, name: str) -> list[dict[str, str]]:
    with (path / f"{name}.csv").open(newline="", encoding="utf-8") as rows:
        return list(csv.DictReader(rows))


def test_frictionless_validate_passes_on_the_published_package(planted, tmp_path):
    output = publish(tmp_path, "--url", URL)
    assert "valid Frictionless package" in output

    checked = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "datapackage.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"][0]["path"] == "https://tracker.example.org"
    requests_schema = next(r for r in package["resources"] if r["name"] == "requests")["schema"]
    assert {"fields": "county_fips", "reference": {"resource": "counties", "fields": "fips"}} in (
        requests_schema["foreignKeys"]
    )


def test_the_package_holds_no_internal_note_user_name_or_sensitive_source(planted, tmp_path):
    publish(tmp_path)
    everything = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    for secret in (INTERNAL_NOTE, USER_NAME, "Rita", SENSITIVE_TITLE, SENSITIVE_URL):
        assert secret.encode() not in everything, secret
    sensitive_id = str(planted["sensitive"].pk)
    assert sensitive_id not in {row["id"] for row in read(tmp_path, "sources")}
    for name in ("request_sources", "response_sources"):
        assert sensitive_id not in {row["source_id"] for row in read(tmp_path, name)}
    (figure,) = read(tmp_path, "figures")
    assert figure["source_id"] == "" and figure["value"] == "995"
    assert read(tmp_path, "counties")[0]["sanctuary_source_id"] == ""
    # What the public sees is there.
    (request_row,) = read(tmp_path, "requests")
    assert request_row["summary"] == PUBLIC_SUMMARY and request_row["status"] == "declined"
    assert {row["id"] for row in read(tmp_path, "sources")} == {str(planted["public"].pk)}
    (correction,) = read(tmp_path, "corrections")
    assert correction["note"] == "The letter cited SB 54."
    assert json.loads(correction["changes"]) == [
        {"label": "Legal basis cited", "from": "(none)", "to": "SB 54"}
    ]


def test_the_public_sources_are_the_ones_an_anonymous_reader_of_a_public_instance_sees(
    planted, settings
):
    settings.TRACKER_PUBLIC = True
    assert set(dataset.public_sources()) == set(documents.visible_sources(AnonymousUser()))


def test_the_sqlite_file_has_the_tables_and_their_keys_for_datasette(planted, tmp_path):
    publish(tmp_path)
    database = sqlite3.connect(tmp_path / dataset.SQLITE_NAME)
    try:
        listed = database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {row[0] for row in listed}
        assert tables == {resource.name for resource in dataset.RESOURCES}
        links = {row[2] for row in database.execute("PRAGMA foreign_key_list(requests)")}
        assert links == {"counties", "campaigns", "agencies"}
        assert database.execute("PRAGMA foreign_key_check").fetchall() == []
        columns = {row[1] for row in database.execute("PRAGMA table_info(requests)")}
        assert "internal_note" not in columns and "created_by_id" not in columns
        (summary,) = database.execute("SELECT summary FROM requests").fetchone()
        assert summary == PUBLIC_SUMMARY
    finally:
        database.close()
    metadata = json.loads((tmp_path / "metadata.json").read_text())
    assert metadata["license"] == "CC-BY-4.0"
    assert set(metadata["databases"]["doj-request-tracker"]["tables"]) == tables


def test_the_dashboard_links_the_latest_release(planted, tmp_path, client, settings):
    settings.TRACKER_PUBLIC = True
    assert "datapackage.json" not in client.get("/").content.decode()
    publish(tmp_path / "first", "--url", "https://data.example.org/old")
    publish(tmp_path / "second", "--url", URL)
    page = client.get("/").content.decode()
    assert f'href="{URL}datapackage.json"' in page
    assert f'href="{URL}{dataset.SQLITE_NAME}"' in page
    assert "old/datapackage.json" not in page
    assert DatasetRelease.objects.count() == 2


def test_a_release_without_an_address_is_recorded_but_not_linked(planted, tmp_path, settings):
    settings.DATASET_URL = ""
    assert "not linked from the site" in publish(tmp_path)
    assert DatasetRelease.objects.get().url == ""
    assert dataset.latest_release() is None


def test_an_address_that_is_no_url_is_refused(planted, tmp_path):
    with pytest.raises(CommandError, match="--url"):
        publish(tmp_path, "--url", "not an address")
    assert not DatasetRelease.objects.exists()
