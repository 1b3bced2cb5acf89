"""add_source and cite_source: a source is stored once (with its SHA-256 when uploaded) and
cited on the records it backs."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    ActivityVerb,
    ResponseKind,
    Source,
)
from tests.services.conftest import answer, count


def test_an_uploaded_source_is_stored_with_its_sha256(db, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    content = b"%PDF-1.4 letter to Sheriff Robert G. Luna, 2025-07-17"
    letter = SimpleUploadedFile("luna-letter.pdf", content, content_type="application/pdf")

    source = services.add_source(
        title="DOJ letter to the Los Angeles County Sheriff",
        file=letter,
        kind=Source.Kind.PRIMARY_DOCUMENT,
    )

    source.refresh_from_db()
    assert source.sha256 == hashlib.sha256(content).hexdigest()
    with source.file.open("rb") as stored:
        assert stored.read() == content


def test_a_source_with_a_known_address_is_reused_not_duplicated(data_request, journalist) -> None:
    url = "https://www.justice.gov/opa/pr/letter-california-sheriffs"
    first = services.add_source(title="DOJ press release", url=url, cite_on=[data_request])
    again = services.add_source(
        title="Same release", url=url, cite_on=[data_request], actor=journalist
    )

    assert again.pk == first.pk
    assert Source.objects.filter(url=url).count() == 1
    assert list(data_request.sources.all()) == [first]
    assert count(data_request, ActivityVerb.SOURCE_ADDED) == 1


def test_citing_a_source_on_a_response_records_it_on_the_request_timeline(data_request) -> None:
    response = answer(data_request, ResponseKind.PUBLIC_STATEMENT, dt.date(2025, 7, 18))
    source = services.add_source(
        title="Sheriff says the department does not ask immigration status",
        url="https://news.example/luna",
        cite_on=[response],
    )
    assert list(response.sources.all()) == [source]
    added = Activity.objects.get(verb=ActivityVerb.SOURCE_ADDED)
    assert (added.request, added.response) == (data_request, response)


def test_a_source_needs_an_address_or_a_file(db) -> None:
    with pytest.raises(ValidationError) as error:
        services.add_source(title="Hearsay")
    assert "url" in error.value.message_dict
    assert Source.objects.count() == 0
