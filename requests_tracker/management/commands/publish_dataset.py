"""`manage.py publish_dataset PATH [--url URL]`

Why it exists: other outlets and data desks want the record as data, not pages. This writes what a
public instance shows (never internal notes, who logged what, or sensitive sources) into the
folder PATH as CSV files with a Frictionless Data `datapackage.json` and a SQLite file for
Datasette (requests_tracker/exchange/dataset/), checks the package with the `frictionless`
package, and
records the release; the dashboard links the latest one published at an address (`--url`, default
settings.DATASET_URL: where PATH's files are served, e.g. a static bucket). docs/open-data.md.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_tracker import services
from requests_tracker.exchange import dataset


class Command(BaseCommand):
    help = "Write the open-data release (CSV + datapackage.json + SQLite) into a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The folder to write the release into.")
        parser.add_argument(
            "--url",
            default=None,
            help="Where the folder's files are published (default: DATASET_URL).",
        )

    def handle(self, *args: object, path: Path, url: str | None, **options: object) -> None:
        if path.exists() and not path.is_dir():
            raise CommandError(f"{path} is a file: give a folder.")
        release = dataset.write_release(path)
        problems = dataset.validation_problems(path)
        if problems:
            listed = "\n".join(f"  {problem}" for problem in problems[:20])
            raise CommandError(f"The data package in {path} is not valid:\n{listed}")
        address = settings.DATASET_URL if url is None else url
        try:
            services.record_dataset_release(
                url=address,
                counts=release.counts,
                datapackage_sha256=release.datapackage_sha256,
            )
        except ValidationError as error:
            raise CommandError(f"--url: {' '.join(error.messages)}") from error
        self.stdout.write(f"Wrote the open-data release to {path} (valid Frictionless package):")
        for name, count in release.counts.items():
            self.stdout.write(f"  {name}.csv: {count:,} rows")
        self.stdout.write(f"  {dataset.SQLITE_NAME}, datapackage.json, metadata.json")
        if address:
            self.stdout.write(f"The dashboard links it at {address}.")
        else:
            self.stdout.write("No --url or DATASET_URL: recorded, but not linked from the site.")
