"""watch and unwatch: one watch per user and target, starting from the newest event."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from requests_tracker import services
from requests_tracker.models import (
    Activity,
    Watch,
)


def test_a_watch_follows_exactly_one_target(data_request, viewer) -> None:
    with pytest.raises(ValidationError):
        services.watch(user=viewer)
    with pytest.raises(ValidationError):
        services.watch(user=viewer, county=data_request.county, data_request=data_request)
    assert Watch.objects.count() == 0


def test_watching_twice_keeps_one_watch_and_updates_its_frequency(data_request, viewer) -> None:
    first = services.watch(user=viewer, data_request=data_request)
    again = services.watch(user=viewer, data_request=data_request, frequency=Watch.Frequency.HOURLY)

    assert again.pk == first.pk
    assert Watch.objects.get().frequency == Watch.Frequency.HOURLY


def test_a_new_watch_starts_from_the_newest_event_not_the_backlog(data_request, viewer) -> None:
    newest = Activity.objects.order_by("-created_at", "-id").first()
    item = services.watch(user=viewer, county=data_request.county)
    assert item.last_sent_activity == newest


def test_unwatching_removes_the_watch(data_request, viewer) -> None:
    item = services.watch(user=viewer, county=data_request.county)
    other = services.watch(user=viewer, data_request=data_request)

    services.unwatch(watch=item)

    assert list(Watch.objects.all()) == [other]
