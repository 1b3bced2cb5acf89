"""The upload rules (uploads.py): size and type judged by the bytes, with errors that say why."""

from __future__ import annotations

import codecs
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError

from requests_tracker import services
from requests_tracker.documents import uploads
from requests_tracker.models import Source
from tests.documents import (
    docx_bytes,
    image_bytes,
    scanned_pdf,
    text_pdf,
    upload,
    xlsx_bytes,
)

HTML_PAGE = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>"
SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
)


def refusal(content: bytes, name: str = "upload.pdf") -> str:
    with pytest.raises(ValidationError) as caught:
        uploads.validate_upload(upload(name, content))
    return " ".join(caught.value.messages)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_a_real_pdf_is_accepted_as_a_pdf():
    kind = uploads.validate_upload(upload("letter.pdf", text_pdf(["DOJ letter, 8 U.S.C. 1373"])))
    assert (kind.content_type, kind.extension) == ("application/pdf", ".pdf")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (scanned_pdf(["scheduled release date"]), "application/pdf"),
        (image_bytes("scan", format="PNG"), "image/png"),
        (image_bytes("scan", format="JPEG"), "image/jpeg"),
        (image_bytes("scan", format="TIFF"), "image/tiff"),
        (docx_bytes(["County counsel's reply"]), uploads.DOCX.content_type),
        (
            xlsx_bytes({"Detainers": [["month", "count"], ["2024-01", 83]]}),
            uploads.XLSX.content_type,
        ),
        (b"Statement of the Sheriff, July 18, 2025.\nWe don't ask.\n", "text/plain"),
        ("Déclaration du shérif\n".encode("cp1252"), "text/plain"),
        (b"county,requests\nLos Angeles,995\nRiverside,120\n", "text/csv"),
    ],
)
def test_each_accepted_type_is_told_by_its_bytes_whatever_its_name(content, content_type):
    assert (
        uploads.validate_upload(upload("named-wrongly.exe", content)).content_type == content_type
    )


def test_a_file_over_the_limit_is_refused_and_the_message_names_the_limit():
    oversized = b"%PDF-1.7\n" + b"0" * (26 * 1024 * 1024)
    message = refusal(oversized)
    assert "the limit is 25 MB" in message
    assert "26.0 MB" in message


def test_the_limit_is_a_setting(settings):
    settings.SOURCE_MAX_UPLOAD_MB = 1
    assert "the limit is 1 MB" in refusal(b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))


@pytest.mark.parametrize("name", ["subpoena.pdf", "notes.txt", "roster.csv"])
def test_an_html_page_is_refused_whatever_it_is_named(name):
    assert "HTML" in refusal(HTML_PAGE, name)


@pytest.mark.parametrize(
    "content",
    [
        SVG_WITH_SCRIPT,
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + SVG_WITH_SCRIPT,
        b"\xef\xbb\xbf  \n" + SVG_WITH_SCRIPT,
    ],
)
def test_an_svg_is_refused(content):
    message = refusal(content, "chart.svg")
    assert "SVG" in message
    assert "Upload a PDF, PNG, JPEG, TIFF, plain text, CSV, DOCX or XLSX file" in message


def test_text_with_a_script_tag_anywhere_is_refused_even_across_read_chunks():
    # The marker straddles the boundary of two chunks the check reads.
    padding = b"a" * (uploads.TEXT_CHUNK_BYTES - 3) + b"\n"
    assert "markup" in refusal(b"Minutes of the board\n" + padding + b"<script>x</script>")


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "portable-executable"),
        (b"GIF89a\x01\x00\x01\x00" + b"\x00" * 40, "image/gif"),
        (bytes(range(256)) * 4, "unrecognised"),
    ],
)
def test_other_binary_files_are_refused_naming_what_they_are(content, named):
    assert named in refusal(content, "document.pdf")


ACCEPTED = "Upload a PDF, PNG, JPEG, TIFF, plain text, CSV, DOCX or XLSX file."
# A JPEG 2000 file: its signature box, then the ftyp box naming the brand `jp2 `, then its header.
# puremagic's likeliest guess for these bytes is image/jpeg.
JPEG_2000 = (
    b"\x00\x00\x00\x0cjP  \r\n\x87\n"
    + b"\x00\x00\x00\x14ftypjp2 \x00\x00\x00\x00jp2 "
    + b"\x00\x00\x00\x2djp2h\x00\x00\x00\x16ihdr\x00\x00\x06\x72\x00\x00\x04\xfb\x00\x01\x07\x07"
    + bytes(range(256))
)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        pytest.param(
            b"\r\n%PDF-1.7 <html><script>alert(1)</script></html>",
            "subpoena.pdf",
            f"This file is text containing HTML or SVG markup, which is not accepted. {ACCEPTED}",
            id="pdf-signature-after-a-line-break-around-a-script",
        ),
        pytest.param(
            b"\r\n%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\nstream\n\x00\x01\x02\x03\nendstream\n",
            "subpoena.pdf",
            f"This file is not a real PDF: it does not start with the PDF signature. {ACCEPTED}",
            id="pdf-signature-after-a-line-break-in-binary-data",
        ),
        pytest.param(
            JPEG_2000,
            "scan.jpg",
            f"This file is image/jp2, which is not accepted. {ACCEPTED}",
            id="jpeg-2000-that-puremagic-calls-image-jpeg",
        ),
    ],
)
def test_a_file_is_only_the_type_whose_signature_it_starts_with(content, name, message):
    assert refusal(content, name) == message


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        pytest.param(
            b"I I want the roster of everyone held on a detainer since 2024.\n",
            uploads.PLAIN_TEXT,
            id="plain-text",
        ),
        pytest.param(b"I I,requests\nLos Angeles,995\nRiverside,120\n", uploads.CSV, id="csv"),
    ],
)
def test_text_that_opens_like_a_tiff_signature_is_text_not_a_tiff(content, kind):
    # Little-endian TIFF starts "II*\x00"; puremagic still guesses image/tiff for "I I".
    assert uploads.validate_upload(upload("request.tif", content)) == kind


def test_an_empty_file_is_refused():
    assert refusal(b"") == "The file is empty."


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _with_entry(document: bytes, name: str, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(document)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    return _zip({**entries, name: data})


def test_a_plain_zip_is_refused():
    assert "zip archive" in refusal(_zip({"roster.csv": b"a,b\n1,2\n"}), "roster.docx")


def test_a_macro_enabled_office_document_is_refused():
    document = _with_entry(docx_bytes(["Hello"]), "word/vbaProject.bin", b"\x00" * 64)
    assert "macro-enabled" in refusal(document, "letter.docx")


def test_an_office_file_that_would_expand_past_the_limit_is_refused(settings):
    settings.SOURCE_MAX_UNZIPPED_MB = 1
    bomb = _with_entry(xlsx_bytes({"Sheet": [[1]]}), "xl/media/padding.bin", b"\x00" * (3 << 20))
    assert "the limit is 1 MB" in refusal(bomb, "figures.xlsx")


def test_the_validator_works_on_a_form_field():
    class UploadForm(forms.Form):
        document = forms.FileField(validators=[uploads.validate_upload_field])

    form = UploadForm(data={}, files={"document": upload("chart.pdf", SVG_WITH_SCRIPT)})
    assert not form.is_valid()
    assert "SVG" in form.errors["document"][0]


# --- through the model, as every entry point saves a source ------------------------------------


def test_a_refused_upload_stores_nothing(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as caught:
        services.add_source(title="Chart", file=upload("chart.pdf", SVG_WITH_SCRIPT))
    assert "SVG" in " ".join(caught.value.message_dict["file"])
    assert not Source.objects.exists()
    assert stored_files(tmp_path) == []


def test_an_accepted_upload_is_stored_under_a_random_name_with_its_true_extension(
    db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    content = text_pdf(["Subpoena"])
    first = services.add_source(title="Subpoena", file=upload("../../subpoena.exe", content))
    second = services.add_source(title="Subpoena again", file=upload("subpoena.exe", content))

    names = [first.file.name, second.file.name]
    assert all(name.startswith("sources/") and name.endswith(".pdf") for name in names)
    assert "subpoena" not in "".join(names)
    assert names[0] != names[1]
    assert sorted(stored_files(tmp_path)) == sorted(tmp_path / name for name in names)
    # What a reader later downloads from where storage put it is the document uploaded, whole.
    for source in (first, second):
        with source.file.storage.open(source.file.name) as stored:
            assert stored.read() == content


@pytest.mark.parametrize("static_folder", ["STATIC_ROOT", "STATICFILES_DIRS"])
def test_the_settings_refuse_a_media_root_inside_the_static_files(
    settings, tmp_path, static_folder
):
    """Uploads are served only through the permission-checked view: a MEDIA_ROOT inside the
    static files would publish every stored document, so the settings refuse to load."""
    folder = {
        "STATIC_ROOT": settings.STATIC_ROOT,
        "STATICFILES_DIRS": settings.STATICFILES_DIRS[0],
    }[static_folder]

    def load_settings(media_root: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", "import config.settings"],
            cwd=settings.BASE_DIR,
            env={**os.environ, "MEDIA_ROOT": str(media_root)},
            capture_output=True,
            text=True,
            timeout=120,
        )

    elsewhere = load_settings(tmp_path / "media")
    assert elsewhere.returncode == 0, elsewhere.stderr[-2000:]
    inside = load_settings(Path(folder) / "media")
    assert inside.returncode != 0
    assert "MEDIA_ROOT must be outside the static files." in inside.stderr


def test_a_file_stored_before_the_rules_does_not_block_editing_its_source(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "old.html").write_bytes(HTML_PAGE)
    source = Source.objects.create(title="Old page", file="sources/old.html")

    services.update_source(source=source, actor=None, title="Old page (archived)")

    source.refresh_from_db()
    assert source.title == "Old page (archived)"


def spool(handler: uploads.BoundedUploadHandler, total: int) -> object:
    """Feed `total` bytes to the handler in its chunks, as Django's multipart parser does."""
    handler.new_file("file", "upload.pdf", "application/pdf", None)
    received = 0
    while received < total:
        chunk = b"0" * min(handler.chunk_size, total - received)
        handler.receive_data_chunk(chunk, received)
        received += len(chunk)
    return handler.file_complete(received)


def test_an_oversized_upload_keeps_at_most_the_limit_on_disk_and_is_refused_by_its_size(settings):
    settings.SOURCE_MAX_UPLOAD_MB = 1
    handler = uploads.BoundedUploadHandler()

    spooled = spool(handler, 3 * uploads.MIB)

    assert spooled.size == 3 * uploads.MIB
    on_disk = Path(spooled.temporary_file_path()).stat().st_size
    assert on_disk <= uploads.MIB + handler.chunk_size
    with pytest.raises(ValidationError) as refused:
        uploads.validate_upload(spooled)
    assert refused.value.messages == ["The file is 3.0 MB; the limit is 1 MB."]


def test_an_upload_within_the_limit_is_spooled_whole(settings):
    settings.SOURCE_MAX_UPLOAD_MB = 1
    spooled = spool(uploads.BoundedUploadHandler(), uploads.MIB)
    assert Path(spooled.temporary_file_path()).stat().st_size == spooled.size == uploads.MIB


def test_uploads_larger_than_memory_go_through_the_bounded_handler(settings):
    assert (
        settings.FILE_UPLOAD_HANDLERS[-1]
        == "requests_tracker.documents.uploads.BoundedUploadHandler"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_text_in_utf_16_or_32_is_refused_saying_what_to_save_it_as(encoding):
    """It was refused as "text/plain, which is not accepted", a type the list then offered."""
    content = "county,released\nKern County,2025-08-01\n".encode(encoding)
    if encoding == "utf-16-be":
        content = codecs.BOM_UTF16_BE + content
    with pytest.raises(ValidationError) as refused:
        uploads.detect_type(io.BytesIO(content))
    message = " ".join(refused.value.messages)
    assert "UTF-16 or UTF-32: save it as UTF-8" in message
    assert "text/plain, which is not accepted" not in message
