"""Sources in the admin: the same upload rules and words as every other way in, nothing stored
for a refused file, the worker's fields read-only, and sensitive sources for editors only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from requests_tracker import services
from requests_tracker.models import EXTRACTION_FIELDS, ExtractionStatus, Source
from tests.admin.pages import unchanged_post
from tests.documents import REFUSED_UPLOADS, files_under, refused_upload_ids, text_pdf, upload
from tests.factories import UserFactory, make_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

ADD_URL = reverse("admin:requests_tracker_source_add")
LIST_URL = reverse("admin:requests_tracker_source_changelist")


@pytest.fixture
def desk_editor(db):
    return UserFactory(username="desk", role="editor", is_staff=True)


@pytest.fixture
def staff_journalist(db):
    return UserFactory(username="reporter", role="journalist", is_staff=True)


def signed_in(client, user):
    client.force_login(user)
    return client


def post_upload(client, name: str, content: bytes, **fields):
    data = unchanged_post(client.get(ADD_URL))
    data.update(
        {
            "title": "Grand jury subpoena",
            "kind": "court_filing",
            "file": SimpleUploadedFile(name, content, "application/pdf"),
            **fields,
        }
    )
    return client.post(ADD_URL, data)


@pytest.mark.parametrize(
    ("what", "name", "content", "reason"), REFUSED_UPLOADS, ids=refused_upload_ids()
)
def test_a_refused_upload_is_shown_on_the_file_field_and_nothing_is_stored(
    client, desk_editor, media, what, name, content, reason
):
    response = post_upload(signed_in(client, desk_editor), name, content())

    assert response.status_code == 200
    assert reason in " ".join(response.context["adminform"].form.errors["file"])
    assert not Source.objects.exists()
    assert files_under(media) == []


def test_a_real_pdf_is_stored_through_the_service_with_its_type_and_size(
    client, desk_editor, media
):
    content = text_pdf(["Grand jury subpoena.", "Release dates under 8 U.S.C. 1373."])
    response = post_upload(signed_in(client, desk_editor), "subpoena.pdf", content)

    assert response.status_code == 302
    source = Source.objects.get()
    assert (source.content_type, source.file_size) == ("application/pdf", len(content))
    assert source.extraction_status == ExtractionStatus.PENDING
    assert source.created_by == desk_editor
    assert files_under(media) == [source.file.name]


def test_the_workers_fields_are_read_only_and_the_list_filters_by_them(client, desk_editor):
    source = services.add_source(
        title="Letter", file=upload("letter.pdf", text_pdf(["Letter"])), actor=desk_editor
    )
    page = signed_in(client, desk_editor).get(
        reverse("admin:requests_tracker_source_change", args=[source.pk])
    )
    form = page.context["adminform"].form
    assert "sensitive" in form.fields
    assert not set(EXTRACTION_FIELDS) & set(form.fields)
    assert set(EXTRACTION_FIELDS) <= set(page.context["adminform"].readonly_fields)

    listed = client.get(LIST_URL, {"extraction_status__exact": "pending"})
    assert [row.pk for row in listed.context["cl"].result_list] == [source.pk]
    assert not client.get(LIST_URL, {"extraction_status__exact": "done"}).context["cl"].result_list


def test_an_editor_marks_a_source_sensitive_here(client, desk_editor):
    response = post_upload(
        signed_in(client, desk_editor), "roster.pdf", text_pdf(["Roster"]), sensitive="on"
    )
    assert response.status_code == 302
    assert Source.objects.get().sensitive
    listed = client.get(LIST_URL, {"sensitive__exact": "1"})
    assert len(listed.context["cl"].result_list) == 1


def test_a_staff_journalist_never_meets_a_sensitive_source_here(
    client, staff_journalist, desk_editor, county
):
    roster = services.add_source(
        title="LASD inmate roster",
        file=upload("roster.pdf", text_pdf(["Roster"])),
        sensitive=True,
        actor=desk_editor,
    )
    data_request = make_request(county=county)
    services.cite_source(source=roster, record=data_request, actor=desk_editor)
    signed_in(client, staff_journalist)

    add_page = client.get(ADD_URL)
    assert "sensitive" not in add_page.context["adminform"].form.fields
    listing = client.get(LIST_URL)
    assert roster not in listing.context["cl"].result_list
    assert "LASD inmate roster" not in listing.content.decode()
    for path in (
        reverse("admin:requests_tracker_source_change", args=[roster.pk]),
        reverse("admin:requests_tracker_source_history", args=[roster.pk]),
    ):
        response = client.get(path, follow=True)
        assert "LASD inmate roster" not in response.content.decode(), path
    request_page = client.get(
        reverse("admin:requests_tracker_datarequest_change", args=[data_request.pk])
    )
    assert "LASD inmate roster" not in request_page.content.decode()
    picker = {
        "term": "roster",
        "app_label": "requests_tracker",
        "model_name": "datarequest_sources",
        "field_name": "source",
    }
    search = client.get(reverse("admin:autocomplete"), picker)
    assert search.status_code == 200 and search.json()["results"] == []

    signed_in(client, desk_editor)
    found = client.get(reverse("admin:autocomplete"), picker).json()["results"]
    assert [result["text"] for result in found] == ["LASD inmate roster"]
    assert "LASD inmate roster" in client.get(LIST_URL).content.decode()
