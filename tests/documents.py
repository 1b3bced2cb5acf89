"""Test documents made by the tests themselves: nothing binary is fetched or shipped.

A text PDF is written with fpdf2 (its text is a real text layer); a scanned PDF is a picture of
printed words (Pillow draws them, then saves the picture as a PDF page), so only OCR can read it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from requests_tracker.documents.document_text import ocr_available
from tests.ci import unavailable


def require_tesseract() -> None:
    """Skip a test that needs OCR where Tesseract is missing (a failure under CI)."""
    if not ocr_available("eng"):
        unavailable("Tesseract with English data is not installed (Debian: tesseract-ocr-eng)")


def text_pdf(pages: Sequence[str]) -> bytes:
    """A PDF with one page per string, each set as selectable text."""
    pdf = FPDF(format="letter")
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def page_image(text: str, *, size: tuple[int, int] = (1275, 1650)) -> Image.Image:
    """A white letter-size page at 150 dpi with `text` printed large and dark, like a clean scan."""
    image = Image.new("L", size, color=255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=44)
    y = 150
    for line in text.splitlines():
        draw.text((120, y), line, fill=0, font=font)
        y += 70
    return image


def scanned_pdf(pages: Sequence[str]) -> bytes:
    """A PDF whose pages are only pictures of text (no text layer), as a scanner makes them."""
    images = [page_image(text) for text in pages]
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=150, save_all=True, append_images=images[1:])
    return out.getvalue()


def image_bytes(text: str, *, format: str = "PNG") -> bytes:
    out = io.BytesIO()
    page_image(text).save(out, format=format)
    return out.getvalue()


def docx_bytes(paragraphs: Sequence[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    """An uploaded file as Django hands it to a form, a serializer or a service."""
    return SimpleUploadedFile(name, content, content_type=content_type)


MIB = 1024 * 1024
SUBPOENA_PAGES = [
    "Grand jury subpoena to the Sheriff of Los Angeles County.",
    "Produce every record of release dates under 8 U.S.C. 1373.",
]
"""A two-page filing whose second page holds the phrase a reporter searches for."""
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_IMAGE = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)


def oversized_pdf(megabytes: int = 26) -> bytes:
    """A file that starts like a PDF and is `megabytes` MB long: refused for its size alone."""
    head = b"%PDF-1.7\n"
    return head + b"0" * (megabytes * MIB - len(head))


REFUSED_UPLOADS = [
    # (what it is, the name it is sent under, its bytes, words the refusal must contain)
    ("26 MB", "subpoena.pdf", oversized_pdf, "The file is 26.0 MB; the limit is 25 MB."),
    ("HTML renamed .pdf", "subpoena.pdf", lambda: HTML_PAGE, "HTML or XML markup"),
    ("SVG", "chart.svg", lambda: SVG_IMAGE, "HTML or XML markup (a web page or an SVG image)"),
]
"""The uploads every way in (web form, API, admin) must refuse, each with its reason. The bytes
are made on demand (a 26 MB file is not kept in memory between tests)."""


def refused_upload_ids() -> list[str]:
    return [case[0] for case in REFUSED_UPLOADS]


def files_under(folder) -> list[str]:
    """Every file stored under `folder` (MEDIA_ROOT), as paths relative to it."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def read_on_commit(monkeypatch) -> None:
    """Have the text-reading task run in this process when it is queued (no broker, no worker),
    so a test that runs on-commit callbacks sees the document read as the worker would."""
    from requests_tracker import tasks

    monkeypatch.setattr(
        tasks.extract_source_text_task,
        "delay",
        lambda source_id: tasks.extract_source_text_task(source_id),
    )
