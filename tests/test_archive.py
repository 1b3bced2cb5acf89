"""The full archive (archive.py, export_data, import_data): everything but secrets goes in, and
comes back exactly, with its ids, history, documents and checksums; a damaged archive, another
schema or a database that is not empty is refused with nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.authtoken.models import Token

from requests_tracker import services
from requests_tracker.exchange import archive
from requests_tracker.models import DataRequest, FeedToken, Source, WebhookSubscription
from tests.documents import text_pdf
from tests.factories import SourceFactory, UserFactory, make_request, record_detainer_figure

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 15)
WEBHOOK_SECRET = "s3cret-webhook-key-0123456789abcdef"


def empty_the_archived_tables() -> None:
    """What a new, migrated database holds: the roles, none of the archived rows (foreign keys
    are checked at commit, so the order of the deletes does not matter)."""
    quote = connection.ops.quote_name
    secrets = [FeedToken, Token]  # not archived, but they belong to the users deleted
    with connection.cursor() as cursor:
        for model in [*secrets, *(table.model for table in archive.archived_tables())]:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")


@pytest.fixture
def newsroom(county, settings, tmp_path):
    """A little of everything: users in roles, a request with a sourced answer and an uploaded
    document, a corrected figure, a watch, and the secrets an archive must not hold."""
    settings.MEDIA_ROOT = tmp_path / "media"
    editor = UserFactory(username="chief", role="editor", is_staff=True)
    reporter = UserFactory(username="reporter", role="journalist")
    data_request = make_request(county=county, actor=reporter, today=TODAY)
    document = services.add_source(
        title="Sheriff's letter",
        file=SimpleUploadedFile("letter.pdf", text_pdf(["We decline under SB 54."])),
        kind="primary_document",
        actor=reporter,
    )
    services.log_response(
        data_request=data_request,
        kind="declined",
        received_on=dt.date(2025, 8, 1),
        legal_basis_cited="SB 54",
        sources=[document],
        actor=reporter,
        today=TODAY,
    )
    figure = record_detainer_figure(county=county, source=SourceFactory(), actor=reporter)
    services.update_figure(figure=figure, actor=editor, value=1095, correction_note="1,095.")
    services.watch(user=reporter, data_request=data_request)
    services.rotate_feed_token(user=reporter)
    Token.objects.create(user=editor)
    services.subscribe_webhook(
        url="https://hooks.example.org/tracker", secret=WEBHOOK_SECRET, actor=editor
    )
    return {"request": data_request, "document": document, "editor": editor}


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def test_the_archive_holds_every_table_with_counts_and_checksums_and_no_secret(newsroom, tmp_path):
    path = tmp_path / "tracker.zip"
    archive.write_archive(path)
    content = members(path)
    manifest = json.loads(content["manifest.json"])

    checksums = archive.table_checksums()
    assert {t["label"]: (t["rows"], t["sha256"]) for t in manifest["tables"]} == checksums
    assert checksums["requests_tracker.DataRequest"][0] == 1
    assert checksums["requests_tracker.HistoricalReportedFigure"][0] == 2
    assert checksums["auth.User.groups"][0] == 2
    document = newsroom["document"]
    assert manifest["files"] == [
        {"name": document.file.name, "size": document.file.size, "sha256": document.sha256}
    ]
    assert content[f"files/{document.file.name}"] == Path(document.file.path).read_bytes()

    everything = b"".join(content.values())
    editor = newsroom["editor"]
    assert editor.password.encode() not in everything
    assert WEBHOOK_SECRET.encode() not in everything
    assert Token.objects.get().key.encode() not in everything
    assert FeedToken.objects.get().key.encode() not in everything
    assert "requests_tracker.FeedToken" not in checksums


def test_an_archive_restores_exactly_into_an_emptied_database(newsroom, tmp_path, settings):
    path = tmp_path / "tracker.zip"
    archive.write_archive(path)
    before = archive.table_checksums()
    original_bytes = Path(newsroom["document"].file.path).read_bytes()
    empty_the_archived_tables()
    settings.MEDIA_ROOT = tmp_path / "new-server-media"

    out = StringIO()
    call_command("import_data", str(path), stdout=out)

    after = archive.table_checksums()
    switched_off = "requests_tracker.WebhookSubscription"
    assert {k: v for k, v in after.items() if k != switched_off} == {
        k: v for k, v in before.items() if k != switched_off
    }
    subscription = WebhookSubscription.objects.get()
    assert not subscription.is_active and subscription.secret == ""
    assert "give it a new secret" in subscription.disabled_reason
    document = Source.objects.get(pk=newsroom["document"].pk)
    assert Path(document.file.path).read_bytes() == original_bytes
    assert hashlib.sha256(original_bytes).hexdigest() == document.sha256
    chief = type(newsroom["editor"]).objects.get(username="chief")
    assert not chief.has_usable_password()
    assert set(chief.groups.values_list("name", flat=True)) == {"editor"}
    assert "every table's checksum matches the archive" in out.getvalue()
    assert "1 webhook subscription(s) are switched off" in out.getvalue()
    # New records continue after the restored ids.
    assert make_request(county=document.requests.model.objects.get().county, today=TODAY).pk > (
        newsroom["request"].pk
    )


def test_a_database_that_is_not_empty_is_refused_with_nothing_written(newsroom, tmp_path):
    path = tmp_path / "tracker.zip"
    archive.write_archive(path)
    before = archive.table_checksums()
    with pytest.raises(CommandError, match="The database is not empty .*Nothing was restored"):
        call_command("import_data", str(path), stdout=StringIO())
    assert archive.table_checksums() == before


def rewritten(path: Path, name: str, change) -> Path:  # noqa: ANN001
    """A copy of the archive at `path` with its member `name` passed through `change`."""
    copy = path.with_name(f"changed-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
        for member in source.namelist():
            data = source.read(member)
            target.writestr(member, change(data) if member == name else data)
    return copy


def test_a_damaged_archive_is_refused_before_anything_is_written(newsroom, tmp_path):
    path = tmp_path / "tracker.zip"
    archive.write_archive(path)
    damaged = rewritten(
        path,
        "tables/requests_tracker.DataRequest.jsonl",
        lambda data: data.replace(b"calendar days", b"calendar dayz"),
    )
    empty_the_archived_tables()
    with pytest.raises(archive.ArchiveError, match="DataRequest.jsonl does not match its checksum"):
        archive.restore_archive(damaged)
    assert not DataRequest.objects.exists()


def test_an_archive_from_other_migrations_is_refused(newsroom, tmp_path):
    path = tmp_path / "tracker.zip"
    archive.write_archive(path)

    def from_the_future(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["migrations"].append("0099_from_the_future")
        return json.dumps(manifest).encode()

    other = rewritten(path, "manifest.json", from_the_future)
    empty_the_archived_tables()
    with pytest.raises(archive.ArchiveError, match="0099_from_the_future"):
        archive.restore_archive(other)


def test_export_data_refuses_to_overwrite_a_file(tmp_path, db):
    path = tmp_path / "tracker.zip"
    path.write_bytes(b"earlier archive")
    with pytest.raises(CommandError, match="exists already"):
        call_command("export_data", str(path), stdout=StringIO())
    assert path.read_bytes() == b"earlier archive"
