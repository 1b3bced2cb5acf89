"""The whole record survives a lost server: the demo data and a generated 300-request data set
(with uploaded documents, their text and edit history) go through export_data, then into a new,
empty PostgreSQL database on "another server" (separate processes, their own MEDIA_ROOT) through
import_data, and come back table for table, file for file; the app then serves them.

What "comes back" means is decided here, not by archive.py: every table and view of the source
database, found by introspection, is compared with the restored database's by its row count and
an MD5 of its rows computed in SQL, except for the differences the archive documents, each
listed below with its reason. A table the exporter forgets, or a column it drops, fails the test
by name.

Needs PostgreSQL (DATABASE_URL=postgres://...): skipped locally without it, failed under CI."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from psycopg import sql
from rest_framework.authtoken.models import Token

from bench import seeding as bench_seed
from requests_tracker import services
from requests_tracker.models import (
    Agency,
    DataRequest,
    Escalation,
    ReportedFigure,
    Response,
    Source,
)
from requests_tracker.services.documents import extract_source_text
from tests.database import database_url
from tests.documents import text_pdf
from tests.factories import UserFactory
from tests.integration.conftest import PROJECT_ROOT
from tests.integration.servers import Gunicorn

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 15)
REQUESTS = 300
DEMO_REQUESTS = 4

# --- What the archive is documented to leave out or change (exchange/archive.py) -----

NOT_THE_RECORD = {
    # Sessions, sign-in lockouts and the admin's log are the running server's state.
    "django_session",
    "django_admin_log",
    # API tokens and private feed tokens are secrets: a restored instance issues new ones.
    "authtoken_token",
    "requests_tracker_feedtoken",
}
NOT_THE_RECORD_PREFIXES = (
    # django-axes: sign-in attempts and lockouts, the running server's state.
    "axes_",
)

TALLIES = {
    # Counts the database keeps from the requests (triggers add a row of +n/-n per change): a
    # restore rebuilds them as it inserts the requests, in other rows with other ids. Compared
    # below by what they add up to, per key; the views that add them up for the pages
    # (requests_tracker_countycounts, _campaigncounts) are compared row for row like any table.
    "requests_tracker_countytally",
    "requests_tracker_campaigntally",
    "requests_tracker_firstresponsetally",
    "requests_tracker_deadlinetally",
}

SECRET_COLUMNS = {
    # Password hashes are secrets: restored as unusable passwords (checked below).
    "auth_user": {"password"},
    # Webhook secrets are secrets; without one a restored subscription is switched off, with a
    # note saying why (checked below).
    "requests_tracker_webhooksubscription": {"secret", "is_active", "disabled_reason"},
}

NATURAL_CONTENT = {
    # The applied migrations are each database's own (applied when it was migrated): compared
    # by (app, name), the schema the restore went into.
    "django_migrations": "SELECT ROW(app, name)::text FROM django_migrations",
    # migrate makes the content types, permissions and roles (groups) in each database, with
    # their own ids: compare them, and the links between them, by what they name instead.
    "django_content_type": "SELECT ROW(app_label, model)::text FROM django_content_type",
    "auth_group": "SELECT ROW(name)::text FROM auth_group",
    "auth_permission": """
        SELECT ROW(t.app_label, t.model, p.codename, p.name)::text
        FROM auth_permission p JOIN django_content_type t ON t.id = p.content_type_id""",
    "auth_group_permissions": """
        SELECT ROW(g.name, t.app_label, t.model, p.codename)::text
        FROM auth_group_permissions gp
        JOIN auth_group g ON g.id = gp.group_id
        JOIN auth_permission p ON p.id = gp.permission_id
        JOIN django_content_type t ON t.id = p.content_type_id""",
    "auth_user_groups": """
        SELECT ROW(ug.user_id, g.name)::text
        FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id""",
    # A user's own permissions (besides their role's), by what each permission names.
    "auth_user_user_permissions": """
        SELECT ROW(up.user_id, t.app_label, t.model, p.codename)::text
        FROM auth_user_user_permissions up
        JOIN auth_permission p ON p.id = up.permission_id
        JOIN django_content_type t ON t.id = p.content_type_id""",
}

# --- The oracle: the database's own content, table by table, in SQL --------------------------


def digest_sql(rows: str) -> str:
    """The row count and MD5 of the rows (one text per row) that the query `rows` selects."""
    return (
        "SELECT count(*), md5(coalesce(string_agg(r, E'\\n' ORDER BY r COLLATE \"C\"), '')) "
        f"FROM ({rows}) AS s(r)"
    )


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def database_content(cursor: Any) -> dict[str, tuple[int, str]]:
    """Every table and view of the database, as its row count and the MD5 of its rows, less
    the documented differences (compared by their meaning instead)."""
    cursor.execute("SET TIME ZONE 'UTC'")  # timestamps as text, the same on both sides
    cursor.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, column_name"
    )
    columns: dict[str, list[str]] = {}
    for table, column in cursor.fetchall():
        columns.setdefault(table, []).append(column)
    cursor.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    tables = sorted(name for (name,) in cursor.fetchall())
    assert set(tables) == set(columns)

    queries: dict[str, str] = {}
    for table in tables:
        if table in NATURAL_CONTENT:
            queries[table] = NATURAL_CONTENT[table]
        elif table in NOT_THE_RECORD or table.startswith(NOT_THE_RECORD_PREFIXES):
            queries[table] = "SELECT NULL::text WHERE false"  # present, content not compared
        elif table in TALLIES:
            keys = ", ".join(quote(c) for c in columns[table] if c not in {"id", "n"})
            queries[table] = (
                f"SELECT ROW({keys}, sum(n))::text FROM {quote(table)} "
                f"GROUP BY {keys} HAVING sum(n) <> 0"
            )
        else:
            kept = [c for c in columns[table] if c not in SECRET_COLUMNS.get(table, set())]
            queries[table] = f"SELECT ROW({', '.join(map(quote, kept))})::text FROM {quote(table)}"
    content = {}
    for table, rows in queries.items():
        cursor.execute(digest_sql(rows))
        count, md5 = cursor.fetchone()
        content[table] = (count, md5)
    return content


def column_digests(cursor: Any, table: str) -> dict[str, str]:
    """The MD5 of each column's values (sorted) of a table, but its secrets: which columns
    differ."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        f"WHERE table_schema = current_schema() AND table_name = '{table}'"
    )
    secrets = SECRET_COLUMNS.get(table, set())
    columns = sorted(name for (name,) in cursor.fetchall() if name not in secrets)
    values = [f"coalesce({quote(c)}::text, '<null>')" for c in columns]
    digests = [
        f"md5(coalesce(string_agg({v}, E'\\n' ORDER BY {v} COLLATE \"C\"), ''))" for v in values
    ]
    cursor.execute(f"SELECT {', '.join(digests)} FROM {quote(table)}")
    return dict(zip(columns, cursor.fetchone(), strict=True))


def differences(
    source: dict[str, tuple[int, str]],
    restored: dict[str, tuple[int, str]],
    source_cursor: Any,
    restored_cursor: Any,
) -> list[str]:
    """What differs between the two databases' contents, each difference naming its table (and
    for an ordinary table, its columns that differ)."""
    problems = [
        f"{t}: in the source database, not after the restore"
        for t in source.keys() - restored.keys()
    ]
    problems += [
        f"{t}: after the restore, not in the source database"
        for t in restored.keys() - source.keys()
    ]
    for table in sorted(source.keys() & restored.keys()):
        (count, md5), (count_after, md5_after) = source[table], restored[table]
        if (count, md5) == (count_after, md5_after):
            continue
        problem = (
            f"{table}: {count:,} rows (md5 {md5[:12]}) in the source database, "
            f"{count_after:,} rows (md5 {md5_after[:12]}) after the restore"
        )
        if table not in NATURAL_CONTENT and table not in TALLIES and count and count_after:
            before, after = (
                column_digests(source_cursor, table),
                column_digests(restored_cursor, table),
            )
            differ = sorted(
                c for c in before.keys() | after.keys() if before.get(c) != after.get(c)
            )
            problem += (
                f"; columns that differ: {', '.join(differ) or 'none (rows paired otherwise)'}"
            )
        problems.append(problem)
    return sorted(problems)


def restored_secrets(cursor: Any) -> list[str]:
    """What a restore does to the secret columns left out of the comparison."""
    problems = []
    cursor.execute("SELECT count(*) FROM auth_user WHERE password NOT LIKE '!%'")
    if count := cursor.fetchone()[0]:
        problems.append(f"auth_user: {count} restored user(s) with a usable password")
    cursor.execute(
        "SELECT count(*) FROM requests_tracker_webhooksubscription "
        "WHERE secret <> '' OR is_active OR disabled_reason NOT LIKE 'Restored from an archive%'"
    )
    if count := cursor.fetchone()[0]:
        problems.append(f"webhook subscriptions: {count} restored with a secret or switched on")
    return problems


# --- The test -------------------------------------------------------------------------------


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
    (history), users in their roles, a webhook subscription with deliveries, an open-data
    release, and the secrets an archive leaves out (feed and API tokens)."""
    editor = UserFactory(username="chief", role="editor")
    reporter = UserFactory(username="reporter", role="journalist")
    # A permission of the reporter's own, beside the role's (the admin allows it).
    reporter.user_permissions.add(Permission.objects.get(codename="change_county"))
    services.subscribe_webhook(
        url="https://hooks.example.org/tracker", secret="s3cret-0123456789abcdef", actor=editor
    )
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
    escalation = Escalation.objects.order_by("pk").first()
    services.update_escalation(escalation=escalation, actor=editor, summary="Filed in court.")
    services.watch(user=reporter, data_request=requests_[0])
    assert services.fan_out_activity()  # deliveries of the events above
    services.record_dataset_release(
        url="https://data.example.org/releases/2025-09-15",
        counts={"requests": DataRequest.objects.count()},
        datapackage_sha256="0" * 64,
    )
    services.rotate_feed_token(user=reporter)
    Token.objects.create(user=editor)
    return documents


def test_demo_and_generated_requests_come_back_from_an_archive_on_a_new_server(
    new_database, tmp_path, settings
):
    settings.MEDIA_ROOT = media = tmp_path / "media"
    call_command("load_demo", stdout=StringIO())
    call_command("load_counties", "--all", stdout=StringIO())
    bench_seed.seed(requests=REQUESTS, seed=2025)
    documents = add_documents_and_history()
    total = DEMO_REQUESTS + REQUESTS
    assert DataRequest.objects.count() == total
    # The bench's seeder leaves history out; the demo and the edits above have it.
    assert DataRequest.history.count() > 4
    path = tmp_path / "tracker.zip"
    call_command("export_data", str(path), stdout=StringIO())

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
    assert f"requests_tracker.DataRequest: {total:,}" in report

    # Table for table, by the database's own content (not by the archive's list or checksums).
    with (
        connection.cursor() as source,
        psycopg.connect(new_database) as other,
        other.cursor() as restored,
    ):
        before, after = database_content(source), database_content(restored)
        problems = differences(before, after, source, restored) + restored_secrets(restored)
    assert before["requests_tracker_datarequest"][0] == total
    # The citations (many-to-many tables) are there to be compared.
    assert before["requests_tracker_datarequest_sources"][0] >= len(documents)
    assert not problems, "The restored database differs:\n" + "\n".join(problems)

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
        assert stats["total"] == total
        document = documents[0]
        download = requests.get(f"{gunicorn.url}/sources/{document.pk}/file", timeout=30)
        assert download.content == Path(document.file.path).read_bytes()
    finally:
        gunicorn.stop()
