"""Sources: the evidence behind each fact, and citing it on a record."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from requests_tracker.models import (
    ActivityVerb,
    Campaign,
    DataRequest,
    Escalation,
    Response,
    Source,
)
from requests_tracker.services.activity import (
    User,
    _actor_or_none,
    _record,
)

logger = logging.getLogger(__name__)


def add_source(
    *,
    title: str,
    url: str = "",
    file: Any = None,
    publisher: str = "",
    published_on: dt.date | None = None,
    kind: str = Source.Kind.NEWS_REPORT,
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
                created_by=_actor_or_none(actor),
            )
            if file is not None:
                source.sha256 = _sha256_of(file)
                source.file = file
            source.full_clean()
            source.save()
        for record in cite_on:
            cite_source(source=source, record=record, actor=actor)
    return source


def cite_source(
    *, source: Source, record: Campaign | DataRequest | Response | Escalation, actor: User | None
) -> bool:
    """Link `source` to a record; returns False if it was already cited there."""
    with transaction.atomic():
        if record.sources.filter(pk=source.pk).exists():
            return False
        record.sources.add(source)
        request = _request_of(record)
        if request is not None:
            DataRequest.objects.filter(pk=request.pk).update(updated_at=timezone.now())
        _record(
            ActivityVerb.SOURCE_ADDED,
            f"Source added: {source.title}",
            request=request,
            campaign=record if isinstance(record, Campaign) else None,
            county=request.county if request else None,
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
        request = _request_of(record)
        if request is not None:
            DataRequest.objects.filter(pk=request.pk).update(updated_at=timezone.now())
        _record(
            ActivityVerb.SOURCE_REMOVED,
            f"Source removed: {source.title}",
            request=request,
            campaign=record if isinstance(record, Campaign) else None,
            county=request.county if request else None,
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
    unknown = set(changes) - SOURCE_EDITABLE_FIELDS
    if unknown:
        raise ValidationError({field: "This field cannot be edited here." for field in unknown})
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        for field, value in changes.items():
            setattr(source, field, value)
        if "file" in changes:
            source.sha256 = _sha256_of(changes["file"]) if changes["file"] else ""
        source.full_clean()
        source.save()
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
