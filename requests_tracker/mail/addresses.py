"""Reply addresses: the newsroom's own mailbox with a signed tag after a plus sign.

`tracker+r123-<signature>@newsroom.example` is request 123's address and
`tracker+c7-<signature>@newsroom.example` campaign 7's, where `tracker@newsroom.example` is
MAIL_IN_ADDRESS. The signature is an HMAC over the tag with SECRET_KEY (like the private feed
addresses), in lower-case hex because mail systems may change the case of an address: nobody can
guess another request's address from their own. Changing SECRET_KEY changes every address.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings

SIGNATURE_LENGTH = 16
"""Hex digits of the signature (64 bits): short enough to copy, far too many to guess."""

_TAG = re.compile(
    rf"(?P<kind>[rc])(?P<pk>[0-9]{{1,18}})-(?P<signature>[0-9a-f]{{{SIGNATURE_LENGTH}}})"
)
KINDS = {"r": "request", "c": "campaign"}


@dataclass(frozen=True)
class Tagged:
    """What a reply address names: `kind` is "request" or "campaign"."""

    kind: str
    pk: int


def mailbox_parts() -> tuple[str, str] | None:
    """The newsroom mailbox's local part and domain, or None when mail in is not set up."""
    address = settings.MAIL_IN_ADDRESS.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return None
    return local, domain


def _signature(tag: str) -> str:
    message = f"mail-in-reply:{tag}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return digest[:SIGNATURE_LENGTH]


def reply_address(kind: str, pk: int) -> str:
    """The reply address of a request (`kind` "request") or a campaign ("campaign"); "" when
    MAIL_IN_ADDRESS is not set."""
    parts = mailbox_parts()
    if parts is None:
        return ""
    letter = next(letter for letter, name in KINDS.items() if name == kind)
    tag = f"{letter}{pk}"
    local, domain = parts
    return f"{local}+{tag}-{_signature(tag)}@{domain}"


def read_address(address: str) -> Tagged | None:
    """What a reply address names, if it is one of ours with a valid signature; else None."""
    parts = mailbox_parts()
    if parts is None:
        return None
    local, domain = parts
    address = address.strip().lower()
    user, at, host = address.rpartition("@")
    base, plus, tag = user.partition("+")
    if not at or host != domain or base != local or not plus:
        return None
    match = _TAG.fullmatch(tag)
    if match is None:
        return None
    expected = _signature(f"{match['kind']}{match['pk']}")
    if not hmac.compare_digest(match["signature"], expected):
        return None
    return Tagged(KINDS[match["kind"]], int(match["pk"]))


def first_tagged(addresses: list[str] | tuple[str, ...]) -> Tagged | None:
    """The first of `addresses` that is a valid reply address (requests before campaigns)."""
    found = [tagged for tagged in map(read_address, addresses) if tagged is not None]
    found.sort(key=lambda tagged: tagged.kind != "request")
    return found[0] if found else None
