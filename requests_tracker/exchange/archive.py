"""The full archive: every record of the tracker in one file, restored exactly into an empty
database.

`manage.py export_data PATH` writes a zip file:

- `manifest.json`: the format and its version, the schema (the app's migrations applied), and for
  each table its columns, its row count and the SHA-256 of its content; for each stored document
  its name, size and SHA-256;
- `tables/<app>.<Model>.jsonl`: one JSON array per row, the columns in the manifest's order, rows
  by primary key. The content checksum is the SHA-256 of these lines, each ending in a newline;
  it is computed from the database the same way on export and after a restore;
- `files/<name>`: each source's stored document, under its storage name.

What it holds: users (without password hashes), counties, agencies, sources (with their pages of
extracted text), campaigns, requests, responses, escalations and their citations, figures,
corrections, watches, the event log, webhook subscriptions (without their secrets) and
deliveries, open-data releases, and every history table. What it leaves out, and why: password
hashes, webhook secrets, API tokens and private feed tokens are secrets, and an archive travels
further than the database (a restored instance gets new ones: `changepassword`,
`create_api_token`, a new secret per webhook, feed addresses issued again on My watches);
sessions, sign-in lockouts and the admin's own log are the running server's, not the record's.
The archive does hold internal notes, who logged what, and sensitive sources and their
documents: keep it as private as the database.

`manage.py import_data PATH` restores it into an empty, migrated database with the same
migrations applied (anything else is refused before a row is written), in one transaction: the
archive is checked first (every table's and every file's SHA-256), rows are inserted with their
own ids (raw inserts: a restore reproduces the record, history and event log included, so it must
not run the services, which would make new history and events), sequences are moved past the
highest ids (PostgreSQL), each table's checksum is computed again from the database and must
equal the manifest's, then the documents are written to storage. Webhook subscriptions come back
switched off: they have no secret until an editor gives them one. Any failure rolls everything
back and removes the documents written.

When to use this and when pg_dump: docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.files.base import File
from django.core.files.storage import Storage
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from requests_tracker.exchange.snapshot import read_snapshot
from requests_tracker.models import (
    CampaignTally,
    CountyTally,
    DeadlineTally,
    FeedToken,
    FirstResponseTally,
    Source,
    WebhookSubscription,
)

FORMAT = "doj-request-tracker-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
APP = "requests_tracker"
USER_GROUPS = "auth.User.groups"
USER_PERMISSIONS = "auth.User.user_permissions"
BATCH = 1000
CHUNK = 1024 * 1024

LEFT_OUT_COLUMNS: dict[str, frozenset[str]] = {
    "auth.User": frozenset({"password"}),
    f"{APP}.WebhookSubscription": frozenset({"secret"}),
}
"""Columns never archived: secrets (restored as an unusable password and an empty secret)."""

LEFT_OUT_MODELS = {
    f"{APP}.{model.__name__}"
    for model in (FeedToken, CountyTally, CampaignTally, FirstResponseTally, DeadlineTally)
}
"""Tables never archived: private feed tokens are secrets, issued again on demand; the tallies
are counts the database keeps from the requests, so a restore rebuilds them as it inserts."""

RESTORED_SUBSCRIPTION_NOTE = (
    "Restored from an archive, which holds no secrets: give it a new secret, then switch it on."
)


class ArchiveError(Exception):
    """The archive cannot be written or restored; the message says why, and nothing was kept."""


@dataclass(frozen=True)
class ArchivedTable:
    """One table of the archive: its rows, by primary key, as the values of `columns`."""

    label: str
    model: type[models.Model]
    columns: tuple[str, ...]
    # What values_list reads for the columns, and the order (the user-group links read the
    # group's name, since group ids differ between databases).
    reads: tuple[str, ...]
    order: tuple[str, ...] = ("pk",)

    def rows(self, using: str) -> Iterator[tuple[Any, ...]]:
        return (
            self.model._base_manager.using(using)
            .order_by(*self.order)
            .values_list(*self.reads)
            .iterator(chunk_size=2000)
        )

    def count(self, using: str) -> int:
        return self.model._base_manager.using(using).count()


def archived_tables() -> list[ArchivedTable]:
    """The tables of a full archive, users first, then the app's in model order."""
    user_model = get_user_model()
    tables = [_table(user_model), _user_groups(), _user_permissions()]
    for model in apps.get_app_config(APP).get_models(include_auto_created=True):
        # Views (unmanaged models) hold nothing of their own.
        if model._meta.managed and model._meta.label not in LEFT_OUT_MODELS:
            tables.append(_table(model))
    return tables


def _table(model: type[models.Model]) -> ArchivedTable:
    label = model._meta.label
    left_out = LEFT_OUT_COLUMNS.get(label, frozenset())
    columns = tuple(f.attname for f in model._meta.concrete_fields if f.attname not in left_out)
    return ArchivedTable(label=label, model=model, columns=columns, reads=columns)


def _user_groups() -> ArchivedTable:
    return ArchivedTable(
        label=USER_GROUPS,
        model=get_user_model().groups.through,
        columns=("user_id", "group"),
        reads=("user_id", "group__name"),
        order=("user_id", "group__name"),
    )


PERMISSION_NAME = ("content_type__app_label", "content_type__model", "codename")
"""A permission by what it names (its id differs between databases: migrate makes them)."""


def _user_permissions() -> ArchivedTable:
    reads = ("user_id", *(f"permission__{part}" for part in PERMISSION_NAME))
    return ArchivedTable(
        label=USER_PERMISSIONS,
        model=get_user_model().user_permissions.through,
        columns=("user_id", "app_label", "model", "codename"),
        reads=reads,
        order=reads,
    )


# --- Rows as lines, and their checksums -----------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def row_line(row: tuple[Any, ...]) -> bytes:
    """A row as its archive line: a JSON array (keys sorted inside JSON values), newline-ended."""
    encoded = [_encode(value) for value in row]
    text = json.dumps(encoded, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def table_checksums(*, using: str = "default") -> dict[str, tuple[int, str]]:
    """Each archived table's row count and content checksum, read from the database `using`."""
    result = {}
    for table in archived_tables():
        digest, count = hashlib.sha256(), 0
        for row in table.rows(using):
            digest.update(row_line(row))
            count += 1
        result[table.label] = (count, digest.hexdigest())
    return result


def applied_migrations(using: str) -> list[str]:
    """The app's migrations applied to the database `using`: an archive restores only into the
    schema it was written from."""
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return sorted(name for app, name in applied if app == APP)


def describe(tables: dict[str, int], files: int) -> list[str]:
    """What an archive holds, for the commands to say: the totals, then a line per table."""
    totals = f"{sum(tables.values()):,} rows in {len(tables)} tables and {files:,} document(s)"
    return [totals, *(f"  {label}: {count:,}" for label, count in tables.items())]


# --- Export ---------------------------------------------------------------------------------


@dataclass
class ExportSummary:
    path: Path
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    problems: list[str] = field(default_factory=list)


def write_archive(path: Path, *, using: str = "default") -> ExportSummary:
    """Write the full archive of the database `using` to `path` (see the module docstring).

    The tables are read as one moment (snapshot.read_snapshot), even while the app keeps
    writing.
    """
    summary = ExportSummary(path=path)
    connection = connections[using]
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connection.display_name,
        "migrations": applied_migrations(using),
        "left_out": {
            "columns": {label: sorted(names) for label, names in LEFT_OUT_COLUMNS.items()},
            "tables": sorted(LEFT_OUT_MODELS),
        },
        "tables": [],
        "files": [],
    }
    try:
        archive = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
    except OSError as error:
        raise ArchiveError(f"Cannot write {path}: {error.strerror}.") from error
    with archive, read_snapshot(using):
        for table in archived_tables():
            digest, count = hashlib.sha256(), 0
            with archive.open(f"tables/{table.label}.jsonl", "w", force_zip64=True) as member:
                for row in table.rows(using):
                    line = row_line(row)
                    member.write(line)
                    digest.update(line)
                    count += 1
            manifest["tables"].append(
                {
                    "label": table.label,
                    "columns": list(table.columns),
                    "rows": count,
                    "sha256": digest.hexdigest(),
                }
            )
            summary.tables[table.label] = count
        manifest["files"] = _write_files(archive, using, summary)
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    return summary


def _write_files(archive: zipfile.ZipFile, using: str, summary: ExportSummary) -> list[dict]:
    storage = _storage()
    files = []
    stored = (
        Source._base_manager.using(using)
        .exclude(file="")
        .order_by("pk")
        .values_list("pk", "file", "sha256")
    )
    for pk, name, recorded in stored.iterator(chunk_size=500):
        digest, size = hashlib.sha256(), 0
        try:
            with (
                storage.open(name, "rb") as stream,
                archive.open(f"files/{name}", "w", force_zip64=True) as member,
            ):
                while chunk := stream.read(CHUNK):
                    member.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
        except FileNotFoundError:
            summary.problems.append(f"Source {pk}: its document {name} is missing from storage.")
            continue
        if recorded and digest.hexdigest() != recorded:
            summary.problems.append(
                f"Source {pk}: the stored bytes of {name} do not match the SHA-256 recorded at "
                "upload; archived as they are."
            )
        files.append({"name": name, "size": size, "sha256": digest.hexdigest()})
        summary.files += 1
    return files


def _storage() -> Storage:
    return Source._meta.get_field("file").storage


# --- Import ---------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    subscriptions_switched_off: int = 0


def restore_archive(path: Path, *, using: str = "default") -> RestoreSummary:
    """Restore the archive at `path` into the empty database `using` (see the module docstring).

    Raises ArchiveError, having written nothing, when the archive is not one, is damaged, was
    written from other migrations, or the database is not empty.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ArchiveError(f"{path} is not a readable archive: {error}.") from error
    with archive:
        manifest = _read_manifest(archive)
        tables = _matching_tables(manifest, using)
        _check_empty(tables.values(), using)
        for entry in manifest["tables"]:
            _check_member(archive, f"tables/{entry['label']}.jsonl", entry["sha256"])
        for entry in manifest["files"]:
            _check_member(archive, f"files/{entry['name']}", entry["sha256"])
        _check_storage_free(manifest["files"])
        summary = RestoreSummary()
        written: list[str] = []
        try:
            with transaction.atomic(using=using):
                for entry in manifest["tables"]:
                    table = tables[entry["label"]]
                    summary.tables[table.label] = _insert(archive, table, using)
                # Foreign keys are checked at commit; checking now names the problem here.
                connections[using].check_constraints()
                _reset_sequences([t.model for t in tables.values()], using)
                _verify_restored(manifest, using)
                summary.subscriptions_switched_off = WebhookSubscription._base_manager.using(
                    using
                ).update(is_active=False, disabled_reason=RESTORED_SUBSCRIPTION_NOTE)
                for entry in manifest["files"]:
                    _restore_file(archive, entry["name"])
                    written.append(entry["name"])
                summary.files = len(written)
        except BaseException:
            for name in written:
                _storage().delete(name)
            raise
    return summary


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as error:
        raise ArchiveError(f"No readable {MANIFEST}: this is not a tracker archive.") from error
    if manifest.get("format") != FORMAT:
        raise ArchiveError("This is not a tracker archive (export_data writes them).")
    if manifest.get("version") != FORMAT_VERSION:
        raise ArchiveError(
            f"Archive format version {manifest.get('version')}; this version reads "
            f"{FORMAT_VERSION}."
        )
    return manifest


def _matching_tables(manifest: dict[str, Any], using: str) -> dict[str, ArchivedTable]:
    here = applied_migrations(using)
    if manifest["migrations"] != here:
        missing = sorted(set(manifest["migrations"]) - set(here))
        extra = sorted(set(here) - set(manifest["migrations"]))
        raise ArchiveError(
            "The archive was written from another version of the database: "
            f"migrations in the archive but not here: {', '.join(missing) or 'none'}; "
            f"here but not in the archive: {', '.join(extra) or 'none'}. "
            "Restore with the version that wrote it (then migrate), or migrate to it first."
        )
    tables = {table.label: table for table in archived_tables()}
    named = [entry["label"] for entry in manifest["tables"]]
    if sorted(named) != sorted(tables):
        raise ArchiveError("The archive's tables are not this version's tables.")
    for entry in manifest["tables"]:
        if tuple(entry["columns"]) != tables[entry["label"]].columns:
            raise ArchiveError(f"The columns of {entry['label']} differ from this database's.")
    return tables


def _check_empty(tables: Any, using: str) -> None:
    filled = [f"{t.label} has {n:,} rows" for t in tables if (n := t.count(using))]
    if filled:
        more = f" and {len(filled) - 3} more tables" if len(filled) > 3 else ""
        raise ArchiveError(
            f"The database is not empty ({'; '.join(filled[:3])}{more}). "
            "import_data restores only into an empty, migrated database."
        )


def _check_member(archive: zipfile.ZipFile, name: str, expected: str) -> None:
    digest = hashlib.sha256()
    try:
        with archive.open(name) as member:
            while chunk := member.read(CHUNK):
                digest.update(chunk)
    except KeyError as error:
        raise ArchiveError(f"The archive lacks {name}.") from error
    except zipfile.BadZipFile as error:
        raise ArchiveError(f"{name} is damaged in the archive: {error}.") from error
    if digest.hexdigest() != expected:
        raise ArchiveError(f"{name} does not match its checksum in the manifest: damaged.")


def _check_storage_free(files: list[dict[str, Any]]) -> None:
    storage = _storage()
    for entry in files:
        name = entry["name"]
        if storage.exists(name):
            with storage.open(name, "rb") as stream:
                if _sha256(stream) != entry["sha256"]:
                    raise ArchiveError(
                        f"Storage already holds a different file named {name}: restore into "
                        "an empty MEDIA_ROOT."
                    )


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _insert(archive: zipfile.ZipFile, table: ArchivedTable, using: str) -> int:
    if table.label == USER_GROUPS:
        return _insert_user_groups(archive, table, using)
    if table.label == USER_PERMISSIONS:
        return _insert_user_permissions(archive, table, using)
    connection = connections[using]
    model = table.model
    fields = [model._meta.get_field(_field_name(model, column)) for column in table.columns]
    left_out = LEFT_OUT_COLUMNS.get(table.label, frozenset())
    extra = [f for f in model._meta.concrete_fields if f.attname in left_out]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in [*fields, *extra])
    holes = ", ".join(["%s"] * (len(fields) + len(extra)))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({holes})"
    prepare: list[Callable[[Any], Any]] = [
        lambda value, f=f: f.get_db_prep_save(value, connection) for f in fields
    ]
    filler = [_left_out_value(f) for f in extra]
    count = 0
    with connection.cursor() as cursor:
        for batch in _batches(archive, table):
            values = [
                [prep(value) for prep, value in zip(prepare, row, strict=True)] + filler
                for row in batch
            ]
            cursor.executemany(sql, values)
            count += len(batch)
    return count


def _field_name(model: type[models.Model], attname: str) -> str:
    return next(f.name for f in model._meta.concrete_fields if f.attname == attname)


def _left_out_value(model_field: models.Field) -> Any:
    if model_field.attname == "password":
        return make_password(None)  # unusable: set a new one after the restore
    return ""


def _batches(archive: zipfile.ZipFile, table: ArchivedTable) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    with archive.open(f"tables/{table.label}.jsonl") as member:
        for line in member:
            batch.append(json.loads(line))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _insert_user_groups(archive: zipfile.ZipFile, table: ArchivedTable, using: str) -> int:
    # Groups are matched by name (the roles are made by the migrations); one missing is made.
    groups = dict(Group.objects.using(using).values_list("name", "pk"))
    count = 0
    for batch in _batches(archive, table):
        links = []
        for user_id, name in batch:
            if name not in groups:
                groups[name] = Group.objects.using(using).create(name=name).pk
            links.append(table.model(user_id=user_id, group_id=groups[name]))
        table.model.objects.using(using).bulk_create(links)
        count += len(links)
    return count


def _insert_user_permissions(archive: zipfile.ZipFile, table: ArchivedTable, using: str) -> int:
    # Permissions are matched by what they name; the migrations made the same ones.
    permissions = {
        tuple(name): pk
        for *name, pk in Permission.objects.using(using).values_list(*PERMISSION_NAME, "pk")
    }
    count = 0
    for batch in _batches(archive, table):
        links = []
        for user_id, *name in batch:
            if tuple(name) not in permissions:
                raise ArchiveError(f"The permission {'.'.join(name)} does not exist here.")
            links.append(table.model(user_id=user_id, permission_id=permissions[tuple(name)]))
        table.model.objects.using(using).bulk_create(links)
        count += len(links)
    return count


def _reset_sequences(restored: list[type[models.Model]], using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), restored)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _verify_restored(manifest: dict[str, Any], using: str) -> None:
    restored = table_checksums(using=using)
    for entry in manifest["tables"]:
        count, checksum = restored[entry["label"]]
        if (count, checksum) != (entry["rows"], entry["sha256"]):
            raise ArchiveError(
                f"{entry['label']} restored as {count:,} rows that differ from the archive's "
                f"{entry['rows']:,} (checksum {checksum[:12]}… instead of {entry['sha256'][:12]}…)."
            )


def _restore_file(archive: zipfile.ZipFile, name: str) -> None:
    storage = _storage()
    if storage.exists(name):
        return  # the same bytes (checked before the restore began)
    with archive.open(f"files/{name}") as member:
        saved = storage.save(name, File(member, name=name))
    if saved != name:
        storage.delete(saved)
        raise ArchiveError(f"Storage would not keep {name} under its own name.")
