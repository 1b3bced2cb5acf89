"""Open-data releases: keeping on record what `publish_dataset` released, and where."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from requests_tracker.models import DatasetRelease


def record_dataset_release(
    *, url: str, counts: Mapping[str, int], datapackage_sha256: str
) -> DatasetRelease:
    """Record a release written by publish_dataset, so public pages link the latest one.

    `url` is the address its files are published under (a folder: a trailing slash is added), or
    empty when they are not on the web; only releases with an address are linked.
    """
    if url and not url.endswith("/"):
        url += "/"
    with transaction.atomic():
        release = DatasetRelease(
            url=url, counts=dict(counts), datapackage_sha256=datapackage_sha256
        )
        release.full_clean()
        release.save()
    return release
