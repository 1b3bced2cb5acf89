"""Reading the text of a stored source document, one page at a time. No database here: the service
(services/documents.py) decides what to read and stores the result.

How each accepted type is read (types come from uploads.py):
- PDF: each page's text layer (pypdf). A page whose text layer holds fewer than
  OCR_BELOW_CHARACTERS letters or digits and that carries pictures is a scan: its pictures larger
  than a thumbnail are read with OCR (Tesseract through pytesseract).
- PNG, JPEG, TIFF: OCR, one page per image frame (a multi-page TIFF has several).
- DOCX (python-docx) and XLSX (openpyxl, read-only, one sheet at a time): their text, cut into
  parts of about PART_CHARACTERS; a part stands for a page (these formats have no fixed pages).
- Plain text and CSV: decoded (UTF-8, else Windows-1252) and cut into parts the same way.

Limits, so one huge scan cannot hold a worker: at most `max_pages` pages are read (the rest are
counted, not read, and the note says so: the result is still "done"); when `time_limit` seconds
have passed, reading stops and the result is "failed" with the reason, keeping the pages read so
far (the clock is checked between pages, between a page's pictures and every thousand rows of a
workbook). Within a page: no picture larger than OCR_MAX_PIXELS is decoded (judged by the size
its header or the PDF declares), a picture drawn many times is decoded once, and a workbook is
read XLSX_MAX_COLUMNS wide and XLSX_MAX_ROWS deep; what was left out is said in the note.
Without Tesseract, pages that need OCR are skipped and the result is "unavailable" (text pages of
the same PDF are still read), so a later run, once Tesseract is installed, reads them.
"""

from __future__ import annotations

import codecs
import functools
import logging
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings

from requests_tracker.choices import ExtractionMethod, ExtractionStatus
from requests_tracker.documents import uploads

logger = logging.getLogger(__name__)

OCR_BELOW_CHARACTERS = 20
# Pictures smaller than this on both sides are logos, seals or signatures, not scanned pages.
MIN_OCR_PICTURE_PIXELS = 300
PART_CHARACTERS = 10_000
XLSX_MAX_COLUMNS = 200
"""Columns of a workbook read for its text (a sheet may declare 16,384)."""
XLSX_MAX_ROWS = 200_000
"""Rows of a workbook read for its text, empty ones counted (a sheet may declare a million)."""
# PostgreSQL cannot index a tsvector over 1 MB; no real page comes near this.
MAX_PAGE_CHARACTERS = 200_000
# NUL cannot be stored in PostgreSQL text; U+E000/U+E001 mark search matches in snippets.
_UNSTORABLE = re.compile("[\x00\ue000\ue001]")


class OcrUnavailableError(Exception):
    """Tesseract (or its language data) is not installed."""


class TimeLimitReachedError(Exception):
    """The document's time is up."""


@dataclass(frozen=True)
class PageText:
    number: int
    text: str


@dataclass
class ExtractionResult:
    status: str
    method: str = ""
    page_count: int | None = None
    pages: list[PageText] = field(default_factory=list)
    note: str = ""


@dataclass
class _Page:
    number: int
    text: str
    used_ocr: bool = False
    needs_ocr: bool = False


class _Reading:
    """The limits of one document's reading: the clock and the OCR engine."""

    def __init__(
        self, *, time_limit: float, clock: Callable[[], float], ocr_languages: str
    ) -> None:
        self.clock = clock
        self.deadline = clock() + time_limit
        self.time_limit = time_limit
        self.ocr_languages = ocr_languages
        self.notes: set[str] = set()
        """What the reading left out (a picture too large, rows past the cap), for the note."""

    def remaining(self) -> float:
        left = self.deadline - self.clock()
        if left <= 0:
            raise TimeLimitReachedError
        return left

    def ocr(self, image: Any) -> str:
        """The text Tesseract reads in `image`; OcrUnavailableError without Tesseract."""
        if not ocr_available(self.ocr_languages):
            raise OcrUnavailableError
        import pytesseract

        if image.mode not in {"L", "RGB"}:
            image = image.convert("L")
        try:
            # Tesseract runs as a subprocess: the timeout kills it, so a page cannot overrun.
            return pytesseract.image_to_string(
                image, lang=self.ocr_languages, timeout=max(self.remaining(), 1)
            )
        except RuntimeError as error:
            if "timeout" in str(error).lower():
                raise TimeLimitReachedError from error
            raise


@functools.cache
def ocr_available(languages: str = "eng") -> bool:
    """Whether Tesseract and the language data for `languages` ("eng", "eng+spa") are installed."""
    try:
        import pytesseract
    except ImportError:
        return False
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return False
    try:
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError, RuntimeError):
        return False
    return set(languages.split("+")) <= installed


def extract_document(
    stream: IO[bytes],
    content_type: str,
    *,
    max_pages: int | None = None,
    time_limit: float | None = None,
    ocr_languages: str | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ExtractionResult:
    """Read the text of the document in `stream` (seekable, opened in binary mode).

    `content_type` is one of the accepted types of uploads.py; limits default to the settings
    EXTRACTION_MAX_PAGES, EXTRACTION_TIME_LIMIT_SECONDS and OCR_LANGUAGES. Errors of a damaged or
    protected document become a "failed" result with the reason; nothing is raised for them.
    """
    from PIL import Image

    # Pillow's own guard (it refuses to open an image past twice this) stays behind ours, which
    # refuses past OCR_MAX_PIXELS with a clearer reason: a backstop for a size a file lies about.
    Image.MAX_IMAGE_PIXELS = 2 * settings.OCR_MAX_PIXELS
    max_pages = settings.EXTRACTION_MAX_PAGES if max_pages is None else max_pages
    time_limit = settings.EXTRACTION_TIME_LIMIT_SECONDS if time_limit is None else time_limit
    reading = _Reading(
        time_limit=time_limit,
        clock=clock,
        ocr_languages=ocr_languages or settings.OCR_LANGUAGES,
    )
    reader = _READERS.get(content_type)
    if reader is None:
        return ExtractionResult(
            status=ExtractionStatus.FAILED, note=f"Files of type {content_type} are not read."
        )
    result = ExtractionResult(status=ExtractionStatus.DONE)
    needing_ocr: list[int] = []
    used_text = used_ocr = False
    truncated = False
    read = 0
    try:
        result.page_count, pages = reader(stream, reading)
        while True:
            # Both limits are checked before the next page is read, not after.
            reading.remaining()
            if read >= max_pages:
                truncated = (
                    result.page_count > read
                    if result.page_count is not None
                    else next(pages, None) is not None
                )
                break
            page = next(pages, None)
            if page is None:
                break
            read = page.number
            used_ocr |= page.used_ocr
            used_text |= bool(page.text.strip()) and not page.used_ocr
            if page.needs_ocr:
                needing_ocr.append(page.number)
            text = _storable(page.text)
            if text.strip():
                result.pages.append(PageText(page.number, text))
        if result.page_count is None:
            result.page_count = read
    except TimeLimitReachedError:
        result.status = ExtractionStatus.FAILED
        result.note = (
            f"Stopped at the time limit of {time_limit:g} seconds after {read} of "
            f"{_pages_phrase(result.page_count)}; the pages read are searchable."
        )
    except _DocumentUnreadableError as error:
        return ExtractionResult(status=ExtractionStatus.FAILED, note=str(error))
    result.method = _method(content_type, used_text=used_text, used_ocr=used_ocr)
    if result.status == ExtractionStatus.DONE and needing_ocr:
        result.status = ExtractionStatus.UNAVAILABLE
        result.note = _needs_ocr_note(needing_ocr)
    elif result.status == ExtractionStatus.DONE and truncated:
        of_total = f" of {result.page_count}" if result.page_count > max_pages else ""
        result.note = (
            f"Only the first {max_pages}{of_total} pages were read (EXTRACTION_MAX_PAGES)."
        )
    if result.status == ExtractionStatus.DONE and reading.notes:
        result.note = " ".join([result.note, *sorted(reading.notes)]).strip()
    return result


class _DocumentUnreadableError(Exception):
    """The document cannot be read at all (damaged, encrypted, too large); the message says why."""


def _storable(text: str) -> str:
    text = _UNSTORABLE.sub("", text)
    text = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")
    return text[:MAX_PAGE_CHARACTERS]


def _method(content_type: str, *, used_text: bool, used_ocr: bool) -> str:
    if content_type == uploads.PDF.content_type:
        if used_text and used_ocr:
            return ExtractionMethod.PDF_TEXT_AND_OCR
        return ExtractionMethod.OCR if used_ocr else ExtractionMethod.PDF_TEXT
    if content_type in uploads.IMAGE_TYPES:
        return ExtractionMethod.OCR
    if content_type == uploads.DOCX.content_type:
        return ExtractionMethod.DOCX
    if content_type == uploads.XLSX.content_type:
        return ExtractionMethod.XLSX
    return ExtractionMethod.TEXT


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _pages_phrase(page_count: int | None) -> str:
    return _count(page_count, "page") if page_count is not None else "its pages"


def _needs_ocr_note(numbers: list[int], shown: int = 10) -> str:
    listed = ", ".join(map(str, numbers[:shown])) + (", ..." if len(numbers) > shown else "")
    if len(numbers) == 1:
        return f"Page {listed} is a scan that needs OCR, and Tesseract is not installed."
    return f"Pages {listed} are scans that need OCR, and Tesseract is not installed."


# --- readers: (stream, reading) -> (page count if known, pages one at a time) ------------------

Reader = Callable[[IO[bytes], _Reading], tuple[int | None, Iterator[_Page]]]


def _read_pdf(stream: IO[bytes], reading: _Reading) -> tuple[int | None, Iterator[_Page]]:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        pdf = pypdf.PdfReader(stream)
        if pdf.is_encrypted and not pdf.decrypt(""):
            raise _DocumentUnreadableError("The PDF is password-protected.")
        count = len(pdf.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise _DocumentUnreadableError(f"The PDF could not be read: {error}") from error

    def pages() -> Iterator[_Page]:
        for index in range(count):
            number = index + 1
            page = pdf.pages[index]
            try:
                text = page.extract_text() or ""
            except Exception as error:  # pypdf raises many kinds on one broken page
                logger.warning("Page %s has no readable text layer: %s", number, error)
                text = ""
            if _letters_and_digits(text) >= OCR_BELOW_CHARACTERS:
                yield _Page(number, text)
                continue
            pictures = _page_pictures(page, number, reading)
            if not pictures:
                yield _Page(number, text)
                continue
            try:
                read = "\n".join(reading.ocr(picture) for picture in pictures)
            except OcrUnavailableError:
                yield _Page(number, text, needs_ocr=True)
                continue
            yield _Page(number, "\n".join(part for part in (text, read) if part.strip()), True)

    return count, pages()


def _letters_and_digits(text: str) -> int:
    return sum(character.isalnum() for character in text)


def _page_pictures(page: Any, number: int, reading: _Reading) -> list[Any]:
    """The page's pictures large enough to be a scan, each decoded once however often the page
    draws it, and none larger than OCR_MAX_PIXELS (judged by the size the PDF declares, before
    anything is decoded: a picture that big is a bomb or a poster, not a page to read)."""
    pictures = []
    seen: set[Any] = set()
    try:
        # The names only: iterating page.images itself would decode every picture.
        for key in page.images.keys():  # noqa: SIM118
            reading.remaining()
            stream = _image_stream(page, key)
            if stream is not None:
                reference = stream.indirect_reference or id(stream)
                if reference in seen:
                    continue
                seen.add(reference)
                pixels = int(stream.get("/Width", 0)) * int(stream.get("/Height", 0))
                if pixels > settings.OCR_MAX_PIXELS:
                    reading.notes.add(_too_large_note(number, pixels))
                    continue
            image = page.images[key].image
            if image is None:
                continue
            width, height = image.size
            if width >= MIN_OCR_PICTURE_PIXELS or height >= MIN_OCR_PICTURE_PIXELS:
                pictures.append(image)
    except TimeLimitReachedError:
        raise
    except Exception as error:  # an image codec pypdf cannot decode (e.g. JBIG2 without jbig2dec)
        logger.warning("The pictures on page %s could not be decoded: %s", number, error)
    return pictures


def _image_stream(page: Any, key: Any) -> Any:
    """The image XObject a key of page.images names (through forms), or None (inline)."""
    names = key if isinstance(key, list) else [key]
    holder = page
    for name in names:
        resources = holder.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        if not resources or "/XObject" not in resources:
            return None
        xobjects = resources["/XObject"].get_object()
        if name not in xobjects:
            return None
        holder = xobjects[name].get_object()
    return holder


def _too_large_note(number: int, pixels: int) -> str:
    return (
        f"A picture on page {number} is {pixels / 1e6:.0f} megapixels, more than OCR reads "
        f"({settings.OCR_MAX_PIXELS / 1e6:.0f}, OCR_MAX_PIXELS): it was not read."
    )


def _read_image(stream: IO[bytes], reading: _Reading) -> tuple[int | None, Iterator[_Page]]:
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(stream)  # reads the header only: the size is known, nothing decoded
        width, height = image.size
        count = getattr(image, "n_frames", 1)
    except Image.DecompressionBombError as error:
        raise _DocumentUnreadableError(
            f"The image is larger than OCR reads (OCR_MAX_PIXELS): {error}"
        ) from error
    except (UnidentifiedImageError, OSError) as error:
        raise _DocumentUnreadableError(f"The image could not be read: {error}") from error
    if width * height > settings.OCR_MAX_PIXELS:
        raise _DocumentUnreadableError(
            f"The image is {width} x {height} pixels, more than OCR reads "
            f"({settings.OCR_MAX_PIXELS:,} pixels, OCR_MAX_PIXELS)."
        )

    def pages() -> Iterator[_Page]:
        for index in range(count):
            try:
                image.seek(index)
                if image.size[0] * image.size[1] > settings.OCR_MAX_PIXELS:
                    raise _DocumentUnreadableError(
                        f"Page {index + 1} of the image is larger than OCR reads "
                        f"({settings.OCR_MAX_PIXELS:,} pixels, OCR_MAX_PIXELS)."
                    )
                image.load()
            except (OSError, EOFError, Image.DecompressionBombError) as error:
                raise _DocumentUnreadableError(
                    f"Page {index + 1} of the image could not be read: {error}"
                ) from error
            try:
                yield _Page(index + 1, reading.ocr(image), used_ocr=True)
            except OcrUnavailableError:
                yield _Page(index + 1, "", needs_ocr=True)

    return count, pages()


def _read_docx(stream: IO[bytes], reading: _Reading) -> tuple[int | None, Iterator[_Page]]:
    import docx

    try:
        document = docx.Document(stream)
    except Exception as error:  # python-docx raises zip, XML and key errors for a damaged file
        raise _DocumentUnreadableError(f"The DOCX document could not be read: {error}") from error

    def lines() -> Iterator[str]:
        for paragraph in document.paragraphs:
            yield paragraph.text
        for table in document.tables:
            for row in table.rows:
                yield "\t".join(cell.text for cell in row.cells)

    return None, _parts(lines())


def _read_xlsx(stream: IO[bytes], reading: _Reading) -> tuple[int | None, Iterator[_Page]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors for a damaged file
        raise _DocumentUnreadableError(f"The XLSX workbook could not be read: {error}") from error

    def lines() -> Iterator[str]:
        # Empty rows and columns cost nothing to store but much to fill in: openpyxl makes every
        # row up to the sheet's declared size. Only XLSX_MAX_COLUMNS columns are read, rows are
        # counted as they come (empty ones too) and the clock is checked as they go.
        scanned = 0
        try:
            for sheet in workbook.worksheets:
                yield f"Sheet: {sheet.title}"
                for row in sheet.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS):
                    scanned += 1
                    if scanned % 1000 == 0:
                        reading.remaining()
                    if scanned > XLSX_MAX_ROWS:
                        reading.notes.add(
                            f"Only the first {XLSX_MAX_ROWS:,} rows of the workbook were read."
                        )
                        return
                    if not any(value is not None and value != "" for value in row):
                        continue
                    cells = ["" if value is None else str(value) for value in row]
                    yield "\t".join(cells).rstrip("\t")
        finally:
            workbook.close()

    return None, _parts(lines())


def _read_text(stream: IO[bytes], reading: _Reading) -> tuple[int | None, Iterator[_Page]]:
    encoding = "utf-8-sig" if _decodes(stream, "utf-8-sig") else "cp1252"

    def lines() -> Iterator[str]:
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        pending = ""
        while chunk := stream.read(64 * 1024):
            pending += decoder.decode(chunk)
            *complete, pending = pending.split("\n")
            yield from complete
        pending += decoder.decode(b"", final=True)
        if pending:
            yield pending

    return None, _parts(lines())


def _decodes(stream: IO[bytes], encoding: str) -> bool:
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        while chunk := stream.read(64 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _parts(lines: Iterator[str]) -> Iterator[_Page]:
    """Lines gathered into numbered parts of about PART_CHARACTERS (a long line is cut)."""
    number, buffer, size = 1, [], 0
    for line in lines:
        while len(line) > PART_CHARACTERS:
            if buffer:
                yield _Page(number, "\n".join(buffer))
                number, buffer, size = number + 1, [], 0
            yield _Page(number, line[:PART_CHARACTERS])
            number, line = number + 1, line[PART_CHARACTERS:]
        if size + len(line) > PART_CHARACTERS and buffer:
            yield _Page(number, "\n".join(buffer))
            number, buffer, size = number + 1, [], 0
        buffer.append(line)
        size += len(line) + 1
    if buffer:
        yield _Page(number, "\n".join(buffer))


_READERS: dict[str, Reader] = {
    uploads.PDF.content_type: _read_pdf,
    uploads.PNG.content_type: _read_image,
    uploads.JPEG.content_type: _read_image,
    uploads.TIFF.content_type: _read_image,
    uploads.DOCX.content_type: _read_docx,
    uploads.XLSX.content_type: _read_xlsx,
    uploads.PLAIN_TEXT.content_type: _read_text,
    uploads.CSV.content_type: _read_text,
}
