"""Sources: the evidence behind each fact, and citing it on a record."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from requests_tracker.choices import ActivityVerb, SourceKind
from requests_tracker.models import Campaign, DataRequest, Escalation, Response, Source
from requests_tracker.services.editing import model_update
from requests_tracker.services.timeline import User, actor_or_none, record_activity, sentence

logger = logging.getLogger(__name__)


SOURCE_FIELDS = ("url", "file", "title", "publisher", "published_on", "kind", "archived_url")
"""The fields of a new source (add_source)."""

NEW_SOURCE_ERROR_PREFIX = "source_"
"""Errors about a source typed beside an entry (`new_sources=`) are keyed `source_<field>`."""


def add_source(
    *,
    title: str,
    url: str = "",
    file: Any = None,
    publisher: str = "",
    published_on: dt.date | None = None,
    kind: str = SourceKind.NEWS_REPORT,
    archived_url: str = "",
    cite_on: Iterable[Campaign | DataRequest | Response | Escalation] = (),
    actor: User | None = None,
) -> Source:
    """Record a source (an address and/or an uploaded copy, hashed with SHA-256) and cite it.

    A source with an address already on file is reused, not duplicated, so citing the same article
    twice links the one record. Each record it is newly cited on gets a `source_added` Activity.
    """
    with transaction.atomic():
        source = Source.objects.filter(url=url).first() if url and not file else None
        if source is None:
            source = Source(
                title=title,
                url=url,
                publisher=publisher,
                published_on=published_on,
                kind=kind,
                archived_url=archived_url,
                created_by=actor_or_none(actor),
            )
            if file is not None:
                source.sha256 = _sha256_of(file)
                source.file = file
            source.full_clean()
            source.save()
        for record in cite_on:
            cite_source(source=source, record=record, actor=actor)
    return source


def add_new_sources(
    new_sources: Iterable[Mapping[str, Any]], *, actor: User | None
) -> list[Source]:
    """Add each source typed beside an entry (add_source's arguments); a refused one raises its
    errors keyed `source_<field>`, so the form shows them beside the source's own fields."""
    added = []
    for arguments in new_sources:
        try:
            added.append(add_source(**arguments, actor=actor))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            raise ValidationError(
                {
                    f"{NEW_SOURCE_ERROR_PREFIX}{field}": messages
                    for field, messages in error.message_dict.items()
                }
            ) from error
    return added


def cite_source(
    *, source: Source, record: Campaign | DataRequest | Response | Escalation, actor: User | None
) -> bool:
    """Link `source` to a record; returns False if it was already cited there."""
    with transaction.atomic():
        if record.sources.filter(pk=source.pk).exists():
            return False
        record.sources.add(source)
        data_request = _request_of(record)
        if data_request is not None:
            DataRequest.objects.filter(pk=data_request.pk).update(updated_at=timezone.now())
        record_activity(
            ActivityVerb.SOURCE_ADDED,
            sentence(ActivityVerb.SOURCE_ADDED, title=source.title),
            data_request=data_request,
            campaign=record if isinstance(record, Campaign) else None,
            response=record if isinstance(record, Response) else None,
            escalation=record if isinstance(record, Escalation) else None,
            actor=actor,
            data={"source_id": source.pk, "url": source.url},
        )
    return True


def uncite_source(
    *, source: Source, record: Campaign | DataRequest | Response | Escalation, actor: User | None
) -> bool:
    """Remove `source` from a record's citations (the source itself is kept)."""
    with transaction.atomic():
        if not record.sources.filter(pk=source.pk).exists():
            return False
        record.sources.remove(source)
        data_request = _request_of(record)
        if data_request is not None:
            DataRequest.objects.filter(pk=data_request.pk).update(updated_at=timezone.now())
        record_activity(
            ActivityVerb.SOURCE_REMOVED,
            sentence(ActivityVerb.SOURCE_REMOVED, title=source.title),
            data_request=data_request,
            campaign=record if isinstance(record, Campaign) else None,
            actor=actor,
            data={"source_id": source.pk, "url": source.url},
        )
    return True


SOURCE_EDITABLE_FIELDS = frozenset(
    {
        "title",
        "url",
        "file",
        "publisher",
        "published_on",
        "kind",
        "archived_url",
        "verified_by",
        "verified_on",
    }
)


def update_source(*, source: Source, actor: User | None, **changes: Any) -> Source:
    """Correct a source's details; a replaced file is hashed again."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)

        def clean() -> None:
            if "file" in changes:
                source.sha256 = _sha256_of(changes["file"]) if changes["file"] else ""
            source.full_clean()

        model_update(source, editable=SOURCE_EDITABLE_FIELDS, changes=changes, clean=clean)
    return source


def _sha256_of(file: Any) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _request_of(record: Any) -> DataRequest | None:
    if isinstance(record, DataRequest):
        return record
    if isinstance(record, Response | Escalation):
        return record.request
    return None
