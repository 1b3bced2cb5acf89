"""A source's page (/sources/<id>/) and its stored document (/sources/<id>/file).

Who may see them (permissions.py, through selectors.documents.visible_sources):
- the page follows the other pages: anonymous visitors of a closed instance are sent to log in,
  a signed-in user without a newsroom role gets 403;
- a sensitive source, to anyone but an editor, answers 404 at both addresses, exactly as a source
  that does not exist: whoever may not see it may not learn it exists either;
- the file answers 404 to everyone who may not read the tracker (anonymous on a closed instance
  included): a file address tells nothing to someone who cannot open it;
- API clients follow a source's `file_url` with their API token (Authorization: Token ...): the
  same check is made for the token's user; a wrong token is treated as no token.

The file always goes out as a download (Content-Disposition: attachment), with the type read from
its bytes (or application/octet-stream when the stored bytes are not an accepted type: files kept
from before the upload rules), `X-Content-Type-Options: nosniff` and a Content-Security-Policy of
`default-src 'none'; sandbox`, so even a file that holds markup can never run as a page of this
site. With SOURCE_FILE_DELIVERY set to x-accel-redirect or x-sendfile, Django checks and the web
server sends the bytes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from requests_tracker import permissions
from requests_tracker.documents import uploads
from requests_tracker.models import Source
from requests_tracker.selectors import documents
from requests_tracker.web.views import reader_required

FILE_CSP = "default-src 'none'; sandbox"
DOWNLOAD_TYPE_FALLBACK = "application/octet-stream"


@require_safe
@reader_required
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = documents.source_for_page(pk, request.user)
    if source is None:
        raise Http404("No such source.")
    return render(
        request,
        "tracker/source_detail.html",
        {
            "source": source,
            "preview": documents.first_lines(source),
            "citations": documents.citations_of(source, request.user),
            "can_see_internal": permissions.can_see_internal(request.user),
        },
    )


def file_reader(request: HttpRequest) -> Any:
    """Who asks for a file: the signed-in user, or the user of a valid API token."""
    if request.user.is_authenticated:
        return request.user
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        found = None
    return found[0] if found else request.user


@require_safe
def source_file(request: HttpRequest, pk: int) -> HttpResponse:
    reader = file_reader(request)
    source = documents.visible_sources(reader).exclude(file="").filter(pk=pk).first()
    if source is None:
        raise Http404("No such file.")
    content_type = download_type(source)
    kind = uploads.TYPES_BY_CONTENT_TYPE.get(content_type)
    filename = f"{slugify(source.title)[:80] or 'source'}-{source.pk}"
    filename += kind.extension if kind else ".bin"
    delivery = settings.SOURCE_FILE_DELIVERY
    if delivery == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        prefix = settings.SOURCE_FILE_ACCEL_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = quote(f"{prefix}/{source.file.name}")
    elif delivery == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = source.file.path
    else:
        try:
            stream = source.file.open("rb")
        except FileNotFoundError as error:
            raise Http404("The stored file is missing.") from error
        response = FileResponse(stream, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Shared caches must never keep a copy; a sensitive file is not kept even by the browser.
    response["Cache-Control"] = "private, no-store" if source.sensitive else "private"
    return response


def download_type(source: Source) -> str:
    """The type a stored file is sent as: the one recorded from its bytes at upload, or, for a
    file stored before the upload rules, read from its bytes now; never a type the rules refuse."""
    if source.content_type in uploads.TYPES_BY_CONTENT_TYPE:
        return source.content_type
    try:
        with source.file.open("rb") as stream:
            return uploads.detect_type(stream).content_type
    except (ValidationError, OSError):
        return DOWNLOAD_TYPE_FALLBACK
