"""A source's page and its file: who may open them, and how the file goes out."""

from __future__ import annotations

import pytest
from django.test import Client

from requests_tracker import services
from requests_tracker.models import Source
from requests_tracker.services.documents import extract_source_text
from tests.documents import text_pdf, upload
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

SUBPOENA_PAGES = [
    "Grand jury subpoena to the Sheriff of Los Angeles County.",
    "Produce every record of release dates under 8 U.S.C. 1373.",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_source(title: str, content: bytes, *, sensitive: bool = False) -> Source:
    source = services.add_source(title=title, file=upload("document.pdf", content))
    Source.objects.filter(pk=source.pk).update(sensitive=sensitive)
    extract_source_text(source_id=source.pk)
    return Source.objects.get(pk=source.pk)


@pytest.fixture
def subpoena() -> Source:
    return stored_source("Grand jury subpoena", text_pdf(SUBPOENA_PAGES))


@pytest.fixture
def roster() -> Source:
    return stored_source(
        "Jail roster with release dates",
        text_pdf(["Booking 4471, release 2025-08-01"]),
        sensitive=True,
    )


def assert_served_as_a_safe_download(response, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_file_goes_out_as_an_attachment_of_its_true_type(subpoena, journalist):
    response = signed_in(journalist).get(f"/sources/{subpoena.pk}/file")
    assert_served_as_a_safe_download(response, "application/pdf")
    assert f'filename="grand-jury-subpoena-{subpoena.pk}.pdf"' in response["Content-Disposition"]
    with subpoena.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><body><script>alert(document.cookie)</script></body></html>"),
        ("notes.txt", b"Release dates below.\n<script>alert(document.cookie)</script>\n"),
        ("chart.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_a_stored_file_holding_a_script_is_never_served_as_a_page(media, journalist, name, content):
    # Files stored before the upload rules existed are still on disk; they go out inert.
    (media / "sources").mkdir(exist_ok=True)
    (media / "sources" / name).write_bytes(content)
    source = Source.objects.create(title="Legacy copy", file=f"sources/{name}")

    response = signed_in(journalist).get(f"/sources/{source.pk}/file")

    assert_served_as_a_safe_download(response, "application/octet-stream")
    assert response["Content-Disposition"].endswith('.bin"')
    assert "html" not in response["Content-Type"] and "svg" not in response["Content-Type"]


def test_an_accepted_text_file_goes_out_as_plain_text(journalist):
    source = stored_source("County notes", b"Scheduled release dates are not kept.\n")
    response = signed_in(journalist).get(f"/sources/{source.pk}/file")
    assert_served_as_a_safe_download(response, "text/plain")


def test_a_sensitive_file_is_downloaded_by_editors_and_kept_out_of_caches(roster, editor):
    response = signed_in(editor).get(f"/sources/{roster.pk}/file")
    assert_served_as_a_safe_download(response, "application/pdf")
    assert response["Cache-Control"] == "private, no-store"
    page = signed_in(editor).get(f"/sources/{roster.pk}/")
    assert page.status_code == 200
    assert "Sensitive: editors only" in page.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "viewer", "journalist", "stranger"])
def test_a_sensitive_source_does_not_exist_for_anyone_but_editors(
    roster, settings, who, viewer, journalist
):
    settings.TRACKER_PUBLIC = True
    client = {
        "anonymous": Client(),
        "viewer": signed_in(viewer),
        "journalist": signed_in(journalist),
        "stranger": signed_in(type(journalist).objects.create(username="stranger")),
    }[who]
    missing = Source.objects.order_by("-pk").first().pk + 100
    for path in (f"/sources/{roster.pk}/file", f"/sources/{roster.pk}/"):
        response = client.get(path)
        # The same answer as for a source that does not exist.
        assert response.status_code in {403, 404}, path
        assert (
            response.status_code
            == client.get(path.replace(str(roster.pk), str(missing))).status_code
        )
        assert b"release" not in response.content.lower()
    assert client.get(f"/sources/{roster.pk}/file").status_code == 404


def test_anonymous_visitors_of_a_closed_tracker_get_404_for_a_file(subpoena, client, settings):
    settings.TRACKER_PUBLIC = False
    assert client.get(f"/sources/{subpoena.pk}/file").status_code == 404
    page = client.get(f"/sources/{subpoena.pk}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


def test_a_public_tracker_lets_anonymous_visitors_download_an_ordinary_source(
    subpoena, client, settings
):
    settings.TRACKER_PUBLIC = True
    assert_served_as_a_safe_download(client.get(f"/sources/{subpoena.pk}/file"), "application/pdf")


def test_a_source_with_only_an_address_has_no_file(journalist):
    source = Source.objects.create(title="Press release", url="https://www.justice.gov/opa/pr/x")
    assert signed_in(journalist).get(f"/sources/{source.pk}/file").status_code == 404


def test_the_web_server_can_send_the_bytes_after_django_checked(
    subpoena, roster, journalist, settings
):
    settings.SOURCE_FILE_DELIVERY = "x-accel-redirect"
    response = signed_in(journalist).get(f"/sources/{subpoena.pk}/file")
    assert response["X-Accel-Redirect"] == f"/protected-media/{subpoena.file.name}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert signed_in(journalist).get(f"/sources/{roster.pk}/file").status_code == 404

    settings.SOURCE_FILE_DELIVERY = "x-sendfile"
    response = signed_in(journalist).get(f"/sources/{subpoena.pk}/file")
    assert response["X-Sendfile"] == subpoena.file.path


def test_the_source_page_shows_the_document_and_its_text(subpoena, journalist, data_request):
    services.cite_source(source=subpoena, record=data_request, actor=journalist)
    page = signed_in(journalist).get(f"/sources/{subpoena.pk}/").content.decode()
    assert subpoena.sha256 in page
    assert "application/pdf" in page
    assert "Text extracted" in page and "PDF text layer" in page
    assert "<dt>Pages</dt><dd>2</dd>" in page
    assert "Grand jury subpoena to the Sheriff of Los Angeles County." in page
    assert f'href="/sources/{subpoena.pk}/file"' in page
    assert f'href="/requests/{data_request.pk}/"' in page


def test_a_source_list_links_its_stored_copy_through_the_checked_view(
    subpoena, journalist, data_request
):
    services.cite_source(source=subpoena, record=data_request, actor=journalist)
    page = signed_in(journalist).get(f"/requests/{data_request.pk}/").content.decode()
    assert f'href="/sources/{subpoena.pk}/file">stored copy' in page
    assert "/media/" not in page
    assert signed_in(journalist).get(f"/media/{subpoena.file.name}").status_code == 404
