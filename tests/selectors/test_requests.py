"""The request rows every list reads (selectors.data_requests): built once per process, but each
call reads the data as it is now, and each reader meets what their role lets them."""

from __future__ import annotations

import pytest

from requests_tracker import selectors, services
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def ids(queryset):
    return sorted(row.pk for row in queryset)


def test_a_request_logged_after_a_list_was_read_is_in_the_next_list(viewer):
    first = make_request()
    assert ids(selectors.data_requests(reader=viewer)) == [first.pk]
    second = make_request()
    assert ids(selectors.data_requests(reader=viewer)) == [first.pk, second.pk]


def test_a_held_request_is_listed_for_journalists_and_not_for_viewers(viewer, journalist, editor):
    shown = make_request()
    held = make_request()
    services.set_embargo(record=held, until=None, reason="Story runs Sunday", actor=editor)
    assert ids(selectors.data_requests(reader=journalist)) == [shown.pk, held.pk]
    assert ids(selectors.data_requests(reader=viewer)) == [shown.pk]
    assert ids(selectors.data_requests(reader=journalist, with_timeline=True)) == [
        shown.pk,
        held.pk,
    ]
    assert ids(selectors.data_requests(reader=viewer, with_timeline=True)) == [shown.pk]
    assert ids(selectors.data_requests()) == [shown.pk, held.pk]
