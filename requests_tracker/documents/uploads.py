"""The rules every uploaded source document passes, whichever door it comes through (web form, API,
admin, services): written once here.

- Size: at most settings.SOURCE_MAX_UPLOAD_MB megabytes (MiB), and not empty.
- Type, judged by the bytes, never by the file's name or the browser's claim: PDF, PNG, JPEG,
  TIFF (signatures recognised by `puremagic`), DOCX and XLSX (zip containers told apart by their
  declared main part; macro-enabled ones, other zips and zips that would expand past
  settings.SOURCE_MAX_UNZIPPED_MB are refused), and plain text or CSV.
- Plain text and CSV: UTF-8 (a BOM is allowed) or Windows-1252, no NUL or other control bytes
  besides tab, line and page breaks, and nothing a browser could take for markup: no HTML or XML
  opening (what browsers sniff for) and no `<script`, `<svg`, `<html`, `<iframe`, `<object` or
  `<embed` anywhere. Such a file is refused, so a page renamed .txt is never stored as text.
- Everything else (HTML, SVG, executables, archives, ...) is refused with an error that names what
  the file was found to be and what is accepted.

A file that passes is stored under a random name with the extension of its detected type
(`source_upload_to`), under MEDIA_ROOT, which is outside the static files and never served as is:
files go out only through the permission-checked view (web/sources.py).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO, Any

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.utils.deconstruct import deconstructible

MIB = 1024 * 1024
# Enough for every signature we accept and for the markup sniffing browsers do (RFC 7231 / WHATWG
# MIME sniffing reads at most 1445 bytes).
HEAD_BYTES = 8192
TEXT_CHUNK_BYTES = 64 * 1024
MAX_CONTENT_TYPES_XML_BYTES = MIB


@dataclass(frozen=True)
class DocumentType:
    content_type: str
    extension: str
    label: str


PDF = DocumentType("application/pdf", ".pdf", "PDF")
PNG = DocumentType("image/png", ".png", "PNG image")
JPEG = DocumentType("image/jpeg", ".jpg", "JPEG image")
TIFF = DocumentType("image/tiff", ".tif", "TIFF image")
PLAIN_TEXT = DocumentType("text/plain", ".txt", "plain text")
CSV = DocumentType("text/csv", ".csv", "CSV")
DOCX = DocumentType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "DOCX"
)
XLSX = DocumentType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "XLSX"
)

ACCEPTED_TYPES = (PDF, PNG, JPEG, TIFF, PLAIN_TEXT, CSV, DOCX, XLSX)
TYPES_BY_CONTENT_TYPE = {kind.content_type: kind for kind in ACCEPTED_TYPES}
IMAGE_TYPES = frozenset({PNG.content_type, JPEG.content_type, TIFF.content_type})
TEXT_TYPES = frozenset({PLAIN_TEXT.content_type, CSV.content_type})
ACCEPTED_LIST = "PDF, PNG, JPEG, TIFF, plain text, CSV, DOCX or XLSX"

# Binary signatures we accept, as puremagic names them, and the bytes they must start with
# (puremagic also matches some signatures further in; a file that does not start with its
# signature is the kind of polyglot we refuse).
_SIGNATURES = {
    "application/pdf": (PDF, (b"%PDF-",)),
    "image/png": (PNG, (b"\x89PNG\r\n\x1a\n",)),
    "image/jpeg": (JPEG, (b"\xff\xd8\xff",)),
    "image/tiff": (TIFF, (b"II*\x00", b"MM\x00*")),
}
_ZIP_MAGIC = b"PK\x03\x04"

# The main part an OOXML package declares in [Content_Types].xml says what it is.
_OOXML_MAIN_PARTS = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_OOXML_REFUSED_PARTS = {
    b"macroenabled": "a macro-enabled Office document",
    b"presentationml": "a PowerPoint presentation",
    b"template.main+xml": "an Office template",
}

# What a browser sniffing for markup looks for at the start of a file (WHATWG MIME sniffing), plus
# XML, which covers SVG.
_MARKUP_OPENINGS = tuple(
    f"<{tag}".encode()
    for tag in (
        "!doctype html",
        "html",
        "head",
        "script",
        "iframe",
        "h1",
        "div",
        "font",
        "table",
        "a",
        "style",
        "title",
        "b",
        "body",
        "br",
        "p",
        "!--",
        "?xml",
        "svg",
    )
)
# Active markup refused anywhere in a text file.
_MARKUP_ANYWHERE = (b"<script", b"<svg", b"<html", b"<iframe", b"<object", b"<embed")
_MARKUP_TO_DEFUSE = re.compile(
    "<(?=" + "|".join(marker[1:].decode() for marker in _MARKUP_ANYWHERE) + ")", re.IGNORECASE
)
# Control characters other than tab, line and page breaks do not occur in real text.
_STRAY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def max_upload_bytes() -> int:
    return settings.SOURCE_MAX_UPLOAD_MB * MIB


def _refuse_type(what: str) -> ValidationError:
    return ValidationError(
        "This file is %(what)s, which is not accepted. Upload a %(accepted)s file.",
        code="file_type_not_allowed",
        params={"what": what, "accepted": ACCEPTED_LIST},
    )


def detect_type(stream: IO[bytes]) -> DocumentType:
    """The accepted type of the bytes in `stream`, or ValidationError naming what they are instead.

    Reads the stream from its start (it must be seekable) and leaves it at its start. Text files
    are read through to the end in chunks, so a marker far into the file is still found.
    """
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    try:
        if not head:
            raise ValidationError("The file is empty.", code="file_empty")
        if head.startswith(_WIDE_TEXT_MARKS):
            raise ValidationError(
                "This text file is in UTF-16 or UTF-32: save it as UTF-8 (or plain text from "
                "Excel or Word) and upload it again.",
                code="file_type_not_allowed",
            )
        matches = _magic_matches(head)
        for mime in matches:
            if mime in _SIGNATURES:
                kind, openings = _SIGNATURES[mime]
                if head.startswith(openings):
                    return kind
        if head.startswith(_ZIP_MAGIC):
            return _ooxml_type(stream)
        text_type = _text_type(stream)
        if text_type is not None:
            return text_type
        if matches:
            raise _refuse_mismatch(matches)
        raise _refuse_type("binary data of an unrecognised kind")
    finally:
        stream.seek(0)


_WIDE_TEXT_MARKS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
"""How UTF-16 and UTF-32 text begins (Excel's "Unicode text" and Notepad's "Unicode")."""


def _refuse_mismatch(matches: list[str]) -> ValidationError:
    """The refusal of a binary file puremagic recognised: named by its first guess that is not a
    type we accept. A guess that is one we accept was refused because the file does not start with
    that type's signature, and "this file is a JPEG, which is not accepted" would contradict the
    list of accepted types (puremagic calls JPEG 2000 image/jpeg)."""
    other = next((mime for mime in matches if mime not in _SIGNATURES), None)
    if other is not None:
        return _refuse_type(other)
    kind = _SIGNATURES[matches[0]][0]
    return ValidationError(
        "This file is not a real %(label)s: it does not start with the %(label)s signature. "
        "Upload a %(accepted)s file.",
        code="file_type_not_allowed",
        params={"label": kind.label, "accepted": ACCEPTED_LIST},
    )


def _magic_matches(head: bytes) -> list[str]:
    try:
        found = puremagic.magic_stream(io.BytesIO(head))
    except puremagic.PureError:
        return []
    ordered = sorted(found, key=lambda match: -match.confidence)
    return [match.mime_type for match in ordered if match.mime_type]


def _ooxml_type(stream: IO[bytes]) -> DocumentType:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refuse_type("a damaged zip archive") from error
    with archive:
        entries = archive.infolist()
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise _refuse_type("an encrypted archive")
        expanded = sum(entry.file_size for entry in entries)
        if expanded > settings.SOURCE_MAX_UNZIPPED_MB * MIB:
            raise ValidationError(
                "This file would expand to %(size)s MB when opened; the limit is %(limit)s MB.",
                code="file_too_large",
                params={"size": f"{expanded / MIB:.0f}", "limit": settings.SOURCE_MAX_UNZIPPED_MB},
            )
        names = {entry.filename for entry in entries}
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise _refuse_type("a macro-enabled Office document")
        manifest = next((e for e in entries if e.filename == "[Content_Types].xml"), None)
        if manifest is None or manifest.file_size > MAX_CONTENT_TYPES_XML_BYTES:
            raise _refuse_type("a zip archive")
        declared = archive.read(manifest).lower()
    for marker, what in _OOXML_REFUSED_PARTS.items():
        if marker in declared:
            raise _refuse_type(what)
    kinds = {kind for part, kind in _OOXML_MAIN_PARTS.items() if part in declared}
    expected_part = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
    if len(kinds) != 1:
        raise _refuse_type("a zip archive that is neither a DOCX nor an XLSX document")
    (kind,) = kinds
    if expected_part[kind] not in names:
        raise _refuse_type(f"a damaged {kind.label} document")
    return kind


def _text_type(stream: IO[bytes]) -> DocumentType | None:
    """PLAIN_TEXT or CSV when the whole stream is clean text by the module's rules, else None.

    Raises ValidationError for text that looks like markup, so the error says so.
    """
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    opening = head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n\f").lower()
    if opening.startswith(_MARKUP_OPENINGS):
        raise _refuse_type("HTML or XML markup (a web page or an SVG image)")
    for encoding in ("utf-8-sig", "cp1252"):
        stream.seek(0)
        sample = _clean_text_sample(stream, encoding)
        if sample is not None:
            return CSV if _looks_like_csv(sample) else PLAIN_TEXT
    return None


def _clean_text_sample(stream: IO[bytes], encoding: str) -> str | None:
    """The first chunk of text if every chunk decodes cleanly with no stray control characters."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    tail = b""
    sample: str | None = None
    while True:
        chunk = stream.read(TEXT_CHUNK_BYTES)
        # Keep the end of the previous chunk so a marker split across two chunks is still seen.
        window = (tail + chunk).lower()
        if any(marker in window for marker in _MARKUP_ANYWHERE):
            raise _refuse_type("text containing HTML or SVG markup")
        tail = window[-16:]
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            return None
        if _STRAY_CONTROL.search(text):
            return None
        if sample is None:
            sample = text
        if not chunk:
            return sample or ""


def _looks_like_csv(sample: str) -> bool:
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",\t;|")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(lines, dialect)}
    return len(widths) == 1 and widths.pop() >= 2


def defuse_markup(text: str) -> str:
    """`text` with a space after each `<` that would make these rules refuse it as active markup
    (`<script` becomes `< script`), for text the app writes into a document itself."""
    return _MARKUP_TO_DEFUSE.sub("< ", text)


def megabytes_over(size: int) -> str:
    """A refused file's size in MB to one decimal; rounded up when plain rounding would show
    the limit itself ("1.0 MB; the limit is 1 MB" for 1.04 MB reads as a contradiction)."""
    shown = round(size / MIB, 1)
    if shown <= settings.SOURCE_MAX_UPLOAD_MB:
        shown = math.ceil(size * 10 / MIB) / 10
    return f"{shown:.1f}"


def validate_upload(file: Any) -> DocumentType:
    """Check an uploaded file against the size and type rules; return its detected type.

    Raises django.core.exceptions.ValidationError whose message names the limit (too large) or
    what the file was found to be (type not accepted). The file is only read, never stored.
    """
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            "The file is %(size)s MB; the limit is %(limit)s MB.",
            code="file_too_large",
            params={"size": megabytes_over(size), "limit": settings.SOURCE_MAX_UPLOAD_MB},
        )
    if size == 0:
        raise ValidationError("The file is empty.", code="file_empty")
    stream = getattr(file, "file", None) or file
    return detect_type(stream)


@deconstructible
class UploadValidator:
    """The upload rules as a field validator (model, form or serializer field).

    A file already stored (an unchanged FieldFile on an existing record) is not checked again:
    the rules apply to what is being uploaded now.
    """

    def __call__(self, value: Any) -> None:
        if not value or getattr(value, "_committed", False):
            return
        validate_upload(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_upload_field = UploadValidator()


def source_upload_to(instance: Any, filename: str) -> str:
    """A random storage name for a source's document, with the extension of its detected type.

    The uploader's file name is never used: it could collide, guess another file's name, or carry
    a misleading extension.
    """
    kind = TYPES_BY_CONTENT_TYPE.get(getattr(instance, "content_type", "") or "")
    if kind is None:
        try:
            kind = detect_type(instance.file.file)
        except (ValidationError, AttributeError, OSError, ValueError):
            kind = None
    token = uuid.uuid4().hex
    return f"sources/{token[:2]}/{token}{kind.extension if kind else '.bin'}"


class BoundedUploadHandler(TemporaryFileUploadHandler):
    """Spools an upload to a temporary file as Django does, but writes at most the upload limit
    (and one chunk) to disk; the rest of the body is counted, not kept. The file keeps its real
    size, so the rules above refuse it by size with their usual message, and a multi-gigabyte
    body cannot fill the disk on its way to that refusal. (A proxy in front should cap bodies
    too: docs/documents.md.) Only a file within the limit is ever stored, and that one is whole.
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.kept_until = max_upload_bytes()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start <= self.kept_until:
            self.file.write(raw_data)
