"""The open-data release: what a public instance shows, as files other newsrooms can use.

`manage.py publish_dataset PATH` writes into the folder PATH:

- one CSV file per table (RESOURCES): counties, agencies, sources, campaigns, requests,
  responses, escalations, figures, what each record cites (four tables), the timeline (events)
  and the corrections;
- `datapackage.json`, a Frictionless Data package describing them: each column's type, the
  primary and foreign keys, the licence (settings.DATASET_LICENSE) and the sources;
- `doj-request-tracker.sqlite`, the same tables in SQLite with their keys declared (Datasette
  shows the links), and `metadata.json` for `datasette doj-request-tracker.sqlite -m
  metadata.json`.

What a public page never shows is never released (permissions.py): no internal note, no one who
entered, logged, verified or corrected anything (no user at all), and no sensitive source. A
sensitive source is left out of the sources, out of every list of what a record cites and out of
the timeline (its "source added" events name it); a figure or a county whose source is sensitive
keeps its facts with the source left empty. The public predicate is the one the pages apply to an
anonymous reader of a public instance (selectors.documents.visible_sources; a test holds them
equal).

CSV cells go through the one spreadsheet cell writer (csv_export.cell): text that a spreadsheet
would run as a formula starts with an apostrophe there; the SQLite file keeps the text as is.
Lists of data categories are written "a; b". Times are UTC, ISO 8601.
"""

from requests_tracker.exchange.dataset.release import (
    PACKAGE_NAME,
    SQLITE_NAME,
    Release,
    datapackage,
    latest_release,
    validation_problems,
    write_release,
)
from requests_tracker.exchange.dataset.story_tables import RESOURCES
from requests_tracker.exchange.dataset.tables import public_sources

__all__ = [
    "PACKAGE_NAME",
    "RESOURCES",
    "SQLITE_NAME",
    "Release",
    "datapackage",
    "latest_release",
    "public_sources",
    "validation_problems",
    "write_release",
]
