"""Writing an open-data release: CSV files, the Frictionless `datapackage.json`, the SQLite
file for Datasette and its `metadata.json` (what each holds: dataset/__init__.py)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from requests_tracker.exchange import csv_export
from requests_tracker.exchange.dataset.story_tables import RESOURCES
from requests_tracker.exchange.dataset.tables import Resource, Visibility
from requests_tracker.exchange.snapshot import read_snapshot
from requests_tracker.models import DatasetRelease

PACKAGE_NAME = "doj-request-tracker"
SQLITE_NAME = f"{PACKAGE_NAME}.sqlite"
LICENSES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC0-1.0": ("Creative Commons Zero 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODC-BY-1.0": (
        "Open Data Commons Attribution 1.0",
        "https://opendatacommons.org/licenses/by/1-0/",
    ),
    "ODbL-1.0": ("Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}


@dataclass
class Release:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    datapackage_sha256: str = ""


def _plain(value: Any) -> Any:
    """A value as the dataset writes it (before the CSV cell writer or SQLite)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, list):
        return "; ".join(map(str, value)) or None
    return value


def write_release(path: Path) -> Release:
    """Write the CSV files, datapackage.json, the SQLite file and Datasette's metadata.json into
    the folder `path` (created if need be; files of an earlier release there are replaced)."""
    path.mkdir(parents=True, exist_ok=True)
    release = Release(path=path)
    database_path = path / SQLITE_NAME
    database_path.unlink(missing_ok=True)
    database = sqlite3.connect(database_path)
    try:
        with read_snapshot():  # every table as of one moment, so every foreign key holds
            visibility = Visibility.now()
            for resource in RESOURCES:
                database.execute(_create_table(resource))
                counted = _write_resource(resource, path, database, visibility)
                release.counts[resource.name] = counted
        for resource in RESOURCES:
            for column, _, _ in resource.foreign_keys:
                index = _quoted(f"{resource.name}_{column}")
                database.execute(
                    f"CREATE INDEX {index} ON {_quoted(resource.name)} ({_quoted(column)})"
                )
        database.commit()
    finally:
        database.close()
    package = datapackage()
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    (path / "datapackage.json").write_text(text, encoding="utf-8")
    release.datapackage_sha256 = hashlib.sha256(text.encode()).hexdigest()
    (path / "metadata.json").write_text(
        json.dumps(datasette_metadata(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return release


def _write_resource(
    resource: Resource, path: Path, database: sqlite3.Connection, visibility: Visibility
) -> int:
    names = [column.name for column in resource.columns]
    insert = (
        f"INSERT INTO {_quoted(resource.name)} ({', '.join(map(_quoted, names))}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    count = 0
    with (path / f"{resource.name}.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        batch = []
        for row in resource.rows(visibility):
            values = [_plain(row[column.name]) for column in resource.columns]
            writer.writerow([csv_export.cell(value) for value in values])
            batch.append(values)
            count += 1
            if len(batch) >= 2000:
                database.executemany(insert, batch)
                batch = []
        database.executemany(insert, batch)
    return count


SQLITE_TYPES = {
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "string": "TEXT",
    "date": "TEXT",
    "datetime": "TEXT",
}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create_table(resource: Resource) -> str:
    lines = [
        f"{_quoted(c.name)} {SQLITE_TYPES[c.type]}{' NOT NULL' if c.required else ''}"
        for c in resource.columns
    ]
    lines.append(f"PRIMARY KEY ({', '.join(map(_quoted, resource.primary_key))})")
    for column, target, target_column in resource.foreign_keys:
        reference = f"{_quoted(target)} ({_quoted(target_column)})"
        lines.append(f"FOREIGN KEY ({_quoted(column)}) REFERENCES {reference}")
    return f"CREATE TABLE {_quoted(resource.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def _license() -> dict[str, str]:
    name = settings.DATASET_LICENSE
    title, path = LICENSES.get(name, (name, ""))
    return {"name": name, "title": title, **({"path": path} if path else {})}


def datapackage() -> dict[str, Any]:
    """The Frictionless Data package descriptor of the release's CSV files."""
    now = timezone.now()
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "DOJ Request Tracker: U.S. Department of Justice data requests to counties",
        "description": (
            "Who DOJ asked for data on people in county jails, for what, by when and under "
            "which authority; what each county answered; how DOJ escalated; the source behind "
            "every fact; and the public corrections. Text cells that a spreadsheet would run "
            "as a formula start with an apostrophe in the CSV files (not in the SQLite file)."
        ),
        "version": now.strftime("%Y.%m.%d.%H%M%S"),
        "created": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "homepage": settings.SITE_URL,
        "licenses": [_license()],
        "sources": [
            {
                "title": "DOJ Request Tracker (each fact cites its own source: sources.csv)",
                "path": settings.SITE_URL,
            }
        ],
        "resources": [_resource_descriptor(resource) for resource in RESOURCES],
    }


def _resource_descriptor(resource: Resource) -> dict[str, Any]:
    fields = []
    for column in resource.columns:
        descriptor: dict[str, Any] = {
            "name": column.name,
            "type": column.type,
            "description": column.description,
        }
        constraints: dict[str, Any] = {}
        if column.required or column.name in resource.primary_key:
            constraints["required"] = True
        if column.enum:
            constraints["enum"] = list(column.enum)
        if constraints:
            descriptor["constraints"] = constraints
        fields.append(descriptor)
    key = list(resource.primary_key)
    return {
        "name": resource.name,
        "title": resource.title,
        "description": resource.description,
        "path": f"{resource.name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": fields,
            "primaryKey": key if len(key) > 1 else key[0],
            "foreignKeys": [
                {
                    "fields": column,
                    "reference": {
                        "resource": "" if target == resource.name else target,
                        "fields": target_column,
                    },
                }
                for column, target, target_column in resource.foreign_keys
            ],
            "missingValues": [""],
        },
    }


def datasette_metadata() -> dict[str, Any]:
    license_ = _license()
    return {
        "title": "DOJ Request Tracker",
        "license": license_["name"],
        "license_url": license_.get("path", ""),
        "source": "DOJ Request Tracker",
        "source_url": settings.SITE_URL,
        "databases": {
            PACKAGE_NAME: {
                "tables": {
                    resource.name: {"title": resource.title, "description": resource.description}
                    for resource in RESOURCES
                }
            }
        },
    }


def latest_release() -> DatasetRelease | None:
    """The newest release published at an address, which public pages link."""
    return DatasetRelease.objects.exclude(url="").order_by("-published_at", "-id").first()


def validation_problems(path: Path) -> list[str]:
    """What the `frictionless` package finds wrong with the release in the folder `path`: its
    descriptor, types, required values, keys and foreign keys (empty when it is valid)."""
    import frictionless  # heavy to import; only publish_dataset needs it

    report = frictionless.validate(path / "datapackage.json")
    return (
        [f"{task_name}: {note}" for task_name, note in report.flatten(["name", "note"])]
        if not report.valid
        else []
    )
