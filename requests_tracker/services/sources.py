"""Sources: the evidence behind each fact, and citing it on a record.

- An uploaded copy passes the upload rules (uploads.validate_upload) before anything is written:
  a refused file leaves no row and nothing on disk. An accepted one is stored with its SHA-256,
  its type read from its bytes and its size, and the worker is asked to read its text once the
  transaction commits (services.documents.queue_text_extraction).
- `sensitive` (the source may hold personal data of people in custody) is set or cleared by
  editors only (permissions.can_see_sensitive); anyone else is refused with a field error.
- The timeline never carries a sensitive source's title or address: citing one records a
  neutral sentence and an Activity marked as about a sensitive source (models.
  about_sensitive_source), which anonymous readers and webhooks never get. Marking a source
  sensitive later rewrites its earlier events the same way, in the same transaction, so every
  reader of the event log (pages, feeds, API, digests, webhooks) is safe without a rule of its
  own; what already left the building (a delivered webhook, a sent digest) cannot be recalled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from requests_tracker import permissions
from requests_tracker.choices import ActivityVerb, SourceKind
from requests_tracker.documents import uploads
from requests_tracker.models import (
    SENSITIVE_EVENT_MARK,
    SENSITIVE_SOURCE_LABEL,
    Activity,
    Campaign,
    DataRequest,
    Escalation,
    Response,
    Source,
    SourcePage,
    WebhookDelivery,
)
from requests_tracker.services.activity import User, actor_or_none, record_activity, sentence
from requests_tracker.services.documents import queue_text_extraction
from requests_tracker.services.editing import model_update
from requests_tracker.services.embargo_terms import EmbargoTerms, save_new

logger = logging.getLogger(__name__)


SOURCE_FIELDS = (
    "url",
    "file",
    "title",
    "publisher",
    "published_on",
    "kind",
    "archived_url",
    "sensitive",
)
"""The fields of a new source (add_source); `sensitive` is for editors only."""

SENSITIVE_EDITORS_ONLY = "Only editors may mark a source sensitive or clear the mark."
SENSITIVE_SOURCE_EDITORS_ONLY = "Only editors may edit a sensitive source."
SOURCE_EVENT_VERBS = (ActivityVerb.SOURCE_ADDED, ActivityVerb.SOURCE_REMOVED)

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
    sensitive: bool = False,
    cite_on: Iterable[Campaign | DataRequest | Response | Escalation] = (),
    actor: User | None = None,
) -> Source:
    """Record a source (an address and/or an uploaded copy) and cite it.

    An uploaded copy must pass the upload rules (size, type read from its bytes): a refused one
    raises a ValidationError on `file` naming the limit or what the file is, before anything is
    stored. An accepted one is kept with its SHA-256, type and size, and its text is read by the
    worker after commit. Only editors may add a source marked `sensitive`.

    A source with an address already on file is reused, not duplicated, so citing the same article
    twice links the one record (a sensitive one only for an editor: nobody else may learn that it
    exists). Each record it is newly cited on gets a `source_added` Activity.
    """
    if sensitive and not permissions.can_see_sensitive(actor):
        raise ValidationError({"sensitive": SENSITIVE_EDITORS_ONLY})
    with transaction.atomic():
        source = _known_address(url, actor) if url and not file else None
        if source is not None:
            for record in cite_on:
                cite_source(source=source, record=record, actor=actor)
            return source
        source = _new_source(
            title=title,
            url=url,
            file=file,
            publisher=publisher,
            published_on=published_on,
            kind=kind,
            archived_url=archived_url,
            sensitive=sensitive,
            actor=actor,
        )
        try:
            for record in cite_on:
                cite_source(source=source, record=record, actor=actor)
        except BaseException:
            discard_stored_files([source])
            raise
    return source


def store_document(
    *,
    title: str,
    file: Any,
    kind: str,
    publisher: str = "",
    published_on: dt.date | None = None,
    sensitive: bool,
    actor: User | None = None,
) -> Source:
    """Keep a document the app itself took in (an e-mail and its attachments) as a new source,
    cited nowhere yet: the same upload rules, SHA-256 and text reading as add_source. The caller,
    not the actor's role, decides `sensitive` (mail in holds what it reads for editors until
    someone reviews it)."""
    with transaction.atomic():
        return _new_source(
            title=title,
            url="",
            file=file,
            publisher=publisher,
            published_on=published_on,
            kind=kind,
            archived_url="",
            sensitive=sensitive,
            actor=actor,
        )


def _new_source(*, file: Any, actor: User | None, **fields: Any) -> Source:
    """Check and save a new source, and queue its document's reading after commit. A refused
    file raises ValidationError on `file` before anything is stored."""
    source = Source(**fields, created_by=actor_or_none(actor))
    if file:
        _take_upload(source, file)
    source.full_clean()
    try:
        source.save()
        if source.file:
            queue_text_extraction(source=source)
    except BaseException:
        discard_stored_files([source])
        raise
    return source


def _known_address(url: str, actor: User | None) -> Source | None:
    on_file = Source.objects.filter(url=url).order_by("pk")
    if not permissions.can_see_sensitive(actor):
        on_file = on_file.filter(sensitive=False)
    return on_file.first()


def _take_upload(source: Source, file: Any) -> None:
    """Check `file` against the upload rules and record what it is on `source` (not saved).

    The rules' error is raised on `file`, before the file is written anywhere."""
    try:
        kind = uploads.validate_upload(file)
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from error
    source.content_type = kind.content_type
    source.file_size = file.size
    source.sha256 = _sha256_of(file)
    source.file = file


def discard_stored_files(sources: Iterable[Source]) -> None:
    """Delete from storage the files of sources whose transaction will not commit, so a refused
    write leaves nothing on disk (the storage is not transactional)."""
    for source in sources:
        stored = source.file
        if stored and getattr(stored, "_committed", False):
            stored.storage.delete(stored.name)


def add_new_sources(
    new_sources: Iterable[Mapping[str, Any]], *, actor: User | None
) -> list[Source]:
    """Add each source typed beside an entry (add_source's arguments); a refused one raises its
    errors keyed `source_<field>`, so the form shows them beside the source's own fields."""
    added: list[Source] = []
    for arguments in new_sources:
        try:
            added.append(add_source(**arguments, actor=actor))
        except ValidationError as error:
            # The caller's transaction rolls back: the files of those already added go too.
            discard_stored_files(added)
            if not hasattr(error, "error_dict"):
                raise
            raise ValidationError(
                {
                    f"{NEW_SOURCE_ERROR_PREFIX}{field}": messages
                    for field, messages in error.message_dict.items()
                }
            ) from error
    return added


def save_with_sources(
    entry: Response | Escalation,
    *,
    sources: Iterable[Source],
    new_sources: Iterable[Mapping[str, Any]],
    embargo: EmbargoTerms | None,
    actor: User | None,
) -> None:
    """Save a new entry on a request, already checked, citing `sources` and the `new_sources`
    typed beside it (add_new_sources: added in the caller's transaction, after the entry is
    checked, so a refused entry stores no file), held under `embargo` when the writer gave
    terms (embargo_terms.save_new)."""
    cited = [*sources, *add_new_sources(new_sources, actor=actor)]
    save_new(entry, embargo, actor=actor)
    entry.sources.set(cited)


def cite_source(
    *, source: Source, record: Campaign | DataRequest | Response | Escalation, actor: User | None
) -> bool:
    """Link `source` to a record; returns False if it was already cited there."""
    return _set_cited(source, record, cited=True, actor=actor)


def uncite_source(
    *, source: Source, record: Campaign | DataRequest | Response | Escalation, actor: User | None
) -> bool:
    """Remove `source` from a record's citations (the source itself is kept); returns False if
    it was not cited there."""
    return _set_cited(source, record, cited=False, actor=actor)


def _set_cited(
    source: Source,
    record: Campaign | DataRequest | Response | Escalation,
    *,
    cited: bool,
    actor: User | None,
) -> bool:
    """Cite `source` on `record` or take it off; False when it already was as asked. Otherwise
    the request it is on counts as updated, and the timeline says so (a citation added is also
    linked to the answer or escalation it was added to; one removed only to its campaign and
    request)."""
    verb = ActivityVerb.SOURCE_ADDED if cited else ActivityVerb.SOURCE_REMOVED
    with transaction.atomic():
        if record.sources.filter(pk=source.pk).exists() == cited:
            return False
        if cited:
            record.sources.add(source)
        else:
            record.sources.remove(source)
        data_request = _request_of(record)
        if data_request is not None:
            DataRequest.objects.filter(pk=data_request.pk).update(updated_at=timezone.now())
        on_answer: dict[str, Response | Escalation | None] = {}
        if cited:
            on_answer = {
                "response": record if isinstance(record, Response) else None,
                "escalation": record if isinstance(record, Escalation) else None,
            }
        record_activity(
            verb,
            source_sentence(verb, source),
            data_request=data_request,
            campaign=record if isinstance(record, Campaign) else None,
            actor=actor,
            data=source_event_data(source),
            about=[source],
            **on_answer,
        )
    return True


def source_sentence(verb: str, source: Source) -> str:
    """The timeline's sentence for citing or un-citing `source`: a sensitive one is not named."""
    return sentence(verb, title=SENSITIVE_SOURCE_LABEL if source.sensitive else source.title)


def source_event_data(source: Source) -> dict[str, Any]:
    """The Activity data of a source event: its id and address; for a sensitive source, its id
    and the mark (models.about_sensitive_source), never its address."""
    if source.sensitive:
        return {"source_id": source.pk, SENSITIVE_EVENT_MARK: True}
    return {"source_id": source.pk, "url": source.url}


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
        "sensitive",
    }
)


def update_source(*, source: Source, actor: User | None, **changes: Any) -> Source:
    """Correct a source's details.

    A new copy of the document passes the upload rules, is hashed, typed and sized, and read
    again by the worker after commit (the old copy stays in storage: the audit trail names it).
    Removing the copy removes its text too. Only editors may edit a sensitive source, or set or
    clear `sensitive`; marking a source sensitive also rewrites its earlier timeline events so
    they no longer name it, and withdraws their webhook deliveries not yet made.
    """
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        was_sensitive, old_file = source.sensitive, source.file.name
        if was_sensitive and not permissions.can_see_sensitive(actor):
            raise ValidationError(SENSITIVE_SOURCE_EDITORS_ONLY)
        if "file" in changes and not changes["file"]:
            changes["file"] = ""  # a cleared file field (False, None) means "no copy"
        upload = changes.get("file")
        # A stored file handed back unchanged (a FieldFile) is not a new upload.
        new_file = upload if upload and not getattr(upload, "_committed", False) else None

        def clean() -> None:
            if source.sensitive != was_sensitive and not permissions.can_see_sensitive(actor):
                raise ValidationError({"sensitive": SENSITIVE_EDITORS_ONLY})
            if new_file:
                _take_upload(source, new_file)
            elif "file" in changes and not changes["file"]:
                source.sha256, source.content_type, source.file_size = "", "", None
            source.full_clean()

        try:
            changed = model_update(
                source, editable=SOURCE_EDITABLE_FIELDS, changes=changes, clean=clean
            )
        except BaseException:
            if source.file.name != old_file:
                discard_stored_files([source])
            raise
        if "file" in changed:
            SourcePage.objects.filter(source=source).delete()
            if source.file:
                queue_text_extraction(source=source)
            else:
                _forget_text(source)
        if source.sensitive and not was_sensitive:
            _redact_source_events(source)
    return source


def _forget_text(source: Source) -> None:
    cleared = {
        "extraction_status": "",
        "extraction_note": "",
        "extraction_method": "",
        "page_count": None,
        "extracted_at": None,
    }
    Source.objects.filter(pk=source.pk).update(**cleared)
    for name, value in cleared.items():
        setattr(source, name, value)


def _redact_source_events(source: Source) -> None:
    """Rewrite the source's earlier events as a sensitive source's (no title, no address)."""
    events = Activity.objects.filter(verb__in=SOURCE_EVENT_VERBS, data__source_id=source.pk)
    event_ids = list(events.values_list("pk", flat=True))
    for verb in SOURCE_EVENT_VERBS:
        Activity.objects.filter(pk__in=event_ids, verb=verb).update(
            summary=source_sentence(verb, source), data=source_event_data(source)
        )
    WebhookDelivery.objects.filter(
        activity_id__in=event_ids, status=WebhookDelivery.Status.PENDING
    ).delete()


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
