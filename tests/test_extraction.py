"""Reading a document's text page by page (document_text.py), with its page and time limits."""

from __future__ import annotations

import io

import pytest

from requests_tracker.choices import ExtractionMethod, ExtractionStatus
from requests_tracker.documents import document_text, uploads
from tests.documents import (
    docx_bytes,
    image_bytes,
    require_tesseract,
    scanned_pdf,
    text_pdf,
    xlsx_bytes,
)
from tests.sheets import sparse_xlsx

LETTER = "Pursuant to 8 U.S.C. 1373, provide the list of non-citizens in custody."


def read(content: bytes, content_type: str = "application/pdf", **limits):
    return document_text.extract_document(io.BytesIO(content), content_type, **limits)


def texts(result) -> dict[int, str]:
    return {page.number: page.text for page in result.pages}


def text_page_then_scanned_page() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in (text_pdf([LETTER]), scanned_pdf(["scheduled release date"])):
        writer.append(PdfReader(io.BytesIO(part)))
    combined = io.BytesIO()
    writer.write(combined)
    return combined.getvalue()


@pytest.fixture
def no_tesseract(monkeypatch):
    monkeypatch.setattr(document_text, "ocr_available", lambda languages="eng": False)


def test_a_text_pdf_is_read_page_by_page_from_its_text_layer():
    result = read(text_pdf(["Cover letter", LETTER, "Signed, Civil Rights Division"]))
    assert result.status == ExtractionStatus.DONE
    assert result.method == ExtractionMethod.PDF_TEXT
    assert result.page_count == 3
    assert "8 U.S.C. 1373" in texts(result)[2]
    assert "8 U.S.C. 1373" not in texts(result)[1] + texts(result)[3]


def test_a_scanned_pdf_is_read_with_ocr():
    require_tesseract()
    result = read(scanned_pdf(["Inmate roster", "scheduled release date"]))
    assert result.status == ExtractionStatus.DONE
    assert result.method == ExtractionMethod.OCR
    assert "scheduled release date" in texts(result)[2].lower()


def test_a_pdf_mixing_text_and_scanned_pages_uses_both():
    require_tesseract()
    result = read(text_page_then_scanned_page())
    assert result.method == ExtractionMethod.PDF_TEXT_AND_OCR
    assert "1373" in texts(result)[1]
    assert "release date" in texts(result)[2].lower()


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "TIFF"])
def test_an_image_is_read_with_ocr(image_format):
    require_tesseract()
    content = image_bytes("scheduled release date", format=image_format)
    content_type = uploads.validate_upload(io.BytesIO(content)).content_type
    result = read(content, content_type)
    assert (result.status, result.method) == (ExtractionStatus.DONE, ExtractionMethod.OCR)
    assert "scheduled release date" in texts(result)[1].lower()


def test_without_tesseract_a_scan_is_marked_ocr_unavailable_and_text_pages_still_read(
    no_tesseract,
):
    result = read(text_page_then_scanned_page())
    assert result.status == ExtractionStatus.UNAVAILABLE
    assert result.note == "Page 2 is a scan that needs OCR, and Tesseract is not installed."
    assert list(texts(result)) == [1]
    assert "1373" in texts(result)[1]


def test_without_tesseract_an_image_is_marked_ocr_unavailable(no_tesseract):
    result = read(image_bytes("scheduled release date"), "image/png")
    assert result.status == ExtractionStatus.UNAVAILABLE
    assert result.pages == []


def test_pages_past_the_page_limit_are_counted_not_read():
    result = read(
        text_pdf([f"Page {n} of the filing, exhibit text." for n in range(1, 6)]), max_pages=2
    )
    assert result.status == ExtractionStatus.DONE
    assert list(texts(result)) == [1, 2]
    assert result.page_count == 5
    assert result.note == "Only the first 2 of 5 pages were read (EXTRACTION_MAX_PAGES)."


def test_reading_stops_at_the_time_limit_keeping_the_pages_read():
    ticks = iter(range(1000))
    result = read(
        text_pdf([f"Page {n} of a long scan." for n in range(1, 11)]),
        time_limit=3.5,
        clock=lambda: float(next(ticks)),
    )
    assert result.status == ExtractionStatus.FAILED
    assert "time limit of 3.5 seconds" in result.note
    assert 0 < len(result.pages) < 10
    assert f"after {len(result.pages)} of 10 pages" in result.note


def test_a_damaged_pdf_fails_with_the_reason():
    result = read(b"%PDF-1.7\nthis is not really a PDF")
    assert result.status == ExtractionStatus.FAILED
    assert result.note.startswith("The PDF could not be read")


def test_word_and_excel_files_are_read_directly():
    word = read(docx_bytes(["Letter to Sheriff Luna", LETTER]), uploads.DOCX.content_type)
    assert word.method == ExtractionMethod.DOCX
    assert "8 U.S.C. 1373" in texts(word)[1]

    sheets = {"Releases": [["booking", "scheduled release date"], ["A-1", "2025-08-01"]]}
    excel = read(xlsx_bytes(sheets), uploads.XLSX.content_type)
    assert excel.method == ExtractionMethod.XLSX
    assert "scheduled release date" in texts(excel)[1]
    assert "2025-08-01" in texts(excel)[1]


def test_long_plain_text_is_cut_into_numbered_parts_at_line_ends():
    lines = [f"row {n},released 2025-08-{n % 28 + 1:02d}" for n in range(2000)]
    result = read("\n".join(lines).encode(), "text/csv")
    assert result.method == ExtractionMethod.TEXT
    assert result.page_count == len(result.pages) > 2
    assert all(len(page.text) <= document_text.PART_CHARACTERS for page in result.pages)
    rejoined = "\n".join(page.text for page in result.pages)
    assert rejoined.splitlines() == lines


def test_windows_1252_text_is_decoded():
    result = read("Déclaration: fecha de liberación".encode("cp1252"), "text/plain")
    assert texts(result)[1] == "Déclaration: fecha de liberación"


def test_text_that_postgresql_cannot_store_is_removed():
    result = read(b"before\x00after \xee\x80\x80mark", "text/plain")
    assert texts(result)[1] == "beforeafter mark"


def test_an_image_larger_than_ocr_reads_is_refused_before_it_is_decoded(settings):
    """A small PNG can decode to gigabytes (12,000 x 12,000 took a worker to 630 MB): its size
    is judged from its header, against OCR_MAX_PIXELS."""
    from PIL import Image

    settings.OCR_MAX_PIXELS = 1_000_000
    picture = io.BytesIO()
    Image.new("1", (2000, 2000), 1).save(picture, format="PNG")
    assert len(picture.getvalue()) < 10_000
    result = read(picture.getvalue(), "image/png")
    assert result.status == ExtractionStatus.FAILED
    assert "2000 x 2000 pixels, more than OCR reads" in result.note


def test_a_pdf_picture_larger_than_ocr_reads_is_left_out_with_a_note(settings, monkeypatch):
    """A page drawing one huge picture many times: nothing is decoded, the note says why."""
    from fpdf import FPDF
    from PIL import Image

    settings.OCR_MAX_PIXELS = 1_000_000
    picture = io.BytesIO()
    Image.new("L", (2000, 2000), 255).save(picture, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    for n in range(20):
        pdf.image(io.BytesIO(picture.getvalue()), x=5 + n, y=5 + n, w=100)
    decoded = []
    monkeypatch.setattr(document_text._Reading, "ocr", lambda self, image: decoded.append(1) or "")
    result = read(bytes(pdf.output()))
    assert decoded == []
    assert result.status == ExtractionStatus.DONE
    assert "A picture on page 1 is 4 megapixels, more than OCR reads" in result.note


def test_a_workbook_declaring_a_million_rows_is_read_only_to_the_row_cap(monkeypatch):
    monkeypatch.setattr(document_text, "XLSX_MAX_ROWS", 5_000)
    workbook = sparse_xlsx(["county", "released"], far_row=20_000, value="Kern County")
    result = read(workbook, uploads.XLSX.content_type)
    assert result.status == ExtractionStatus.DONE
    assert "Only the first 5,000 rows of the workbook were read." in result.note
    assert "county\treleased" in texts(result)[1]
