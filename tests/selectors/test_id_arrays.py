"""Filtering by ids already read, sent as one array: the rows of those ids, none for none, and
nothing but whole numbers in the array."""

from __future__ import annotations

import pytest

from requests_tracker.models import County
from requests_tracker.selectors.id_arrays import id_in
from tests.factories import CountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counties():
    return [CountyFactory(fips=f"060{n:02d}") for n in range(1, 6)]


def test_the_rows_of_the_ids_given_and_only_those(counties):
    wanted = [counties[0].pk, counties[3].pk]

    assert set(County.objects.filter(id_in("pk", wanted))) == {counties[0], counties[3]}
    assert set(County.objects.filter(id_in("pk", iter(wanted)))) == {counties[0], counties[3]}
    assert not County.objects.filter(id_in("pk", [])).exists()


def test_an_id_that_is_not_a_whole_number_is_refused_before_any_query(counties):
    with pytest.raises(ValueError):
        County.objects.filter(id_in("pk", [counties[0].pk, "1},{2"]))
