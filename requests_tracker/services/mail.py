"""Mail in: messages read from the newsroom's mailbox become draft responses (docs/mail-in.md).

fetch_mail reads the unseen messages of MAIL_IN_IMAP_* over IMAP; receive_message keeps one
message (once per Message-ID) with its text and attachments as source documents, held for editors
(`sensitive`) until someone reviews them, matches it to a request (its signed reply address, else
the county's known sender addresses) and guesses the answer's kind. A draft never touches a
request: accept_draft logs the response through log_response, with the message as its source.
Unmatched mail waits until it is assigned by hand or dismissed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from requests_tracker import permissions
from requests_tracker.choices import InboundState, MatchedBy, SourceKind
from requests_tracker.documents import uploads
from requests_tracker.mail import addresses
from requests_tracker.mail.guess import guess_kind
from requests_tracker.mail.imap import Mailbox, MailboxError, MailboxSettings
from requests_tracker.mail.parsing import Limits, MessageRefused, ParsedMessage, parse_message
from requests_tracker.models import (
    Campaign,
    County,
    DataRequest,
    InboundMessage,
    MailSender,
    Response,
    Source,
)
from requests_tracker.services.activity import User, actor_or_none
from requests_tracker.services.clock import local_today
from requests_tracker.services.responses import log_response
from requests_tracker.services.sources import discard_stored_files, store_document

logger = logging.getLogger(__name__)

__all__ = [
    "FetchResult",
    "MailboxError",
    "accept_draft",
    "add_mail_sender",
    "change_mail_sender",
    "remove_mail_senders",
    "assign_message",
    "dismiss_message",
    "fetch_mail",
    "mailbox_settings",
    "receive_message",
]

REVIEWERS_ONLY = "Only journalists and editors review the inbox."
SENDERS_EDITORS_ONLY = "Only editors keep the counties' sender addresses."
OPEN_STATES = (InboundState.UNMATCHED, InboundState.DRAFT)


@dataclass
class FetchResult:
    """What one fetch did: messages read, kept, already kept, refused, and where they went."""

    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: int = 0
    drafts: int = 0
    unmatched: int = 0


@dataclass(frozen=True)
class Match:
    data_request: DataRequest | None = None
    campaign: Campaign | None = None
    matched_by: str = ""
    note: str = ""


def mailbox_settings() -> MailboxSettings | None:
    """The mailbox MAIL_IN_IMAP_* describe, or None when no host is set (mail in is off)."""
    if not settings.MAIL_IN_IMAP_HOST:
        return None
    return MailboxSettings(
        host=settings.MAIL_IN_IMAP_HOST,
        port=settings.MAIL_IN_IMAP_PORT,
        user=settings.MAIL_IN_IMAP_USER,
        password=settings.MAIL_IN_IMAP_PASSWORD,
        security=settings.MAIL_IN_IMAP_SECURITY,
        ca_file=settings.MAIL_IN_IMAP_CA_FILE,
        folder=settings.MAIL_IN_IMAP_FOLDER,
        timeout=settings.MAIL_IN_IMAP_TIMEOUT_SECONDS,
    )


def limits() -> Limits:
    return Limits(
        max_bytes=settings.MAIL_IN_MAX_MESSAGE_MB * 1024 * 1024,
        max_parts=settings.MAIL_IN_MAX_PARTS,
        max_attachments=settings.MAIL_IN_MAX_ATTACHMENTS,
    )


def fetch_mail(*, mailbox: MailboxSettings | None = None) -> FetchResult:
    """Read the mailbox's unseen messages (at most MAIL_IN_MAX_MESSAGES_PER_FETCH), keep each,
    and mark it seen only once it is stored: a fetch cut short reads the rest next time."""
    mailbox = mailbox or mailbox_settings()
    result = FetchResult()
    if mailbox is None:
        return result
    most = limits().max_bytes
    with Mailbox(mailbox) as box:
        for uid in box.unseen()[: settings.MAIL_IN_MAX_MESSAGES_PER_FETCH]:
            size = box.size(uid)
            if size > most:
                message, created = refuse_unread(size=size), True
            else:
                message, created = receive_message(box.fetch(uid))
            box.mark_seen(uid)
            _tally(result, message, created)
    return result


def _tally(result: FetchResult, message: InboundMessage, created: bool) -> None:
    result.fetched += 1
    if not created:
        result.duplicates += 1
    elif message.state == InboundState.REFUSED:
        result.refused += 1
    else:
        result.stored += 1
        if message.state == InboundState.DRAFT:
            result.drafts += 1
        else:
            result.unmatched += 1


def refuse_unread(*, size: int) -> InboundMessage:
    """Record a message too large to download, so the newsroom knows one came."""
    reason = (
        f"The message is {size / 1024 / 1024:.1f} MB; at most "
        f"{settings.MAIL_IN_MAX_MESSAGE_MB} MB are read. It was left in the mailbox, unread."
    )
    return InboundMessage.objects.create(
        sha256="", size=size, state=InboundState.REFUSED, refused_reason=reason
    )


def receive_message(raw: bytes) -> tuple[InboundMessage, bool]:
    """Keep one raw message (the one already kept if its Message-ID, or its bytes when it has
    none, are on file): (message, created). A message that breaks a limit is recorded as
    refused with the reason, and nothing it carries is kept."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        parsed = parse_message(raw, limits())
    except MessageRefused as refusal:
        return _keep_refused(digest, len(raw), str(refusal))
    known = _known(parsed.message_id, digest)
    if known is not None:
        return known, False
    if not _sender_allowed(parsed.sender):
        return _keep_refused(
            digest,
            len(raw),
            "The sender is not on MAIL_IN_ALLOWED_SENDERS.",
            parsed=parsed,
        )
    stored: list[Source] = []
    try:
        with transaction.atomic():
            message = _new_message(parsed, digest, len(raw))
            message.save()
            notes = list(parsed.notes)
            message.document = _keep_document(parsed, notes, stored)
            attachments = _keep_attachments(parsed, notes, stored)
            match = match_message(parsed)
            guess = guess_kind(parsed.text)
            message.notes = notes
            message.data_request, message.campaign = match.data_request, match.campaign
            message.matched_by, message.match_note = match.matched_by, match.note[:500]
            message.state = InboundState.DRAFT if match.data_request else InboundState.UNMATCHED
            message.guessed_kind, message.guess_words = guess.kind, list(guess.words)
            message.save()
            message.attachments.set(attachments)
    except IntegrityError:
        discard_stored_files(stored)
        known = _known(parsed.message_id, digest)
        if known is None:
            raise
        return known, False  # fetched at the same moment by another process
    except BaseException:
        discard_stored_files(stored)
        raise
    return message, True


def _known(message_id: str, digest: str) -> InboundMessage | None:
    if message_id:
        return InboundMessage.objects.filter(message_id=message_id).first()
    return InboundMessage.objects.filter(message_id="", sha256=digest).first()


def _sender_allowed(sender: str) -> bool:
    allowed = [entry.strip().lower() for entry in settings.MAIL_IN_ALLOWED_SENDERS if entry]
    if not allowed:
        return True
    domain = sender.rpartition("@")[2]
    return sender in allowed or any(_within(domain, entry) for entry in allowed if "@" not in entry)


def _within(domain: str, parent: str) -> bool:
    return bool(domain) and (domain == parent or domain.endswith("." + parent))


def _keep_refused(
    digest: str, size: int, reason: str, *, parsed: ParsedMessage | None = None
) -> tuple[InboundMessage, bool]:
    message_id = parsed.message_id if parsed else ""
    known = _known(message_id, digest)
    if known is not None:
        return known, False
    message = InboundMessage(
        message_id=message_id,
        sha256=digest,
        size=size,
        state=InboundState.REFUSED,
        refused_reason=reason[:500],
    )
    if parsed is not None:
        message.sender, message.subject = parsed.sender[:254], parsed.subject[:300]
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return _known(message_id, digest), False
    return message, True


def _new_message(parsed: ParsedMessage, digest: str, size: int) -> InboundMessage:
    return InboundMessage(
        message_id=parsed.message_id[:998],
        sha256=digest,
        size=size,
        sender=parsed.sender[:254],
        sender_name=parsed.sender_name[:200],
        recipients=list(parsed.recipients[:50]),
        subject=parsed.subject[:300],
        sent_at=parsed.sent_at,
        headers=parsed.headers,
        text=parsed.text,
        quoted=parsed.quoted,
    )


def _published_on(parsed: ParsedMessage) -> dt.date | None:
    if parsed.sent_at is None:
        return None
    return timezone.localtime(parsed.sent_at).date()


def _keep_document(parsed: ParsedMessage, notes: list[str], stored: list[Source]) -> Source | None:
    """The message's headers and words as a plain-text source document, so search reads it."""
    return _keep_file(
        parsed,
        title=f"E-mail from {_sender(parsed)}: {parsed.subject or '(no subject)'}",
        file=ContentFile(rendition(parsed).encode(), name="message.txt"),
        refused="The message's text could not be kept as a document",
        notes=notes,
        stored=stored,
    )


def _keep_attachments(
    parsed: ParsedMessage, notes: list[str], stored: list[Source]
) -> list[Source]:
    """Each attachment through the upload rules; a refused one is noted with the reason."""
    kept = (
        _keep_file(
            parsed,
            title=f"{attachment.filename} (attached to an e-mail from {_sender(parsed)})",
            file=ContentFile(attachment.data, name=attachment.filename),
            refused=f"{attachment.filename} was not kept",
            notes=notes,
            stored=stored,
        )
        for attachment in parsed.attachments
    )
    return [source for source in kept if source is not None]


def _sender(parsed: ParsedMessage) -> str:
    return parsed.sender_name or parsed.sender or "an unknown sender"


def _keep_file(
    parsed: ParsedMessage,
    *,
    title: str,
    file: ContentFile,
    refused: str,
    notes: list[str],
    stored: list[Source],
) -> Source | None:
    """One document of the message as a source held for editors (store_document: the upload
    rules, its SHA-256, its text read later); refused, it is noted with the reason instead."""
    try:
        with transaction.atomic():
            source = store_document(
                title=title[:300],
                file=file,
                kind=SourceKind.PRIMARY_DOCUMENT,
                publisher=_sender(parsed)[:200],
                published_on=_published_on(parsed),
                sensitive=True,
            )
    except ValidationError as error:
        notes.append(f"{refused}: {_reason(error)}")
        return None
    stored.append(source)
    return source


def _reason(error: ValidationError) -> str:
    messages = error.message_dict.get("file") if hasattr(error, "error_dict") else None
    return " ".join(messages or error.messages)


def rendition(parsed: ParsedMessage) -> str:
    """The message as the text of its source document: the headers that matter, its words, and
    what it quotes. Text that could pass for active markup (`<script`) gets a space after `<`,
    so the document passes the upload rules; the words are otherwise as sent."""
    lines = [f"{name}: {value}" for name, value in parsed.headers.items()]
    body = "\n".join([*lines, "", parsed.text])
    if parsed.quoted:
        body += "\n\n---- Quoted ----\n" + parsed.quoted
    return uploads.defuse_markup(body)


def match_message(parsed: ParsedMessage) -> Match:
    """The request a message answers: by its signed reply address; else by the county its
    sender is known for, using the subject and the quoted letter when the county has several
    requests. No match is a Match with only a note (and a campaign when one is known)."""
    tagged = addresses.first_tagged(parsed.recipients)
    campaign = None
    if tagged is not None and tagged.kind == "request":
        data_request = DataRequest.objects.filter(pk=tagged.pk).select_related("campaign").first()
        if data_request is not None:
            return Match(data_request, data_request.campaign, MatchedBy.SIGNED_ADDRESS)
    if tagged is not None and tagged.kind == "campaign":
        campaign = Campaign.objects.filter(pk=tagged.pk).first()
    county, matched_by = sender_county(parsed.sender)
    if county is None:
        note = "No reply address of ours and a sender no county is known by: assign it by hand."
        return Match(campaign=campaign, note=note)
    requests = DataRequest.objects.filter(county=county).select_related("campaign")
    if campaign is not None:
        requests = requests.filter(campaign=campaign)
    candidates = list(requests.order_by("-issued_on", "-id")[:50])
    chosen = _by_hints(candidates, parsed)
    if chosen is None:
        note = (
            f"{county} has {len(candidates)} requests and the message names none of them: "
            "assign it by hand."
            if candidates
            else f"{county} has no request on file: assign it by hand."
        )
        return Match(campaign=campaign, note=note)
    return Match(chosen, chosen.campaign, matched_by, f"Sent from an address of {county}.")


def sender_county(sender: str) -> tuple[County | None, str]:
    """The county a sender is known for: its exact address first, then its domain (or a
    parent domain) on the county's list."""
    if not sender:
        return None, ""
    exact = MailSender.objects.filter(address=sender).select_related("county").first()
    if exact is not None:
        return exact.county, MatchedBy.SENDER_ADDRESS
    labels = sender.rpartition("@")[2].split(".")
    domains = [".".join(labels[i:]) for i in range(len(labels) - 1)]
    known = {
        sender.address: sender.county
        for sender in MailSender.objects.filter(address__in=domains).select_related("county")
    }
    for domain in domains:  # the most specific first
        if domain in known:
            return known[domain], MatchedBy.SENDER_DOMAIN
    return None, ""


def _by_hints(candidates: list[DataRequest], parsed: ParsedMessage) -> DataRequest | None:
    if len(candidates) == 1:
        return candidates[0]
    words = f"{parsed.subject}\n{parsed.quoted}".casefold()
    named = [
        request
        for request in candidates
        if request.campaign is not None and request.campaign.title.casefold() in words
    ]
    return named[0] if len(named) == 1 else None


def _open_message(message: InboundMessage, actor: User | None, states=OPEN_STATES):  # noqa: ANN001, ANN202
    if not permissions.can_create(actor):
        raise PermissionDenied(REVIEWERS_ONLY)
    locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if locked.state not in states:
        raise ValidationError(
            {"state": f"This message is {locked.get_state_display().lower()} already."}
        )
    return locked


def accept_draft(
    *,
    message: InboundMessage,
    actor: User | None,
    kind: str,
    received_on: dt.date,
    today: dt.date | None = None,
    **fields: object,
) -> Response:
    """Log the draft as the request's response (log_response: the status follows), citing the
    message and its kept attachments; the message is then accepted. `fields` are the other
    response fields a journalist may fill in (summary, official, quotation, ...)."""
    with transaction.atomic():
        message = _open_message(message, actor, states=(InboundState.DRAFT,))
        sources = [s for s in [message.document, *message.attachments.all()] if s is not None]
        response = log_response(
            data_request=message.data_request,
            kind=kind,
            received_on=received_on,
            sources=sources,
            actor=actor,
            today=today or local_today(),
            **fields,
        )
        message.state, message.response = InboundState.ACCEPTED, response
        _reviewed(message, actor)
    return response


def assign_message(
    *, message: InboundMessage, data_request: DataRequest, actor: User | None
) -> InboundMessage:
    """Match a message to a request by hand: it becomes (or stays) a draft for that request."""
    with transaction.atomic():
        message = _open_message(message, actor)
        message.data_request, message.campaign = data_request, data_request.campaign
        message.matched_by, message.state = MatchedBy.BY_HAND, InboundState.DRAFT
        message.match_note = f"Assigned by hand to {data_request}."[:500]
        _reviewed(message, actor)
    return message


def dismiss_message(*, message: InboundMessage, actor: User | None) -> InboundMessage:
    """Set a message aside (spam, a duplicate, not about any request): it leaves the queue and
    changes nothing else."""
    with transaction.atomic():
        message = _open_message(message, actor)
        message.state = InboundState.DISMISSED
        _reviewed(message, actor)
    return message


def _reviewed(message: InboundMessage, actor: User | None) -> None:
    message.reviewed_by, message.reviewed_at = actor_or_none(actor), timezone.now()
    message.save()


def add_mail_sender(*, county: County, address: str, actor: User | None) -> MailSender:
    """Note an address (or a domain) the county writes from."""
    return _save_sender(MailSender(county=county), address=address, actor=actor)


def change_mail_sender(
    *, sender: MailSender, county: County, address: str, actor: User | None
) -> MailSender:
    sender.county = county
    return _save_sender(sender, address=address, actor=actor)


def _save_sender(sender: MailSender, *, address: str, actor: User | None) -> MailSender:
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied(SENDERS_EDITORS_ONLY)
    sender.address = address.strip().lower()
    with transaction.atomic():
        sender.full_clean()
        sender.save()
    return sender


def remove_mail_senders(*, senders: list[MailSender], actor: User | None) -> int:
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied(SENDERS_EDITORS_ONLY)
    with transaction.atomic():
        deleted, _ = MailSender.objects.filter(pk__in=[s.pk for s in senders]).delete()
    return deleted
