"""Reading the newsroom's mailbox over IMAP, with the standard library's imaplib.

    with Mailbox(settings) as mailbox:
        for uid in mailbox.unseen():
            if mailbox.size(uid) > LIMIT:
                ...  # refuse it without downloading it
            raw = mailbox.fetch(uid)  # the message stays unseen
            ...  # store what it says
            mailbox.mark_seen(uid)  # only once it is safely stored

Messages are named by their UID, which stays the same for as long as the message is in the folder
(message sequence numbers shift when other messages are deleted). Fetching does not mark a message
seen, so a message whose handling fails is read again on the next run.

The connection is always encrypted and the server's certificate always verified: IMAP over TLS
(usually port 993) or STARTTLS on the plain IMAP port (usually 143); there is no plain-text mode.
Anything that goes wrong on the network, in TLS or at the server is a MailboxError saying what
happened; its text never contains the password.
"""

from __future__ import annotations

import imaplib
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Self

SECURITY_MODES = ("tls", "starttls")
""""tls": IMAP over TLS from the first byte; "starttls": plain IMAP upgraded with STARTTLS
before logging in."""

_UNSAFE = ("\r", "\n", "\0")
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """The mailbox could not be reached or refused us; str() says why, never the password."""


@dataclass(frozen=True)
class MailboxSettings:
    """Where the mailbox is and how to log in. The password is left out of repr()."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    security: str = "tls"
    """"tls" (IMAP over TLS, port 993 usually) or "starttls" (port 143 usually)."""
    ca_file: str = ""
    """A CA bundle (PEM) to verify the server with; empty means the system's CAs."""
    folder: str = "INBOX"
    """The folder to read; an ASCII name."""
    timeout: float = 30.0
    """Seconds to wait for the server at each step (connecting, each answer)."""

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(
                f"IMAP security must be one of {', '.join(SECURITY_MODES)}, not {self.security!r}"
            )
        if not self.timeout > 0:
            raise ValueError("IMAP timeout must be more than 0 seconds")
        for name in ("user", "password", "folder"):
            if any(character in getattr(self, name) for character in _UNSAFE):
                raise ValueError(f"IMAP {name} must not contain line breaks or NUL characters")


class Mailbox:
    """One session with the mailbox: logs in and opens the folder on __enter__, logs out on
    __exit__ (quietly when the connection is already gone).

    Its methods work only inside the `with` block; outside it they raise RuntimeError.
    """

    def __init__(self, settings: MailboxSettings) -> None:
        self.settings = settings
        self._imap: imaplib.IMAP4 | None = None

    def __enter__(self) -> Self:
        if self._imap is not None:
            raise RuntimeError("this mailbox is already open")
        imap = self._connect()
        try:
            self._log_in(imap)
            self._open_folder(imap)
        except BaseException:
            _close_quietly(imap)
            raise
        self._imap = imap
        return self

    def __exit__(self, *exc_info: object) -> None:
        imap, self._imap = self._imap, None
        if imap is None:
            return
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            _close_quietly(imap)

    def unseen(self) -> list[int]:
        """UIDs of the folder's messages without the \\Seen flag, in ascending order."""
        data = self._uid_command("searching for unseen messages", "SEARCH", "UNSEEN")
        uids = {
            int(word)
            for line in data
            if isinstance(line, bytes)
            for word in line.split()
            if word.isdigit()
        }
        return sorted(uids)

    def size(self, uid: int) -> int:
        """The message's size in bytes (RFC822.SIZE), to refuse a huge one before fetching it."""
        data = self._uid_command(
            f"reading the size of message {uid}", "FETCH", str(uid), "(RFC822.SIZE)"
        )
        for item in data:
            if isinstance(item, bytes) and _uid_in(item) == uid and (found := _SIZE.search(item)):
                return int(found.group(1))
        raise MailboxError(self._where(f"no message with UID {uid} in {self.settings.folder}"))

    def fetch(self, uid: int) -> bytes:
        """The raw message, byte for byte as the server keeps it. Uses BODY.PEEK[], so the
        message does not become seen."""
        data = self._uid_command(f"fetching message {uid}", "FETCH", str(uid), "(BODY.PEEK[])")
        for index, item in enumerate(data):
            if not isinstance(item, tuple) or b"BODY[]" not in item[0]:
                continue
            # The UID comes before the message or, with some servers, after it.
            after = data[index + 1] if index + 1 < len(data) else b""
            header = item[0] + b" " + (after if isinstance(after, bytes) else b"")
            if _uid_in(header) == uid:
                return item[1]
        raise MailboxError(self._where(f"no message with UID {uid} in {self.settings.folder}"))

    def mark_seen(self, uid: int) -> None:
        """Set the message's \\Seen flag. A UID that is no longer in the folder is no error."""
        self._uid_command(
            f"marking message {uid} seen", "STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)"
        )

    def _connect(self) -> imaplib.IMAP4:
        settings = self.settings
        with self._reasons(f"reading the CA bundle {settings.ca_file or '(system)'}"):
            context = ssl.create_default_context(cafile=settings.ca_file or None)
        with self._reasons("connecting"):
            if settings.security == "tls":
                return imaplib.IMAP4_SSL(
                    settings.host, settings.port, ssl_context=context, timeout=settings.timeout
                )
            imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
        try:
            with self._reasons("starting TLS (STARTTLS)"):
                imap.starttls(ssl_context=context)
        except BaseException:
            _close_quietly(imap)
            raise
        return imap

    def _log_in(self, imap: imaplib.IMAP4) -> None:
        user, password = self.settings.user, self.settings.password
        with self._reasons(f"logging in as {user}", keep_cause=False):
            if (user + password).isascii():
                imap.login(user, password)
            else:
                # imaplib's LOGIN sends ASCII only; AUTHENTICATE PLAIN carries UTF-8 (RFC 4616).
                imap.authenticate("PLAIN", lambda _challenge: f"\0{user}\0{password}".encode())

    def _open_folder(self, imap: imaplib.IMAP4) -> None:
        folder = self.settings.folder
        if not folder.isascii():
            raise MailboxError(self._where(f"the folder name {folder!r} is not ASCII"))
        quoted = '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
        with self._reasons(f"opening the folder {folder}"):
            typ, data = imap.select(quoted)
        if typ != "OK":
            raise MailboxError(self._where(f"opening the folder {folder}: {_text(data)}"))

    def _uid_command(self, doing: str, command: str, *args: str) -> list:
        if self._imap is None:
            raise RuntimeError("the mailbox is not open: use it in a `with Mailbox(...)` block")
        with self._reasons(doing):
            typ, data = self._imap.uid(command, *args)
        if typ != "OK":
            raise MailboxError(self._where(f"{doing}: the server said {typ} {_text(data)}"))
        return data

    def _where(self, message: str) -> str:
        text = f"IMAP {self.settings.host}:{self.settings.port}, {message}"
        password = self.settings.password
        return text.replace(password, "********") if password else text

    @contextmanager
    def _reasons(self, doing: str, *, keep_cause: bool = True) -> Iterator[None]:
        """Turn imaplib's, socket's and ssl's exceptions into a MailboxError saying why. With
        keep_cause=False the original exception is not chained (it may hold the password)."""
        try:
            yield
        except MailboxError:
            raise
        except (imaplib.IMAP4.error, OSError, UnicodeError) as error:
            failure = MailboxError(self._where(f"{doing}: {self._reason(error)}"))
            raise failure from (error if keep_cause else None)

    def _reason(self, error: BaseException) -> str:
        settings = self.settings
        if isinstance(error, ssl.SSLCertVerificationError):
            return f"its TLS certificate is not trusted ({error.verify_message or error.reason})"
        if isinstance(error, ssl.SSLError):
            return f"TLS failed ({error.reason or error})"
        if isinstance(error, TimeoutError):
            return f"no answer within {settings.timeout:g} s"
        if isinstance(error, ConnectionRefusedError):
            return "the connection was refused (is the host and port right?)"
        if isinstance(error, socket.gaierror):
            return f"the host name could not be resolved ({error.strerror})"
        if isinstance(error, imaplib.IMAP4.abort):
            return f"the connection broke ({_message(error)})"
        if isinstance(error, imaplib.IMAP4.error):
            return f"the server said {_message(error)}"
        if isinstance(error, UnicodeError):
            return "a name or password could not be encoded"
        return str(error.strerror or error) if isinstance(error, OSError) else str(error)


def _uid_in(text: bytes) -> int | None:
    found = _UID.search(text)
    return int(found.group(1)) if found else None


def _message(error: BaseException) -> str:
    value = error.args[0] if error.args else ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _text(data: list) -> str:
    last = data[-1] if data else b""
    return last.decode("utf-8", "replace") if isinstance(last, bytes) else str(last)


def _close_quietly(imap: imaplib.IMAP4) -> None:
    with suppress(OSError):
        imap.shutdown()
