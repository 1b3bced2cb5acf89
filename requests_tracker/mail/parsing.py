"""Turn one raw e-mail message, which may be hostile, into plain data (no settings, no database).

`parse_message` returns a `ParsedMessage` or raises `MessageRefused` with a readable reason. The
standard library's email parser recurses per nesting level (RecursionError near 1,000) and has
quadratic paths (Content-Type parameters, some addresses; html.parser on unclosed comments), so
sizes are checked on the raw bytes and `_scan` follows the raw MIME structure by the parser's own
rules, iteratively, refusing deep nesting, too many parts and oversized headers before it runs;
header values and HTML are cut before they are parsed. Bytes that are not a message give a
`ParsedMessage` with empty header fields, a note, and whatever they hold as text (UTF-8).
"""

from __future__ import annotations

import codecs
import email.policy
import re
import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.parser import BytesParser
from html.parser import HTMLParser

SAFE_DEPTH = 100  # deeper nesting is refused whatever the limits say: the email parser recurses
HEADERS_IN_ALL = 4  # times max_header_bytes: all header blocks of the message together
MAX_HEADER_CHARS = 4_000  # of one header value handed to the header parser
MAX_MIME_HEADER_CHARS = 2_000  # of one Content-Type or Content-Disposition (else refused)
MAX_ADDRESS_HEADERS = 20  # To, Cc, Delivered-To and X-Original-To headers read, in all
MAX_HTML_CHARS = 1_000_000  # of HTML read, in all
COUNT_PARTS_UP_TO = 100  # times max_parts: counting the parts of a refused message stops there
POLICY = email.policy.default


class MessageRefused(Exception):
    """The message breaks a limit or cannot be read; str() is a reason a journalist can read,
    e.g. "The message has 1,000 parts; at most 100 are read." """


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 25 * 1024 * 1024  # the whole raw message
    max_header_bytes: int = 256 * 1024  # the top-level header block (and any one part's)
    max_parts: int = 100  # MIME parts in all, at any depth
    max_depth: int = 10  # nesting of multiparts / forwarded messages
    max_attachments: int = 20
    max_text_chars: int = 200_000  # the body text kept (cut with a note beyond)


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Attachment:
    filename: str  # sanitised: no path, no control chars, at most 200 chars, never empty
    declared_type: str  # the Content-Type the sender claimed, lowercased (never trusted)
    data: bytes


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    sender: str
    sender_name: str
    recipients: tuple[str, ...]
    subject: str
    sent_at: datetime | None
    headers: dict[str, str]
    text: str
    quoted: str
    attachments: tuple[Attachment, ...]
    notes: tuple[str, ...]


_BLANK_LINE = re.compile(rb"(?:\A|\n)\r?\n")
_HEADER_LINE = re.compile(rb"From |[\x21-\x39\x3b-\x7e]*:|[\t ]")  # the parser's own test
_EOL = re.compile(rb"\r\n|\r|\n")
Stack = list[tuple[bytes | None, bool]]  # open containers: (boundary or None, is a digest)


def _size(count: int) -> str:
    unit, size = ("MB", 1 << 20) if count >= 1 << 20 else ("KB", 1 << 10)
    return f"{count / size:,.1f}".removesuffix(".0") + f" {unit}"


def _over(whose: str, size: int) -> MessageRefused:
    return MessageRefused(f"{whose} over {_size(size)}; at most {_size(size)} are read.")


def _too_deep(depth: str, limit: int) -> MessageRefused:
    return MessageRefused(
        f"The message nests parts {depth} levels deep; at most {limit:,} levels are read."
    )


def _check_size(raw: bytes, limits: Limits) -> None:
    if len(raw) > limits.max_bytes:
        raise MessageRefused(
            f"The message is {_size(len(raw))}; at most {_size(limits.max_bytes)} are read."
        )
    ends = _BLANK_LINE.search(raw, 0, limits.max_header_bytes)
    if len(raw) > limits.max_header_bytes and not ends:
        raise _over("The message's headers are", limits.max_header_bytes)


def _header_block(raw: bytes, pos: int, stack: Stack, limits: Limits) -> tuple[int, bytes | None]:
    """Read a header block from `pos`: (where its body starts, its raw Content-Type value)."""
    start, content_type, in_type = pos, None, False
    boundaries = {boundary for boundary, _ in stack if boundary is not None}
    while pos < len(raw):
        found = _EOL.search(raw, pos)
        end, after = (found.start(), found.end()) if found else (len(raw), len(raw))
        line = raw[pos:end]
        if not line:
            return after, content_type
        body = line[2:].rstrip(b" \t") if line.startswith(b"--") else None
        if body in boundaries or (body and body[:-2] in boundaries and body.endswith(b"--")):
            return pos, content_type  # the parser ends the part at any open boundary
        if not _HEADER_LINE.match(line):
            return pos, content_type
        if after - start > limits.max_header_bytes:
            raise _over("A part's headers are", limits.max_header_bytes)
        name, _, value = line.partition(b":")
        if line[:1] not in (b" ", b"\t"):  # else a folded line of the header before
            in_type = content_type is None and name.lower() == b"content-type"
            line = value.lstrip(b" \t")
        content_type = (content_type or b"") + line if in_type else content_type
        pos = after
    return pos, content_type


def _content_type(value: bytes | None, in_digest: bool) -> tuple[str, bytes | None]:
    """The type and boundary the email parser will see, read with the parser's own methods."""
    if value is not None and len(value) > MAX_MIME_HEADER_CHARS:
        raise MessageRefused(
            f"A part's Content-Type header is over {MAX_MIME_HEADER_CHARS:,} characters."
        )
    probe = EmailMessage(policy=POLICY)
    if in_digest:
        probe.set_default_type("message/rfc822")
    if value is not None:
        probe.set_raw("Content-Type", value.decode("ascii", "surrogateescape"))
    content_type = probe.get_content_type()
    boundary = probe.get_boundary() if content_type.startswith("multipart/") else None
    # A non-ASCII boundary reaches the parser as U+FFFD, which no line holds: it nests nothing.
    return content_type, boundary.encode() if boundary is not None and boundary.isascii() else None


def _scan(raw: bytes, limits: Limits) -> None:
    """Follow the MIME structure of the raw bytes and refuse before the email parser runs. A
    part's depth is the stack's height when its headers start. Past max_parts, header blocks are
    no longer read: only open boundaries are counted, so the count is a lower bound."""
    stack: Stack = []
    patterns: dict[tuple[bytes, ...], re.Pattern[bytes]] = {}
    parts, pos, in_headers, counting, header_bytes = 1, 0, True, False, 0
    depth_limit, cap = min(limits.max_depth, SAFE_DEPTH), COUNT_PARTS_UP_TO * limits.max_parts
    all_headers = HEADERS_IN_ALL * limits.max_header_bytes
    while parts <= cap:
        if in_headers and not counting:
            start = pos
            pos, value = _header_block(raw, pos, stack, limits)
            header_bytes += pos - start
            if header_bytes > all_headers:
                raise _over("The message's headers in all are", all_headers)
            content_type, boundary = _content_type(value, bool(stack) and stack[-1][1])
            in_headers = content_type.startswith("message/")
            in_headers = in_headers and content_type != "message/delivery-status"
            if in_headers or boundary is not None:
                stack.append((None if in_headers else boundary, content_type == "multipart/digest"))
                parts += in_headers
            if len(stack) > depth_limit:
                raise _too_deep(f"more than {depth_limit:,}", depth_limit)
            counting = parts > limits.max_parts
            continue
        boundaries = tuple(boundary for boundary, _ in stack if boundary is not None)
        if not boundaries:
            break
        if boundaries not in patterns:
            choices = b"|".join(
                re.escape(b) for b in sorted(set(boundaries), key=len, reverse=True)
            )
            patterns[boundaries] = re.compile(
                rb"(?<![^\r\n])--(?:" + choices + rb")(?:--)?[ \t]*(?=[\r\n]|\Z)"
            )
        found = patterns[boundaries].search(raw, pos)
        if found is None:
            break
        after = _EOL.match(raw, found.end())
        pos = after.end() if after else found.end()
        body = found.group()[2:].rstrip(b" \t")  # the innermost open multipart it ends, or all
        levels = [
            (i, body != b)
            for i, (b, _) in enumerate(stack)
            if b is not None and body in (b, b + b"--")
        ]
        level, closes = max(levels, default=(len(stack), True))
        del stack[level + (0 if closes else 1) :]
        in_headers, parts = not closes, parts + (not closes)
        counting = counting or parts > limits.max_parts
    if counting:
        more = "more than" if parts > cap else "at least"
        raise MessageRefused(
            f"The message has {more} {min(parts, cap):,} parts; "
            f"at most {limits.max_parts:,} are read."
        )


def _check_tree(message: Message, limits: Limits) -> None:
    """Count the parsed tree's parts and depth again, iteratively (the parser may see more parts
    than the scan: a delivery report's header blocks, for one)."""
    count, deepest, stack = 0, 0, [(message, 0)]
    while stack:
        part, depth = stack.pop()
        count, deepest = count + 1, max(deepest, depth)
        if part.is_multipart():
            stack.extend((child, depth + 1) for child in part.get_payload())
    if deepest > min(limits.max_depth, SAFE_DEPTH):
        raise _too_deep(f"{deepest:,}", min(limits.max_depth, SAFE_DEPTH))
    if count > limits.max_parts:
        raise MessageRefused(
            f"The message has {count:,} parts; at most {limits.max_parts:,} are read."
        )


_LINE_BREAKS = re.compile(r"\r\n|\r")
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
_FILENAME_UNSAFE = re.compile(r'[<>:"|?*]')


def _unsurrogate(value: str) -> str:
    """Raw 8-bit bytes the parser kept as surrogates, read as UTF-8."""
    if not any("\ud800" <= char <= "\udfff" for char in value):
        return value
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def clean_text(value: str) -> str:
    """Line breaks as \\n; control characters other than \\n and \\t removed."""
    return _TEXT_CONTROLS.sub("", _LINE_BREAKS.sub("\n", value))


def one_line(value: str, limit: int) -> str:
    """A single line: whitespace runs as one space, controls removed, cut to `limit`."""
    return _LINE_CONTROLS.sub("", _SPACES.sub(" ", _unsurrogate(value))).strip()[:limit]


def safe_filename(name: str | None, number: int) -> str:
    """The last path component, without controls or characters Windows refuses, ≤ 200 chars."""
    name = re.split(r"[/\\]", _unsurrogate(name or ""))[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))
    name = _FILENAME_UNSAFE.sub("_", _SPACES.sub(" ", name)).strip(" .")
    if len(name) > 200:
        _, dot, extension = name.rpartition(".")
        keep = dot + extension if dot and len(extension) <= 20 else ""
        name = name[: 200 - len(keep)].rstrip(" .") + keep
    return name or f"attachment-{number}"


_HIDDEN = frozenset({"script", "style", "head", "template", "noscript"})
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre"})
_BLOCKS = _PARAGRAPHS | {
    "div", "li", "tr", "ul", "ol", "dl", "dt", "dd", "hr", "section", "article", "header",
    "footer", "address", "form", "fieldset", "figure", "main", "nav", "aside", "caption",
}  # fmt: skip
_DECLARATION = re.compile(r"<[!?]")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = dict.fromkeys(_HIDDEN, 0)
        self.newlines = 2  # line breaks at the end of the text so far (the start counts as two)

    def line_break(self, count: int, hard: bool = False) -> None:
        missing = count if hard else count - self.newlines
        if missing > 0:
            self.pieces.append("\n" * missing)
            self.newlines += missing

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden[tag] += 1
        elif tag == "body":
            self.hidden["head"] = 0
        elif tag == "br" or tag in _BLOCKS:
            self.line_break(2 if tag in _PARAGRAPHS else 1, hard=tag == "br")
        elif tag in ("td", "th") and not self.newlines:
            self.pieces.append(" ")

    handle_startendtag = handle_starttag  # as browsers do: "<script/>" still opens a script

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden[tag] = max(0, self.hidden[tag] - 1)
        elif tag in _BLOCKS:
            self.line_break(2 if tag in _PARAGRAPHS else 1)

    def handle_data(self, data: str) -> None:
        text = "" if any(self.hidden.values()) else _SPACES.sub(" ", data)
        if text.strip():
            self.pieces.append(text)
            self.newlines = 0
        elif text and not self.newlines:
            self.pieces.append(" ")


def _without_declarations(html: str) -> str:
    """Drop comments, <!...> and <?...> (browsers show none of them), and escape each "<" that
    no ">" follows: html.parser rescans to the end for each unclosed one (quadratic time)."""
    kept, pos = [], 0
    while found := _DECLARATION.search(html, pos):
        kept.append(html[pos : found.start()])
        comment = html.startswith("<!--", found.start())
        end = html.find("-->" if comment else ">", found.start() + 2)
        pos = len(html) if end < 0 else end + (3 if comment else 1)
    text = "".join(kept) + html[pos:]
    last = text.rfind(">") + 1
    return text[:last] + text[last:].replace("<", "&lt;")


def html_to_text(html: str) -> str:
    """The visible text of HTML as plain text, never raising: the contents of script, style, head,
    template and noscript dropped, tags removed, entities unescaped, block elements as line
    breaks, whitespace collapsed."""
    collector = _TextCollector()
    with suppress(Exception):  # html.parser documents no errors; keep what was read
        collector.feed(_without_declarations(html))
        collector.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(collector.pieces).split("\n"))
    return clean_text(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip())


_SHOWN = ("From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To", "References")
_SHOWN += ("Reply-To",)
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")


def _parse_header(name: str, raw: str) -> object | None:
    """The header object the email policy builds for `raw` (cut first), or None if it fails."""
    try:
        value = _unsurrogate(re.sub(r"[\r\n]", "", raw)[:MAX_HEADER_CHARS])
        return POLICY.header_factory(name, value)
    except Exception:  # e.g. RecursionError on deeply nested comments
        return None


def _first_headers(message: Message) -> dict[str, str]:
    return {name.lower(): value for name, value in reversed(list(message.raw_items()))}


def _addresses(header: object | None) -> list[tuple[str, str]]:
    """(bare address lowercased, display name) of each address of an address header."""
    found = getattr(header, "addresses", ())
    return [(one_line(a.addr_spec, 320).lower(), one_line(a.display_name, 300)) for a in found]


def _recipients(message: Message, notes: list[str]) -> tuple[str, ...]:
    items = list(message.raw_items())
    values = [(n, v) for key in _RECIPIENT_HEADERS for n, v in items if n.lower() == key.lower()]
    if len(values) > MAX_ADDRESS_HEADERS:
        notes.append(f"Address headers beyond the first {MAX_ADDRESS_HEADERS} were not read.")
    found: dict[str, None] = {}
    for name, value in values[:MAX_ADDRESS_HEADERS]:
        value = re.sub(r",[\s,]*,", ",", re.sub(r"[\r\n]", "", value))  # commas cost dearly
        if len(value) > MAX_HEADER_CHARS:  # cut at a comma, not inside an address
            notes.append(f"A {name} header over {MAX_HEADER_CHARS:,} characters was cut.")
            value = value[: max(value.rfind(",", 0, MAX_HEADER_CHARS), 0)]
        found.update((b, None) for b, _ in _addresses(_parse_header("to", value)) if "@" in b)
    return tuple(found)


def _forward_line(sender: str, subject: str) -> str:
    sender = one_line(sender, 300) or "an unknown sender"
    return f"Forwarded message from {sender}: {one_line(subject, 300) or '(no subject)'}"


_LATIN = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1"}  # read as Windows-1252
_NOT_CHARSETS = {"punycode", "idna", "raw-unicode-escape", "unicode-escape", "undefined"}


@dataclass
class _Body:
    heading: str  # "" for the message itself, else the forwarded message's "Forwarded ..." line
    plain: list[str]
    html: list[str]


def _disposition(part: Message) -> tuple[bool, str | None]:
    """(is an attachment, file name): it is when it has a file name, says "attachment", or is
    an application/* part (a PDF sent without a name is still a document)."""
    first = _first_headers(part)  # read safely: a hostile header loses its part's file name only
    disposition = _parse_header("content-disposition", first.get("content-disposition", ""))
    filename = getattr(disposition, "params", {}).get("filename")
    content_type = _parse_header("content-type", first.get("content-type", ""))
    filename = filename or getattr(content_type, "params", {}).get("name")
    attached = getattr(disposition, "content_disposition", None) == "attachment" or bool(filename)
    return attached or part.get_content_maintype() == "application", filename


def _alternative(children: list[Message]) -> int:
    """The alternative to read: the first holding a plain-text body, else the last (the richest,
    by RFC 2046: HTML, as a rule)."""
    for index, child in enumerate(children):
        stack = [child]
        while stack:
            part = stack.pop()
            if part.get_content_maintype() == "multipart" and part.is_multipart():
                stack.extend(part.get_payload())
            elif part.get_content_type() == "text/plain" and not _disposition(part)[0]:
                return index
    return len(children) - 1


def _decode(part: Message, limit: int, notes: list[str]) -> str:
    """The part's text in its declared charset (UTF-8 with replacements when unknown)."""
    data = part.get_payload(decode=True) or b""
    declared = str(getattr(part.get("Content-Type"), "params", {}).get("charset") or "")
    charset = declared.strip().lower() or "utf-8"
    charset = "cp1252" if charset in _LATIN else "utf-8" if charset == "us-ascii" else charset
    try:
        if codecs.lookup(charset).name in _NOT_CHARSETS:
            raise LookupError(charset)
        text = data.decode(charset, "replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        notes.append(f'The character set "{one_line(declared, 40)}" is unknown; read as UTF-8.')
        text = data.decode("utf-8", "replace")
    return clean_text(text[: limit + 1])


def _walk(
    message: Message, limits: Limits, notes: list[str]
) -> tuple[list[tuple[str, str]], list[Attachment]]:
    """(heading, text) of the message's own body then of each forwarded message's, and the
    attachments, in order."""
    bodies, attachments, dropped = [_Body("", [], [])], [], 0
    stack = [(message, 0, True)]
    while stack:
        part, body, in_body = stack.pop()
        content_type = part.get_content_type()
        if part.is_multipart():
            children = part.get_payload()
            if content_type in ("message/rfc822", "message/global") and children:
                first = _first_headers(children[0])
                sender, subject = (
                    str(_parse_header(k, first.get(k, "")) or "") for k in ("from", "subject")
                )
                bodies.append(_Body(_forward_line(sender, subject), [], []))
                stack.append((children[0], len(bodies) - 1, True))
            elif part.get_content_maintype() == "multipart":
                chosen = _alternative(children) if content_type == "multipart/alternative" else -1
                stack.extend(
                    (child, body, in_body and chosen in (-1, index))
                    for index, child in reversed(list(enumerate(children)))
                )
            continue
        attached, filename = _disposition(part)
        if attached and len(attachments) >= limits.max_attachments:
            dropped += 1
        elif attached:
            data = part.get_payload(decode=True) or b""
            name = safe_filename(filename, len(attachments) + 1)
            attachments.append(Attachment(name, content_type, bytes(data)))
        elif in_body and content_type in ("text/plain", "text/html"):
            kept = bodies[body].plain if content_type == "text/plain" else bodies[body].html
            kept.append(_decode(part, limits.max_text_chars, notes))
    if dropped:
        notes.append(
            f"{dropped:,} attachment{'s' if dropped > 1 else ''} over the limit of "
            f"{limits.max_attachments:,} {'were' if dropped > 1 else 'was'} not kept"
        )
    room, texts = MAX_HTML_CHARS, []  # a body without plain text shows its HTML as text
    for body in bodies:
        if body.html and not body.plain:
            notes.append("The HTML body was shown as text.")
            if sum(map(len, body.html)) > room:
                notes.append(f"The HTML was cut to {MAX_HTML_CHARS:,} characters before reading.")
            for html in body.html:
                body.plain.append(html_to_text(html[:room]))
                room = max(0, room - len(html))
        texts.append((body.heading, "\n".join(body.plain)))
    return texts, attachments


_ON_WROTE = re.compile(r"On\s.+\swrote:", re.IGNORECASE)
_ORIGINAL = re.compile(r"-{2,}\s*Original Message\s*-{2,}", re.IGNORECASE)
_FORWARDED = re.compile(r"-{2,}\s*Forwarded message\s*-{2,}|Begin forwarded message:", re.I)
_FROM_LINE = re.compile(r"From:\s*\S", re.IGNORECASE)
_SENT_LINE = re.compile(r"(?:Sent|Date):\s*\S", re.IGNORECASE)
_INLINE_HEADER = re.compile(r"(From|To|Cc|Date|Sent|Subject|Reply-To):\s*(.*)", re.IGNORECASE)


def _unquote(line: str) -> str:
    return line[2:] if line.startswith("> ") else line[1:] if line.startswith(">") else line


def _starts_reply(lines: list[str], index: int) -> bool:
    """A reply header: "On <date>, <someone> wrote:" (on one or two lines), Outlook's
    "-----Original Message-----", or an Outlook "From: ..." line followed by "Sent: ..."."""
    line = lines[index].strip()
    following = [other.strip() for other in lines[index + 1 : index + 4]]
    if line[:3].lower() == "on " and len(line) <= 400:
        two = f"{line} {following[0][:400]}" if following else ""
        return bool(_ON_WROTE.fullmatch(line) or _ON_WROTE.fullmatch(two))
    if _FROM_LINE.match(line):
        return any(_SENT_LINE.match(other) for other in following)
    return bool(_ORIGINAL.fullmatch(line))


def _inline_forward(lines: list[str]) -> list[str]:
    """A forwarded message pasted in the body: its header lines become one heading line."""
    index, found = 0, {}
    while index < len(lines) and not lines[index].strip():
        index += 1
    while index < len(lines) and (header := _INLINE_HEADER.fullmatch(lines[index].strip())):
        found.setdefault(header.group(1).lower(), header.group(2))
        index += 1
    return [_forward_line(found.get("from", ""), found.get("subject", "")), *lines[index:]]


def split_quoted(text: str) -> tuple[str, str]:
    """(the reply's own words, the quoted earlier messages) of a body's plain text."""
    lines = text.split("\n")
    own, quoted = [], []
    for index, line in enumerate(lines):
        if len(line) <= 400 and _FORWARDED.fullmatch(line.strip()):
            quoted.extend(_inline_forward(lines[index + 1 :]))
            break
        if _starts_reply(lines, index):
            quoted.extend(_unquote(other) for other in lines[index:])
            break
        (quoted if line.startswith(">") else own).append(_unquote(line))
    return "\n".join(own).strip(), "\n".join(quoted).strip()


def _read(message: Message, limits: Limits) -> ParsedMessage:
    notes = [] if message.keys() else ["No headers were found; it was read as text."]
    first = _first_headers(message)
    parsed = {
        name: _parse_header(name, first[name.lower()]) for name in _SHOWN if name.lower() in first
    }
    headers = {
        name: shown
        for name, header in parsed.items()
        if (shown := one_line(str(header) if header is not None else first[name.lower()], 1000))
    }
    [(sender, sender_name), *_] = _addresses(parsed.get("From")) or [("", "")]
    sent_at = getattr(parsed.get("Date"), "datetime", None)
    if sent_at is not None and sent_at.tzinfo is None:  # "-0000": UTC, local time unknown
        sent_at = sent_at.replace(tzinfo=UTC)
    message_id = headers.get("Message-ID", "")
    if message_id.startswith("<") and ">" in message_id:
        message_id = message_id[1 : message_id.index(">")].strip()
    recipients = _recipients(message, notes)
    [(_, own), *forwards], attachments = _walk(message, limits, notes)
    if len(own) > limits.max_text_chars:
        notes.append(f"The message text was cut to its first {limits.max_text_chars:,} characters.")
    text, quoted = split_quoted(own[: limits.max_text_chars])
    forwarded = [f"{heading}\n{forward.strip()}" for heading, forward in forwards]
    quoted = "\n\n".join(section for section in [quoted, *forwarded] if section.strip())
    if len(quoted) > limits.max_text_chars - len(text):
        notes.append(f"The quoted text was cut to fit {limits.max_text_chars:,} characters.")
        quoted = quoted[: limits.max_text_chars - len(text)]
    return ParsedMessage(
        message_id=message_id,
        sender="" if sender == "<>" else sender,
        sender_name=sender_name,
        recipients=recipients,
        subject=headers.get("Subject", "")[:300],
        sent_at=sent_at,
        headers=headers,
        text=text,
        quoted=quoted,
        attachments=tuple(attachments),
        notes=tuple(dict.fromkeys(notes)),
    )


def parse_message(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> ParsedMessage:
    """Read one raw message into plain data, or raise MessageRefused with a readable reason:
    limits are checked on the raw bytes first; any other failure to read is refused too."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError("parse_message reads the message's bytes.")
    try:
        raw = bytes(raw)
        _check_size(raw, limits)
        _scan(raw, limits)
        message = BytesParser(policy=POLICY).parsebytes(raw)
        _check_tree(message, limits)
        return _read(message, limits)
    except MessageRefused:
        raise
    except RecursionError as error:
        raise MessageRefused("The message nests too deeply to be read.") from error
    except Exception as error:
        raise MessageRefused("The message could not be read.") from error
