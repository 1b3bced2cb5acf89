"""The whole record survives a lost server: the demo data and a generated 1,000-request data set
(with uploaded documents, their text and edit history) go through export_data, then into a new,
empty PostgreSQL database on "another server" (separate processes, their own MEDIA_ROOT) through
import_data, and come back table for table, file for file; the app then serves them.

Needs PostgreSQL (DATABASE_URL=postgres://...): skipped locally without it, failed under CI."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import psycopg
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from requests_tracker import archive, services
from requests_tracker.models import Agency, DataRequest, ReportedFigure, Response, Source
from requests_tracker.services.documents import extract_source_text
from tests.database import database_url
from tests.documents import text_pdf
from tests.factories import UserFactory
from tests.integration.conftest import PROJECT_ROOT
from tests.integration.servers import Gunicorn

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 15)


@pytest.fixture
def new_database() -> Iterator[str]:
    """DATABASE_URL of a new, empty PostgreSQL database beside the test database (dropped after)."""
    connection.ensure_connection()
    params = connection.settings_dict
    name = f"{params['NAME']}_restored"
    server = psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    server.execute(drop)
    server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield database_url(name)
    finally:
        server.execute(drop)
        server.close()


def manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def add_documents_and_history() -> list[Source]:
    """Uploaded documents cited on requests (one read into pages of text), edits and corrections
    (history), and users in their roles."""
    editor = UserFactory(username="chief", role="editor")
    reporter = UserFactory(username="reporter", role="journalist")
    requests_ = list(DataRequest.objects.order_by("pk")[:5])
    documents = []
    for n, data_request in enumerate(requests_):
        document = services.add_source(
            title=f"Letter to the sheriff, no. {n}",
            file=SimpleUploadedFile(f"letter-{n}.pdf", text_pdf([f"Letter {n}: 30 days."])),
            kind="primary_document",
            cite_on=[data_request],
            actor=reporter,
        )
        documents.append(document)
        services.update_request(
            data_request=data_request,
            actor=editor,
            summary=f"Corrected summary {n}.",
            correction_note=f"The summary misread letter {n}.",
            today=TODAY,
        )
    assert extract_source_text(source_id=documents[0].pk).status == "done"
    response = Response.objects.order_by("pk").first()
    services.update_response(response=response, actor=editor, official="The sheriff", today=TODAY)
    figure = ReportedFigure.objects.order_by("pk").first()
    services.update_figure(figure=figure, actor=editor, value=996, correction_note="Off by one.")
    services.watch(user=reporter, data_request=requests_[0])
    return documents


def test_demo_and_a_thousand_requests_come_back_from_an_archive_on_a_new_server(
    new_database, tmp_path, settings
):
    settings.MEDIA_ROOT = media = tmp_path / "media"
    call_command("load_demo", stdout=StringIO())
    call_command("seed_bench", "--requests", "1000", stdout=StringIO())
    documents = add_documents_and_history()
    path = tmp_path / "tracker.zip"
    call_command("export_data", str(path), stdout=StringIO())
    written = archive.table_checksums()
    assert written["requests_tracker.DataRequest"][0] == 1004
    # seed_bench writes with COPY and leaves history out; the demo and the edits above have it.
    assert written["requests_tracker.HistoricalDataRequest"][0] > 4

    restored_media = tmp_path / "restored-media"
    env = {
        **os.environ,
        "DATABASE_URL": new_database,
        "MEDIA_ROOT": str(restored_media),
        "TRACKER_PUBLIC": "true",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    manage("migrate", "--no-input", "-v0", env=env)
    report = manage("import_data", str(path), env=env)
    assert "every table's checksum matches the archive" in report
    assert "requests_tracker.DataRequest: 1,004" in report

    read_back = manage(
        "shell",
        "-c",
        "import json; from requests_tracker import archive; "
        "print(json.dumps(archive.table_checksums()))",
        env=env,
    )
    restored = json.loads(read_back.strip().splitlines()[-1])
    assert restored == {label: list(value) for label, value in written.items()}

    # New records continue after the restored ids (the sequences were moved past them).
    added = manage(
        "shell",
        "-c",
        "from requests_tracker import services; "
        "print(services.register_agency(name='Added after the restore', level='federal').pk)",
        env=env,
    )
    assert int(added.strip().splitlines()[-1]) > Agency.objects.order_by("-pk").first().pk

    originals = sorted(p.relative_to(media) for p in media.rglob("*") if p.is_file())
    assert len(originals) == len(documents)
    for relative in originals:
        assert (restored_media / relative).read_bytes() == (media / relative).read_bytes()

    gunicorn = Gunicorn(env, tmp_path / "gunicorn.log", workers=1)
    try:
        served = DataRequest.objects.order_by("pk").select_related("county").first()
        page = requests.get(f"{gunicorn.url}/requests/{served.pk}/", timeout=30)
        assert page.status_code == 200
        assert "Corrected summary 0." in page.text and served.county.name in page.text
        assert "The summary misread letter 0." in page.text
        stats = requests.get(f"{gunicorn.url}/api/v1/stats/", timeout=30).json()
        assert stats["total"] == 1004
        document = documents[0]
        download = requests.get(f"{gunicorn.url}/sources/{document.pk}/file", timeout=30)
        assert download.content == Path(document.file.path).read_bytes()
    finally:
        gunicorn.stop()
