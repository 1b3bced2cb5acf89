"""model_update, the one way a service edits a record: unknown fields refused by name, unchanged
values dropped, the record validated before it is saved, and the changed names returned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_tracker.models import Source
from requests_tracker.services.editing import model_update
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

EDITABLE = {"title", "url", "publisher", "published_on"}


def test_only_the_fields_that_differ_are_written_and_named(db) -> None:
    source = SourceFactory(title="DOJ letter", publisher="DOJ")

    changed = model_update(
        source, editable=EDITABLE, changes={"title": "DOJ letter", "publisher": "U.S. DOJ"}
    )

    assert changed == ["publisher"]
    assert Source.objects.get(pk=source.pk).publisher == "U.S. DOJ"


def test_nothing_is_validated_or_saved_when_nothing_changes(db) -> None:
    source = SourceFactory(title="DOJ letter")
    with CaptureQueriesContext(connection) as queries:
        assert model_update(source, editable=EDITABLE, changes={"title": "DOJ letter"}) == []
    assert len(queries) == 0


def test_a_field_outside_the_editable_ones_is_refused_by_name_and_nothing_is_saved(db) -> None:
    source = SourceFactory(title="DOJ letter")
    with pytest.raises(ValidationError) as error:
        model_update(source, editable=EDITABLE, changes={"title": "New", "sha256": "0" * 64})
    assert list(error.value.message_dict) == ["sha256"]
    assert Source.objects.get(pk=source.pk).title == "DOJ letter"


def test_the_edited_record_is_validated_before_it_is_saved(db) -> None:
    source = SourceFactory(url="https://news.example/a")
    with pytest.raises(ValidationError) as error:
        model_update(source, editable=EDITABLE, changes={"url": "not an address"})
    assert "url" in error.value.message_dict
    assert Source.objects.get(pk=source.pk).url == "https://news.example/a"


def test_a_callers_own_check_replaces_the_models(db) -> None:
    source = SourceFactory(published_on=dt.date(2025, 7, 17))
    checked: list[dt.date] = []

    model_update(
        source,
        editable=EDITABLE,
        changes={"published_on": dt.date(2025, 7, 18)},
        clean=lambda: checked.append(source.published_on),
    )

    assert checked == [dt.date(2025, 7, 18)], "the check sees the edited values"
